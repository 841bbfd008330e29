//! Line breaking: styled inline text → justified lines of glyph runs.
//!
//! The text is cut into words at the break opportunities of Unicode's line
//! breaking algorithm (UAX #14) and each word is shaped whole (kerning and
//! ligatures stay intact). Justified text is broken by the total-fit
//! algorithm in [`super::breaking`], each word hyphenated with the TeX
//! patterns of its own language (a span's or the paragraph's); ragged text (headings, captions, table cells) is
//! filled first-fit. A word wider than the line is split between two
//! characters rather than overflow.
//!
//! Right-to-left text follows the Unicode bidirectional algorithm (UAX #9,
//! `unicode-bidi`): a paragraph's direction comes from its first strong
//! character, each run is shaped in its own direction, lines are broken in
//! logical order and each line's glyphs are then put in visual order
//! (rule L2), a right-to-left paragraph set flush right.

use super::breaking::{self, Element, INFINITY, Params};
use super::shape::Shaper;
use super::{Item, LinkTarget, PlacedGlyph, Rect, Tag, TextRun};
use crate::fonts::{FaceRole, is_cjk};
use unicode_linebreak::{BreakOpportunity, linebreaks};

/// How a piece of text is set.
#[derive(Debug, Clone, PartialEq)]
pub struct Style {
    /// The face.
    pub face: FaceRole,
    /// Size in points.
    pub size: f32,
    /// Baseline shift in points (superscript footnote markers).
    pub rise: f32,
    /// Gray level, 0 black.
    pub gray: f32,
    /// A link the text belongs to.
    pub link: Option<LinkTarget>,
    /// Struck through.
    pub strike: bool,
    /// The structure node the text belongs to.
    pub tag: Tag,
    /// The piece is a picture set in the line like a letter (its text is
    /// one U+FFFC, the object replacement character).
    pub image: Option<std::sync::Arc<InlineImage>>,
    /// The hyphenation patterns of the text's language; `None` for a
    /// language we have none for, whose words are not hyphenated.
    pub hyphenation: Option<Hyphenation>,
}

/// A small picture in a line of text: a badge, an icon, a symbol.
#[derive(Debug, Clone, PartialEq)]
pub struct InlineImage {
    /// The asset's URL.
    pub url: String,
    /// Its alternative text.
    pub alt: String,
    /// Size as set, in points.
    pub width: f32,
    /// Height as set, in points; its foot sits a little below the baseline.
    pub height: f32,
}

/// A piece of text in one style. `"\n"` alone is a forced line break.
#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    /// The text.
    pub text: String,
    /// How it is set.
    pub style: Style,
}

/// How lines are set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LineOptions {
    /// The width of a line.
    pub width: f32,
    /// Indent of the first line (hanging indents are done by the caller).
    pub first_indent: f32,
    /// Stretch word spaces so lines end flush right (not the last line).
    pub justify: bool,
    /// Hyphenate running text, each word with the patterns of its
    /// style's language ([`Style::hyphenation`]).
    pub hyphenate: bool,
    /// Set the text as written (code): every space is kept and drawn,
    /// indentation included, and nothing is stretched.
    pub verbatim: bool,
}

/// Languages with hyphenation patterns compiled in: the summit's
/// Swedish, and the UN languages written in scripts we hyphenate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Hyphenation {
    /// Swedish (TeX `hyph-sv`).
    Swedish,
    /// English (TeX `hyph-en-us`).
    English,
    /// French (TeX `hyph-fr`).
    French,
    /// Spanish (TeX `hyph-es`).
    Spanish,
    /// Russian (TeX `hyph-ru`).
    Russian,
}

impl Hyphenation {
    /// The patterns for a BCP 47 language tag, if we have them.
    pub fn for_lang(lang: &str) -> Option<Hyphenation> {
        let primary = lang.split('-').next().unwrap_or("").to_ascii_lowercase();
        match primary.as_str() {
            "sv" => Some(Hyphenation::Swedish),
            "en" => Some(Hyphenation::English),
            "fr" => Some(Hyphenation::French),
            "es" => Some(Hyphenation::Spanish),
            "ru" => Some(Hyphenation::Russian),
            _ => None,
        }
    }

    fn patterns(self) -> hypher::Lang {
        match self {
            Hyphenation::Swedish => hypher::Lang::Swedish,
            Hyphenation::English => hypher::Lang::English,
            Hyphenation::French => hypher::Lang::French,
            Hyphenation::Spanish => hypher::Lang::Spanish,
            Hyphenation::Russian => hypher::Lang::Russian,
        }
    }
}

/// What the line breaker did, for `--stats`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct BreakStats {
    /// Lines set.
    pub lines: usize,
    /// Lines ending with an inserted hyphen.
    pub hyphenated: usize,
    /// Paragraphs that needed the emergency pass.
    pub emergency: usize,
}

/// A set line; positions are relative to the line's start and baseline.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Line {
    /// Glyph runs, lines and link areas, baseline at y = 0.
    pub items: Vec<Item>,
    /// The natural width of the content (before justification).
    pub natural_width: f32,
    /// The width it was set to.
    pub width: f32,
    /// The largest font size on the line.
    pub size: f32,
    /// The line ends with an inserted hyphen.
    pub hyphenated: bool,
    /// The line was broken between words, at a space (which is not
    /// drawn) or a forced break.
    pub ends_at_space: bool,
    /// How far its spaces were stretched (positive) or shrunk (negative),
    /// as a fraction of their stretchability; 0 for ragged lines.
    pub ratio: f32,
    /// The mean width of its word spaces, for justified lines that have
    /// spaces and are not a paragraph's last.
    pub mean_space: Option<f32>,
    /// The paragraph is set right to left: the line is flush right, its
    /// items in visual order, so its logical end is at the left.
    pub rtl: bool,
}

/// A word (an unbreakable box but for its hyphenation points) and the
/// space after it.
#[derive(Debug, Clone)]
struct Word {
    /// The glyphs with the index of their style, in logical order (a
    /// right-to-left run's glyphs reversed from the shaper's visual order).
    glyphs: Vec<(usize, PlacedGlyph)>,
    /// The bidi embedding level of each glyph; empty when all are 0 (the
    /// left-to-right text of almost every document).
    levels: Vec<u8>,
    width: f32,
    /// Width of the following space (0 if none), and the style it has.
    space: f32,
    space_style: usize,
    /// The bidi level of that space.
    space_level: u8,
    /// How many space characters that width stands for: one in running
    /// text (a run of spaces is one word space), each of them in
    /// verbatim text.
    space_count: u16,
    /// A forced break follows.
    forced: bool,
    /// Glyph indices where a hyphen may be inserted.
    hyphen_points: Vec<usize>,
    /// The word ends with a hyphen or dash a line may break after.
    ends_with_dash: bool,
    /// A one-letter word: the space after it does not break (Swedish
    /// practice: "i", "å", "ö" never end a line).
    single_letter: bool,
    /// How far the gap after the word may stretch when it is a break
    /// between characters of Chinese or Japanese, which has no spaces:
    /// justified lines spread their slack over these gaps.
    cjk_gap: f32,
}

/// How far each gap between CJK characters may stretch, in ems: a line
/// of twenty characters can take two ems of slack at the ratio the
/// breaker accepts as loose, and the characters stay on their grid as
/// far as the slack allows (JLREQ 3.8, inter-character spacing).
const CJK_GAP_STRETCH: f32 = 0.1;

/// Breaks styled text into lines.
pub fn break_lines(pieces: &[Piece], shaper: &mut Shaper, options: &LineOptions) -> Vec<Line> {
    break_lines_with_stats(pieces, shaper, options, false).0
}

/// Breaks styled text into lines and says how it went. `rtl_default`:
/// the paragraph is right to left if its text has no strong character
/// to say (a document in Arabic, Hebrew, Persian, Urdu …).
pub fn break_lines_with_stats(
    pieces: &[Piece],
    shaper: &mut Shaper,
    options: &LineOptions,
    rtl_default: bool,
) -> (Vec<Line>, BreakStats) {
    let with_fallback;
    let pieces = if pieces.iter().all(|p| {
        p.text
            .chars()
            .all(|c| c.is_whitespace() || shaper.covers(p.style.face, c))
    }) {
        pieces
    } else {
        with_fallback = split_for_fallback(pieces, shaper);
        &with_fallback[..]
    };
    let styles: Vec<Style> = pieces.iter().map(|p| p.style.clone()).collect();
    let (words, rtl) = make_words(pieces, shaper, options, rtl_default);
    let mut stats = BreakStats::default();
    if words.is_empty() {
        return (Vec::new(), stats);
    }
    let lines = if options.justify {
        total_fit(&words, &styles, shaper, options, &mut stats)
    } else {
        first_fit(&words, options)
            .into_iter()
            .map(|range| LineSpec {
                fragments: range
                    .clone()
                    .map(|w| (w, 0, words[w].glyphs.len()))
                    .collect(),
                hyphen: false,
                stretch_spaces: false,
                ragged: true,
            })
            .collect()
    };
    let set: Vec<Line> = lines
        .into_iter()
        .enumerate()
        .map(|(i, spec)| {
            let indent = if i == 0 { options.first_indent } else { 0.0 };
            set_line(
                &spec,
                &words,
                &styles,
                shaper,
                indent,
                options.width - indent,
                rtl,
            )
        })
        .collect();
    stats.lines = set.len();
    stats.hyphenated = set.iter().filter(|l| l.hyphenated).count();
    (set, stats)
}

/// Moves the characters a piece's face lacks into pieces of their own,
/// set in the first of its substitutes that has them (see
/// [`Shaper::substitutes`]); a character no face has stays in the
/// piece's face, and is reported missing when it is shaped.
fn split_for_fallback(pieces: &[Piece], shaper: &Shaper) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::with_capacity(pieces.len());
    for piece in pieces {
        let face = piece.style.face;
        let mut start = 0;
        let mut current = face;
        for (offset, c) in piece.text.char_indices() {
            let wanted = face_for(shaper, face, c);
            if wanted != current && offset > start {
                out.push(Piece {
                    text: piece.text[start..offset].to_string(),
                    style: Style {
                        face: current,
                        ..piece.style.clone()
                    },
                });
                start = offset;
            }
            current = wanted;
        }
        out.push(Piece {
            text: piece.text[start..].to_string(),
            style: Style {
                face: current,
                ..piece.style.clone()
            },
        });
    }
    out
}

/// The face `c` is set in when its text asks for `face`: that face if it
/// has the character, else the first substitute that does.
fn face_for(shaper: &Shaper, face: FaceRole, c: char) -> FaceRole {
    if c.is_whitespace() || shaper.covers(face, c) {
        face
    } else {
        shaper
            .substitutes(face)
            .find(|&role| shaper.covers(role, c))
            .unwrap_or(face)
    }
}

/// Whether every character of `text` has a glyph in `face` or in one of
/// its substitutes (variation selectors aside: they choose between a
/// character's forms, and a face without them draws its one form).
pub fn drawable(shaper: &Shaper, face: FaceRole, text: &str) -> bool {
    text.chars()
        .filter(|c| !matches!(c, '\u{FE00}'..='\u{FE0F}'))
        .all(|c| shaper.covers(face_for(shaper, face, c), c))
}

/// The width at 1 pt of `text` set on one line in `face`, each character
/// the face lacks in the substitute that has it, as lines are set (a
/// table's column widths: measured in `face` alone, Arabic or Chinese
/// cells came out as rows of `.notdef` and were reported missing).
pub fn natural_width(shaper: &mut Shaper, face: FaceRole, text: &str) -> f32 {
    let mut width = 0.0;
    let (mut start, mut current) = (0, face);
    for (offset, c) in text.char_indices() {
        let wanted = face_for(shaper, face, c);
        if wanted != current && offset > start {
            width += shaper.shape(current, &text[start..offset]).width;
            start = offset;
        }
        current = wanted;
    }
    if start < text.len() {
        width += shaper.shape(current, &text[start..]).width;
    }
    width
}

/// One line to set: word fragments `(word, first glyph, end glyph)`.
#[derive(Debug, Clone)]
struct LineSpec {
    fragments: Vec<(usize, usize, usize)>,
    hyphen: bool,
    /// Spaces may stretch or shrink (lines of justified paragraphs).
    stretch_spaces: bool,
    /// Spaces may shrink but not stretch (a justified paragraph's last line).
    ragged: bool,
}

/// How far an inline picture's foot sits below the baseline, in ems: as
/// far as the letters' descenders, so it centres on the text.
const INLINE_IMAGE_DROP: f32 = 0.2;

/// Interword glue after Knuth's plain TeX: stretch ½, shrink ⅓ of a space.
fn space_glue(space: f32) -> Element {
    Element::Glue {
        width: space,
        stretch: space / 2.0,
        shrink: space / 3.0,
    }
}

/// How far glyphs may widen or narrow to help justify a line: 2 %, the
/// font expansion of pdfTeX's micro-typography (Hàn Thế Thành, "Micro-
/// typographic extensions to the TeX typesetting system", 2000). Part of
/// each line's slack goes into the letters, so word spaces stay even.
const EXPANSION: f32 = 0.02;

/// The cost of breaking at an inserted hyphen (TeX's `\hyphenpenalty`).
const HYPHEN_PENALTY: f32 = 100.0;

/// Total fit: the paragraph as boxes, glue and penalties, broken by
/// Knuth–Plass in up to three passes as TeX does: without hyphenation,
/// with it, and with emergency stretch.
fn total_fit(
    words: &[Word],
    styles: &[Style],
    shaper: &mut Shaper,
    options: &LineOptions,
    stats: &mut BreakStats,
) -> Vec<LineSpec> {
    // Elements and, for each, the fragment of a word it stands for.
    // Up to three elements a word (box, penalty, glue), and four more for
    // each place it may be hyphenated at.
    let capacity = words
        .iter()
        .map(|word| 3 + 4 * word.hyphen_points.len())
        .sum::<usize>()
        + 3;
    let mut elements = Vec::with_capacity(capacity);
    let mut owners: Vec<Option<(usize, usize, usize)>> = Vec::with_capacity(capacity);
    if options.first_indent > 0.0 {
        elements.push(Element::Box {
            width: options.first_indent,
        });
        owners.push(None);
    }
    for (w, word) in words.iter().enumerate() {
        let mut start = 0;
        // The word's fragments end at its hyphenation points and at its end.
        let fragments = word.hyphen_points.len() + 1;
        let ends = word
            .hyphen_points
            .iter()
            .copied()
            .chain([word.glyphs.len()]);
        let mut last_fragment = 0.0;
        for (k, point) in ends.enumerate() {
            let width: f32 = word.glyphs[start..point]
                .iter()
                .map(|(_, g)| g.advance)
                .sum();
            elements.push(Element::Box { width });
            owners.push(Some((w, start, point)));
            last_fragment = width;
            if k + 1 < fragments {
                // Each fragment's share of the word's font expansion stays
                // on the fragment's line: in glue no line may break at
                // (it follows an infinite penalty). Credited whole to the
                // space after the word, a word hyphenated across two lines
                // lent the second line shrink it did not have, and that
                // line came out overfull.
                elements.push(Element::Penalty {
                    width: 0.0,
                    cost: INFINITY,
                    flagged: false,
                });
                owners.push(None);
                elements.push(Element::Glue {
                    width: 0.0,
                    stretch: EXPANSION * width,
                    shrink: EXPANSION * width,
                });
                owners.push(None);
                let style = word.glyphs[point - 1].0;
                let (_, _, advance) = shaper.hyphen(styles[style].face);
                elements.push(Element::Penalty {
                    width: advance * styles[style].size,
                    cost: HYPHEN_PENALTY,
                    flagged: true,
                });
                owners.push(None);
            }
            start = point;
        }
        let last = w + 1 == words.len();
        if word.forced || last {
            elements.push(Element::Glue {
                width: 0.0,
                stretch: INFINITY,
                shrink: 0.0,
            });
            owners.push(None);
            elements.push(Element::Penalty {
                width: 0.0,
                cost: -INFINITY,
                flagged: false,
            });
            owners.push(None);
        } else if word.space > 0.0 {
            if word.single_letter {
                elements.push(Element::Penalty {
                    width: 0.0,
                    cost: INFINITY,
                    flagged: false,
                });
                owners.push(None);
            }
            // Interword glue, plus the expansion of the word (or its last
            // fragment) before it.
            let Element::Glue {
                width,
                stretch,
                shrink,
            } = space_glue(word.space)
            else {
                unreachable!("space_glue makes glue")
            };
            elements.push(Element::Glue {
                width,
                stretch: stretch + EXPANSION * last_fragment,
                shrink: shrink + EXPANSION * last_fragment,
            });
            owners.push(None);
        } else if word.cjk_gap > 0.0 {
            // Between CJK characters: a break as good as a space, and the
            // gap stretches to justify the line.
            elements.push(Element::Glue {
                width: 0.0,
                stretch: word.cjk_gap,
                shrink: 0.0,
            });
            owners.push(None);
        } else {
            // A break opportunity with no space: after a dash, a slash.
            elements.push(Element::Penalty {
                width: 0.0,
                cost: if word.ends_with_dash {
                    HYPHEN_PENALTY
                } else {
                    100.0
                },
                flagged: word.ends_with_dash,
            });
            owners.push(None);
        }
    }

    let width = options.width;
    let no_hyphens: Vec<Element> = elements
        .iter()
        .map(|e| match *e {
            Element::Penalty {
                flagged: true,
                cost,
                width,
            } if cost == HYPHEN_PENALTY && width > 0.0 => Element::Penalty {
                width,
                cost: INFINITY,
                flagged: true,
            },
            other => other,
        })
        .collect();
    let first = Params {
        tolerance: 200.0,
        ..Params::default()
    };
    let second = Params {
        tolerance: 400.0,
        ..Params::default()
    };
    let emergency = Params {
        tolerance: INFINITY,
        emergency_stretch: width * 0.15,
        ..Params::default()
    };
    let breaks = breaking::break_paragraph(&no_hyphens, width, &first)
        .or_else(|| breaking::break_paragraph(&elements, width, &second))
        .or_else(|| {
            stats.emergency += 1;
            breaking::break_paragraph(&elements, width, &emergency)
        });
    let Some(breaks) = breaks else {
        // Cannot happen (every box fits a line, and the emergency pass
        // accepts any line that is not overfull), but never lose text.
        return first_fit(words, options)
            .into_iter()
            .map(|range| LineSpec {
                fragments: range.map(|w| (w, 0, words[w].glyphs.len())).collect(),
                hyphen: false,
                stretch_spaces: false,
                ragged: true,
            })
            .collect();
    };

    let mut lines = Vec::with_capacity(breaks.len());
    let mut start = 0;
    for (i, brk) in breaks.iter().enumerate() {
        let fragments: Vec<(usize, usize, usize)> =
            owners[start..brk.index].iter().flatten().copied().collect();
        let last = i + 1 == breaks.len();
        let forced = fragments
            .last()
            .is_some_and(|&(w, _, to)| words[w].forced && to == words[w].glyphs.len());
        lines.push(LineSpec {
            fragments,
            hyphen: brk.hyphenated
                && matches!(elements[brk.index], Element::Penalty { width, .. } if width > 0.0),
            stretch_spaces: true,
            // The last line and lines ended by a forced break stay ragged.
            ragged: last || forced || brk.ratio >= INFINITY,
        });
        start = brk.index + 1;
    }
    lines
}

/// First fit: as many words on each line as fit.
fn first_fit(words: &[Word], options: &LineOptions) -> Vec<std::ops::Range<usize>> {
    let mut lines = Vec::new();
    let mut start = 0;
    while start < words.len() {
        let available = if lines.is_empty() {
            options.width - options.first_indent
        } else {
            options.width
        };
        let mut end = start;
        let mut width = 0.0;
        while end < words.len() {
            let word = &words[end];
            let with = if end == start {
                word.width
            } else {
                width + words[end - 1].space + word.width
            };
            if end > start && with > available + 0.01 {
                break;
            }
            width = with;
            end += 1;
            if word.forced {
                break;
            }
        }
        lines.push(start..end);
        start = end;
    }
    lines
}

/// Cuts the text into words at UAX #14 opportunities and shapes them;
/// says whether the paragraph is right to left.
fn make_words(
    pieces: &[Piece],
    shaper: &mut Shaper,
    options: &LineOptions,
    rtl_default: bool,
) -> (Vec<Word>, bool) {
    // Any word may start the first line, after its indent.
    let max_width = options.width - options.first_indent.max(0.0);
    let mut full = String::new();
    let mut piece_starts = Vec::with_capacity(pieces.len());
    for piece in pieces {
        piece_starts.push(full.len());
        full.push_str(&piece.text);
    }
    let style_at = |offset: usize| match piece_starts.binary_search(&offset) {
        Ok(i) => {
            // Several pieces start here when some are empty: take the last.
            let mut i = i;
            while i + 1 < piece_starts.len() && piece_starts[i + 1] == offset {
                i += 1;
            }
            i
        }
        Err(i) => i - 1,
    };
    let (levels, rtl) = bidi_levels(&full, rtl_default);
    let level_at = |offset: usize| levels.get(offset).copied().unwrap_or(0);

    let mut words = Vec::new();
    let mut previous = 0;
    for (end, opportunity) in linebreaks(&full) {
        let segment = &full[previous..end];
        let mut content = segment.trim_end_matches([' ', '\n', '\t', '\r']);
        if options.verbatim && content.is_empty() && words.is_empty() {
            // A code line's indentation is text: its spaces are a word.
            content = segment.trim_end_matches(['\n', '\r']);
        }
        let content_end = previous + content.len();
        let forced = opportunity == BreakOpportunity::Mandatory && end < full.len();
        let mut word = Word {
            glyphs: Vec::new(),
            levels: Vec::new(),
            width: 0.0,
            space: 0.0,
            space_style: style_at(previous.min(full.len().saturating_sub(1))),
            space_level: 0,
            space_count: 0,
            forced,
            hyphen_points: Vec::new(),
            ends_with_dash: content.ends_with(['-', '‐', '–', '—']),
            single_letter: content.chars().count() == 1
                && content.chars().all(|c| c.is_alphabetic() && !is_cjk(c)),
            cjk_gap: 0.0,
        };
        // Split the content at style boundaries and shape each part.
        let mut offset = previous;
        let mut hyphenatable = options.hyphenate;
        // The language of the word's first letters; a word whose pieces
        // are in two languages is not hyphenated.
        let mut word_lang: Option<Option<Hyphenation>> = None;
        while offset < content_end {
            let index = style_at(offset);
            let mut piece_end = piece_starts
                .get(index + 1)
                .copied()
                .unwrap_or(full.len())
                .min(content_end);
            // A run of one bidi level is shaped on its own, in its
            // direction.
            let level = level_at(offset);
            if !levels.is_empty()
                && let Some(change) = levels[offset..piece_end].iter().position(|&l| l != level)
            {
                piece_end = offset + change;
            }
            let text = &full[offset..piece_end];
            let style = &pieces[index].style;
            if let Some(image) = &style.image {
                if !levels.is_empty() {
                    word.levels.push(level);
                }
                // One box as wide as the picture, with no text of its own.
                word.glyphs.push((
                    index,
                    PlacedGlyph {
                        id: 0,
                        advance: image.width,
                        rise: 0.0,
                        text: "".into(),
                    },
                ));
                word.width += image.width;
                hyphenatable = false;
                offset = piece_end;
                continue;
            }
            hyphenatable &= *word_lang.get_or_insert(style.hyphenation) == style.hyphenation;
            hyphenatable &= style.link.is_none()
                && level == 0
                && matches!(
                    style.face,
                    FaceRole::Regular | FaceRole::Italic | FaceRole::Bold | FaceRole::BoldItalic
                );
            let rtl_run = level % 2 == 1;
            let shaped = shaper.shape_in(style.face, text, rtl_run);
            word.glyphs.reserve(shaped.glyphs.len());
            let placed = |(g, advance): (&super::shape::Glyph, f32)| {
                (
                    index,
                    PlacedGlyph {
                        id: g.id,
                        advance: advance * style.size,
                        rise: g.y_offset * style.size + style.rise,
                        text: extraction_text(g, rtl_run),
                    },
                )
            };
            let glyphs = shaped.glyphs.iter().zip(advances(&shaped.glyphs));
            // Logical order in the word, as the line breaker cuts it; the
            // line puts them back (rule L2).
            if rtl_run {
                word.glyphs.extend(glyphs.rev().map(placed));
            } else {
                word.glyphs.extend(glyphs.map(placed));
            }
            if !levels.is_empty() {
                word.levels.resize(word.glyphs.len(), level);
            }
            word.width += shaped.width * style.size;
            offset = piece_end;
        }
        if let (true, Some(Some(lang))) = (hyphenatable, word_lang) {
            word.hyphen_points = hyphen_points(content, &word.glyphs, lang, shaper);
        }
        let spaces = &full[content_end..end];
        let count = spaces.chars().filter(|&c| c == ' ' || c == '\t').count();
        if count > 0 {
            let index = style_at(content_end);
            word.space_style = index;
            word.space_level = level_at(content_end);
            let style = &pieces[index].style;
            word.space_count = if options.verbatim {
                u16::try_from(count).unwrap_or(u16::MAX)
            } else {
                1
            };
            word.space =
                shaper.metrics(style.face).space * style.size * f32::from(word.space_count);
        }
        previous = end;
        if word.glyphs.is_empty() {
            // Only white space: let the previous word carry the space/break.
            if let Some(last) = words.last_mut() {
                let last: &mut Word = last;
                last.forced |= word.forced;
                if last.space == 0.0 {
                    last.space = word.space;
                    last.space_count = word.space_count;
                }
            }
            continue;
        }
        if word.width > max_width {
            words.extend(split_wide_word(word, max_width));
        } else {
            words.push(word);
        }
    }
    // UAX #14 breaks between ideographs but never before closing
    // punctuation or after opening punctuation (classes CL, CP, OP; and
    // NS for 々 and small kana), so a word here is one character with the
    // punctuation that must stay with it: kinsoku comes with the words.
    for i in 1..words.len() {
        let (before, after) = words.split_at_mut(i);
        let word = &mut before[i - 1];
        if word.space != 0.0 || word.forced {
            continue;
        }
        let first = after[0]
            .glyphs
            .iter()
            .find_map(|(_, g)| g.text.chars().next());
        let last = word
            .glyphs
            .iter()
            .rev()
            .find_map(|(_, g)| g.text.chars().last());
        if (last.is_some_and(is_cjk) || first.is_some_and(is_cjk))
            && let Some((style, _)) = word.glyphs.last()
        {
            word.cjk_gap = CJK_GAP_STRETCH * pieces[*style].style.size;
        }
    }
    (words, rtl)
}

/// The bidi embedding level of each byte of a paragraph's text (UAX #9,
/// rules P2 to I2) and whether the paragraph is right to left: empty
/// levels when the paragraph is left to right and has no character of a
/// right-to-left script or bidi control, which spares running text in
/// Latin, Greek or Cyrillic the algorithm.
fn bidi_levels(text: &str, rtl_default: bool) -> (Vec<u8>, bool) {
    use unicode_bidi::{BidiClass, Direction, Level};
    let rtl = match unicode_bidi::get_base_direction_full(text) {
        Direction::Rtl => true,
        Direction::Ltr => false,
        Direction::Mixed => rtl_default,
    };
    // Every right-to-left letter, Arabic digit and bidi control is at
    // U+0590 or above.
    let needed = rtl
        || text.chars().any(|c| {
            c >= '\u{590}'
                && !matches!(
                    unicode_bidi::bidi_class(c),
                    BidiClass::L | BidiClass::EN | BidiClass::ON | BidiClass::WS | BidiClass::NSM
                )
        });
    if !needed {
        return (Vec::new(), false);
    }
    let base = if rtl { Level::rtl() } else { Level::ltr() };
    let info = unicode_bidi::BidiInfo::new(text, Some(base));
    (info.levels.iter().map(Level::number).collect(), rtl)
}

/// Where a word may be hyphenated, as glyph indices: only in words of
/// letters (trailing punctuation aside) with no capitals after the first
/// letter, at least two letters before the break and three after it, and
/// never inside a ligature.
fn hyphen_points(
    word: &str,
    glyphs: &[(usize, PlacedGlyph)],
    lang: Hyphenation,
    shaper: &mut Shaper,
) -> Vec<usize> {
    let core = word.trim_end_matches(|c: char| !c.is_alphabetic());
    let letters = core.chars().count();
    if letters < 5
        || !core.chars().all(char::is_alphabetic)
        || core.chars().skip(1).any(char::is_uppercase)
    {
        return Vec::new();
    }
    let lower = core.to_lowercase();
    if lower.len() != core.len() {
        return Vec::new();
    }
    // Byte offset at which each glyph's cluster starts.
    let mut starts = Vec::with_capacity(glyphs.len());
    let mut offset = 0;
    for (_, glyph) in glyphs {
        starts.push((!glyph.text.is_empty()).then_some(offset));
        offset += glyph.text.len();
    }
    let breaks = shaper.syllable_breaks(lang, &lower, |word| {
        let mut at = 0;
        let syllables: Vec<&str> = hypher::hyphenate_bounded(word, lang.patterns(), 2, 3).collect();
        syllables[..syllables.len().saturating_sub(1)]
            .iter()
            .map(|syllable| {
                at += syllable.len();
                at
            })
            .collect()
    });
    breaks
        .iter()
        .filter_map(|&at| starts.iter().position(|s| *s == Some(at)))
        .filter(|&index| index > 0)
        .collect()
}

/// Splits a word wider than the line between glyph clusters, so it can
/// never run past the margin (a long URL, a giant compound).
fn split_wide_word(word: Word, max_width: f32) -> Vec<Word> {
    let space_level = word.space_level;
    let empty = |space_style| Word {
        glyphs: Vec::new(),
        levels: Vec::new(),
        width: 0.0,
        space: 0.0,
        space_style,
        space_level,
        space_count: 0,
        forced: false,
        hyphen_points: Vec::new(),
        ends_with_dash: false,
        single_letter: false,
        cjk_gap: 0.0,
    };
    let mut out = Vec::new();
    let mut current = empty(word.space_style);
    for (i, (style, glyph)) in word.glyphs.into_iter().enumerate() {
        // Only break before the first glyph of a cluster.
        let starts_cluster = !glyph.text.is_empty();
        if starts_cluster && current.width + glyph.advance > max_width && current.width > 0.0 {
            out.push(std::mem::replace(&mut current, empty(word.space_style)));
        }
        current.width += glyph.advance;
        current.glyphs.push((style, glyph));
        if let Some(&level) = word.levels.get(i) {
            current.levels.push(level);
        }
    }
    current.space = word.space;
    current.space_count = word.space_count;
    current.forced = word.forced;
    out.push(current);
    out
}

/// Places one line's word fragments, stretching or shrinking spaces by
/// the line's adjustment ratio and adding a hyphen where it was broken.
fn set_line(
    spec: &LineSpec,
    words: &[Word],
    styles: &[Style],
    shaper: &mut Shaper,
    indent: f32,
    width: f32,
    rtl: bool,
) -> Line {
    // The ratio is measured on the line itself, so a justified line ends
    // exactly at the margin whatever pass found it (the emergency pass
    // judges lines with extra stretch that the spaces then must supply).
    // Part of the adjustment goes into the glyphs (font expansion, up to
    // EXPANSION at ratio ±1), the rest into the spaces.
    let mut ratio = 0.0;
    let mut scale = 1.0;
    let mut space_ratio = 0.0;
    if spec.stretch_spaces {
        let count = spec.fragments.len();
        let mut natural = indent;
        let mut glyphs = 0.0;
        let (mut space_stretch, mut space_shrink) = (0.0, 0.0);
        for (i, &(w, from, to)) in spec.fragments.iter().enumerate() {
            let word = &words[w];
            let width = word.glyphs[from..to]
                .iter()
                .map(|(_, g)| g.advance)
                .sum::<f32>();
            natural += width;
            glyphs += width;
            if i + 1 < count && to == word.glyphs.len() && word.space > 0.0 {
                natural += word.space;
                space_stretch += word.space / 2.0;
                space_shrink += word.space / 3.0;
            } else if i + 1 < count && to == word.glyphs.len() {
                space_stretch += word.cjk_gap;
            }
        }
        if spec.hyphen
            && let Some(&(w, _, to)) = spec.fragments.last()
            && let Some((style, _)) = words[w].glyphs.get(to.saturating_sub(1))
        {
            let hyphen = shaper.hyphen(styles[*style].face).2 * styles[*style].size;
            natural += hyphen;
            glyphs += hyphen;
        }
        let target = indent + width;
        let (stretch, shrink) = (
            space_stretch + EXPANSION * glyphs,
            space_shrink + EXPANSION * glyphs,
        );
        let change = if natural < target && stretch > 0.0 && !spec.ragged {
            ratio = (target - natural) / stretch;
            target - natural
        } else if natural > target && shrink > 0.0 {
            // The total-fit breaker may shrink a paragraph's last line too.
            ratio = ((target - natural) / shrink).max(-1.0);
            ratio * shrink
        } else {
            0.0
        };
        scale = 1.0 + ratio.clamp(-1.0, 1.0) * EXPANSION;
        let for_spaces = change - glyphs * (scale - 1.0);
        let capacity = if change >= 0.0 {
            space_stretch
        } else {
            space_shrink
        };
        if capacity > 0.0 {
            space_ratio = for_spaces / capacity;
        }
    }
    // The line's glyphs, spaces and hyphen in logical order, with their
    // bidi levels; placed below in visual order.
    let count = spec.fragments.len();
    let glyph_count: usize = spec.fragments.iter().map(|&(_, from, to)| to - from).sum();
    let bidi = spec
        .fragments
        .iter()
        .any(|&(w, _, _)| !words[w].levels.is_empty());
    let mut units: Vec<Unit> = Vec::with_capacity(glyph_count + count + 1);
    let mut levels: Vec<u8> = Vec::new();
    for (i, &(w, from, to)) in spec.fragments.iter().enumerate() {
        let word = &words[w];
        // A stretched gap between CJK characters widens the advance of
        // the glyph before it: the run goes on, one glyph offset in `TJ`.
        let gap = if spec.stretch_spaces
            && space_ratio > 0.0
            && i + 1 < count
            && to == word.glyphs.len()
            && word.space == 0.0
        {
            space_ratio * word.cjk_gap
        } else {
            0.0
        };
        for (k, (style, glyph)) in word.glyphs[from..to].iter().enumerate() {
            units.push(Unit::Glyph {
                style: *style,
                glyph,
                gap: if from + k + 1 == to { gap } else { 0.0 },
            });
            if bidi {
                levels.push(word.levels.get(from + k).copied().unwrap_or(0));
            }
        }
        // The space after a whole word, unless it ends the line.
        let ends_word = to == word.glyphs.len();
        if i + 1 < count && ends_word && word.space > 0.0 {
            let style = &styles[word.space_style];
            let glue = space_glue(word.space);
            let Element::Glue {
                stretch, shrink, ..
            } = glue
            else {
                unreachable!("space_glue makes glue")
            };
            let advance = if !spec.stretch_spaces {
                word.space
            } else if space_ratio >= 0.0 {
                word.space + space_ratio * stretch
            } else {
                word.space + space_ratio * shrink
            };
            let next_link = spec
                .fragments
                .get(i + 1)
                .and_then(|&(nw, nf, _)| words[nw].glyphs.get(nf))
                .and_then(|(s, _)| styles[*s].link.as_ref());
            let link = style.link.is_some() && style.link.as_ref() == next_link;
            // Drawn as glyphs so text extraction sees words (verbatim
            // text: every space it stands for).
            let spaces = word.space_count.max(1);
            for _ in 0..spaces {
                units.push(Unit::Space {
                    style: word.space_style,
                    advance: advance / f32::from(spaces),
                    natural: word.space / f32::from(spaces),
                    link,
                });
                if bidi {
                    levels.push(word.space_level);
                }
            }
        }
    }
    if spec.hyphen
        && let Some(&(w, _, to)) = spec.fragments.last()
        && let Some((style, _)) = words[w].glyphs.get(to.saturating_sub(1))
    {
        units.push(Unit::Hyphen { style: *style });
        if bidi {
            levels.push(levels.last().copied().unwrap_or(0));
        }
    }
    let visual: Vec<usize> = if levels.iter().any(|&level| level > 0) {
        unicode_bidi::BidiInfo::reorder_visual(unicode_bidi::Level::from_slice_unchecked(&levels))
    } else {
        Vec::new()
    };

    let mut runs: Vec<TextRun> = Vec::new();
    let mut pictures: Vec<Item> = Vec::new();
    let mut links: Vec<(Rect, LinkTarget, Tag)> = Vec::new();
    let mut strikes: Vec<Item> = Vec::new();
    // A right-to-left line is set from 0 and moved flush right at the end.
    let mut x = if rtl { 0.0 } else { indent };
    let mut natural = indent;
    let mut size: f32 = 0.0;
    // Where the last run ends: a glyph set there in the same style
    // continues it.
    let mut run_end = f32::NAN;
    let mut push_glyph = |runs: &mut Vec<TextRun>, style: &Style, x: f32, glyph: PlacedGlyph| {
        let end = x + glyph.advance;
        match runs.last_mut() {
            Some(run)
                if run.face == style.face
                    && run.size == style.size
                    && run.gray == style.gray
                    && run.tag == style.tag
                    && (run_end - x).abs() < 0.001 =>
            {
                run.glyphs.push(glyph)
            }
            _ => {
                // Most lines are one run: room for the words and spaces.
                let mut glyphs = Vec::with_capacity(glyph_count + count + 1);
                glyphs.push(glyph);
                runs.push(TextRun {
                    x,
                    y: 0.0,
                    face: style.face,
                    size: style.size,
                    gray: style.gray,
                    hscale: scale,
                    glyphs,
                    tag: style.tag,
                })
            }
        }
        run_end = end;
    };
    for k in 0..units.len() {
        let unit = &units[visual.get(k).copied().unwrap_or(k)];
        match *unit {
            Unit::Glyph { style, glyph, gap } => {
                let style = &styles[style];
                size = size.max(style.size);
                // Link areas and strikes cover the glyph as set (expanded),
                // so a link's areas join into one annotation.
                let glyph = PlacedGlyph {
                    advance: glyph.advance * scale + gap,
                    ..glyph.clone()
                };
                if let Some(target) = &style.link {
                    extend_link(
                        &mut links,
                        target,
                        style.tag,
                        Rect {
                            x,
                            y: -style.size * 0.75,
                            w: glyph.advance,
                            h: style.size,
                        },
                    );
                }
                if style.strike {
                    extend_strike(&mut strikes, style, x, glyph.advance);
                }
                x += glyph.advance;
                natural += glyph.advance - gap;
                if let Some(image) = &style.image {
                    size = size.max(image.height);
                    pictures.push(Item::Image {
                        url: image.url.clone(),
                        rect: Rect {
                            x: x - glyph.advance,
                            y: INLINE_IMAGE_DROP * style.size - image.height,
                            w: glyph.advance,
                            h: image.height,
                        },
                        alt: image.alt.clone(),
                        tag: style.tag,
                    });
                    continue;
                }
                push_glyph(&mut runs, style, x - glyph.advance, glyph);
            }
            Unit::Space {
                style,
                advance,
                natural: space,
                link,
            } => {
                let style = &styles[style];
                if let Some((id, text)) = shaper.space_glyph(style.face) {
                    push_glyph(
                        &mut runs,
                        style,
                        x,
                        PlacedGlyph {
                            id,
                            advance,
                            rise: 0.0,
                            text,
                        },
                    );
                }
                if let (true, Some(target)) = (link, &style.link) {
                    extend_link(
                        &mut links,
                        target,
                        style.tag,
                        Rect {
                            x,
                            y: -style.size * 0.75,
                            w: advance,
                            h: style.size,
                        },
                    );
                }
                x += advance;
                natural += space;
            }
            Unit::Hyphen { style } => {
                let style = &styles[style];
                let (id, text, advance) = shaper.hyphen(style.face);
                let advance = advance * style.size * scale;
                push_glyph(
                    &mut runs,
                    style,
                    x,
                    PlacedGlyph {
                        id,
                        advance,
                        rise: 0.0,
                        text: text.into(),
                    },
                );
                x += advance;
                natural += advance;
            }
        }
    }
    let spaces: Vec<f32> = runs
        .iter()
        .flat_map(|run| &run.glyphs)
        .filter(|g| &*g.text == " ")
        .map(|g| g.advance)
        .collect();
    let mean_space = (spec.stretch_spaces && !spec.ragged && !spaces.is_empty())
        .then(|| spaces.iter().sum::<f32>() / spaces.len() as f32);
    let mut items: Vec<Item> = runs.into_iter().map(Item::Text).collect();
    items.extend(pictures);
    items.extend(strikes);
    items.extend(
        links
            .into_iter()
            .map(|(rect, target, tag)| Item::Link { rect, target, tag }),
    );
    if rtl {
        // Flush right, the first line's indent at the right.
        let shift = width - x;
        items = items
            .into_iter()
            .map(|item| item.translated(shift, 0.0))
            .collect();
        x += shift;
    }
    Line {
        items,
        natural_width: natural,
        width: x,
        size,
        hyphenated: spec.hyphen,
        ends_at_space: !spec.hyphen
            && spec.fragments.last().is_some_and(|&(w, _, to)| {
                to == words[w].glyphs.len() && (words[w].space > 0.0 || words[w].forced)
            }),
        ratio,
        mean_space,
        rtl,
    }
}

/// What a line draws, in logical order, before it is placed.
enum Unit<'w> {
    /// A glyph of a word, with its style.
    /// `gap`: the stretch of the gap between CJK characters after it.
    Glyph {
        style: usize,
        glyph: &'w PlacedGlyph,
        gap: f32,
    },
    /// A word space (one of several in verbatim text): its advance as
    /// set and its natural width; `link` when the link before it goes on
    /// after it.
    Space {
        style: usize,
        advance: f32,
        natural: f32,
        link: bool,
    },
    /// The hyphen of a line broken inside a word.
    Hyphen { style: usize },
}

fn extend_strike(strikes: &mut Vec<Item>, style: &Style, x: f32, width: f32) {
    let y = -style.size * 0.25;
    if let Some(Item::Line { to, .. }) = strikes.last_mut()
        && (to.0 - x).abs() < 0.01
        && (to.1 - y).abs() < 0.01
    {
        to.0 = x + width;
        return;
    }
    strikes.push(Item::Line {
        from: (x, y),
        to: (x + width, y),
        width: style.size * 0.05,
        gray: style.gray,
    });
}

fn extend_link(
    links: &mut Vec<(Rect, LinkTarget, Tag)>,
    target: &LinkTarget,
    tag: Tag,
    rect: Rect,
) {
    if let Some((last, last_target, last_tag)) = links.last_mut()
        && last_target == target
        && *last_tag == tag
        && (last.x + last.w - rect.x).abs() < 0.01
    {
        last.w += rect.w;
        return;
    }
    links.push((rect, target.clone(), tag));
}

/// The text a glyph copies out as (its ToUnicode entry in the PDF).
///
/// A glyph standing for several characters in a right-to-left run (the
/// ligature لله, in الله and عبدالله) gets them in reverse order: text
/// extractors (poppler, pdf.js) lay a glyph's characters out left to
/// right and then reorder the right-to-left line, which turns them
/// around once more. In logical order they copied out as اهلل.
fn extraction_text(glyph: &super::shape::Glyph, rtl: bool) -> std::sync::Arc<str> {
    if rtl && glyph.text.chars().nth(1).is_some() {
        glyph.text.chars().rev().collect::<String>().into()
    } else {
        glyph.text.clone()
    }
}

/// The advance each glyph of a shaped word is set with.
///
/// A glyph is drawn where the pen stands, so the offset a font attaches a
/// mark with (an Arabic vowel, a combining accent) goes into the
/// advances: the glyph before it moves the pen on by the offset, the mark
/// takes it back. Their sum stays the word's width.
fn advances(
    glyphs: &[super::shape::Glyph],
) -> impl DoubleEndedIterator<Item = f32> + ExactSizeIterator + '_ {
    glyphs.iter().enumerate().map(|(i, g)| {
        let own = if i == 0 { 0.0 } else { g.x_offset };
        let next = glyphs.get(i + 1).map_or(0.0, |n| n.x_offset);
        g.advance + next - own
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::FontSet;

    fn plain(text: &str) -> Vec<Piece> {
        vec![Piece {
            text: text.into(),
            style: Style {
                face: FaceRole::Regular,
                size: 10.0,
                rise: 0.0,
                gray: 0.0,
                link: None,
                strike: false,
                tag: Tag::Artifact,
                image: None,
                hyphenation: None,
            },
        }]
    }

    fn line_text(line: &Line) -> String {
        line.items
            .iter()
            .filter_map(|i| match i {
                Item::Text(run) => Some(run.text()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn justified_lines_fill_the_measure_and_keep_every_word() {
        let fonts = FontSet::built_in();
        let mut shaper = Shaper::new(&fonts);
        let text = "Syftet med mötet är att utvärdera vilka framsteg som gjorts och \
                    framförallt att utvärdera framgångsrika initiativ.";
        let options = LineOptions {
            width: 150.0,
            first_indent: 0.0,
            justify: true,
            hyphenate: false,
            verbatim: false,
        };
        let lines = break_lines(&plain(text), &mut shaper, &options);
        assert!(lines.len() > 2);
        for line in &lines[..lines.len() - 1] {
            assert!((line.width - 150.0).abs() < 0.01, "{}", line.width);
        }
        for line in &lines {
            assert!(line.width <= 150.0 + 0.01);
        }
        let joined: Vec<String> = lines.iter().map(line_text).collect();
        assert_eq!(joined.join(" "), text);
    }

    #[test]
    fn an_unbreakable_word_is_split_not_overflowing() {
        let fonts = FontSet::built_in();
        let mut shaper = Shaper::new(&fonts);
        let text =
            "https://www.un.org/millenniumgoals/bakgrund/en-mycket-lång-adress-utan-mellanslag";
        let options = LineOptions {
            width: 80.0,
            first_indent: 0.0,
            justify: true,
            hyphenate: false,
            verbatim: false,
        };
        let lines = break_lines(&plain(text), &mut shaper, &options);
        assert!(lines.len() > 1);
        for line in &lines {
            assert!(line.width <= 80.01, "{}", line.width);
        }
        let joined: String = lines.iter().map(line_text).collect();
        assert_eq!(joined, text);
    }

    #[test]
    fn forced_breaks_end_lines() {
        let fonts = FontSet::built_in();
        let mut shaper = Shaper::new(&fonts);
        let options = LineOptions {
            width: 300.0,
            first_indent: 0.0,
            justify: true,
            hyphenate: false,
            verbatim: false,
        };
        let lines = break_lines(&plain("ett\ntvå"), &mut shaper, &options);
        assert_eq!(lines.len(), 2);
        assert_eq!(line_text(&lines[0]), "ett");
    }

    #[test]
    fn mixed_runs_are_set_in_visual_order_flush_right() {
        // Libertine has Hebrew: a right-to-left paragraph (its first
        // strong letter) with a Latin word and a number inside.
        let fonts = FontSet::built_in();
        let mut shaper = Shaper::new(&fonts);
        let options = LineOptions {
            width: 300.0,
            first_indent: 0.0,
            justify: false,
            hyphenate: false,
            verbatim: false,
        };
        let text = "שלום abc 123 עולם";
        let lines = break_lines(&plain(text), &mut shaper, &options);
        assert_eq!(lines.len(), 1);
        let line = &lines[0];
        assert!(line.rtl);
        // Read left to right as drawn: the Hebrew words reversed and in
        // swapped places; the Latin word and the number after it (a
        // European number after a Latin letter is Latin, rule W7) left
        // to right.
        let mut glyphs: Vec<(f32, String)> = Vec::new();
        for item in &line.items {
            if let Item::Text(run) = item {
                let mut x = run.x;
                for glyph in &run.glyphs {
                    glyphs.push((x, glyph.text.to_string()));
                    x += glyph.advance;
                }
            }
        }
        glyphs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let visual: String = glyphs.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(visual, "םלוע abc 123 םולש");
        // Ragged, yet flush right.
        assert!((line.width - 300.0).abs() < 0.01, "{}", line.width);
        let left = glyphs[0].0;
        assert!(left > 100.0, "the line starts at the right, not at {left}");
    }

    #[test]
    fn marks_stand_where_the_font_attaches_them_with_texts_of_their_own() {
        // The Arabic face attaches its vowel marks with an x offset from
        // the pen; drawn at the pen itself, a kasra lands under the
        // letter beside its own.
        let fonts = FontSet::built_in();
        let mut shaper = Shaper::new(&fonts);
        let word = "بِسْمِ";
        let shaped = shaper.shape_in(FaceRole::Arabic, word, true);
        assert!(
            shaped.glyphs.iter().skip(1).any(|g| g.x_offset.abs() > 0.01),
            "the face should attach a mark with an x offset"
        );
        let mut pen = 0.0;
        let mut expected: Vec<(u16, f32)> = shaped
            .glyphs
            .iter()
            .enumerate()
            .map(|(i, g)| {
                let x = pen + if i == 0 { 0.0 } else { g.x_offset };
                pen += g.advance;
                (g.id, x * 10.0)
            })
            .collect();
        let mut pieces = plain(word);
        pieces[0].style.face = FaceRole::Arabic;
        let options = LineOptions {
            width: 300.0,
            first_indent: 0.0,
            justify: false,
            hyphenate: false,
            verbatim: false,
        };
        let lines = break_lines(&pieces, &mut shaper, &options);
        let mut drawn = Vec::new();
        let mut texts = String::new();
        for item in &lines[0].items {
            if let Item::Text(run) = item {
                let mut x = run.x;
                for glyph in &run.glyphs {
                    drawn.push((glyph.id, x));
                    texts.push_str(&glyph.text);
                    x += glyph.advance;
                }
            }
        }
        // Each mark has a glyph and a text of its own (a kasra stands
        // under many letters, and a font's ToUnicode map gives a glyph one
        // text), drawn in visual order.
        assert_eq!(texts, "ِمْسِب");
        let left = drawn.iter().map(|d| d.1).fold(f32::MAX, f32::min);
        let mut drawn: Vec<(u16, f32)> = drawn.iter().map(|&(id, x)| (id, x - left)).collect();
        drawn.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        expected.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        assert_eq!(drawn.len(), expected.len());
        for ((id, x), (want_id, want_x)) in drawn.iter().zip(&expected) {
            assert_eq!(id, want_id);
            assert!((x - want_x).abs() < 0.01, "glyph {id} at {x} not {want_x}");
        }
    }

    #[test]
    fn left_to_right_text_needs_no_bidi_levels() {
        assert_eq!(
            bidi_levels("Toppmötet 2010 – Ελλάδα, Россия", false),
            (vec![], false)
        );
        let (levels, rtl) = bidi_levels("2010", true);
        assert!(rtl && levels.iter().all(|&l| l == 2), "{levels:?}");
    }

    #[test]
    fn a_giant_first_word_fits_beside_the_indent() {
        let fonts = FontSet::built_in();
        let mut shaper = Shaper::new(&fonts);
        let options = LineOptions {
            width: 120.0,
            first_indent: 15.0,
            justify: true,
            hyphenate: false,
            verbatim: false,
        };
        let lines = break_lines(&plain(&"mmmmm".repeat(40)), &mut shaper, &options);
        assert!(lines.len() > 2);
        assert!(lines[0].width <= 120.01, "{}", lines[0].width);
        for line in &lines {
            assert!(line.width <= 120.01, "{}", line.width);
        }
    }
}
