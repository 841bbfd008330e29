//! Images written as HTML → the model's images.
//!
//! READMEs size images with `<img src="x.png" width="40">`, often inside
//! `<p align="center">`, because Markdown cannot. Such an image is an
//! image in both outputs, read, checked and sandboxed like a Markdown one.
//! An inline `<img>` fragment becomes an image; an HTML block of images
//! and phrasing content (links, text with `<b>`, `<i>`, `<code>`, line
//! breaks, in the `<p>`, `<div>`, `<center>` or `<picture>` they are
//! wrapped in) becomes a paragraph of them. Any other HTML stays raw
//! HTML.

use crate::diag::Span;
use crate::html::{Token, attr, tokenize};
use crate::model::{Image, Inline};

/// The image an inline HTML fragment (pulldown-cmark gives one tag at a
/// time) is, if it is an `<img>` tag with a source.
pub(super) fn inline_image(html: &str, span: Span) -> Option<Image> {
    // Most fragments are other tags: spare them the tokenizer.
    if !html
        .get(..4)
        .is_some_and(|start| start.eq_ignore_ascii_case("<img"))
    {
        return None;
    }
    match tokenize(html).as_slice() {
        [Token::Start { name, attrs, .. }] if name == "img" => image(attrs, span),
        _ => None,
    }
}

/// The inlines of an HTML block of images and phrasing content (a
/// README's centred header: a logo, badges in links, a line of text with
/// `<b>`, `<i>`, `<code>`, `<br>`); `None` if it holds no image or
/// anything else (a table, a list, a heading, a form), which stays raw
/// HTML. `source` is the block as written, at `span` in the file.
///
/// White space collapses as a browser collapses it; the `<p>`, `<div>`
/// and `<center>` wrappers become line breaks between their contents.
pub(super) fn image_block(html: &str, source: &str, span: Span) -> Option<Vec<Inline>> {
    if !html
        .as_bytes()
        .windows(4)
        .any(|w| w.eq_ignore_ascii_case(b"<img"))
    {
        return None;
    }
    /// An open element and what it holds so far.
    struct Open {
        name: String,
        href: String,
        span: Span,
        content: Vec<Inline>,
    }
    let mut stack = vec![Open {
        name: String::new(),
        href: String::new(),
        span,
        content: Vec::new(),
    }];
    let mut images = 0;
    let lines = line_spans(source, span);
    let mut at = span;
    for token in tokenize(html) {
        match token {
            Token::Text(text) => {
                let content = &mut stack.last_mut()?.content;
                push_text(content, &text, at);
            }
            Token::Start {
                name, attrs, line, ..
            } => {
                at = lines.get(line).copied().unwrap_or(span);
                match name.as_str() {
                    "img" => {
                        let inline = Inline::Image(image(&attrs, at)?);
                        images += 1;
                        stack.last_mut()?.content.push(inline);
                    }
                    "br" => stack.last_mut()?.content.push(Inline::HardBreak(at)),
                    // A heading around a logo (`<h1><img …><br>name</h1>`)
                    // is set as its paragraph: the logo is the point.
                    "p" | "div" | "center" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                        line_break(&mut stack.last_mut()?.content, at)
                    }
                    "picture" | "source" | "span" | "sub" | "sup" | "small" | "u" | "ins"
                    | "mark" => {}
                    "a" | "b" | "strong" | "i" | "em" | "code" | "kbd" | "s" | "del" => {
                        let href = if name == "a" {
                            attr(&attrs, "href")?.trim().to_string()
                        } else {
                            String::new()
                        };
                        stack.push(Open {
                            name,
                            href,
                            span: at,
                            content: Vec::new(),
                        });
                    }
                    _ => return None,
                }
            }
            Token::End { name } => match name.as_str() {
                "a" | "b" | "strong" | "i" | "em" | "code" | "kbd" | "s" | "del" => {
                    if stack.len() < 2 || stack.last()?.name != name {
                        return None;
                    }
                    let open = stack.pop()?;
                    let content = trim(open.content);
                    let inline = match name.as_str() {
                        "a" => Inline::Link {
                            url: open.href,
                            title: String::new(),
                            content,
                            span: open.span,
                        },
                        "b" | "strong" => Inline::Strong(content, open.span),
                        "i" | "em" => Inline::Emph(content, open.span),
                        "s" | "del" => Inline::Strike(content, open.span),
                        _ => Inline::Code(crate::model::plain_text(&content), open.span),
                    };
                    stack.last_mut()?.content.push(inline);
                }
                "p" | "div" | "center" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                    line_break(&mut stack.last_mut()?.content, at)
                }
                "picture" | "span" | "sub" | "sup" | "small" | "u" | "ins" | "mark" => {}
                _ => return None,
            },
            Token::Doctype(_) => return None,
        }
    }
    if stack.len() != 1 || images == 0 {
        return None;
    }
    let out = trim(stack.pop()?.content);
    (!out.is_empty()).then_some(out)
}

/// Appends text with its white space collapsed to single spaces, as a
/// browser shows it.
fn push_text(content: &mut Vec<Inline>, text: &str, span: Span) {
    let mut collapsed = String::with_capacity(text.len());
    let ends_in_space = matches!(content.last(), None | Some(Inline::HardBreak(_)))
        || matches!(content.last(), Some(Inline::Text(t, _)) if t.ends_with(' '));
    let mut space = ends_in_space;
    for c in text.chars() {
        if c.is_whitespace() {
            if !space {
                collapsed.push(' ');
            }
            space = true;
        } else {
            collapsed.push(c);
            space = false;
        }
    }
    if collapsed.is_empty() {
        return;
    }
    match content.last_mut() {
        Some(Inline::Text(last, _)) => last.push_str(&collapsed),
        _ => content.push(Inline::Text(collapsed, span)),
    }
}

/// A break between block wrappers' contents: one, and none at the start.
fn line_break(content: &mut Vec<Inline>, span: Span) {
    if let Some(Inline::Text(last, _)) = content.last_mut() {
        let trimmed = last.trim_end().len();
        last.truncate(trimmed);
        if last.is_empty() {
            content.pop();
        }
    }
    if !content.is_empty() && !matches!(content.last(), Some(Inline::HardBreak(_))) {
        content.push(Inline::HardBreak(span));
    }
}

/// Without the spaces and breaks at either end.
fn trim(mut content: Vec<Inline>) -> Vec<Inline> {
    while matches!(content.last(), Some(Inline::HardBreak(_)))
        || matches!(content.last(), Some(Inline::Text(t, _)) if t.trim().is_empty())
    {
        content.pop();
    }
    if let Some(Inline::Text(last, _)) = content.last_mut() {
        let trimmed = last.trim_end().len();
        last.truncate(trimmed);
    }
    let start = content
        .iter()
        .position(|i| !matches!(i, Inline::HardBreak(_)))
        .unwrap_or(content.len());
    content.drain(..start);
    if let Some(Inline::Text(first, _)) = content.first_mut() {
        *first = first.trim_start().to_string();
    }
    content
}

/// The model image of an `<img>` tag's attributes.
fn image(attrs: &[(String, String)], span: Span) -> Option<Image> {
    let url = attr(attrs, "src")?.trim();
    if url.is_empty() {
        return None;
    }
    Some(Image {
        url: url.to_string(),
        alt: attr(attrs, "alt").unwrap_or("").trim().to_string(),
        title: attr(attrs, "title").unwrap_or("").trim().to_string(),
        width: attr(attrs, "width").and_then(css_pixels),
        height: attr(attrs, "height").and_then(css_pixels),
        span,
    })
}

/// A size attribute in CSS pixels (`40`, `40px`); `None` for what has no
/// fixed size (`50%`, `auto`) or is absurd.
fn css_pixels(value: &str) -> Option<u32> {
    let value = value.trim();
    let digits = value.strip_suffix("px").unwrap_or(value).trim();
    digits
        .parse::<f32>()
        .ok()
        .filter(|px| (1.0..=100_000.0).contains(px))
        .map(|px| px.round() as u32)
}

/// The spans of the lines of `source`, which stands at `block`: warnings
/// about an image point at its own line.
fn line_spans(source: &str, block: Span) -> Vec<Span> {
    let mut start = block.start;
    source
        .split_inclusive('\n')
        .map(|line| {
            let span = Span::new(start..start + line.trim_end_matches(['\n', '\r']).len());
            start += line.len();
            span
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(start: usize) -> Span {
        Span::new(start..start + 1)
    }

    #[test]
    fn an_img_tag_is_an_image_with_its_size() {
        let image = inline_image(
            "<img src=\"img/x.png\" alt=\"Logga &amp; text\" width=\"40px\">",
            at(0),
        )
        .unwrap();
        assert_eq!(image.url, "img/x.png");
        assert_eq!(image.alt, "Logga & text");
        assert_eq!((image.width, image.height), (Some(40), None));
        assert!(inline_image("<img alt=x>", at(0)).is_none());
        assert!(inline_image("<b>", at(0)).is_none());
        assert_eq!(
            inline_image("<img src=a.png width=50%>", at(0))
                .unwrap()
                .width,
            None
        );
    }

    #[test]
    fn a_block_of_images_becomes_inlines_and_anything_else_stays_html() {
        let html = "<p align=\"center\">\n  <a href=\"https://x.org\"><img src=\"a.png\"></a>\n  <img src=\"b.png\" height=20>\n</p>\n";
        let inlines: Vec<Inline> = image_block(html, html, Span::new(100..100 + html.len()))
            .unwrap()
            .into_iter()
            // The space between them, as a browser shows it.
            .filter(|i| !matches!(i, Inline::Text(t, _) if t == " "))
            .collect();
        assert_eq!(inlines.len(), 2);
        let Inline::Link { url, content, .. } = &inlines[0] else {
            panic!("{inlines:?}");
        };
        assert_eq!(url, "https://x.org");
        assert!(matches!(&content[0], Inline::Image(image) if image.url == "a.png"));
        let Inline::Image(b) = &inlines[1] else {
            panic!("{inlines:?}");
        };
        // Its span is its own line, the third of the block.
        assert_eq!(
            &html[b.span.start - 100..b.span.end - 100],
            "  <img src=\"b.png\" height=20>"
        );
        assert_eq!(b.height, Some(20));
        for other in [
            "<table><tr><td><img src=a.png></td></tr></table>",
            "<p align=center>Only text</p>",
            "<p align=center></p>",
            "<a href=x><img src=a.png>",
            "<ul><li><img src=a.png></li></ul>",
        ] {
            assert!(image_block(other, other, at(0)).is_none(), "{other}");
        }
    }

    #[test]
    fn many_images_in_one_block_are_all_kept() {
        let html = "<img src=a.png>\n".repeat(50_000);
        let inlines = image_block(&html, &html, at(0)).unwrap();
        let images = inlines
            .iter()
            .filter(|i| matches!(i, Inline::Image(_)))
            .count();
        assert_eq!(images, 50_000);
    }

    #[test]
    fn a_readme_header_becomes_a_paragraph_of_text_and_images() {
        let html = "<p align=\"center\">\n  <img src=\"logo.svg\" alt=\"bat\"><br>\n  \
                    <a href=\"https://ci\"><img src=\"badge.svg\" alt=\"CI\"></a>\n  \
                    A <i>cat(1)</i> clone   with <b>wings</b> and <code>git</code>.\n</p>\n";
        let inlines = image_block(html, html, at(0)).unwrap();
        assert!(matches!(&inlines[0], Inline::Image(i) if i.url == "logo.svg"));
        assert!(matches!(&inlines[1], Inline::HardBreak(_)));
        assert!(matches!(&inlines[2], Inline::Link { url, .. } if url == "https://ci"));
        assert_eq!(
            crate::model::plain_text(&inlines[3..]),
            " A cat(1) clone with wings and git."
        );
        assert!(inlines.iter().any(|i| matches!(i, Inline::Emph(..))));
        assert!(inlines.iter().any(|i| matches!(i, Inline::Strong(..))));
        assert!(
            inlines
                .iter()
                .any(|i| matches!(i, Inline::Code(c, _) if c == "git"))
        );
    }
}
