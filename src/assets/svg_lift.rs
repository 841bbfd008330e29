//! SVG text the PDF draws as text in its embedded fonts, over the rest of
//! the drawing, instead of as glyph outlines.
//!
//! Goes in: a document whose every `<text>` `svg_text` has set. Comes
//! out: the document without its texts (the shapes usvg and svg2pdf
//! draw) and the texts as runs of glyphs with a colour and a matrix to the
//! drawing's viewport ([`Lifted`]) — or the reason the texts must stay
//! in the drawing as outlines.
//!
//! A glyph drawn as text is one font reference instead of a path: the
//! banner's 300 glyphs cost usvg 24 M instructions to parse as `<use>`d
//! outlines and svg2pdf a path each, and as paths they could not be
//! selected, searched or read aloud. Drawing the texts after the shapes
//! changes the paint order (SVG 1.1 §3.3, the painter's model), so texts
//! are lifted only when nothing but text is painted after the first
//! `<text>`, and only when they are painted in a plain opaque colour with
//! no group effect (opacity, blending) that would composite them together
//! with shapes.

use super::svg_props::{Declared, SVG_NS, Unsupported, parse_px};
use crate::fonts::FaceRole;
use roxmltree::{Document, Node};
use std::sync::Arc;

/// An affine matrix `[a b c d e f]`: (x, y) → (ax + cy + e, bx + dy + f),
/// as SVG's `matrix()` and PDF's `cm` write it.
pub type Matrix = [f32; 6];

/// The texts of a drawing, taken out to be drawn over its shapes.
#[derive(Debug, Clone, PartialEq)]
pub struct Lifted {
    /// The viewport the texts are placed in, in CSS pixels: the drawing's
    /// size, as its root `width` and `height` (or `viewBox`) give it.
    pub viewport: (f32, f32),
    /// The texts in document order, which is paint order.
    pub texts: Vec<LiftedText>,
}

/// One `<text>`: its glyphs in its own user space, the matrix from there
/// to the viewport (y down), and how it is filled.
#[derive(Debug, Clone, PartialEq)]
pub struct LiftedText {
    /// The face the glyphs are from.
    pub face: FaceRole,
    /// The font size in user units.
    pub size: f32,
    /// The fill colour as RGB; the text is not drawn when `None`
    /// (`fill="none"`).
    pub fill: Option<[u8; 3]>,
    /// User space → viewport.
    pub matrix: Matrix,
    /// The glyphs, in order.
    pub glyphs: Vec<LiftedGlyph>,
}

/// A glyph on the text's baseline grid: its pen position in user units.
#[derive(Debug, Clone, PartialEq)]
pub struct LiftedGlyph {
    /// The glyph id in the face.
    pub id: u16,
    /// The pen position.
    pub x: f32,
    /// The baseline.
    pub y: f32,
    /// The characters the glyph stands for (empty for the second glyph
    /// of a cluster).
    pub text: Arc<str>,
}

const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `outer` after `inner`: a point goes through `inner`, then `outer`.
pub fn concat(outer: Matrix, inner: Matrix) -> Matrix {
    let [a, b, c, d, e, f] = outer;
    let [p, q, r, s, t, u] = inner;
    [
        a * p + c * q,
        b * p + d * q,
        a * r + c * s,
        b * r + d * s,
        a * t + c * u + e,
        b * t + d * u + f,
    ]
}

/// Elements that draw nothing themselves (their children may).
const CONTAINERS: [&str; 4] = ["g", "svg", "a", "switch"];

/// Elements whose content is never painted where it stands: it is drawn
/// by reference, or it only describes.
const NOT_RENDERED: [&str; 14] = [
    "defs",
    "symbol",
    "clipPath",
    "mask",
    "pattern",
    "marker",
    "linearGradient",
    "radialGradient",
    "filter",
    "title",
    "desc",
    "metadata",
    "style",
    "script",
];

/// Whether nothing but `<text>` is painted after the first `<text>`.
///
/// Conservative: any SVG element after it that is not a container, text,
/// or inside a never-rendered element counts as painting (a `<use>`, an
/// `<image>`, a shape), and so does a container with a filter, which can
/// paint with no children at all.
pub(super) fn only_text_paints_last(doc: &Document) -> bool {
    let mut seen_text = false;
    for node in doc.root_element().descendants().filter(Node::is_element) {
        let tag = node.tag_name();
        if tag.namespace() != Some(SVG_NS) {
            // usvg ignores elements of other namespaces, and their content.
            continue;
        }
        let in_text_or_hidden = node.ancestors().skip(1).any(|a| {
            a.tag_name().namespace() == Some(SVG_NS)
                && (a.tag_name().name() == "text" || NOT_RENDERED.contains(&a.tag_name().name()))
        });
        if in_text_or_hidden {
            continue;
        }
        let name = tag.name();
        if name == "text" {
            seen_text = true;
            continue;
        }
        if !seen_text || NOT_RENDERED.contains(&name) || name.starts_with("animate") {
            continue;
        }
        let filtered = Declared::of(node)
            .ok()
            .and_then(|declared| declared.get("filter"))
            .is_some_and(|filter| filter != "none");
        if !CONTAINERS.contains(&name) || filtered {
            return false;
        }
    }
    true
}

/// The viewport's size and the matrix from the root's user space to it
/// (SVG 1.1 §7.7 and §7.8: `viewBox` and `preserveAspectRatio`).
pub(super) fn root_viewport(root: Node) -> Result<((f32, f32), Matrix), Unsupported> {
    let view_box = match root.attribute("viewBox") {
        None => None,
        Some(value) => Some(
            value
                .parse::<svgtypes::ViewBox>()
                .map_err(|_| Unsupported("a viewBox we cannot read"))?,
        ),
    };
    let length = |name| match root.attribute(name) {
        None => Ok(None),
        Some(value) => parse_px(value)
            .filter(|v| *v > 0.0)
            .map(Some)
            .ok_or(Unsupported(
                "a root size that is not a positive number of px",
            )),
    };
    let size = match (length("width")?, length("height")?, view_box) {
        (Some(w), Some(h), _) => (w, h),
        (w, h, Some(vb)) => (w.unwrap_or(vb.w as f32), h.unwrap_or(vb.h as f32)),
        _ => return Err(Unsupported("a root with neither a size nor a viewBox")),
    };
    if root.attribute("transform").is_some() {
        return Err(Unsupported("a transform on the root"));
    }
    let Some(vb) = view_box else {
        return Ok((size, IDENTITY));
    };
    let (vx, vy, vw, vh) = (vb.x as f32, vb.y as f32, vb.w as f32, vb.h as f32);
    let ratio = match root.attribute("preserveAspectRatio") {
        None => svgtypes::AspectRatio {
            defer: false,
            align: svgtypes::Align::XMidYMid,
            slice: false,
        },
        Some(value) => value
            .parse()
            .map_err(|_| Unsupported("a preserveAspectRatio we cannot read"))?,
    };
    let (sx, sy) = (size.0 / vw, size.1 / vh);
    use svgtypes::Align;
    let (sx, sy, fx, fy) = match ratio.align {
        Align::None => (sx, sy, 0.0, 0.0),
        align => {
            let s = if ratio.slice { sx.max(sy) } else { sx.min(sy) };
            // Where the view box sits in the spare room: 0, ½ or all of it.
            let (fx, fy) = match align {
                Align::XMinYMin => (0.0, 0.0),
                Align::XMidYMin => (0.5, 0.0),
                Align::XMaxYMin => (1.0, 0.0),
                Align::XMinYMid => (0.0, 0.5),
                Align::XMidYMid | Align::None => (0.5, 0.5),
                Align::XMaxYMid => (1.0, 0.5),
                Align::XMinYMax => (0.0, 1.0),
                Align::XMidYMax => (0.5, 1.0),
                Align::XMaxYMax => (1.0, 1.0),
            };
            (s, s, fx, fy)
        }
    };
    let tx = (size.0 - vw * sx) * fx - vx * sx;
    let ty = (size.1 - vh * sy) * fy - vy * sy;
    Ok((size, [sx, 0.0, 0.0, sy, tx, ty]))
}

/// The matrix from a `<text>`'s user space to the root's: the `transform`
/// of the text and of each ancestor below the root, innermost first.
pub(super) fn user_space(text: Node) -> Result<Matrix, Unsupported> {
    let mut matrix = IDENTITY;
    for element in text.ancestors().filter(Node::is_element) {
        if element.parent_element().is_none() {
            break;
        }
        if element.has_tag_name((SVG_NS, "svg")) {
            // A viewport of its own: its position, view box and clip.
            return Err(Unsupported("text in a nested <svg>"));
        }
        if element
            .attribute("style")
            .is_some_and(|style| style.contains("transform"))
        {
            return Err(Unsupported("a transform in a style declaration"));
        }
        if let Some(value) = element.attribute("transform") {
            let t: svgtypes::Transform = value
                .parse()
                .map_err(|_| Unsupported("a transform we cannot read"))?;
            let own = [t.a, t.b, t.c, t.d, t.e, t.f].map(|v| v as f32);
            matrix = concat(own, matrix);
        }
    }
    Ok(matrix)
}

/// How a `<text>` is filled: an opaque colour or nothing, when nothing
/// on it or its ancestors composites it with what lies below in a way
/// drawing it last would change. `chain` holds the declarations of the
/// text, then of each ancestor up to the root.
pub(super) fn plain_fill(chain: &[Declared]) -> Result<Option<[u8; 3]>, Unsupported> {
    let nearest = |name: &str| chain.iter().find_map(|declared| declared.get(name));
    let is_one = |value: &str| {
        let value = value.trim();
        match value.strip_suffix('%') {
            Some(percent) => percent.trim().parse::<f32>().ok() == Some(100.0),
            None => value.parse::<f32>().ok() == Some(1.0),
        }
    };
    for declared in chain {
        for (name, value) in declared.iter() {
            let plain = match name {
                "opacity" => is_one(value),
                "mix-blend-mode" => value == "normal",
                "display" => value != "none",
                _ => true,
            };
            if !plain {
                return Err(Unsupported("a group effect on text"));
            }
        }
    }
    if nearest("visibility").is_some_and(|v| v != "visible") {
        return Err(Unsupported("hidden text"));
    }
    if nearest("fill-opacity").is_some_and(|v| !is_one(v)) {
        return Err(Unsupported("translucent text"));
    }
    match nearest("fill") {
        None => Ok(Some([0, 0, 0])),
        Some("none") => Ok(None),
        Some(value) => {
            if value.eq_ignore_ascii_case("currentcolor") || value == "inherit" {
                return Err(Unsupported("a fill taken from elsewhere"));
            }
            let color: svgtypes::Color = value
                .parse()
                .map_err(|_| Unsupported("a fill we cannot read"))?;
            if color.alpha != 255 {
                return Err(Unsupported("translucent text"));
            }
            Ok(Some([color.red, color.green, color.blue]))
        }
    }
}

/// The document's source with every `<text>` element left out.
pub(super) fn without_texts(source: &str, texts: &[Node]) -> String {
    let mut out = String::with_capacity(source.len());
    let mut at = 0;
    for text in texts {
        let range = text.range();
        out.push_str(&source[at..range.start]);
        at = range.end;
    }
    out.push_str(&source[at..]);
    out
}

/// The root's matrix after a text's own: text user space → viewport.
pub(super) fn to_viewport(root: Matrix, text: Matrix) -> Matrix {
    concat(root, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(svg: &str) -> Document<'_> {
        Document::parse(svg).unwrap()
    }

    fn close(a: Matrix, b: Matrix) -> bool {
        a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-4)
    }

    #[test]
    fn texts_must_be_painted_last() {
        let last = r#"<svg xmlns="http://www.w3.org/2000/svg"><rect width="5" height="5"/><g><text>a</text><title>t</title></g><text>b</text><defs><rect id="r"/></defs></svg>"#;
        assert!(only_text_paints_last(&doc(last)));
        let covered = r#"<svg xmlns="http://www.w3.org/2000/svg"><text>a</text><g><rect width="5" height="5"/></g></svg>"#;
        assert!(!only_text_paints_last(&doc(covered)));
        let used = r##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><defs><rect id="r"/></defs><text>a</text><use xlink:href="#r"/></svg>"##;
        assert!(!only_text_paints_last(&doc(used)));
        let filtered =
            r#"<svg xmlns="http://www.w3.org/2000/svg"><text>a</text><g filter="url(#f)"/></svg>"#;
        assert!(!only_text_paints_last(&doc(filtered)));
    }

    #[test]
    fn the_view_box_is_fitted_to_the_viewport() {
        let root = |attrs: &str| {
            let svg = format!(r#"<svg xmlns="http://www.w3.org/2000/svg" {attrs}/>"#);
            let d = Document::parse(&svg).unwrap();
            root_viewport(d.root_element())
        };
        assert_eq!(
            root(r#"width="100" height="50""#),
            Ok(((100.0, 50.0), IDENTITY))
        );
        // Meet, centred: 200 × 100 into 100 × 100 is halved and moved down.
        let (size, m) = root(r#"width="100" height="100" viewBox="0 0 200 100""#).unwrap();
        assert_eq!(size, (100.0, 100.0));
        assert!(close(m, [0.5, 0.0, 0.0, 0.5, 0.0, 25.0]), "{m:?}");
        let (_, m) = root(
            r#"width="100" height="100" viewBox="10 0 200 100" preserveAspectRatio="xMaxYMax slice""#,
        )
        .unwrap();
        assert!(close(m, [1.0, 0.0, 0.0, 1.0, -110.0, 0.0]), "{m:?}");
        let (_, m) =
            root(r#"width="100" height="100" viewBox="0 0 200 100" preserveAspectRatio="none""#)
                .unwrap();
        assert!(close(m, [0.5, 0.0, 0.0, 1.0, 0.0, 0.0]), "{m:?}");
        // Without a size the view box gives it.
        assert_eq!(root(r#"viewBox="0 0 30 20""#).unwrap().0, (30.0, 20.0));
        assert!(root(r#"width="50%" height="10""#).is_err());
        assert!(root("").is_err());
    }

    #[test]
    fn transforms_compose_from_the_text_outwards() {
        let d = doc(
            r#"<svg xmlns="http://www.w3.org/2000/svg"><g transform="translate(10 20)"><g transform="scale(2)"><text transform="translate(1 1)">a</text></g></g></svg>"#,
        );
        let text = d.descendants().find(|n| n.has_tag_name("text")).unwrap();
        let m = user_space(text).unwrap();
        // (0, 0) → (1, 1) → (2, 2) → (12, 22).
        assert!(close(m, [2.0, 0.0, 0.0, 2.0, 12.0, 22.0]), "{m:?}");
        let nested = doc(
            r#"<svg xmlns="http://www.w3.org/2000/svg"><svg x="5" viewBox="0 0 1 1"><text>a</text></svg></svg>"#,
        );
        let text = nested
            .descendants()
            .find(|n| n.has_tag_name("text"))
            .unwrap();
        assert!(user_space(text).is_err());
    }

    #[test]
    fn only_plain_opaque_fills_are_lifted() {
        let fill = |svg: &str| {
            let d = doc(svg);
            let text = d.descendants().find(|n| n.has_tag_name("text")).unwrap();
            let chain: Vec<Declared> = text
                .ancestors()
                .filter(Node::is_element)
                .map(|n| Declared::of(n).unwrap())
                .collect();
            plain_fill(&chain)
        };
        let svg = |g: &str, t: &str| {
            format!(
                r#"<svg xmlns="http://www.w3.org/2000/svg"><g {g}><text {t}>a</text></g></svg>"#
            )
        };
        assert_eq!(fill(&svg("", "")), Ok(Some([0, 0, 0])));
        assert_eq!(
            fill(&svg(r##"fill="#14325A""##, "")),
            Ok(Some([0x14, 0x32, 0x5A]))
        );
        assert_eq!(
            fill(&svg(r#"fill="red""#, r#"style="fill:white""#)),
            Ok(Some([255; 3]))
        );
        assert_eq!(fill(&svg("", r#"fill="none""#)), Ok(None));
        assert_eq!(fill(&svg(r#"opacity="1""#, "")), Ok(Some([0, 0, 0])));
        assert!(fill(&svg(r#"opacity="0.5""#, "")).is_err());
        assert!(fill(&svg("", r#"fill-opacity="50%""#)).is_err());
        assert!(fill(&svg("", r#"fill="rgba(0,0,0,0.5)""#)).is_err());
        assert!(fill(&svg("", r#"fill="currentColor""#)).is_err());
        assert!(fill(&svg(r#"style="mix-blend-mode:multiply""#, "")).is_err());
        assert!(fill(&svg(r#"visibility="hidden""#, "")).is_err());
        assert!(fill(&svg(r#"display="none""#, "")).is_err());
    }
}
