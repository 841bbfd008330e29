//! Images and simple blocks written as HTML → the model.
//!
//! READMEs size images with `<img src="x.png" width="40">`, often inside
//! `<p align="center">`, because Markdown cannot, centre a tagline in a
//! `<p align="center">`, and write headings as `<h3 name="config">` so
//! that links can name them. GitHub shows all of these; so do both
//! outputs: an image is an image, read, checked and sandboxed like a
//! Markdown one; an HTML block of phrasing content (text, links, `<b>`,
//! `<i>`, `<code>`, line breaks, images, in the `<p>`, `<div>`,
//! `<center>` or `<picture>` they are wrapped in) becomes a paragraph;
//! one heading element holding phrasing content becomes a heading, its
//! `id` or `name` its anchor, after a paragraph of the logo it holds, if
//! any. Any other HTML (lists, tables, forms,
//! `<details>`) stays raw HTML.

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

/// A tag of mdBook's listing element, which the Rust book puts around
/// its numbered code examples:
/// `<Listing number="4-1" file-name="src/main.rs" caption="…">` before
/// the code block, `</Listing>` after it.
#[derive(Debug, PartialEq)]
pub(super) enum Listing {
    /// The start tag and what it says.
    Open {
        /// `number`: how the text refers to it (`4-1`).
        number: Option<String>,
        /// `file-name`: the file the code is from.
        file_name: Option<String>,
        /// `caption`, as written (Markdown code spans in backticks).
        caption: Option<String>,
    },
    /// The end tag.
    Close,
}

/// The listing tag an HTML block is, if it is one alone.
pub(super) fn listing(html: &str) -> Option<Listing> {
    let tokens = tokenize(html);
    let mut tags = tokens.iter().filter(|token| !is_white(token));
    let tag = tags.next()?;
    if tags.next().is_some() {
        return None;
    }
    let value = |attrs: &[(String, String)], key| {
        attr(attrs, key)
            .map(|v| v.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|v| !v.is_empty())
    };
    match tag {
        Token::Start { name, attrs, .. } if name == "listing" => Some(Listing::Open {
            number: value(attrs, "number"),
            file_name: value(attrs, "file-name"),
            caption: value(attrs, "caption"),
        }),
        Token::End { name } if name == "listing" => Some(Listing::Close),
        _ => None,
    }
}

/// Whether an HTML block is one `<hr>` alone: a thematic break, as
/// Markdown's `---` is.
pub(super) fn is_rule(html: &str) -> bool {
    let tokens = tokenize(html);
    let mut tags = tokens.iter().filter(|token| !is_white(token));
    matches!(tags.next(), Some(Token::Start { name, .. }) if name == "hr") && tags.next().is_none()
}

/// What an HTML block is in the model.
#[derive(Debug, PartialEq)]
pub(super) enum HtmlBlock {
    /// A paragraph (or a figure, when it is one image).
    Inlines(Vec<Inline>),
    /// A heading.
    Heading {
        /// 1 to 6.
        level: u8,
        /// Its `id` or `name` attribute; empty for none.
        id: String,
        /// Its text.
        content: Vec<Inline>,
        /// The images it holds (a README's logo above its name), set as a
        /// paragraph before it: a heading is a line of text.
        logo: Vec<Inline>,
    },
}

/// What an HTML block of phrasing content is (a README's centred header:
/// a logo, badges in links, a line of text with `<b>`, `<i>`, `<code>`,
/// `<br>`; or a heading written as HTML); `None` if it holds anything
/// else (a table, a list, a form), which stays raw HTML. `source` is the
/// block as written, at `span` in the file.
///
/// White space collapses as a browser collapses it; the `<p>`, `<div>`
/// and `<center>` wrappers become line breaks between their contents. A
/// heading around a logo (`<h1><img …><br>name</h1>`) is the logo and
/// then a heading of the name; one of images alone is their paragraph.
pub(super) fn html_block(html: &str, source: &str, span: Span) -> Option<HtmlBlock> {
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
    let tokens = tokenize(html);
    // The heading the whole block is, if it is one: its level and anchor.
    let last = tokens.iter().rev().find(|t| !is_white(t));
    let heading = match tokens.iter().find(|t| !is_white(t)) {
        Some(Token::Start { name, attrs, .. })
            if matches!(last, Some(Token::End { name: end }) if end == name) =>
        {
            heading_level(name).map(|level| {
                let id = attr(attrs, "id").or_else(|| attr(attrs, "name"));
                (level, id.unwrap_or("").trim().to_string())
            })
        }
        _ => None,
    };
    let mut wrappers = 0;
    for token in tokens {
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
                    "p" | "div" | "center" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                        wrappers += 1;
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
    if stack.len() != 1 {
        return None;
    }
    let content = trim(stack.pop()?.content);
    if content.is_empty() {
        return None;
    }
    match heading {
        Some((level, id)) if wrappers == 1 => {
            // The logo: images, bare or in links, at the heading's top.
            let pictured = |inline: &Inline| match inline {
                Inline::Image(_) => true,
                Inline::Link { content, .. } => {
                    content.iter().all(|i| matches!(i, Inline::Image(_)))
                }
                _ => false,
            };
            let (logo, text): (Vec<Inline>, Vec<Inline>) = if images == 0 {
                (Vec::new(), content)
            } else {
                content.into_iter().partition(pictured)
            };
            let text = trim(text);
            if text.is_empty() {
                return Some(HtmlBlock::Inlines(logo));
            }
            Some(HtmlBlock::Heading {
                level,
                id,
                content: text,
                logo,
            })
        }
        _ => Some(HtmlBlock::Inlines(content)),
    }
}

/// Text that is only white space.
fn is_white(token: &Token) -> bool {
    matches!(token, Token::Text(text) if text.trim().is_empty())
}

/// The level of a heading element's name.
fn heading_level(name: &str) -> Option<u8> {
    match name.as_bytes() {
        [b'h', level @ b'1'..=b'6'] => Some(level - b'0'),
        _ => None,
    }
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
        .position(|i| match i {
            Inline::HardBreak(_) => false,
            Inline::Text(t, _) => !t.trim().is_empty(),
            _ => true,
        })
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

    /// The inlines of a block that is a paragraph.
    fn inlines(html: &str, span: Span) -> Vec<Inline> {
        match html_block(html, html, span) {
            Some(HtmlBlock::Inlines(inlines)) => inlines,
            other => panic!("{other:?}"),
        }
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
        let inlines: Vec<Inline> = inlines(html, Span::new(100..100 + html.len()))
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
            "<p align=center></p>",
            "<a href=x><img src=a.png>",
            "<ul><li><img src=a.png></li></ul>",
            "<details><summary>More</summary>Text</details>",
        ] {
            assert!(html_block(other, other, at(0)).is_none(), "{other}");
        }
    }

    #[test]
    fn mdbook_listing_tags_are_read() {
        let open = "<Listing number=\"4-3\" file-name=\"src/main.rs\"\n  caption=\"Functions with `x`\">\n";
        assert_eq!(
            listing(open),
            Some(Listing::Open {
                number: Some("4-3".into()),
                file_name: Some("src/main.rs".into()),
                caption: Some("Functions with `x`".into()),
            })
        );
        assert_eq!(listing("</Listing>\n"), Some(Listing::Close));
        assert_eq!(listing("<Listing>text</Listing>"), None);
        assert_eq!(listing("<div>"), None);
        // zoxide's `<hr />` is a thematic break.
        assert!(is_rule("<hr />\n") && is_rule("<HR>"));
        assert!(!is_rule("<hr><p>x</p>"));
    }

    #[test]
    fn many_images_in_one_block_are_all_kept() {
        let html = "<img src=a.png>\n".repeat(50_000);
        let images = inlines(&html, at(0))
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
        let inlines = inlines(html, at(0));
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

    #[test]
    fn a_tagline_is_a_paragraph_and_a_heading_element_a_heading() {
        // bat's tagline and ripgrep's FAQ questions: GitHub shows them,
        // and so must the PDF.
        let html = "<p align=\"center\"><b>A <i>cat(1)</i> clone</b></p>\n";
        let tagline = inlines(html, at(0));
        assert_eq!(crate::model::plain_text(&tagline), "A cat(1) clone");
        let html = "<h3 name=\"config\">\nDoes ripgrep support configuration files?\n</h3>\n";
        let Some(HtmlBlock::Heading {
            level,
            id,
            content,
            logo,
        }) = html_block(html, html, at(0))
        else {
            panic!("{:?}", html_block(html, html, at(0)));
        };
        assert_eq!((level, id.as_str()), (3, "config"));
        assert_eq!(
            crate::model::plain_text(&content),
            "Does ripgrep support configuration files?"
        );
        assert!(logo.is_empty());
        // zoxide's: a heading around a logo is the logo, then the heading;
        // a logo alone, its paragraph; two headings, two lines of one.
        let html = "<h1>\n  <picture>\n    <img alt=\"zoxide logo\" src=\"logo.svg\">\n  \
                    </picture>\n  <br />\n  zoxide\n</h1>\n";
        let Some(HtmlBlock::Heading {
            level,
            content,
            logo,
            ..
        }) = html_block(html, html, at(0))
        else {
            panic!("{:?}", html_block(html, html, at(0)));
        };
        assert_eq!((level, crate::model::plain_text(&content).as_str()), (1, "zoxide"));
        assert!(matches!(&logo[..], [Inline::Image(i)] if i.url == "logo.svg"));
        let logo = "<h1 align=center><a href=x><img src=logo.png></a></h1>";
        assert!(matches!(html_block(logo, logo, at(0)), Some(HtmlBlock::Inlines(_))));
        let after = "<h2>One</h2>\nand text";
        assert!(matches!(html_block(after, after, at(0)), Some(HtmlBlock::Inlines(_))));
        let two = "<h2>One</h2>\n<h2>Two</h2>";
        assert!(matches!(html_block(two, two, at(0)), Some(HtmlBlock::Inlines(_))));
    }
}
