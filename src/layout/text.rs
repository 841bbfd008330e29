//! Line breaking: styled inline text → justified lines of glyph runs.
//!
//! The text is cut into words at the break opportunities of Unicode's line
//! breaking algorithm (UAX #14), each word is shaped, and lines are filled
//! first-fit and justified by stretching the word spaces. A word wider
//! than the line is split between two characters rather than overflow.

use super::shape::Shaper;
use super::{Item, LinkTarget, PlacedGlyph, Rect, TextRun};
use crate::fonts::FaceRole;
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
}

/// A part of a word in one style, shaped.
#[derive(Debug, Clone)]
struct Part {
    style_index: usize,
    glyphs: Vec<PlacedGlyph>,
    width: f32,
}

/// A word (an unbreakable box) and the space after it.
#[derive(Debug, Clone)]
struct Word {
    parts: Vec<Part>,
    width: f32,
    /// Width of the following space (0 if none), and the style it has.
    space: f32,
    space_style: usize,
    /// A forced break follows.
    forced: bool,
}

/// Breaks styled text into lines.
pub fn break_lines(pieces: &[Piece], shaper: &mut Shaper, options: &LineOptions) -> Vec<Line> {
    let styles: Vec<Style> = pieces.iter().map(|p| p.style.clone()).collect();
    let words = make_words(pieces, shaper, options.width);
    if words.is_empty() {
        return Vec::new();
    }

    // First fit: fill each line with as many words as fit.
    let mut lines: Vec<(usize, usize)> = Vec::new();
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
        lines.push((start, end));
        start = end;
    }

    let count = lines.len();
    lines
        .into_iter()
        .enumerate()
        .map(|(i, (start, end))| {
            let indent = if i == 0 { options.first_indent } else { 0.0 };
            let last = i + 1 == count || words[end - 1].forced;
            set_line(
                &words[start..end],
                &styles,
                shaper,
                indent,
                options.width - indent,
                options.justify && !last,
            )
        })
        .collect()
}

/// Cuts the text into words at UAX #14 opportunities and shapes them.
fn make_words(pieces: &[Piece], shaper: &mut Shaper, max_width: f32) -> Vec<Word> {
    let mut full = String::new();
    let mut piece_starts = Vec::with_capacity(pieces.len());
    for piece in pieces {
        piece_starts.push(full.len());
        full.push_str(&piece.text);
    }
    let style_at = |offset: usize| match piece_starts.binary_search(&offset) {
        Ok(i) => {
            // Several pieces may start here if some are empty: take the last
            // empty one's successor.
            let mut i = i;
            while i + 1 < piece_starts.len() && piece_starts[i + 1] == offset {
                i += 1;
            }
            i
        }
        Err(i) => i - 1,
    };

    let mut words = Vec::new();
    let mut previous = 0;
    for (end, opportunity) in linebreaks(&full) {
        let segment = &full[previous..end];
        let content = segment.trim_end_matches([' ', '\n', '\t', '\r']);
        let content_end = previous + content.len();
        let forced = opportunity == BreakOpportunity::Mandatory && end < full.len()
            || segment.ends_with('\n') && end <= full.len() && segment.contains('\n');
        let mut word = Word {
            parts: Vec::new(),
            width: 0.0,
            space: 0.0,
            space_style: style_at(previous.min(full.len().saturating_sub(1))),
            forced,
        };
        // Split the content at style boundaries and shape each part.
        let mut offset = previous;
        while offset < content_end {
            let index = style_at(offset);
            let piece_end = piece_starts
                .get(index + 1)
                .copied()
                .unwrap_or(full.len())
                .min(content_end);
            let text = &full[offset..piece_end];
            let style = &pieces[index].style;
            let shaped = shaper.shape(style.face, text);
            let glyphs: Vec<PlacedGlyph> = shaped
                .glyphs
                .iter()
                .map(|g| PlacedGlyph {
                    id: g.id,
                    advance: g.advance * style.size,
                    rise: g.y_offset * style.size + style.rise,
                    text: g.text.clone(),
                })
                .collect();
            let width = shaped.width * style.size;
            word.width += width;
            word.parts.push(Part {
                style_index: index,
                glyphs,
                width,
            });
            offset = piece_end;
        }
        let spaces = &full[content_end..end];
        let space_count = spaces.chars().filter(|&c| c == ' ' || c == '\t').count();
        if space_count > 0 {
            let index = style_at(content_end);
            word.space_style = index;
            let style = &pieces[index].style;
            word.space = shaper.metrics(style.face).space * style.size;
        }
        previous = end;
        if word.parts.is_empty() {
            // Only white space: let the previous word carry the space/break.
            if let Some(last) = words.last_mut() {
                let last: &mut Word = last;
                last.forced |= word.forced;
                if last.space == 0.0 {
                    last.space = word.space;
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
    words
}

/// Splits a word wider than the line between glyph clusters, so it can
/// never run past the margin (a long URL, a giant compound).
fn split_wide_word(word: Word, max_width: f32) -> Vec<Word> {
    let mut out = Vec::new();
    let mut current = Word {
        parts: Vec::new(),
        width: 0.0,
        space: 0.0,
        space_style: word.space_style,
        forced: false,
    };
    for part in word.parts {
        let mut piece = Part {
            style_index: part.style_index,
            glyphs: Vec::new(),
            width: 0.0,
        };
        for glyph in part.glyphs {
            // Only break before the first glyph of a cluster.
            let starts_cluster = !glyph.text.is_empty();
            if starts_cluster
                && current.width + piece.width + glyph.advance > max_width
                && (current.width + piece.width) > 0.0
            {
                if !piece.glyphs.is_empty() {
                    current.width += piece.width;
                    current.parts.push(std::mem::replace(
                        &mut piece,
                        Part {
                            style_index: part.style_index,
                            glyphs: Vec::new(),
                            width: 0.0,
                        },
                    ));
                }
                out.push(std::mem::replace(
                    &mut current,
                    Word {
                        parts: Vec::new(),
                        width: 0.0,
                        space: 0.0,
                        space_style: word.space_style,
                        forced: false,
                    },
                ));
            }
            piece.width += glyph.advance;
            piece.glyphs.push(glyph);
        }
        if !piece.glyphs.is_empty() {
            current.width += piece.width;
            current.parts.push(piece);
        }
    }
    current.space = word.space;
    current.forced = word.forced;
    out.push(current);
    out
}

/// Places the words of one line, stretching spaces when justifying.
fn set_line(
    words: &[Word],
    styles: &[Style],
    shaper: &mut Shaper,
    indent: f32,
    width: f32,
    justify: bool,
) -> Line {
    let gaps = words.len().saturating_sub(1);
    let natural: f32 = words.iter().map(|w| w.width).sum::<f32>()
        + words[..gaps].iter().map(|w| w.space).sum::<f32>();
    // Only real word spaces stretch; a break after `/` or `-` has none.
    let spaces = words[..gaps].iter().filter(|w| w.space > 0.0).count();
    let stretch = if justify && spaces > 0 && natural < width {
        (width - natural) / spaces as f32
    } else {
        0.0
    };

    let mut runs: Vec<TextRun> = Vec::new();
    let mut links: Vec<(Rect, LinkTarget)> = Vec::new();
    let mut strikes: Vec<Item> = Vec::new();
    let mut x = indent;
    let mut size: f32 = 0.0;
    let push_glyphs =
        |runs: &mut Vec<TextRun>, style: &Style, x: f32, glyphs: Vec<PlacedGlyph>| match runs
            .last_mut()
        {
            Some(run)
                if run.face == style.face
                    && run.size == style.size
                    && run.gray == style.gray
                    && (run.x + run.width() - x).abs() < 0.001 =>
            {
                run.glyphs.extend(glyphs)
            }
            _ => runs.push(TextRun {
                x,
                y: 0.0,
                face: style.face,
                size: style.size,
                gray: style.gray,
                glyphs,
            }),
        };
    for (i, word) in words.iter().enumerate() {
        for part in &word.parts {
            let style = &styles[part.style_index];
            size = size.max(style.size);
            let ascent = style.size * 0.75;
            if let Some(target) = &style.link {
                extend_link(
                    &mut links,
                    target,
                    Rect {
                        x,
                        y: -ascent,
                        w: part.width,
                        h: style.size,
                    },
                );
            }
            if style.strike {
                strikes.push(Item::Line {
                    from: (x, -style.size * 0.25),
                    to: (x + part.width, -style.size * 0.25),
                    width: style.size * 0.05,
                    gray: style.gray,
                });
            }
            push_glyphs(&mut runs, style, x, part.glyphs.clone());
            x += part.width;
        }
        if i < gaps && word.space > 0.0 {
            let style = &styles[word.space_style];
            let advance = word.space + stretch;
            // The space is drawn as a glyph so text extraction sees words.
            let space = shaper.shape(style.face, " ");
            if let Some(glyph) = space.glyphs.first() {
                let glyph = PlacedGlyph {
                    id: glyph.id,
                    advance,
                    rise: 0.0,
                    text: " ".into(),
                };
                push_glyphs(&mut runs, style, x, vec![glyph]);
            }
            // A link's area spans the spaces inside it.
            let next_link = words[i + 1]
                .parts
                .first()
                .and_then(|p| styles[p.style_index].link.as_ref());
            if let (Some(target), Some(next)) = (&style.link, next_link)
                && target == next
            {
                extend_link(
                    &mut links,
                    target,
                    Rect {
                        x,
                        y: -style.size * 0.75,
                        w: advance,
                        h: style.size,
                    },
                );
            }
            x += advance;
        }
    }
    let mut items: Vec<Item> = runs.into_iter().map(Item::Text).collect();
    items.extend(strikes);
    items.extend(
        links
            .into_iter()
            .map(|(rect, target)| Item::Link { rect, target }),
    );
    Line {
        items,
        natural_width: natural + indent,
        width: x,
        size,
    }
}

fn extend_link(links: &mut Vec<(Rect, LinkTarget)>, target: &LinkTarget, rect: Rect) {
    if let Some((last, last_target)) = links.last_mut()
        && last_target == target
        && (last.x + last.w - rect.x).abs() < 0.01
    {
        last.w += rect.w;
        return;
    }
    links.push((rect, target.clone()));
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
        };
        let lines = break_lines(&plain("ett\ntvå"), &mut shaper, &options);
        assert_eq!(lines.len(), 2);
        assert_eq!(line_text(&lines[0]), "ett");
    }
}
