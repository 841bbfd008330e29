//! GitHub's emoji shortcodes (`:heavy_check_mark:`, `:warning:`) → the
//! emoji they name, by the list GitHub uses (gemoji), which the `emojis`
//! crate carries.
//!
//! READMEs mark tables and notes with them; GitHub shows the emoji, and
//! so do both outputs where they can: the EPUB always (the reading
//! system has an emoji font), the PDF where one of its faces draws the
//! emoji (✔ and ⚠ are in the built-in faces, colour pictures are not),
//! else the shortcode as written. A shortcode GitHub does not know is
//! text.

use crate::diag::Span;
use crate::model::Inline;

/// Turns the shortcodes of one inline list (and of the lists inside it)
/// into emoji, in place.
pub fn lift(inlines: &mut Vec<Inline>) {
    for inline in inlines.iter_mut() {
        match inline {
            Inline::Emph(children, _)
            | Inline::Strong(children, _)
            | Inline::Strike(children, _)
            | Inline::Link {
                content: children, ..
            }
            | Inline::Span {
                content: children, ..
            } => lift(children),
            _ => {}
        }
    }
    // Most text has no colon: spare it the rebuilding.
    if !inlines
        .iter()
        .any(|inline| matches!(inline, Inline::Text(text, _) if text.contains(':')))
    {
        return;
    }
    let mut out = Vec::with_capacity(inlines.len());
    for inline in std::mem::take(inlines) {
        match inline {
            Inline::Text(text, span) if text.contains(':') => split(&text, span, &mut out),
            other => out.push(other),
        }
    }
    *inlines = out;
}

/// Pushes `text` as text and emoji.
fn split(text: &str, span: Span, out: &mut Vec<Inline>) {
    // The span of a part of the text: exact when the text is the source
    // as written, else the whole text's (entities were decoded).
    let exact = span.end - span.start == text.len();
    let part = |from: usize, to: usize| {
        if exact {
            Span::new(span.start + from..span.start + to)
        } else {
            span
        }
    };
    let mut written = 0;
    let mut from = 0;
    while let Some(open) = text[from..].find(':').map(|at| from + at) {
        let Some(close) = text[open + 1..].find(':').map(|at| open + 1 + at) else {
            break;
        };
        let name = &text[open + 1..close];
        // Delimited like a word, as GitHub reads them: not in `12:30:45`
        // or `std::io::stdin`.
        let apart = |c: Option<char>| !c.is_some_and(|c| c.is_alphanumeric());
        let emoji = (!name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'+' | b'-'))
            && apart(text[..open].chars().next_back())
            && apart(text[close + 1..].chars().next()))
        .then(|| emojis::get_by_shortcode(name))
        .flatten();
        let Some(emoji) = emoji else {
            // The closing colon may open the next shortcode.
            from = close;
            continue;
        };
        if open > written {
            out.push(Inline::Text(text[written..open].into(), part(written, open)));
        }
        out.push(Inline::Emoji {
            emoji: emoji.as_str().into(),
            shortcode: name.into(),
            span: part(open, close + 1),
        });
        written = close + 1;
        from = written;
    }
    if written < text.len() {
        out.push(Inline::Text(text[written..].into(), part(written, text.len())));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lifted(text: &str) -> Vec<Inline> {
        let mut inlines = vec![Inline::Text(text.into(), Span::new(10..10 + text.len()))];
        lift(&mut inlines);
        inlines
    }

    #[test]
    fn shortcodes_become_emoji_and_other_colons_stay_text() {
        let inlines = lifted("Git :heavy_check_mark: and :x::warning: done");
        let emoji: Vec<(&str, &str, Span)> = inlines
            .iter()
            .filter_map(|inline| match inline {
                Inline::Emoji {
                    emoji,
                    shortcode,
                    span,
                } => Some((emoji.as_str(), shortcode.as_str(), *span)),
                _ => None,
            })
            .collect();
        assert_eq!(
            emoji,
            [
                ("✔️", "heavy_check_mark", Span::new(14..32)),
                ("❌", "x", Span::new(37..40)),
                ("⚠️", "warning", Span::new(40..49)),
            ]
        );
        assert_eq!(crate::model::plain_text(&inlines), "Git ✔️ and ❌⚠️ done");
        for text in ["at 12:30:45", "std::io::stdin", "a :not_an_emoji: b", "ratio 1:x:2"] {
            assert_eq!(lifted(text).len(), 1, "{text}");
        }
    }
}
