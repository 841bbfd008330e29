//! Whether an SVG file may go into the EPUB as it was written.
//!
//! Goes in: the parsed SVG and whether all its text was set as outlines.
//! Comes out: yes or no. A reading system opens an SVG image as a
//! document of its own, so it must run no script, load nothing from
//! outside the package and hold only markup an EPUB may carry. Only a
//! file made of plain drawing elements passes; any other goes through
//! usvg's writer, which writes out only what usvg drew.

use super::svg_props::{SVG_NS, parse_px};
use roxmltree::{Document, Node};

/// The XLink namespace (SVG 1.1 §5.6).
const XLINK_NS: &str = "http://www.w3.org/1999/xlink";

/// The namespace of `xml:lang` and `xml:space`.
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// Elements that draw, group or describe, and nothing else: no
/// `<script>`, `<foreignObject>`, `<style>`, `<a>`, animation, filters,
/// fonts or `<metadata>` (which carries arbitrary foreign markup).
const DRAWING_ELEMENTS: [&str; 21] = [
    "svg",
    "g",
    "defs",
    "symbol",
    "use",
    "path",
    "rect",
    "circle",
    "ellipse",
    "line",
    "polyline",
    "polygon",
    "title",
    "desc",
    "linearGradient",
    "radialGradient",
    "stop",
    "clipPath",
    "mask",
    "pattern",
    "image",
];

/// Whether `doc` (parsed from `source`) may be copied into the EPUB as it
/// is, once its text is set: `text_set` says every `<text>` became
/// glyph outlines (the attributes of each are checked all the same, as
/// its `<g>` keeps most of them).
pub(super) fn may_pass_through(source: &str, doc: &Document, text_set: bool) -> bool {
    // A DTD can declare entities and point outside the package; a
    // processing instruction can attach a style sheet.
    if source.contains("<!DOCTYPE") || doc.descendants().any(|node| node.is_pi()) {
        return false;
    }
    if !declares_utf8(source) {
        return false;
    }
    // Without a size of its own, the image would take whatever size the
    // reading system gives it; usvg's writer always writes one.
    let root = doc.root_element();
    let sized = |name: &str| root.attribute(name).and_then(parse_px).is_some();
    if !sized("width") || !sized("height") {
        return false;
    }
    doc.descendants()
        .filter(|node| node.is_element())
        .all(|element| is_allowed_element(element, text_set) && has_safe_attributes(element))
}

fn is_allowed_element(element: Node, text_set: bool) -> bool {
    let name = element.tag_name();
    if name.namespace() != Some(SVG_NS) {
        return false;
    }
    DRAWING_ELEMENTS.contains(&name.name()) || (text_set && matches!(name.name(), "text" | "tspan"))
}

fn has_safe_attributes(element: Node) -> bool {
    element.attributes().all(|attr| {
        let value = attr.value();
        let safe_name = match (attr.namespace(), attr.name()) {
            (None, "href") | (Some(XLINK_NS), "href") => is_safe_link(element, value),
            // Event handlers (SVG 1.1 §18.4) run script.
            (None, name) => !name.to_ascii_lowercase().starts_with("on"),
            (Some(XLINK_NS), "title") => true,
            (Some(XML_NS), "lang" | "space") => true,
            _ => false,
        };
        safe_name && has_only_local_urls(value)
    })
}

/// A link inside the document, or a PNG or JPEG carried in an `<image>`.
fn is_safe_link(element: Node, href: &str) -> bool {
    let href = href.trim();
    if href.starts_with('#') {
        return true;
    }
    let lower = href.get(..24).unwrap_or(href).to_ascii_lowercase();
    element.has_tag_name((SVG_NS, "image"))
        && (lower.starts_with("data:image/png;base64,")
            || lower.starts_with("data:image/jpeg;base64,"))
}

/// Whether every `url(…)` in a value (a paint, a clip path, a `style`)
/// points inside the document.
fn has_only_local_urls(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    let mut rest = lower.as_str();
    while let Some(at) = rest.find("url(") {
        rest = &rest[at + 4..];
        let target = rest.trim_start().trim_start_matches(['"', '\'']);
        if !target.starts_with('#') {
            return false;
        }
    }
    true
}

/// Whether the XML declaration, if any, names no encoding but UTF-8 (an
/// EPUB's XML is UTF-8 or UTF-16; the bytes were read as UTF-8).
fn declares_utf8(source: &str) -> bool {
    let source = source.trim_start_matches('\u{feff}');
    let Some(declaration) = source
        .strip_prefix("<?xml")
        .and_then(|rest| rest.split_once("?>"))
        .map(|(declaration, _)| declaration)
    else {
        return true;
    };
    match declaration.split_once("encoding") {
        None => true,
        Some((_, rest)) => {
            let value = rest
                .trim_start()
                .trim_start_matches('=')
                .trim_start()
                .trim_start_matches(['"', '\'']);
            value.to_ascii_lowercase().starts_with("utf-8")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passes(svg: &str) -> bool {
        let doc = roxmltree::Document::parse_with_options(
            svg,
            roxmltree::ParsingOptions {
                allow_dtd: true,
                ..Default::default()
            },
        )
        .unwrap();
        may_pass_through(svg, &doc, true)
    }

    const HEAD: &str = r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">"#;

    #[test]
    fn plain_drawings_pass() {
        assert!(passes(&format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>{HEAD}<title>t</title>\
             <defs><linearGradient id=\"a\"><stop offset=\"0\"/></linearGradient></defs>\
             <rect fill=\"url(#a)\" style=\"stroke: url('#a')\" xml:lang=\"sv\"/>\
             <use xlink:href=\"#a\"/><image href=\"data:image/png;base64,iVBO\"/></svg>"
        )));
    }

    #[test]
    fn scripts_links_and_foreign_markup_do_not_pass() {
        for body in [
            "<script>alert(1)</script>",
            "<rect onload=\"alert(1)\"/>",
            "<rect onClick=\"alert(1)\"/>",
            "<use href=\"other.svg#a\"/>",
            "<use xlink:href=\"https://example.org/a.svg#a\"/>",
            "<image href=\"photo.png\"/>",
            "<image href=\"data:image/svg+xml;base64,PHN2Zz4=\"/>",
            "<rect fill=\"url(https://example.org/p.svg#a)\"/>",
            "<rect style=\"fill:url( other.svg#a)\"/>",
            "<foreignObject><p xmlns=\"http://www.w3.org/1999/xhtml\">x</p></foreignObject>",
            "<a href=\"#x\"><rect/></a>",
            "<style>rect { fill: red }</style>",
            "<metadata/>",
            "<set attributeName=\"fill\" to=\"red\"/>",
        ] {
            assert!(!passes(&format!("{HEAD}{body}</svg>")), "{body} passed");
        }
        assert!(!passes(
            "<!DOCTYPE svg [<!ENTITY e \"x\">]><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1\" height=\"1\"/>"
        ));
        assert!(!passes(
            "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1\" height=\"1\"/>"
        ));
        assert!(!passes(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1 1\"/>"
        ));
    }

    #[test]
    fn text_passes_only_when_set_as_outlines() {
        let svg = format!("{HEAD}<text>a</text></svg>");
        let doc = roxmltree::Document::parse(&svg).unwrap();
        assert!(may_pass_through(&svg, &doc, true));
        assert!(!may_pass_through(&svg, &doc, false));
    }
}
