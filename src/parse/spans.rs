//! Language of parts: pandoc's bracketed spans `[text]{lang=en}` and
//! fenced divs `::: {lang=fr}` … `:::`, read from the model the
//! pulldown-cmark events made.
//!
//! pulldown-cmark 0.13 has neither (its options stop at heading
//! attributes), and both leave plain text behind it: an unmatched `[`
//! and `]{…}` are text, and a fence line is a paragraph's line. So this
//! layer works on the tree: a span is a `[` and a `]{…}` in texts of the
//! same inline list (so `[*so* far]{lang=en}` works, and a span never
//! crosses a link or an emphasis boundary); a div opens at a paragraph
//! line `::: {…}` and closes at the next line `:::` among the same
//! blocks. Only `lang` is read; `#id`, `.class` and other attributes are
//! accepted and dropped, as the back ends have no use for them.

use super::MAX_NESTING;
use crate::diag::{Diagnostic, Span};
use crate::model::{Block, Inline};

/// Reads the spans and divs of a whole body, in place.
pub fn lift(blocks: &mut Vec<Block>, warnings: &mut Vec<Diagnostic>) {
    lift_divs(blocks, 0, warnings);
    crate::model::for_each_inline_list_mut(blocks, &mut |inlines| {
        lift_spans(inlines, 0, warnings)
    });
}

/// What a paragraph line that is a fence says.
enum Fence {
    /// `::: {attributes}` or `::: class`: the attributes as written.
    Open(String),
    /// `:::`
    Close,
}

/// The fence a line of inlines is, if it is one: a text of three or more
/// colons, then attributes or a class name, then optionally colons.
fn fence(line: &[Inline]) -> Option<Fence> {
    let [Inline::Text(text, _)] = line else {
        return None;
    };
    let text = text.trim();
    let rest = text.strip_prefix(":::")?.trim_start_matches(':').trim();
    if rest.is_empty() {
        return Some(Fence::Close);
    }
    let rest = rest.trim_end_matches(':').trim_end();
    if rest.starts_with('{') && rest.ends_with('}') {
        Some(Fence::Open(rest[1..rest.len() - 1].to_string()))
    } else if !rest.contains(char::is_whitespace) {
        Some(Fence::Open(format!(".{rest}")))
    } else {
        None
    }
}

/// A div being read: its language (none: a div for classes only, whose
/// blocks go to its parent) and where its opening fence stands.
struct OpenDiv {
    lang: Option<String>,
    opened: Span,
    blocks: Vec<Block>,
}

/// Groups the blocks between fence lines into divs, in this list and in
/// every quote, list item and div below it.
fn lift_divs(blocks: &mut Vec<Block>, depth: usize, warnings: &mut Vec<Diagnostic>) {
    let has_fence = blocks.iter().any(|block| match block {
        Block::Paragraph { content, .. } => content
            .iter()
            .any(|inline| matches!(inline, Inline::Text(text, _) if text.contains(":::"))),
        _ => false,
    });
    for block in blocks.iter_mut() {
        match block {
            Block::Quote { blocks, .. } | Block::Div { blocks, .. } => {
                lift_divs(blocks, depth, warnings)
            }
            Block::List { items, .. } => {
                for item in items {
                    lift_divs(&mut item.blocks, depth, warnings);
                }
            }
            _ => {}
        }
    }
    if !has_fence {
        return;
    }
    let mut root = Vec::with_capacity(blocks.len());
    let mut open: Vec<OpenDiv> = Vec::new();
    for block in std::mem::take(blocks) {
        let Block::Paragraph { content, span } = block else {
            push_block(&mut open, &mut root, block);
            continue;
        };
        // A fence may be a paragraph of its own or a line of one: the
        // lines between fences stay paragraphs.
        let mut lines: Vec<Inline> = Vec::new();
        for line in content.split(|inline| matches!(inline, Inline::SoftBreak(_))) {
            let Some(fence) = fence(line) else {
                if !lines.is_empty() {
                    lines.push(Inline::SoftBreak(Span::DETACHED));
                }
                lines.extend_from_slice(line);
                continue;
            };
            let at = line.first().map_or(span, Inline::span);
            flush_lines(&mut lines, span, &mut open, &mut root);
            match fence {
                Fence::Open(attributes) if depth + open.len() < MAX_NESTING => {
                    let lang = lang_of(&attributes, at, warnings);
                    open.push(OpenDiv {
                        lang,
                        opened: at,
                        blocks: Vec::new(),
                    });
                }
                Fence::Open(_) => {
                    warnings.push(
                        Diagnostic::warning(
                            at,
                            format!("divs nested more than {MAX_NESTING} levels deep are ignored"),
                        )
                        .with_hint("reduce the nesting of `:::` divs"),
                    );
                    lines.extend_from_slice(line);
                    flush_lines(&mut lines, span, &mut open, &mut root);
                }
                Fence::Close => match open.pop() {
                    Some(div) => close_div(div, at.end, &mut open, &mut root),
                    None => {
                        warnings.push(Diagnostic::warning(at, "`:::` closes no div").with_hint(
                            "open the div with a line `::: {lang=xx}` or remove this line",
                        ));
                        lines.extend_from_slice(line);
                        flush_lines(&mut lines, span, &mut open, &mut root);
                    }
                },
            }
        }
        flush_lines(&mut lines, span, &mut open, &mut root);
    }
    while let Some(div) = open.pop() {
        warnings.push(
            Diagnostic::warning(div.opened, "this div is never closed with `:::`")
                .with_hint("its language runs to the end of the blocks it stands among; close it with a line `:::`"),
        );
        let end = div.blocks.last().map_or(div.opened.end, |b| b.span().end);
        close_div(div, end, &mut open, &mut root);
    }
    *blocks = root;
}

/// Adds a block to the innermost open div, or to the list.
fn push_block(open: &mut [OpenDiv], root: &mut Vec<Block>, block: Block) {
    match open.last_mut() {
        Some(div) => div.blocks.push(block),
        None => root.push(block),
    }
}

/// Makes a paragraph of the lines read so far, if any.
fn flush_lines(lines: &mut Vec<Inline>, whole: Span, open: &mut [OpenDiv], root: &mut Vec<Block>) {
    if lines.is_empty() {
        return;
    }
    let content = std::mem::take(lines);
    let start = content.first().map_or(whole.start, |i| i.span().start);
    let end = content.last().map_or(whole.end, |i| i.span().end);
    let span = if start < end {
        Span::new(start..end)
    } else {
        whole
    };
    push_block(open, root, Block::Paragraph { content, span });
}

fn close_div(div: OpenDiv, end: usize, open: &mut [OpenDiv], root: &mut Vec<Block>) {
    let span = Span::new(div.opened.start..end.max(div.opened.start));
    match div.lang {
        Some(lang) => push_block(
            open,
            root,
            Block::Div {
                lang,
                blocks: div.blocks,
                span,
            },
        ),
        None => {
            for block in div.blocks {
                push_block(open, root, block);
            }
        }
    }
}

/// The `lang` of an attribute list (`#id .class lang=en key="v w"`), if
/// it has a valid one; a malformed list or tag is reported at `at`.
fn lang_of(attributes: &str, at: Span, warnings: &mut Vec<Diagnostic>) -> Option<String> {
    match parse_attributes(attributes) {
        Err(problem) => {
            warnings.push(
                Diagnostic::warning(
                    at,
                    format!("bad attribute list `{{{attributes}}}`: {problem}"),
                )
                .with_hint(
                    "write attributes as `{lang=en}`, `{.class lang=en}` or `{#id lang=\"en\"}`",
                ),
            );
            None
        }
        Ok(None) => None,
        Ok(Some(lang)) if super::front_matter::is_language_tag(&lang) => Some(lang),
        Ok(Some(lang)) => {
            warnings.push(
                Diagnostic::warning(
                    at,
                    format!(
                        "`{lang}` is not a language tag; the text keeps the language around it"
                    ),
                )
                .with_hint("use a BCP 47 tag such as `en`, `fr`, `es-MX` or `zh-Hans`"),
            );
            None
        }
    }
}

/// Reads pandoc's attribute syntax: `#id`, `.class` and `key=value`
/// (the value bare or in quotes), separated by white space. Returns the
/// value of `lang`, if given.
fn parse_attributes(text: &str) -> Result<Option<String>, String> {
    let mut lang = None;
    let mut rest = text.trim();
    while !rest.is_empty() {
        if let Some(word) = rest.strip_prefix(['#', '.']) {
            let end = word.find(char::is_whitespace).unwrap_or(word.len());
            if end == 0 {
                return Err(format!("`{}` names nothing", &rest[..1]));
            }
            rest = word[end..].trim_start();
            continue;
        }
        let Some(equals) = rest.find('=') else {
            let word = rest.split_whitespace().next().unwrap_or(rest);
            return Err(format!("`{word}` is not `#id`, `.class` or `key=value`"));
        };
        let key = &rest[..equals];
        if key.is_empty() || key.contains(char::is_whitespace) {
            let word = rest.split_whitespace().next().unwrap_or(rest);
            return Err(format!("`{word}` is not `#id`, `.class` or `key=value`"));
        }
        let after = &rest[equals + 1..];
        let (value, remaining) = match after.chars().next() {
            Some(quote @ ('"' | '\'')) => {
                let inner = &after[1..];
                let close = inner
                    .find(quote)
                    .ok_or_else(|| format!("the value of `{key}` has no closing {quote}"))?;
                (&inner[..close], &inner[close + 1..])
            }
            _ => {
                let end = after.find(char::is_whitespace).unwrap_or(after.len());
                (&after[..end], &after[end..])
            }
        };
        if key == "lang" {
            lang = Some(value.trim().to_string());
        }
        rest = remaining.trim_start();
    }
    Ok(lang)
}

/// A piece of an inline list: an inline, or a bracket of a span.
enum Piece {
    Inline(Inline),
    /// `[`, where it stands.
    Open(Span),
    /// `]{attributes}`, where it stands.
    Close(String, Span),
}

/// Reads the bracketed spans of one inline list (and of the lists inside
/// it), in place. `depth` counts the spans around the list.
pub fn lift_spans(inlines: &mut Vec<Inline>, depth: usize, warnings: &mut Vec<Diagnostic>) {
    for inline in inlines.iter_mut() {
        match inline {
            Inline::Emph(children, _)
            | Inline::Strong(children, _)
            | Inline::Strike(children, _)
            | Inline::Link {
                content: children, ..
            } => lift_spans(children, depth, warnings),
            _ => {}
        }
    }
    let brackets = |text: &str| text.contains('[') || text.contains("]{");
    if !inlines
        .iter()
        .any(|inline| matches!(inline, Inline::Text(text, _) if brackets(text)))
    {
        return;
    }
    let mut pieces = Vec::new();
    for inline in std::mem::take(inlines) {
        match inline {
            Inline::Text(text, span) if brackets(&text) => split_text(&text, span, &mut pieces),
            other => pieces.push(Piece::Inline(other)),
        }
    }
    // The lists being filled: the outer one, then one for each open `[`.
    let mut stack: Vec<(Span, Vec<Inline>)> = vec![(Span::DETACHED, Vec::new())];
    for piece in pieces {
        match piece {
            Piece::Inline(inline) => push_inline(&mut stack, inline),
            Piece::Open(at) if depth + stack.len() <= MAX_NESTING => stack.push((at, Vec::new())),
            Piece::Open(at) => push_inline(&mut stack, Inline::Text("[".into(), at)),
            Piece::Close(attributes, at) if stack.len() > 1 => {
                let (opened, content) = stack.pop().expect("more than the outer list");
                let span = Span::new(opened.start..at.end.max(opened.start));
                match lang_of(&attributes, at, warnings) {
                    Some(lang) => push_inline(
                        &mut stack,
                        Inline::Span {
                            lang,
                            content,
                            span,
                        },
                    ),
                    // No language: pandoc's span for classes only, whose
                    // text stands without the brackets.
                    None => {
                        for inline in content {
                            push_inline(&mut stack, inline);
                        }
                    }
                }
            }
            Piece::Close(attributes, at) => {
                push_inline(&mut stack, Inline::Text(format!("]{{{attributes}}}"), at))
            }
        }
    }
    // A `[` that no `]{…}` closed is text.
    while stack.len() > 1 {
        let (opened, content) = stack.pop().expect("more than the outer list");
        push_inline(&mut stack, Inline::Text("[".into(), opened));
        for inline in content {
            push_inline(&mut stack, inline);
        }
    }
    *inlines = stack.pop().expect("the outer list").1;
}

/// Adds an inline to the innermost list, joining texts that touch.
fn push_inline(stack: &mut [(Span, Vec<Inline>)], inline: Inline) {
    let list = &mut stack.last_mut().expect("the outer list is never popped").1;
    if let (Some(Inline::Text(previous, previous_span)), Inline::Text(text, span)) =
        (list.last_mut(), &inline)
        && previous_span.end == span.start
    {
        previous.push_str(text);
        previous_span.end = span.end;
        return;
    }
    list.push(inline);
}

/// Cuts a text at its `[` and its `]{…}`.
fn split_text(text: &str, span: Span, out: &mut Vec<Piece>) {
    // Where a piece of the text is in the source: exact when the text is
    // the source as written (no entity or escape was decoded), else the
    // whole text's span.
    let exact = span.end - span.start == text.len();
    let at = |from: usize, to: usize| {
        if exact {
            Span::new(span.start + from..span.start + to)
        } else {
            span
        }
    };
    let mut start = 0;
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < bytes.len() {
        let close = (bytes[i] == b']' && bytes.get(i + 1) == Some(&b'{'))
            .then(|| text[i + 2..].find('}').map(|end| i + 2 + end))
            .flatten();
        if bytes[i] == b'[' || close.is_some() {
            if start < i {
                out.push(Piece::Inline(Inline::Text(
                    text[start..i].to_string(),
                    at(start, i),
                )));
            }
            match close {
                Some(end) => {
                    out.push(Piece::Close(text[i + 2..end].to_string(), at(i, end + 1)));
                    i = end + 1;
                }
                None => {
                    out.push(Piece::Open(at(i, i + 1)));
                    i += 1;
                }
            }
            start = i;
        } else {
            i += 1;
        }
    }
    if start < text.len() {
        out.push(Piece::Inline(Inline::Text(
            text[start..].to_string(),
            at(start, text.len()),
        )));
    }
}
