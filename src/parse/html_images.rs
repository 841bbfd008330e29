//! Images written as HTML → the model's images.
//!
//! READMEs size images with `<img src="x.png" width="40">`, often inside
//! `<p align="center">`, because Markdown cannot. Such an image is an
//! image in both outputs, read, checked and sandboxed like a Markdown one.
//! An inline `<img>` fragment becomes an image; an HTML block made of
//! nothing but images (with links around them, line breaks and the
//! `<p>`, `<div>`, `<center>` or `<picture>` they are wrapped in) becomes
//! a paragraph of them. Any other HTML stays raw HTML.

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

/// The inlines of an HTML block that holds only images; `None` if it
/// holds anything else (text, other elements). `source` is the block as
/// written, at `span` in the file.
pub(super) fn image_block(html: &str, source: &str, span: Span) -> Option<Vec<Inline>> {
    if !html
        .as_bytes()
        .windows(4)
        .any(|w| w.eq_ignore_ascii_case(b"<img"))
    {
        return None;
    }
    // Open links: their address, content and span.
    let mut links: Vec<(String, Vec<Inline>, Span)> = Vec::new();
    let mut out: Vec<Inline> = Vec::new();
    let mut images = 0;
    let lines = line_spans(source, span);
    for token in tokenize(html) {
        match token {
            Token::Text(text) if text.trim().is_empty() => {}
            Token::Start {
                name, attrs, line, ..
            } => {
                let at = lines.get(line).copied().unwrap_or(span);
                match name.as_str() {
                    "img" => {
                        let inline = Inline::Image(image(&attrs, at)?);
                        images += 1;
                        match links.last_mut() {
                            Some((_, content, _)) => content.push(inline),
                            None => out.push(inline),
                        }
                    }
                    "a" => {
                        let href = attr(&attrs, "href")?.trim().to_string();
                        links.push((href, Vec::new(), at));
                    }
                    "br" | "p" | "div" | "center" | "picture" | "source" => {}
                    _ => return None,
                }
            }
            Token::End { name } => match name.as_str() {
                "a" => {
                    let (url, content, span) = links.pop()?;
                    out.push(Inline::Link {
                        url,
                        title: String::new(),
                        content,
                        span,
                    });
                }
                "p" | "div" | "center" | "picture" => {}
                _ => return None,
            },
            Token::Text(_) | Token::Doctype(_) => return None,
        }
    }
    (links.is_empty() && images > 0).then_some(out)
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
        let inlines = image_block(html, html, Span::new(100..100 + html.len())).unwrap();
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
            "<p>Text <img src=a.png></p>",
            "<table><tr><td><img src=a.png></td></tr></table>",
            "<p align=center></p>",
            "<a href=x><img src=a.png>",
        ] {
            assert!(image_block(other, other, at(0)).is_none(), "{other}");
        }
    }

    #[test]
    fn many_images_in_one_block_take_linear_time() {
        let html = "<img src=a.png>\n".repeat(50_000);
        let start = std::time::Instant::now();
        let inlines = image_block(&html, &html, at(0)).unwrap();
        assert_eq!(inlines.len(), 50_000);
        assert!(start.elapsed().as_secs() < 10, "{:?}", start.elapsed());
    }
}
