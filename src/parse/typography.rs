//! Typographic punctuation: what a typewriter keyboard gives, as a printer
//! sets it, following the language of each run of text (the document's,
//! a fenced div's or a bracketed span's).
//!
//! - quotes: `"` and `'` become the language's marks (see `marks`):
//!   ” ” and ’ ’ in Swedish (Svenska skrivregler, Språkrådet 2017, 6.3:
//!   the same mark opens and closes), “ ” and ‘ ’ in English, « » in
//!   French, Spanish and Russian, „ “ in German; a `"` inside an open `"`
//!   takes the language's inner marks where it has them (Russian « „ “ »),
//!   and a `'` that closes no quote is an apostrophe (’), so French
//!   `l'homme` keeps one; other languages keep straight quotes;
//! - French spacing (Lexique des règles typographiques en usage à
//!   l'Imprimerie nationale, 2002): a narrow no-break space (U+202F)
//!   inside « » and before ; ! ?, a no-break space (U+00A0) before :;
//!   a space typed there is replaced, a missing one is added;
//! - `--` and a spaced ` - ` become an en dash, `---` an em dash, a hyphen
//!   in a range of numbers (`14-16`, not in identifiers such as dates,
//!   telephone numbers or `Figure 4-1`) an en dash, `...` an ellipsis;
//! - digit groups (`16 000 000`) are joined by a narrow no-break space
//!   (U+202F), and a number stays on the line of its unit (`25 %`,
//!   `10 kg`) and of a preceding abbreviation (`kl. 10`, `s. 12`) through a
//!   no-break space.
//!
//! Code is never touched; Spanish ¿ and ¡ are left as written.

use crate::model::{Block, Inline};

/// A language's quotation marks.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Marks {
    /// What `"` opens and closes with.
    double: (char, char),
    /// What `'` opens and closes with.
    single: (char, char),
    /// What a `"` inside an open `"` opens and closes with, where the
    /// language nests with other marks (Russian « „ “ »); else the same.
    nested: Option<(char, char)>,
    /// French: spaces inside guillemets and before `; : ! ?`.
    french_spacing: bool,
}

/// The quotation marks of a language (primary subtag), if it has rules
/// here: Svenska skrivregler 6.3; The Chicago Manual of Style 6.9 and
/// 6.11; Imprimerie nationale (French « “ ” »); Ortografía de la lengua
/// española, RAE 2010, 3.4.8 (« “ ” »); Russian «ёлочки» with „лапки“
/// inside; German „Gänsefüßchen“ with ‚ ‘ inside (Duden).
fn marks(lang: &str) -> Option<Marks> {
    let primary = lang.split('-').next().unwrap_or("").to_ascii_lowercase();
    let marks = |double, single, nested| Marks {
        double,
        single,
        nested,
        french_spacing: false,
    };
    match primary.as_str() {
        "sv" | "fi" => Some(marks(('”', '”'), ('’', '’'), None)),
        "en" => Some(marks(('“', '”'), ('‘', '’'), None)),
        "fr" => Some(Marks {
            french_spacing: true,
            ..marks(('«', '»'), ('“', '”'), Some(('“', '”')))
        }),
        "es" => Some(marks(('«', '»'), ('“', '”'), Some(('“', '”')))),
        "ru" => Some(marks(('«', '»'), ('„', '“'), Some(('„', '“')))),
        "de" => Some(marks(('„', '“'), ('‚', '‘'), Some(('‚', '‘')))),
        _ => None,
    }
}

/// The state of quoting carried from one piece of text to the next, so
/// that `"*ord*"` closes the quote its first piece opened.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Quoting {
    /// The last character set.
    pub previous: Option<char>,
    /// Double quotes open: 0, 1, or 2 for a nested one.
    doubles: u8,
    /// A single quote is open.
    single: bool,
}

/// Units a number is kept with.
const UNITS: &[&str] = &[
    "%", "‰", "kr", "km", "m", "cm", "mm", "kg", "g", "mg", "t", "l", "dl", "cl", "ml", "h", "min",
    "s", "°C", "°", "USD", "SEK", "EUR", "kWh", "MW", "GW", "ha", "km²", "m²", "dollar",
];

/// Abbreviations a following number is kept with.
const BEFORE_NUMBER: &[&str] = &["kl.", "s.", "nr", "kap.", "ca", "ca.", "p.", "art.", "§"];

/// Applies the rules to every text of the blocks, in place; `lang` is
/// theirs, a div's blocks follow the div's.
pub fn apply(blocks: &mut [Block], lang: &str) {
    for block in blocks {
        match block {
            Block::Div {
                lang: own, blocks, ..
            } => {
                let own = own.clone();
                apply(blocks, &own);
            }
            Block::Quote { blocks, .. } => apply(blocks, lang),
            Block::List { items, .. } => {
                for item in items {
                    apply(&mut item.blocks, lang);
                }
            }
            other => {
                for run in other.inline_runs_mut() {
                    apply_inlines(run, lang, &mut Quoting::default());
                }
            }
        }
    }
}

/// Applies the rules to inlines in `lang`; `state` is carried across
/// inline boundaries (`"*ord*"` opens its quote before the emphasis).
pub fn apply_inlines(inlines: &mut [Inline], lang: &str, state: &mut Quoting) {
    for inline in inlines {
        match inline {
            Inline::Text(text, _) => {
                *text = transform_with(text, lang, state);
            }
            Inline::Code(text, _) => state.previous = text.chars().last(),
            Inline::Emph(children, _)
            | Inline::Strong(children, _)
            | Inline::Strike(children, _) => apply_inlines(children, lang, state),
            Inline::Link { content, .. } => apply_inlines(content, lang, state),
            Inline::Span {
                lang: own, content, ..
            } => {
                // The span's own quotes are its language's; the quote
                // around it stays the surrounding one's.
                let mut inner = Quoting {
                    previous: state.previous,
                    ..Quoting::default()
                };
                apply_inlines(content, own, &mut inner);
                state.previous = inner.previous;
            }
            Inline::SoftBreak(_) | Inline::HardBreak(_) => state.previous = Some(' '),
            Inline::Image(_)
            | Inline::FootnoteRef { .. }
            | Inline::Emoji { .. }
            | Inline::Html(..) => state.previous = Some('x'),
        }
    }
}

/// Applies every rule to one piece of text; `previous` is the character
/// before it.
#[cfg(test)]
fn transform(text: &str, lang: &str, previous: &mut Option<char>) -> String {
    let mut state = Quoting {
        previous: *previous,
        ..Quoting::default()
    };
    let out = transform_with(text, lang, &mut state);
    *previous = state.previous;
    out
}

/// [`transform`], carrying the whole quoting state.
fn transform_with(text: &str, lang: &str, state: &mut Quoting) -> String {
    let marks = marks(lang);
    let french = marks.is_some_and(|m| m.french_spacing);
    // Every rule starts at a quote, a hyphen, a full stop or a digit
    // (in French also at ; : ! ? « »): most pieces of prose have none.
    let starts_a_rule = text
        .bytes()
        .any(|b| matches!(b, b'"' | b'\'' | b'-' | b'.' | b'0'..=b'9'))
        || (french && text.contains([';', ':', '!', '?', '«', '»']));
    let untouched = !starts_a_rule;
    if untouched {
        if let Some(last) = text.chars().next_back() {
            state.previous = Some(last);
        }
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    let mut before = state.previous;
    // The last mark set opened a quotation: a quote right after it opens
    // too (`"'Shelob' is my name."`: double, then single, both opening).
    let mut after_opening = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let opening =
            || after_opening || before.is_none_or(|b| b.is_whitespace() || "([{–—/¿¡".contains(b));
        let mut opened = false;
        let pushed = match (c, marks) {
            ('"', Some(marks)) => {
                opened = opening();
                let nested = marks.nested.unwrap_or(marks.double);
                if opened {
                    state.doubles = (state.doubles + 1).min(2);
                    if state.doubles == 2 {
                        nested.0
                    } else {
                        marks.double.0
                    }
                } else {
                    let inner = state.doubles == 2;
                    state.doubles = state.doubles.saturating_sub(1);
                    if inner { nested.1 } else { marks.double.1 }
                }
            }
            ('\'', Some(marks)) => {
                // An apostrophe inside or after a word closes; one that
                // starts a word before a digit is an elision ('90).
                opened = opening() && !next.is_some_and(|n| n.is_ascii_digit());
                if opened {
                    state.single = true;
                    marks.single.0
                } else if std::mem::take(&mut state.single) {
                    marks.single.1
                } else {
                    '’'
                }
            }
            ('-', _) if next == Some('-') => {
                if chars.get(i + 2) == Some(&'-') {
                    i += 2;
                    '—'
                } else {
                    i += 1;
                    '–'
                }
            }
            ('-', _) if matches!(before, Some(' ' | '\t')) && matches!(next, Some(' ' | '\t')) => {
                '–'
            }
            ('-', _) if is_number_range(&chars, i) => '–',
            ('.', _) if next == Some('.') && chars.get(i + 2) == Some(&'.') => {
                i += 2;
                '…'
            }
            // Both rules need a digit beside the space; most spaces have
            // none, and the full checks look at whole words.
            (' ', _) if near_digit(before, next) && joins_digit_group(&chars, i) => '\u{202f}',
            (' ', _) if near_digit(before, next) && keeps_number_with_neighbour(&chars, i) => {
                '\u{a0}'
            }
            (other, _) => other,
        };
        if french {
            space_before_french_mark(pushed, before, next, &mut out);
        }
        out.push(pushed);
        before = Some(pushed);
        if french && pushed == '«' {
            // The space inside the guillemet: typed or not, a narrow
            // no-break one.
            out.push('\u{202f}');
            before = Some('\u{202f}');
            while chars.get(i + 1).is_some_and(|&c| c == ' ' || c == '\u{a0}') {
                i += 1;
            }
        }
        after_opening = opened;
        i += 1;
    }
    state.previous = before;
    out
}

/// French: before `»` and `; ! ?` a narrow no-break space, before `:` a
/// no-break space, in place of a space typed there or added after a
/// word. A `:` or `?` touching a letter on both sides (`12:30`,
/// `http://`, `page?id`) is no punctuation of prose and stays as it is.
fn space_before_french_mark(
    mark: char,
    before: Option<char>,
    next: Option<char>,
    out: &mut String,
) {
    let space = match mark {
        '»' | ';' | '!' | '?' => '\u{202f}',
        ':' => '\u{a0}',
        _ => return,
    };
    match before {
        // A space that ended the previous piece of text stays.
        Some(typed @ (' ' | '\u{a0}' | '\u{202f}')) if out.ends_with(typed) => {
            out.pop();
            out.push(space);
        }
        Some(' ' | '\u{a0}' | '\u{202f}') => {}
        Some(b) if b.is_alphanumeric() || ")]”’…»".contains(b) => {
            let prose =
                mark == '»' || next.is_none_or(|n| n.is_whitespace() || "»)]!?.,;:”".contains(n));
            let time_or_address = mark == ':' && !b.is_alphabetic();
            if prose && !time_or_address {
                out.push(space);
            }
        }
        _ => {}
    }
}

fn near_digit(before: Option<char>, next: Option<char>) -> bool {
    before.is_some_and(|c| c.is_ascii_digit()) || next.is_some_and(|c| c.is_ascii_digit())
}

/// `14-16`: a range of numbers, which a printer sets with an en dash. A
/// hyphen between digits is left alone where it is part of an
/// identifier rather than a range:
/// - a longer chain of numbers: a date (`2010-09-20`), a version
///   (`1-2.3`), a telephone number (`08-123 45 67`: digit groups follow);
/// - a number with a leading zero (`08-123`, `1-05`): a code, not a count;
/// - a pair that does not ascend (`4-1`): ranges run from low to high;
/// - a number after a label (`Figure 4-5`, `Tabell 2-3`, `nr 3-4`).
fn is_number_range(chars: &[char], i: usize) -> bool {
    let digits_before = chars[..i]
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_digit())
        .count();
    let digits_after = chars[i + 1..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    if digits_before == 0 || digits_after == 0 {
        return false;
    }
    let left = &chars[i - digits_before..i];
    let right = &chars[i + 1..i + 1 + digits_after];
    let start = i - digits_before;
    let before_run = start.checked_sub(1).map(|k| chars[k]);
    let after_run = chars.get(i + 1 + digits_after).copied();
    let digit_at = |k: Option<usize>| {
        k.and_then(|k| chars.get(k))
            .is_some_and(char::is_ascii_digit)
    };
    let chained_before =
        matches!(before_run, Some('-' | '.' | ':' | '/' | ',')) && digit_at(start.checked_sub(2));
    let chained_after = matches!(after_run, Some('-' | '.' | ':' | '/' | ',' | ' '))
        && digit_at(Some(i + 2 + digits_after));
    let joined = before_run.is_some_and(|c| c.is_alphanumeric() || c == '-')
        || after_run.is_some_and(|c| c.is_alphanumeric() || c == '-');
    let value = |digits: &[char]| -> Option<u64> {
        if digits.len() > 1 && digits[0] == '0' || digits.len() > 9 {
            return None;
        }
        digits.iter().collect::<String>().parse().ok()
    };
    let ascending = matches!((value(left), value(right)), (Some(a), Some(b)) if a < b);
    ascending && !chained_before && !chained_after && !joined && !after_label(chars, start)
}

/// Words after which a number names a thing (a figure, a table, a
/// section) rather than counts: `Figure 4-5` is figure 5 of chapter 4.
const LABELS: &[&str] = &[
    "figure", "fig.", "fig", "figur", "bild", "table", "tab.", "tabell", "listing", "example",
    "exempel", "section", "avsnitt", "chapter", "kapitel", "kap.", "appendix", "bilaga", "no.",
    "nr", "nr.", "nummer", "number", "version", "ver.", "art.", "artikel", "article", "id",
];

/// The word before the number at `start` (one space between) is a label.
fn after_label(chars: &[char], start: usize) -> bool {
    let Some(end) = start
        .checked_sub(1)
        .filter(|&k| chars[k] == ' ' || chars[k] == '\u{a0}')
    else {
        return false;
    };
    let word: String = chars[..end]
        .iter()
        .rev()
        .take_while(|c| !c.is_whitespace())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    LABELS.contains(&word.to_lowercase().as_str())
}

/// A space inside a number: one to three digits before (which start the
/// number), exactly three after.
fn joins_digit_group(chars: &[char], i: usize) -> bool {
    let before = chars[..i]
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_digit())
        .count();
    let after = chars[i + 1..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    if !(1..=3).contains(&before) || after != 3 {
        return false;
    }
    let start = chars[..i - before].last();
    let start_ok = start.is_none_or(|c| !c.is_alphanumeric());
    // Years in a list ("1990 2000") would match too; require the number to
    // have been grouped before or to be grouped after.
    let grouped_before =
        start == Some(&' ') && i > before && joins_digit_group(chars, i - before - 1);
    let grouped_after = chars.get(i + 4) == Some(&' ')
        && chars[i + 5..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count()
            == 3;
    let short_head = before < 3;
    start_ok && (grouped_before || grouped_after || short_head)
}

/// A space between a number and its unit, or between an abbreviation and
/// the number it introduces.
fn keeps_number_with_neighbour(chars: &[char], i: usize) -> bool {
    let after: String = chars[i + 1..]
        .iter()
        .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | ';' | ')'))
        .collect();
    let after = after.trim_end_matches(['.', ':', '!', '?']);
    let before: String = {
        let word: Vec<char> = chars[..i]
            .iter()
            .rev()
            .take_while(|c| !c.is_whitespace())
            .copied()
            .collect();
        word.into_iter().rev().collect()
    };
    let number_before = before.chars().last().is_some_and(|c| c.is_ascii_digit());
    let number_after = after.chars().next().is_some_and(|c| c.is_ascii_digit());
    (number_before && UNITS.contains(&after))
        || (number_after && BEFORE_NUMBER.contains(&before.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sv(text: &str) -> String {
        transform(text, "sv", &mut None)
    }

    #[test]
    fn swedish_quotes_close_on_both_sides() {
        assert_eq!(
            sv("rapporten \"In Larger Freedom\"."),
            "rapporten ”In Larger Freedom”."
        );
        assert_eq!(sv("hon sa 'ja' och gick"), "hon sa ’ja’ och gick");
        assert_eq!(sv("FN's mål"), "FN’s mål");
    }

    #[test]
    fn english_quotes_open_and_close() {
        let en = transform("\"In Larger Freedom\" and 'so'", "en", &mut None);
        assert_eq!(en, "“In Larger Freedom” and ‘so’");
        assert_eq!(transform("it's", "en", &mut None), "it’s");
    }

    #[test]
    fn other_languages_keep_straight_quotes() {
        assert_eq!(transform("\"x\"", "it", &mut None), "\"x\"");
    }

    #[test]
    fn dashes_and_ellipsis() {
        assert_eq!(sv("20-22 september"), "20–22 september");
        assert_eq!(sv("2010-09-20"), "2010-09-20");
        assert_eq!(
            sv("stats- och regeringschefer"),
            "stats- och regeringschefer"
        );
        assert_eq!(sv("FN-systemet"), "FN-systemet");
        assert_eq!(sv("mål - och medel"), "mål – och medel");
        assert_eq!(sv("a -- b --- c"), "a – b — c");
        assert_eq!(sv("och så vidare..."), "och så vidare…");
    }

    /// Försäkringskassan's guideline writes one heading `3.3<tab>- Välja`
    /// beside `3.1 - Produktvalsprocessen`: both are spaced dashes.
    #[test]
    fn a_hyphen_after_a_tab_is_a_spaced_dash() {
        assert_eq!(sv("3.3\t- Välja rätt"), "3.3\t– Välja rätt");
        assert_eq!(sv("3.1 -\tProdukt"), "3.1 –\tProdukt");
    }

    #[test]
    fn numbers_stay_whole_and_with_their_units() {
        assert_eq!(
            sv("16 000 000 dollar"),
            "16\u{202f}000\u{202f}000\u{a0}dollar"
        );
        assert_eq!(sv("omkring 16 miljarder"), "omkring 16 miljarder");
        assert_eq!(sv("25 % av 300 kr"), "25\u{a0}% av 300\u{a0}kr");
        assert_eq!(sv("kl. 10 på s. 12"), "kl.\u{a0}10 på s.\u{a0}12");
        assert_eq!(sv("år 2000 2015"), "år 2000 2015");
    }

    #[test]
    fn a_quote_inside_an_opening_quote_opens() {
        let en = transform("\"'Shelob' is my name.\"", "en", &mut None);
        assert_eq!(en, "“‘Shelob’ is my name.”");
        assert_eq!(sv("\"'Shelob' heter jag.\""), "”’Shelob’ heter jag.”");
    }

    #[test]
    fn ranges_get_en_dashes_identifiers_keep_hyphens() {
        // Ranges ascend, also before punctuation.
        assert_eq!(sv("sidorna 14-16."), "sidorna 14–16.");
        assert_eq!(sv("åren 1990-1995, och"), "åren 1990–1995, och");
        // The same identifier is treated alike whatever follows it.
        let en = |t| transform(t, "en", &mut None);
        assert_eq!(
            en("Figure 4-1 and Figure 4-2."),
            "Figure 4-1 and Figure 4-2."
        );
        assert_eq!(en("see Figure 4-5, Table 2-3"), "see Figure 4-5, Table 2-3");
        // Telephone numbers, codes with leading zeros, versions, dates.
        assert_eq!(sv("Ring 08-123 45 67."), "Ring 08-123 45 67.");
        assert_eq!(sv("tel. 031-7 00 10 00"), "tel. 031-7 00 10 00");
        assert_eq!(sv("version 1-2.3"), "version 1-2.3");
        assert_eq!(sv("den 2010-09-20."), "den 2010-09-20.");
        assert_eq!(sv("ISBN 91-7054-123"), "ISBN 91-7054-123");
    }

    #[test]
    fn quotes_see_across_inline_boundaries() {
        let mut previous = None;
        let first = transform("sa \"", "en", &mut previous);
        let second = transform("hej\"", "en", &mut previous);
        assert_eq!(format!("{first}{second}"), "sa “hej”");
    }

    fn fr(text: &str) -> String {
        transform(text, "fr", &mut None)
    }

    #[test]
    fn french_guillemets_hold_narrow_no_break_spaces() {
        assert_eq!(
            fr("il dit \"bonjour\"."),
            "il dit «\u{202f}bonjour\u{202f}»."
        );
        // Typed guillemets and spaces get the same spaces.
        assert_eq!(fr("« bonjour »"), "«\u{202f}bonjour\u{202f}»");
        assert_eq!(fr("«bonjour»"), "«\u{202f}bonjour\u{202f}»");
    }

    #[test]
    fn french_punctuation_is_spaced() {
        assert_eq!(fr("Vraiment ? Oui !"), "Vraiment\u{202f}? Oui\u{202f}!");
        assert_eq!(fr("Vraiment? Oui!"), "Vraiment\u{202f}? Oui\u{202f}!");
        assert_eq!(
            fr("deux points : voici ; fin"),
            "deux points\u{a0}: voici\u{202f}; fin"
        );
        assert_eq!(fr("Note: voici"), "Note\u{a0}: voici");
        // Times, addresses and `?!` stay as written.
        assert_eq!(
            fr("à 12:30, https://un.org ?!"),
            "à 12:30, https://un.org\u{202f}?!"
        );
    }

    #[test]
    fn french_apostrophes_stay_apostrophes() {
        assert_eq!(fr("l'homme d'État"), "l’homme d’État");
    }

    #[test]
    fn spanish_quotes_leave_inverted_marks_alone() {
        let es = |t| transform(t, "es", &mut None);
        assert_eq!(es("¿Dijo \"sí\"?"), "¿Dijo «sí»?");
        assert_eq!(es("¡\"Hola\"!"), "¡«Hola»!");
        assert_eq!(es("\"el 'plan' nuevo\""), "«el “plan” nuevo»");
    }

    #[test]
    fn russian_quotes_nest_with_low_marks() {
        let ru = |t| transform(t, "ru", &mut None);
        assert_eq!(ru("\"Он сказал \"да\" вчера\""), "«Он сказал „да“ вчера»");
    }

    #[test]
    fn german_quotes_open_low() {
        let de = |t| transform(t, "de", &mut None);
        assert_eq!(
            de("Er sagte \"ja\" und 'nein'."),
            "Er sagte „ja“ und ‚nein‘."
        );
        assert_eq!(de("Peter's Buch"), "Peter’s Buch");
    }

    #[test]
    fn a_span_is_set_in_its_own_language() {
        use crate::diag::Span;
        let mut inlines = vec![
            Inline::Text("rapporten \"".into(), Span::DETACHED),
            Inline::Span {
                lang: "en".into(),
                content: vec![Inline::Text("the 'larger' freedom".into(), Span::DETACHED)],
                span: Span::DETACHED,
            },
            Inline::Text("\" kom".into(), Span::DETACHED),
        ];
        apply_inlines(&mut inlines, "sv", &mut Quoting::default());
        assert_eq!(
            crate::model::plain_text(&inlines),
            "rapporten ”the ‘larger’ freedom” kom"
        );
    }
}
