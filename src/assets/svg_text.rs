//! SVG text set in our fonts with our shaping, before usvg sees the file.
//!
//! Goes in: an SVG file's source and its parsed tree. Comes out: the same
//! source, byte for byte, except that every `<text>` becomes a `<g>` of
//! `<use>`s of glyph outlines, and one `<defs>` after the root start tag
//! holds each outline once — or the reason the document is left alone.
//!
//! usvg would turn the text into paths itself, but through fontdb it
//! parses the whole font program four times a glyph (for the outline and
//! for COLR, SVG and bitmap glyphs), and its writer repeats every outline
//! in absolute coordinates. Here each face is parsed once and each glyph
//! outline is written once per size. (svg2pdf, built without its text
//! feature, skips usvg's text nodes: a document whose text usvg sets is
//! written out with its text as paths and read back, see `SvgDecoder`.)
//!
//! Only plain runs are set here: character data, optionally in `<tspan>`s
//! that only move the pen (`x`, `y`, `dx`, `dy`), in one font, size and
//! anchor, filled and not stroked. A document with any other `<text>` goes
//! whole to usvg, which lays out all of SVG text; so that both ways look
//! the same, the rules below follow usvg where it and the specification
//! differ (noted where they do).

use super::glyph_path::{format_tenths, glyph_path_data};
use super::svg_lift::{self, Lifted, LiftedGlyph, LiftedText};
use super::svg_props::{
    Anchor, Declared, Family, SVG_NS, Slant, TextStyle, Unsupported, is_text_property, parse_px,
    parse_style, resolve_text_style,
};
use crate::fonts::{FaceRole, FontBytes, FontSet};
use crate::layout::shape::Shaper;
use roxmltree::{Document, Node};
use rustybuzz::ttf_parser;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// The XLink namespace of `xlink:href`, which SVG 1.1 reading systems
/// need on `<use>` (SVG 1.1 §5.6; SVG 2 also takes a plain `href`).
const XLINK_NS: &str = "http://www.w3.org/1999/xlink";

/// The namespace of `xml:space` and `xml:lang`.
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// Attributes of `<text>` that only position characters (SVG 1.1 §10.4).
const POSITION_ATTRIBUTES: [&str; 7] =
    ["x", "y", "dx", "dy", "rotate", "textLength", "lengthAdjust"];

/// What became of a document's text.
#[derive(Debug, PartialEq)]
pub(super) enum Rewrite {
    /// The document has no `<text>`: nothing to do.
    NoText,
    /// Every `<text>` was set as glyphs: the source with glyph outlines,
    /// to be written, and, when the texts may be drawn over the rest (see
    /// `svg_lift`), the source without them and the texts as glyph runs.
    Rewritten {
        /// The source with glyph outlines, written on demand.
        outlined: Box<Outlined>,
        /// The shapes alone, and the texts to draw over them.
        lifted: Option<(String, Lifted)>,
    },
    /// Some `<text>` needs usvg's layout, for this reason.
    Unsupported(Unsupported),
}

/// Sets SVG text in the faces of a font set. Shaped runs and checked faces
/// are kept from one document to the next.
pub(super) struct TextSetter<'f> {
    fonts: &'f FontSet,
    shaper: Shaper<'f>,
    /// Faces found to have plain outlines (see `check_face`).
    checked_faces: Vec<FaceRole>,
}

/// The settings usvg lays text out with, which ours must match.
pub(super) struct UsvgText<'o> {
    /// The fonts usvg chooses from (our font set's faces).
    pub fontdb: &'o usvg::fontdb::Database,
    /// The family when no `font-family` is declared.
    pub default_family: &'o str,
    /// The size when no `font-size` is declared.
    pub default_size: f32,
}

impl<'o> UsvgText<'o> {
    /// The text settings of usvg options.
    pub(super) fn of(options: &'o usvg::Options) -> UsvgText<'o> {
        UsvgText {
            fontdb: &options.fontdb,
            default_family: &options.font_family,
            default_size: options.font_size,
        }
    }
}

/// A `<text>` we can set: its style and its characters after white-space
/// processing, each with the position attributes that apply to it.
#[derive(Debug)]
struct PlainText {
    style: TextStyle,
    chars: Vec<char>,
    positions: Vec<CharPosition>,
}

/// Position attributes that apply to one character (SVG 1.1 §10.4 and
/// §10.5: a single number applies to the first character of its element).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct CharPosition {
    x: Option<f32>,
    y: Option<f32>,
    dx: Option<f32>,
    dy: Option<f32>,
}

impl CharPosition {
    /// Whether the character starts a new text chunk, which `text-anchor`
    /// aligns on its own (SVG 1.1 §10.9.1: an absolute `x` or `y` starts
    /// one).
    fn is_absolute(&self) -> bool {
        self.x.is_some() || self.y.is_some()
    }

    /// Reads `x`, `y`, `dx` and `dy`; each must be a single number.
    fn of(node: Node) -> Result<CharPosition, Unsupported> {
        let read = |name: &str| match node.attribute(name) {
            None => Ok(None),
            Some(value) => parse_px(value)
                .map(Some)
                .ok_or(Unsupported("a position that is not a single number")),
        };
        Ok(CharPosition {
            x: read("x")?,
            y: read("y")?,
            dx: read("dx")?,
            dy: read("dy")?,
        })
    }

    /// Puts the values `other` sets in place of ours (a `<tspan>`'s own
    /// values replace inherited ones, they do not add up).
    fn overridden_by(self, other: CharPosition) -> CharPosition {
        CharPosition {
            x: other.x.or(self.x),
            y: other.y.or(self.y),
            dx: other.dx.or(self.dx),
            dy: other.dy.or(self.dy),
        }
    }
}

/// A `<text>` set as glyphs: where it was, the `<g ...>` tag it becomes,
/// its face and size, and its glyphs as (glyph id, x, y) in tenths of a
/// user unit.
#[derive(Debug, PartialEq)]
struct SetText {
    range: std::ops::Range<usize>,
    open_tag: String,
    role: FaceRole,
    size: f32,
    glyphs: Vec<(u16, i64, i64)>,
}

/// A document whose every text is set, written out with the glyph
/// outlines on demand: only the EPUB needs the file, and reading and
/// writing the outlines is most of the cost of setting the text.
pub(super) struct Outlined {
    source: String,
    /// Where the root's name ends and its start tag ends.
    name_end: usize,
    start_tag_end: usize,
    texts: Vec<SetText>,
    names: Names,
    /// The faces the texts are set in.
    faces: Vec<(FaceRole, FontBytes)>,
}

impl std::fmt::Debug for Outlined {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outlined")
            .field("texts", &self.texts)
            .finish_non_exhaustive()
    }
}

impl PartialEq for Outlined {
    fn eq(&self, other: &Self) -> bool {
        self.write() == other.write()
    }
}

impl Outlined {
    /// The source with each text a `<g>` of `<use>`s of glyph outlines.
    pub(super) fn write(&self) -> String {
        let faces: Vec<(FaceRole, ttf_parser::Face)> = self
            .faces
            .iter()
            .filter_map(|(role, data)| Some((*role, ttf_parser::Face::parse(data, 0).ok()?)))
            .collect();
        let mut defs = GlyphDefs::default();
        let numbered: Vec<Vec<(usize, i64, i64)>> = self
            .texts
            .iter()
            .map(|text| {
                let Some((_, face)) = faces.iter().find(|(role, _)| *role == text.role) else {
                    // Not reached: each face parsed when the text was set.
                    return Vec::new();
                };
                text.glyphs
                    .iter()
                    .filter_map(|&(glyph, x, y)| {
                        Some((defs.number(face, text.role, glyph, text.size)?, x, y))
                    })
                    .collect()
            })
            .collect();
        write_document(self, &numbered, &defs)
    }
}

/// The source with an `xmlns:xlink` declaration added after `<svg` (at
/// `name_end`) if needed, the glyph outlines in a `<defs>` right after the
/// root start tag (which ends at `start_tag_end`), and each text replaced
/// by a `<g>` of `<use>`s of them.
/// `numbered` holds each text's glyphs as (outline number, x, y).
fn write_document(
    outlined: &Outlined,
    numbered: &[Vec<(usize, i64, i64)>],
    defs: &GlyphDefs,
) -> String {
    let Outlined {
        source,
        name_end,
        start_tag_end,
        texts,
        names,
        ..
    } = outlined;
    let (name_end, start_tag_end) = (*name_end, *start_tag_end);
    let paths: usize = defs.paths.iter().map(|d| d.len() + 48).sum();
    let groups: usize = texts
        .iter()
        .map(|t| t.open_tag.len() + 4 + t.glyphs.len() * 48)
        .sum();
    let mut out = String::with_capacity(source.len() + paths + groups + 64);
    out.push_str(&source[..name_end]);
    if names.declare_xlink {
        let _ = write!(out, " xmlns:xlink=\"{XLINK_NS}\"");
    }
    out.push_str(&source[name_end..start_tag_end]);
    if !defs.paths.is_empty() {
        out.push_str("<defs>");
        for (number, data) in defs.paths.iter().enumerate() {
            // Whole tenths of a unit, see `glyph_path`.
            let _ = write!(
                out,
                "<path id=\"{}{number}\" transform=\"scale(.1)\" d=\"{data}\"/>",
                names.glyph_id_prefix
            );
        }
        out.push_str("</defs>");
    }
    let mut at = start_tag_end;
    for (text, glyphs) in texts.iter().zip(numbered) {
        out.push_str(&source[at..text.range.start]);
        out.push_str(&text.open_tag);
        for &(number, x, y) in glyphs {
            let _ = write!(
                out,
                "<use {}:href=\"#{}{number}\" x=\"{}\" y=\"{}\"/>",
                names.xlink_prefix,
                names.glyph_id_prefix,
                format_tenths(x),
                format_tenths(y),
            );
        }
        out.push_str("</g>");
        at = text.range.end;
    }
    out.push_str(&source[at..]);
    out
}

/// One glyph placed in user space.
#[derive(Debug, Clone, PartialEq)]
struct PlacedGlyph {
    id: u16,
    x: f32,
    y: f32,
    /// The characters it stands for.
    text: std::sync::Arc<str>,
}

/// A set `<text>` as a run to draw over the shapes, if it is filled
/// plainly (see `svg_lift`).
fn lift_text(
    text: Node,
    face: FaceRole,
    plain: &PlainText,
    placed: Vec<PlacedGlyph>,
    root: svg_lift::Matrix,
    space: Option<(u16, std::sync::Arc<str>)>,
) -> Result<LiftedText, Unsupported> {
    let chain = text
        .ancestors()
        .filter(|n| n.is_element())
        .map(Declared::of)
        .collect::<Result<Vec<_>, _>>()?;
    let fill = svg_lift::plain_fill(&chain)?;
    let matrix = svg_lift::to_viewport(root, svg_lift::user_space(text)?);
    Ok(LiftedText {
        face,
        size: plain.style.size,
        fill,
        matrix,
        glyphs: with_word_breaks(placed, space),
    })
}

/// The glyphs, with a space (drawn as nothing: a space glyph at the end
/// of the line) where a line ends, and at the end of the text: a banner's
/// tile sets "fattigdom och" and "hunger" on two lines, and its text must
/// read as "fattigdom och hunger", not "ochhunger", when it is copied or
/// read aloud from the structure tree.
fn with_word_breaks(
    placed: Vec<PlacedGlyph>,
    space: Option<(u16, std::sync::Arc<str>)>,
) -> Vec<LiftedGlyph> {
    let mut glyphs: Vec<LiftedGlyph> = Vec::with_capacity(placed.len() + 4);
    let add_space = |glyphs: &mut Vec<LiftedGlyph>| {
        if let (Some((id, text)), Some(last)) = (&space, glyphs.last())
            && !last.text.ends_with(char::is_whitespace)
        {
            let (x, y) = (last.x, last.y);
            glyphs.push(LiftedGlyph {
                id: *id,
                x,
                y,
                text: text.clone(),
            });
        }
    };
    for glyph in placed {
        // A word broken at a hyphen goes on without a space.
        if glyphs.last().is_some_and(|last| {
            (last.y - glyph.y).abs() > 0.01 && !last.text.ends_with(['-', '\u{2010}'])
        }) {
            add_space(&mut glyphs);
        }
        glyphs.push(LiftedGlyph {
            id: glyph.id,
            x: glyph.x,
            y: glyph.y,
            text: glyph.text,
        });
    }
    add_space(&mut glyphs);
    glyphs
}

/// The glyph outlines of one document, numbered in order of first use.
#[derive(Default)]
struct GlyphDefs {
    /// (face, glyph, size bits) → number, `None` for a glyph without an
    /// outline.
    numbers: BTreeMap<(FaceRole, u16, u32), Option<usize>>,
    /// Path data by number, in tenths of a user unit.
    paths: Vec<String>,
}

impl GlyphDefs {
    /// The number of the outline of `glyph` at `size`, written on first
    /// use; `None` for a glyph without one.
    fn number(
        &mut self,
        face: &ttf_parser::Face,
        role: FaceRole,
        glyph: u16,
        size: f32,
    ) -> Option<usize> {
        let key = (role, glyph, size.to_bits());
        if let Some(&known) = self.numbers.get(&key) {
            return known;
        }
        let number = glyph_path_data(face, glyph, size).map(|data| {
            self.paths.push(data);
            self.paths.len() - 1
        });
        self.numbers.insert(key, number);
        number
    }
}

/// What the document's ids and links allow: which elements are linked to
/// (and so may not change), a prefix for glyph ids no id uses, and the
/// prefix `xlink:href` is written with.
#[derive(Debug, PartialEq)]
struct Names {
    targets: BTreeSet<String>,
    glyph_id_prefix: String,
    xlink_prefix: String,
    /// Whether the root needs an `xmlns:xlink` declaration.
    declare_xlink: bool,
}

impl<'f> TextSetter<'f> {
    /// A setter for the faces of `fonts`.
    pub(super) fn new(fonts: &'f FontSet) -> TextSetter<'f> {
        TextSetter {
            fonts,
            shaper: Shaper::new(fonts),
            checked_faces: Vec::new(),
        }
    }

    /// Sets every `<text>` of the document as glyph outlines, if every
    /// one is plain (see the module docs); `doc` is `source` parsed.
    pub(super) fn rewrite(&mut self, source: &str, doc: &Document, usvg: &UsvgText) -> Rewrite {
        let texts: Vec<Node> = doc
            .descendants()
            .filter(|node| node.has_tag_name((SVG_NS, "text")))
            .collect();
        if texts.is_empty() {
            return Rewrite::NoText;
        }
        match self.rewrite_texts(source, doc, &texts, usvg) {
            Ok((outlined, lifted)) => Rewrite::Rewritten {
                outlined: Box::new(outlined),
                lifted,
            },
            Err(reason) => Rewrite::Unsupported(reason),
        }
    }

    fn rewrite_texts(
        &mut self,
        source: &str,
        doc: &Document,
        texts: &[Node],
        usvg: &UsvgText,
    ) -> Result<(Outlined, Option<(String, Lifted)>), Unsupported> {
        let root = doc.root_element();
        if doc
            .descendants()
            .any(|node| node.has_tag_name((SVG_NS, "style")))
        {
            // Its selectors would need a cascade.
            return Err(Unsupported("a <style> element"));
        }
        if source.contains("<!ENTITY") {
            // An entity's markup has no place in the source to replace.
            return Err(Unsupported("entity declarations"));
        }
        if !root.has_tag_name((SVG_NS, "svg")) || !starts_unprefixed(source, root, "svg") {
            return Err(Unsupported("a root that is not an unprefixed <svg>"));
        }
        let start_tag_end = start_tag_end(source, root.range().start)
            .ok_or(Unsupported("a root start tag we cannot find the end of"))?;
        let names = Names::of(doc)?;

        let mut set_texts = Vec::with_capacity(texts.len());
        // The texts as glyph runs to draw over the shapes, while every
        // text so far may be.
        let mut lifting = svg_lift::root_viewport(root).and_then(|(viewport, matrix)| {
            if svg_lift::only_text_paints_last(doc) {
                Ok((viewport, matrix, Vec::with_capacity(texts.len())))
            } else {
                Err(Unsupported("shapes painted after text"))
            }
        });
        for &text in texts {
            let plain = read_plain_text(source, text, &names, usvg.default_size)?;
            let role = self.choose_face(&plain.style, usvg)?;
            let placed = self.place_glyphs(&plain, role)?;
            // Its outlines are read when the file is written; the face is
            // checked now, so that writing cannot fail.
            self.check_face(role)?;
            let glyphs = placed
                .iter()
                .map(|glyph| (glyph.id, to_tenths(glyph.x), to_tenths(glyph.y)))
                .collect();
            if let Ok((_, root_matrix, lifted)) = &mut lifting {
                let space = self.shaper.space_glyph(role);
                match lift_text(text, role, &plain, placed, *root_matrix, space) {
                    Ok(run) => lifted.push(run),
                    Err(reason) => lifting = Err(reason),
                }
            }
            set_texts.push(SetText {
                range: text.range(),
                open_tag: open_group(source, text, &plain.style),
                role,
                size: plain.style.size,
                glyphs,
            });
        }

        let lifted = lifting.ok().map(|(viewport, _, texts_lifted)| {
            (
                svg_lift::without_texts(source, texts),
                Lifted {
                    viewport,
                    texts: texts_lifted,
                },
            )
        });
        let mut roles: Vec<FaceRole> = set_texts.iter().map(|t: &SetText| t.role).collect();
        roles.sort_unstable();
        roles.dedup();
        let faces = roles
            .into_iter()
            .map(|role| (role, self.fonts.face(role).data.clone()))
            .collect();
        let outlined = Outlined {
            source: source.to_string(),
            name_end: root.range().start + "<svg".len(),
            start_tag_end,
            texts: set_texts,
            names,
            faces,
        };
        Ok((outlined, lifted))
    }

    /// The face usvg would choose: its font query (usvg's default font
    /// selector: the declared families, then `serif`) run on the same
    /// font database, mapped back to the role of that face's bytes.
    fn choose_face(&self, style: &TextStyle, usvg: &UsvgText) -> Result<FaceRole, Unsupported> {
        use usvg::fontdb;
        let mut families: Vec<fontdb::Family> = style
            .families
            .iter()
            .map(|family| match family {
                Family::Named(name) => fontdb::Family::Name(name),
                Family::Serif => fontdb::Family::Serif,
                Family::SansSerif => fontdb::Family::SansSerif,
                Family::Cursive => fontdb::Family::Cursive,
                Family::Fantasy => fontdb::Family::Fantasy,
                Family::Monospace => fontdb::Family::Monospace,
            })
            .collect();
        if families.is_empty() {
            families.push(fontdb::Family::Name(usvg.default_family));
        }
        families.push(fontdb::Family::Serif);
        let query = fontdb::Query {
            families: &families,
            weight: fontdb::Weight(style.weight),
            stretch: fontdb::Stretch::Normal,
            style: match style.slant {
                Slant::Normal => fontdb::Style::Normal,
                Slant::Italic => fontdb::Style::Italic,
                Slant::Oblique => fontdb::Style::Oblique,
            },
        };
        // The database shares our faces' bytes (see `svg_options`), so
        // the chosen face's bytes are one of them, at the same address.
        let (address, index) = usvg
            .fontdb
            .query(&query)
            .and_then(|id| {
                usvg.fontdb
                    .with_face_data(id, |data, index| (data.as_ptr(), index))
            })
            .ok_or(Unsupported("a font query that matches none of our faces"))?;
        self.fonts
            .faces()
            .iter()
            .find(|face| index == 0 && std::ptr::eq(face.data.as_ptr(), address))
            .map(|face| face.role)
            .ok_or(Unsupported("a face that is not one of our font set"))
    }

    /// Shapes each text chunk and places its glyphs the way usvg does
    /// (`resolve_clusters_positions_horizontal`): the anchor moves the
    /// chunk by its advance width, then `dx`/`dy` move the pen at the
    /// character that starts a cluster.
    fn place_glyphs(
        &mut self,
        plain: &PlainText,
        role: FaceRole,
    ) -> Result<Vec<PlacedGlyph>, Unsupported> {
        let size = plain.style.size;
        let mut placed = Vec::with_capacity(plain.chars.len());
        let mut last = (0.0f32, 0.0f32);
        let mut start = 0;
        while start < plain.chars.len() {
            let end = (start + 1..plain.chars.len())
                .find(|&i| plain.positions[i].is_absolute())
                .unwrap_or(plain.chars.len());
            let text: String = plain.chars[start..end].iter().collect();
            let shaped = self.shaper.shape(role, &text);
            let origin = (
                plain.positions[start].x.unwrap_or(last.0),
                plain.positions[start].y.unwrap_or(last.1),
            );
            let width = shaped.width * size;
            let mut x = match plain.style.anchor {
                Anchor::Start => 0.0,
                Anchor::Middle => -width / 2.0,
                Anchor::End => -width,
            };
            let mut y = 0.0;
            let mut char_index = start;
            for glyph in &shaped.glyphs {
                if glyph.id == 0 {
                    // usvg would look for another face that has it.
                    return Err(Unsupported("a character our face lacks"));
                }
                if glyph.text.is_empty() {
                    // usvg takes a cluster's widest glyph as its advance,
                    // we the sum: the same while only the first advances.
                    if glyph.advance != 0.0 {
                        return Err(Unsupported("a cluster of several advancing glyphs"));
                    }
                } else {
                    if glyph.advance < 0.0 {
                        return Err(Unsupported("a glyph with a negative advance"));
                    }
                    let cluster_len = glyph.text.chars().count();
                    let shift = plain.positions[char_index];
                    x += shift.dx.unwrap_or(0.0);
                    y += shift.dy.unwrap_or(0.0);
                    // usvg ignores shifts inside a cluster (a ligature).
                    let inner = char_index + 1..(char_index + cluster_len).min(end);
                    if plain.positions[inner]
                        .iter()
                        .any(|p| p.dx.unwrap_or(0.0) != 0.0 || p.dy.unwrap_or(0.0) != 0.0)
                    {
                        return Err(Unsupported("a dx or dy inside a ligature"));
                    }
                    char_index += cluster_len;
                }
                placed.push(PlacedGlyph {
                    id: glyph.id,
                    x: origin.0 + x + glyph.x_offset * size,
                    y: origin.1 + y - glyph.y_offset * size,
                    text: glyph.text.clone(),
                });
                x += glyph.advance * size;
            }
            last = (origin.0 + x, origin.1 + y);
            start = end;
        }
        Ok(placed)
    }

    /// Checks, once for each face, that its glyphs are outlines we can
    /// draw.
    fn check_face(&mut self, role: FaceRole) -> Result<(), Unsupported> {
        if self.checked_faces.contains(&role) {
            return Ok(());
        }
        let face = ttf_parser::Face::parse(&self.fonts.face(role).data, 0)
            .map_err(|_| Unsupported("a face that does not parse"))?;
        let tables = face.tables();
        if tables.colr.is_some()
            || tables.svg.is_some()
            || tables.sbix.is_some()
            || tables.cbdt.is_some()
        {
            // usvg draws colour glyphs; we draw outlines only.
            return Err(Unsupported("a face with colour glyphs"));
        }
        self.checked_faces.push(role);
        Ok(())
    }
}

impl Names {
    fn of(doc: &Document) -> Result<Names, Unsupported> {
        let mut ids = Vec::new();
        let mut targets = BTreeSet::new();
        for node in doc.descendants().filter(|n| n.is_element()) {
            if let Some(id) = node.attribute("id") {
                ids.push(id);
            }
            for href in [node.attribute((XLINK_NS, "href")), node.attribute("href")] {
                if let Some(target) = href.and_then(|h| h.trim().strip_prefix('#')) {
                    targets.insert(target.to_string());
                }
            }
        }
        let root = doc.root_element();
        let bound = root.lookup_prefix(XLINK_NS).filter(|p| !p.is_empty());
        let xlink_prefix = bound.unwrap_or("xlink").to_string();
        // The prefix must mean XLink wherever a glyph is used.
        let rebound = doc.descendants().filter(|n| n.is_element()).any(|node| {
            node.namespaces()
                .any(|ns| ns.name() == Some(xlink_prefix.as_str()) && ns.uri() != XLINK_NS)
        });
        if rebound {
            return Err(Unsupported("the xlink prefix bound to another namespace"));
        }
        Ok(Names {
            targets,
            glyph_id_prefix: free_id_prefix(&ids),
            xlink_prefix,
            declare_xlink: bound.is_none(),
        })
    }
}

/// A prefix that, followed by digits, makes no id of the document.
fn free_id_prefix(ids: &[&str]) -> String {
    let taken = |prefix: &str| {
        ids.iter().any(|id| {
            id.strip_prefix(prefix)
                .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()))
        })
    };
    ["g", "glyph"]
        .into_iter()
        .map(String::from)
        .chain((1..).map(|n| format!("mdg-glyph{n}-")))
        .find(|prefix| !taken(prefix))
        .expect("a document has finitely many ids")
}

/// Checks that a `<text>` is plain and reads it.
fn read_plain_text(
    source: &str,
    text: Node,
    names: &Names,
    default_size: f32,
) -> Result<PlainText, Unsupported> {
    if !starts_unprefixed(source, text, "text") {
        // Our `<g>` and `<use>` must land in the SVG namespace.
        return Err(Unsupported("a prefixed <text>"));
    }
    let elements: Vec<Node> = text.ancestors().filter(|n| n.is_element()).collect();
    for ancestor in &elements[1..] {
        // Inside a `<clipPath>`, `<pattern>`, `<symbol>`, `<a>`, `<switch>`
        // … a `<g>` would not be allowed or text would inherit from
        // elsewhere.
        if !(ancestor.has_tag_name((SVG_NS, "g")) || ancestor.has_tag_name((SVG_NS, "svg"))) {
            return Err(Unsupported(
                "text inside an element other than <g> or <svg>",
            ));
        }
    }
    if elements
        .iter()
        .filter_map(|n| n.attribute("id"))
        .any(|id| names.targets.contains(id))
    {
        // A `<use>` of it would inherit properties from the `<use>`.
        return Err(Unsupported("text that a link refers to"));
    }
    if text.attribute("class").is_some() {
        return Err(Unsupported("a class attribute on text"));
    }
    let preserve = elements
        .iter()
        .find_map(|n| n.attribute((XML_NS, "space")))
        .is_some_and(|space| space == "preserve");
    if preserve {
        return Err(Unsupported("xml:space=\"preserve\""));
    }
    if text.attribute("textLength").is_some() {
        return Err(Unsupported("textLength"));
    }
    if let Some(rotate) = text.attribute("rotate")
        && parse_px(rotate) != Some(0.0)
    {
        return Err(Unsupported("rotated characters"));
    }
    let chain = elements
        .iter()
        .map(|&n| Declared::of(n))
        .collect::<Result<Vec<_>, _>>()?;
    let style = resolve_text_style(&chain, default_size)?;
    let (chars, positions) = read_characters(text)?;
    if chars.iter().copied().any(is_right_to_left) {
        // usvg splits the text into bidi runs; we shape it as one.
        return Err(Unsupported("right-to-left text"));
    }
    Ok(PlainText {
        style,
        chars,
        positions,
    })
}

/// The characters of a `<text>` after white-space processing, each with
/// the position attributes that apply to it.
///
/// With the default `xml:space`, SVG 1.1 §10.15 drops newlines, turns
/// tabs into spaces, strips leading and trailing spaces and collapses
/// runs of spaces. usvg, like browsers, turns newlines into spaces
/// instead of dropping them; we do as usvg, so that a document reads the
/// same whether we or usvg set it. Across `<tspan>`s usvg's rules are
/// subtle, so a `<tspan>` must neither start nor end with white space, and
/// text between `<tspan>`s must be white space only.
fn read_characters(text: Node) -> Result<(Vec<char>, Vec<CharPosition>), Unsupported> {
    let own = CharPosition::of(text)?;
    let children: Vec<Node> = text.children().collect();
    if children.iter().all(|c| c.is_text()) {
        let raw: String = children.iter().filter_map(|c| c.text()).collect();
        let chars: Vec<char> = collapse_white_space(&raw)
            .trim_matches(' ')
            .chars()
            .collect();
        let mut positions = vec![CharPosition::default(); chars.len()];
        if let Some(first) = positions.first_mut() {
            *first = own;
        }
        return Ok((chars, positions));
    }

    // A run of `<tspan>`s, with white space between them.
    let mut pieces: Vec<(String, Option<CharPosition>)> = Vec::new();
    for child in children {
        if child.is_text() {
            let data = child.text().unwrap_or("");
            if !data.chars().all(is_xml_space) {
                return Err(Unsupported("character data next to a <tspan>"));
            }
            pieces.push((" ".into(), None));
        } else if child.has_tag_name((SVG_NS, "tspan")) {
            let movable = child
                .attributes()
                .all(|a| a.namespace().is_none() && matches!(a.name(), "x" | "y" | "dx" | "dy"));
            let mut grandchildren = child.children();
            let only_text = match (grandchildren.next(), grandchildren.next()) {
                (Some(data), None) => data.is_text(),
                _ => false,
            };
            if !movable || !only_text {
                return Err(Unsupported("a <tspan> that does more than move the pen"));
            }
            let data = collapse_white_space(child.text().unwrap_or(""));
            if data.is_empty() || data.starts_with(' ') || data.ends_with(' ') {
                return Err(Unsupported("a <tspan> with white space at an end"));
            }
            pieces.push((data, Some(CharPosition::of(child)?)));
        } else {
            return Err(Unsupported(
                "a comment or an element other than <tspan> in text",
            ));
        }
    }
    // Leading and trailing white space is stripped.
    while pieces.first().is_some_and(|(_, tspan)| tspan.is_none()) {
        pieces.remove(0);
    }
    while pieces.last().is_some_and(|(_, tspan)| tspan.is_none()) {
        pieces.pop();
    }
    let mut chars = Vec::new();
    let mut positions = Vec::new();
    for (data, tspan) in pieces {
        let first = positions.len();
        chars.extend(data.chars());
        positions.resize(chars.len(), CharPosition::default());
        if let Some(tspan) = tspan {
            positions[first] = tspan;
        }
    }
    // The text's own attributes apply to its first character, unless a
    // `<tspan>` there sets its own (usvg reads them in document order).
    if let Some(first) = positions.first_mut() {
        *first = own.overridden_by(*first);
    }
    Ok((chars, positions))
}

/// Newlines, carriage returns and tabs become spaces, and runs of spaces
/// become one (what usvg does, see [`read_characters`]).
fn collapse_white_space(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        let c = if matches!(c, '\n' | '\r' | '\t') {
            ' '
        } else {
            c
        };
        if c == ' ' && out.ends_with(' ') {
            continue;
        }
        out.push(c);
    }
    out
}

/// XML white space (XML 1.0 §2.3, production S).
fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// Whether `c` is a strong right-to-left character or a bidi control that
/// starts right-to-left text (Unicode Standard Annex #9).
fn is_right_to_left(c: char) -> bool {
    matches!(c as u32,
        0x0590..=0x08FF
        | 0xFB1D..=0xFDFF
        | 0xFE70..=0xFEFF
        | 0x10800..=0x10FFF
        | 0x1E800..=0x1EFFF
        | 0x200F
        | 0x202B
        | 0x202E
        | 0x2067)
}

/// The start of the `<g>` a `<text>` becomes: its attributes as written,
/// except those that only matter to text; `style` keeps its other
/// declarations.
fn open_group(source: &str, text: Node, style: &TextStyle) -> String {
    let mut group = String::from("<g");
    for attr in text.attributes() {
        let keep = match (attr.namespace(), attr.name()) {
            (None, "style") => {
                let kept: Vec<String> = parse_style(attr.value())
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|(name, _)| !is_text_property(name))
                    .map(|(name, value)| format!("{name}:{value}"))
                    .collect();
                if !kept.is_empty() {
                    group.push_str(" style=\"");
                    push_escaped(&mut group, &kept.join(";"));
                    group.push('"');
                }
                false
            }
            (None, name) => !POSITION_ATTRIBUTES.contains(&name) && !is_text_property(name),
            (Some(XML_NS), "space") => false,
            _ => true,
        };
        if keep {
            group.push(' ');
            group.push_str(&source[attr.range()]);
        }
    }
    if style.evenodd_inherited {
        group.push_str(" fill-rule=\"nonzero\"");
    }
    group.push('>');
    group
}

/// Escapes text for a double-quoted attribute value.
fn push_escaped(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

/// Whether an element's tag is written as `<name` with no prefix, so that
/// the elements we write beside it share its default namespace.
fn starts_unprefixed(source: &str, node: Node, name: &str) -> bool {
    let tag = &source[node.range()];
    tag.strip_prefix('<')
        .and_then(|rest| rest.strip_prefix(name))
        .and_then(|rest| rest.chars().next())
        .is_some_and(|c| is_xml_space(c) || c == '>' || c == '/')
}

/// The byte after the `>` that ends the start tag beginning at `start`
/// (attribute values may hold `>`, never an unquoted one).
fn start_tag_end(source: &str, start: usize) -> Option<usize> {
    let mut quote = None;
    for (i, b) in source.bytes().enumerate().skip(start) {
        match (quote, b) {
            (Some(q), b) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'>') => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// A coordinate in whole tenths of a user unit.
fn to_tenths(value: f32) -> i64 {
    (value * 10.0).round() as i64
}

/// Byte ranges of `<text>` elements, for tests.
#[cfg(test)]
fn text_ranges(doc: &Document) -> Vec<std::ops::Range<usize>> {
    doc.descendants()
        .filter(|n| n.has_tag_name((SVG_NS, "text")))
        .map(|n| n.range())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = r#"<svg xmlns="http://www.w3.org/2000/svg" width="300" height="100">"#;

    fn rewrite(svg: &str) -> Rewrite {
        let fonts = FontSet::built_in();
        let options = super::super::svg_options(&fonts);
        let doc = roxmltree::Document::parse(svg).unwrap();
        TextSetter::new(&fonts).rewrite(svg, &doc, &UsvgText::of(&options))
    }

    fn rewritten(svg: &str) -> String {
        match rewrite(svg) {
            Rewrite::Rewritten { outlined, .. } => outlined.write(),
            other => panic!("not rewritten: {other:?}"),
        }
    }

    /// The `x` of each `<use>`, in order.
    fn use_xs(svg: &str) -> Vec<f32> {
        let doc = roxmltree::Document::parse(svg).unwrap();
        doc.descendants()
            .filter(|n| n.has_tag_name((SVG_NS, "use")))
            .map(|n| n.attribute("x").unwrap().parse().unwrap())
            .collect()
    }

    fn chars_of(svg: &str) -> String {
        let doc = roxmltree::Document::parse(svg).unwrap();
        let text = doc
            .descendants()
            .find(|n| n.has_tag_name((SVG_NS, "text")))
            .unwrap();
        read_characters(text).unwrap().0.into_iter().collect()
    }

    #[test]
    fn white_space_is_collapsed_and_stripped() {
        let chars = |content: &str| chars_of(&format!("{HEAD}<text>{content}</text></svg>"));
        assert_eq!(chars("  Hello \t\t World  "), "Hello World");
        // usvg and browsers read a newline as a space (see read_characters).
        assert_eq!(chars("\n  Two\n  lines\n"), "Two lines");
        assert_eq!(chars("   "), "");
        assert_eq!(chars("a&#160; b"), "a\u{a0} b");
        let tspans = chars(
            "\n  <tspan x=\"1\">Utrota extrem</tspan>\n  <tspan x=\"1\" dy=\"30\">hunger</tspan>\n",
        );
        assert_eq!(tspans, "Utrota extrem hunger");
    }

    #[test]
    fn a_plain_text_becomes_uses_of_glyph_outlines() {
        let svg = format!(
            "{HEAD}<rect width=\"300\" height=\"100\"/>\
             <text id=\"title\" x=\"20\" y=\"60\" font-size=\"36\" fill=\"#fff\" \
             style=\"font-weight:bold;opacity:.5\">Millenniemålen</text></svg>"
        );
        let out = rewritten(&svg);
        // The source is kept around the text.
        assert!(out.starts_with("<svg xmlns:xlink=\"http://www.w3.org/1999/xlink\" xmlns="));
        assert!(out.contains("<rect width=\"300\" height=\"100\"/><g id=\"title\" fill=\"#fff\" style=\"opacity:.5\"><use "));
        assert!(out.ends_with("</g></svg>"));
        let doc = roxmltree::Document::parse(&out).unwrap();
        let defs = doc
            .descendants()
            .find(|n| n.has_tag_name((SVG_NS, "defs")))
            .unwrap();
        assert_eq!(defs.parent(), Some(doc.root_element()));
        let paths: Vec<&str> = defs.children().filter_map(|n| n.attribute("id")).collect();
        // "Millenniemålen" has seven distinct letters: one path each.
        assert_eq!(paths.len(), 7, "{paths:?}");
        assert_eq!(paths[0], "g0");
        let uses: Vec<Node> = doc
            .descendants()
            .filter(|n| n.has_tag_name((SVG_NS, "use")))
            .collect();
        assert_eq!(uses.len(), "Millenniemålen".chars().count());
        assert_eq!(uses[0].attribute((XLINK_NS, "href")), Some("#g0"));
        assert_eq!(uses[0].attribute("x"), Some("20"));
        assert_eq!(uses[0].attribute("y"), Some("60"));
        let xs = use_xs(&out);
        assert!(xs.windows(2).all(|w| w[0] < w[1]), "{xs:?}");
        assert!(text_ranges(&doc).is_empty());
        // The same input gives the same bytes.
        assert_eq!(rewritten(&svg), out);
    }

    #[test]
    fn the_anchor_moves_a_chunk_by_its_width() {
        let at = |anchor: &str| {
            use_xs(&rewritten(&format!(
                "{HEAD}<text x=\"100\" y=\"50\" font-size=\"20\" text-anchor=\"{anchor}\">AVA</text></svg>"
            )))
        };
        let (start, middle, end) = (at("start"), at("middle"), at("end"));
        assert_eq!(start[0], 100.0);
        let fonts = FontSet::built_in();
        let width = Shaper::new(&fonts).shape(FaceRole::Regular, "AVA").width * 20.0;
        for i in 0..3 {
            assert!(
                (start[i] - end[i] - width).abs() <= 0.11,
                "{start:?} {end:?}"
            );
            assert!((start[i] - middle[i] - width / 2.0).abs() <= 0.11);
        }
    }

    #[test]
    fn tspans_that_only_move_the_pen_start_new_chunks() {
        let out = rewritten(&format!(
            "{HEAD}<text x=\"44\" y=\"260\" font-size=\"26\"><tspan x=\"44\" dy=\"0\">ab</tspan>\
             <tspan x=\"44\" dy=\"30\">cd</tspan></text></svg>"
        ));
        let doc = roxmltree::Document::parse(&out).unwrap();
        let uses: Vec<(f32, f32)> = doc
            .descendants()
            .filter(|n| n.has_tag_name((SVG_NS, "use")))
            .map(|n| {
                (
                    n.attribute("x").unwrap().parse().unwrap(),
                    n.attribute("y").unwrap().parse().unwrap(),
                )
            })
            .collect();
        assert_eq!(uses[0], (44.0, 260.0));
        assert_eq!(uses[2], (44.0, 290.0));
        assert_eq!(uses[1].1, 260.0);
    }

    #[test]
    fn other_text_falls_back_to_usvg() {
        for text in [
            "<text><tspan font-weight=\"bold\">a</tspan></text>",
            "<text><tspan x=\"1\">a<tspan>b</tspan></tspan></text>",
            "<text>a<tspan x=\"1\">b</tspan></text>",
            "<text stroke=\"red\">a</text>",
            "<g stroke=\"#000\"><text>a</text></g>",
            "<text class=\"big\">a</text>",
            "<text x=\"1 2 3\">abc</text>",
            "<text xml:space=\"preserve\"> a</text>",
            "<text textLength=\"100\">a</text>",
            "<text>שלום</text>",
            "<text>\u{4e2d}</text>",
            "<a href=\"#x\"><text>a</text></a>",
            "<text id=\"t\">a</text><use href=\"#t\"/>",
        ] {
            let svg = format!("{HEAD}{text}</svg>");
            assert!(
                matches!(rewrite(&svg), Rewrite::Unsupported(_)),
                "{text} should fall back"
            );
        }
        let styled = format!("{HEAD}<style>text {{ fill: red }}</style><text>a</text></svg>");
        assert_eq!(
            rewrite(&styled),
            Rewrite::Unsupported(Unsupported("a <style> element"))
        );
        // One text that needs usvg sends the whole document to usvg.
        let mixed = format!("{HEAD}<text>plain</text><text stroke=\"red\">a</text></svg>");
        assert!(matches!(rewrite(&mixed), Rewrite::Unsupported(_)));
    }

    #[test]
    fn the_summit_banner_is_set_where_usvg_sets_it() {
        // Each text gets an id, to find it in both trees.
        let banner = std::str::from_utf8(crate::builtin::BANNER).unwrap();
        let mut parts = banner.split("<text ");
        let mut source = parts.next().unwrap().to_string();
        let mut count = 0;
        for part in parts {
            source.push_str(&format!("<text id=\"t{count}\" {part}"));
            count += 1;
        }
        assert_eq!(count, 19);

        let fonts = FontSet::built_in();
        let options = super::super::svg_options(&fonts);
        let doc = roxmltree::Document::parse(&source).unwrap();
        let Rewrite::Rewritten { outlined, .. } =
            TextSetter::new(&fonts).rewrite(&source, &doc, &UsvgText::of(&options))
        else {
            panic!("the banner's text is plain");
        };
        let ours = outlined.write();
        let theirs = usvg::Tree::from_str(&source, &options).unwrap();
        let ours = usvg::Tree::from_str(&ours, &options).unwrap();
        for n in 0..count {
            let id = format!("t{n}");
            let Some(usvg::Node::Text(text)) = theirs.node_by_id(&id) else {
                panic!("usvg has no text {id}");
            };
            let expected = text.flattened().abs_bounding_box();
            let found = ours.node_by_id(&id).unwrap().abs_bounding_box();
            // Both round outlines to a tenth of a unit.
            let close = |a: f32, b: f32| (a - b).abs() <= 0.15;
            assert!(
                close(expected.left(), found.left())
                    && close(expected.right(), found.right())
                    && close(expected.top(), found.top())
                    && close(expected.bottom(), found.bottom()),
                "{id}: usvg {expected:?}, ours {found:?}"
            );
        }
    }

    #[test]
    fn the_banner_texts_are_lifted_where_their_outlines_stand() {
        let banner = std::str::from_utf8(crate::builtin::BANNER).unwrap();
        let Rewrite::Rewritten {
            outlined,
            lifted: Some((shapes, lifted)),
        } = rewrite(banner)
        else {
            panic!("the banner's texts are painted last, in plain colours");
        };
        let source = outlined.write();
        assert!(!shapes.contains("<text") && shapes.matches("<rect").count() == 10);
        assert_eq!(lifted.texts.len(), 19);
        assert_eq!(lifted.viewport, (1200.0, 560.0));
        // Every glyph with an outline is a `<use>` at the same x.
        let lifted_xs: Vec<f32> = lifted
            .texts
            .iter()
            .flat_map(|t| &t.glyphs)
            .filter(|g| g.text.trim() != "")
            .map(|g| (g.x * 10.0).round() / 10.0)
            .collect();
        assert_eq!(lifted_xs, use_xs(&source));
        let title = &lifted.texts[0];
        assert_eq!(title.fill, Some([0x14, 0x32, 0x5A]));
        assert_eq!(title.size, 78.0);
        let letters: String = title.glyphs.iter().map(|g| &*g.text).collect();
        assert_eq!(letters, "Millenniemålen ");
        assert_eq!(lifted.texts[4].fill, Some([255, 255, 255]));
    }

    #[test]
    fn a_document_without_text_is_left_alone() {
        assert_eq!(rewrite(&format!("{HEAD}<rect/></svg>")), Rewrite::NoText);
    }

    #[test]
    fn glyph_ids_do_not_clash_with_the_documents() {
        assert_eq!(free_id_prefix(&["grass", "g1x"]), "g");
        assert_eq!(free_id_prefix(&["g0"]), "glyph");
        assert_eq!(
            free_id_prefix(&["g12", "glyph3", "mdg-glyph1-0"]),
            "mdg-glyph2-"
        );
        let out = rewritten(&format!(
            "{HEAD}<rect id=\"g0\"/><text id=\"g1\">ab</text></svg>"
        ));
        assert!(out.contains("<path id=\"glyph0\""), "{out}");
        assert!(out.contains("href=\"#glyph1\""));
    }

    #[test]
    fn an_existing_xlink_prefix_is_used() {
        let out = rewritten(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:l=\"http://www.w3.org/1999/xlink\">\
             <text>a</text></svg>",
        );
        assert!(out.contains("<use l:href=\"#g0\""), "{out}");
        assert!(!out.contains("xmlns:xlink"));
    }
}
