//! PDF back end: [`Pages`] → PDF bytes.
//!
//! 1. [`fonts`] subsets every face to the glyphs the pages use, and
//!    [`images`] makes the images and SVG drawings printpdf XObjects.
//! 2. [`content`] turns each page's items into printpdf operations: text
//!    as glyph ids with their text attached (from which printpdf writes
//!    the fonts' widths and ToUnicode maps), marked content for the
//!    structure tree, paths, XObjects and link annotations.
//! 3. printpdf builds the lopdf document: pages, content streams, fonts,
//!    XObjects, annotations.
//! 4. Passes over that document add what printpdf does not write:
//!    [`finish`] the nested outline, the document info with proper text
//!    strings, the catalog's `/Lang` and a content-derived file
//!    identifier (the same input gives the same bytes); [`tagging`] the
//!    structure tree, or for a booklet [`impose`] the sheets; [`marks`]
//!    the bleed box; [`archival`] the XMP metadata and the output intent.
//! 5. The streams are deflated on two threads (the pages' as printpdf
//!    writes them) and lopdf writes the file.
//!
//! The only module that imports `printpdf`, `lopdf`, `subsetter` and
//! `svg2pdf`.

mod archival;
mod content;
mod finish;
mod fonts;
mod images;
mod impose;
mod marks;
mod tagging;

#[cfg(feature = "internals")]
pub use impose::saddle_stitch_order;

use crate::assets::Assets;
use crate::deflate::{DeflatePool, Deflated, deflate_each};
use crate::diag::{Diagnostic, Span};
use crate::fonts::{FaceRole, FontSet};
use crate::layout::{Item, LinkTarget, Pages, Role, Tag};
use crate::model::Meta;
use content::round2;
use printpdf::{
    Actions, BorderArray, Destination, LinkAnnotation, Op, PdfDocument, PdfPage, PdfSaveOptions,
    Pt, XObjectId,
};
use std::collections::BTreeMap;

/// Options for the PDF back end.
#[derive(Debug, Clone, Default)]
pub struct PdfOptions {
    /// Creation date as `YYYY-MM-DD` (front matter or `SOURCE_DATE_EPOCH`);
    /// never the clock, so output is reproducible.
    pub date: Option<String>,
    /// The producer string, e.g. `mdg-export 0.1.0`.
    pub creator: String,
    /// How the file is prepared for printing.
    pub print: PrintOptions,
    /// The document fails a condition of the accessibility claims (see
    /// [`crate::conformance`]): no PDF/UA-1 and no PDF/A-2a claim
    /// (PDF/A-2u, or -2b when some characters have no glyph).
    pub unclaimed: Option<Unclaimed>,
}

/// Why the accessibility claims are not made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unclaimed {
    /// The text is all there, mapped to Unicode: PDF/A-2u holds.
    Structure,
    /// Some characters print as empty boxes: only PDF/A-2b holds.
    MissingGlyphs,
}

/// Print production: imposition, bleed and marks.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PrintOptions {
    /// Impose the pages two-up in saddle-stitch order (an untagged print
    /// file; see [`saddle_stitch_order`]).
    pub booklet: bool,
    /// Bleed around each page, in points: the MediaBox and BleedBox grow
    /// by it, the TrimBox is the page (not with `booklet`).
    pub bleed: f32,
    /// Draw crop marks in a 10 mm slug outside the bleed (not with
    /// `booklet`).
    pub crop_marks: bool,
}

/// What the finishing passes need from the pages' items, gathered while
/// the pages' operations are made: the items (a few dozen bytes a glyph)
/// are dropped page by page.
struct Drawn {
    /// The text of each link's structure node: its annotation's
    /// description.
    link_texts: BTreeMap<usize, String>,
    /// The content-derived file identifier, fed with every glyph's text.
    file_id: finish::FileId,
}

/// Writes laid-out pages as a PDF. The pages are consumed: their items
/// go as soon as their operations are made.
pub fn write_pdf(
    mut pages: Pages,
    meta: &Meta,
    assets: &Assets,
    fonts: &FontSet,
    options: &PdfOptions,
) -> Result<Vec<u8>, Vec<Diagnostic>> {
    let internal = |what: String| {
        vec![
            Diagnostic::error(Span::DETACHED, format!("cannot write the PDF: {what}"))
                .with_hint("this is a bug in mdg-export; please report it"),
        ]
    };

    let image_names = images::name_images(&pages);
    let lifted = images::lifted_texts(assets, &image_names);
    let subsets = fonts::plan_subsets(&pages, &lifted, fonts).map_err(internal)?;
    let mut doc = PdfDocument::new(&crate::model::plain_text(&meta.title));
    images::add_images(&mut doc, assets, &image_names).map_err(internal)?;

    let (width, height) = (pages.width, pages.height);
    let mut pdf_pages = Vec::with_capacity(pages.pages.len());
    let mut marks = tagging::Marks::default();
    // The text each subset glyph stands for (see `content::Ops`).
    let mut glyph_texts: Vec<Vec<Option<std::sync::Arc<str>>>> =
        subsets.iter().map(|s| vec![None; s.len()]).collect();
    let mut drawn = Drawn {
        link_texts: BTreeMap::new(),
        file_id: finish::FileId::new(&crate::model::plain_text(&meta.title)),
    };
    let crop_marks = (options.print.crop_marks && !options.print.booklet)
        .then(|| marks::crop_marks(width, height, options.print.bleed));
    let structure = std::mem::take(&mut pages.structure);
    for page in &mut pages.pages {
        let items = std::mem::take(&mut page.items);
        drawn.file_id.new_page();
        let mut ops = content::Ops::new(&subsets, &mut glyph_texts);
        let mut page_marks = tagging::PageMarks::default();
        // Runs on one baseline share a text object, so that a reader that
        // ends a line at every ET (as lopdf's extraction does) does not
        // break a line where a link or a face begins.
        let mut text_line: Option<f32> = None;
        for item in &items {
            let baseline = match item {
                Item::Text(run) => Some(run.y),
                _ => None,
            };
            if text_line.is_some() && text_line != baseline && !matches!(item, Item::Link { .. }) {
                ops.end_text();
                text_line = None;
            }
            if baseline.is_some() && text_line.is_none() {
                ops.begin_text();
                text_line = baseline;
            }
            // Every item is marked content: tagged with its structure
            // node and an MCID, or an artifact (ISO 32000-1, 14.6 and
            // 14.8.2.2; ISO 14289-1, 7.1: nothing may be left unmarked).
            let tag = match item {
                Item::Text(run) => run.tag,
                Item::Image { tag, .. } => *tag,
                Item::Line { .. } => Tag::Artifact,
                // An annotation is no content: it joins its structure
                // element by an object reference.
                Item::Link { .. } => Tag::Artifact,
            };
            let marked = !matches!(item, Item::Link { .. });
            if marked {
                page_marks.begin(tag, &structure, &mut marks, &mut ops);
            }
            match item {
                Item::Text(run) => {
                    for glyph in &run.glyphs {
                        drawn.file_id.feed(glyph.text.as_bytes());
                    }
                    if let Tag::Node(node) = run.tag
                        && structure
                            .nodes
                            .get(node)
                            .is_some_and(|n| n.role == Role::Link)
                    {
                        let text = drawn.link_texts.entry(node).or_default();
                        text.extend(run.glyphs.iter().map(|g| &*g.text));
                    }
                    let rise = run.glyphs.first().map_or(0.0, |g| g.rise);
                    ops.fill_gray(run.gray);
                    ops.show_glyphs(
                        (run.face, run.size, run.hscale),
                        [1.0, 0.0, 0.0, 1.0, run.x, height - run.y + rise],
                        run.glyphs.iter().map(|g| (g.id, g.advance, &g.text)),
                    );
                }
                Item::Line {
                    from,
                    to,
                    width,
                    gray: level,
                } => ops.line(
                    (from.0, height - from.1),
                    (to.0, height - to.1),
                    *width,
                    *level,
                ),
                Item::Image { url, rect, .. } => {
                    if let Some(name) = image_names.get(url) {
                        let place = (rect.x, height - rect.y - rect.h, rect.w, rect.h);
                        ops.xobject(&XObjectId(name.clone()), place);
                        if let Some(lifted) = images::lifted(assets, url) {
                            ops.lifted_texts(lifted, place);
                        }
                    }
                }
                Item::Link { rect, target, tag } => {
                    let actions = match target {
                        LinkTarget::Uri(uri) => Actions::Uri(uri.clone()),
                        LinkTarget::Anchor(anchor) => match pages.anchors.get(anchor) {
                            Some(&(page, y)) => Actions::Goto(Destination::Xyz {
                                page: page + 1,
                                left: None,
                                top: Some(round2(height - y + 6.0)),
                                zoom: None,
                            }),
                            None => continue,
                        },
                    };
                    page_marks.link(*tag, &mut marks);
                    ops.ops.push(Op::LinkAnnotation {
                        link: LinkAnnotation::new(
                            printpdf::Rect {
                                x: Pt(round2(rect.x)),
                                y: Pt(round2(height - rect.y - rect.h)),
                                width: Pt(round2(rect.w)),
                                height: Pt(round2(rect.h)),
                                mode: None,
                                winding_order: None,
                            },
                            actions,
                            // No visible box around links.
                            Some(BorderArray::Solid([0.0, 0.0, 0.0])),
                            None,
                            None,
                        ),
                    });
                }
            }
            if marked {
                ops.end_marked();
            }
        }
        if text_line.is_some() {
            ops.end_text();
        }
        if let Some(crop_marks) = &crop_marks {
            ops.ops.extend(crop_marks.iter().cloned());
        }
        marks.pages.push(page_marks);
        let size = printpdf::Rect::from_wh(Pt(width), Pt(height));
        pdf_pages.push(PdfPage {
            media_box: size.clone(),
            trim_box: size.clone(),
            crop_box: size,
            ops: ops.ops,
        });
    }
    let cut_fonts = subsets
        .iter()
        .map(|subset| subset.cut(fonts))
        .collect::<Result<Vec<_>, String>>()
        .map_err(internal)?;
    for (subset, font) in subsets.iter().zip(cut_fonts) {
        doc.resources
            .fonts
            .map
            .insert(subset.id.clone(), printpdf::PdfFont::new(font));
    }
    doc.with_pages(pdf_pages);
    pages.structure = structure;

    let save = PdfSaveOptions {
        optimize: false,
        subset_fonts: false,
        secure: true,
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    std::thread::scope(|scope| {
        // The page contents are most of the deflating: each page's goes
        // to other threads as soon as printpdf has written it, while this
        // one writes the next and then finishes the document. (A booklet
        // reads the pages back to impose them: it deflates at the end.)
        let mut pool = (!options.print.booklet).then(|| DeflatePool::new(scope));
        let mut lo = match &mut pool {
            Some(pool) => doc.to_lopdf_document_with(&save, &mut warnings, &mut |_, content| {
                pool.push(content);
                Vec::new()
            }),
            None => doc.to_lopdf_document(&save, &mut warnings),
        };
        // Its operations (a few dozen bytes a glyph) are written out.
        drop(doc);
        finish_document(
            &mut lo,
            &pages,
            meta,
            options,
            &image_names,
            assets,
            &drawn,
            &marks,
        )
        .map_err(internal)?;
        if let Some(pool) = pool {
            // Handed over in page order.
            let ids = page_content_ids(&lo);
            let deflated = pool.finish();
            debug_assert_eq!(ids.len(), deflated.len());
            for (id, data) in ids.into_iter().zip(deflated) {
                if let Ok(lopdf::Object::Stream(stream)) = lo.get_object_mut(id) {
                    fill_stream(stream, data);
                }
            }
        }
        compress_streams(&mut lo);
        let mut bytes = Vec::new();
        lo.save_to(&mut bytes)
            .map_err(|err| internal(err.to_string()))?;
        Ok(bytes)
    })
}

/// The id of every page's content stream, in page order.
fn page_content_ids(doc: &lopdf::Document) -> Vec<lopdf::ObjectId> {
    doc.get_pages()
        .values()
        .filter_map(|&page| {
            let contents = doc.get_dictionary(page).ok()?.get(b"Contents").ok()?;
            contents.as_reference().ok()
        })
        .collect()
}

/// Everything printpdf does not write: outline and info, the structure
/// tree (or the imposition), the bleed box and the archival metadata.
#[allow(clippy::too_many_arguments)]
fn finish_document(
    lo: &mut lopdf::Document,
    pages: &Pages,
    meta: &Meta,
    options: &PdfOptions,
    image_names: &BTreeMap<String, String>,
    assets: &Assets,
    drawn: &Drawn,
    marks: &tagging::Marks,
) -> Result<(), String> {
    finish::finish(lo, pages, meta, options, drawn)?;
    let tagged = !options.print.booklet;
    if tagged {
        tagging::add_structure_tree(lo, pages, marks, &drawn.link_texts)?;
        if options.print.bleed > 0.0 || options.print.crop_marks {
            marks::set_boxes(
                lo,
                pages.width,
                pages.height,
                options.print.bleed,
                options.print.crop_marks,
            )?;
        }
    } else {
        impose::impose_booklet(lo, pages.width, pages.height)?;
    }
    // PDF/A-2 costs a few kilobytes (the sRGB profile and the XMP packet)
    // and changes nothing on the page, so it is always claimed, level A
    // as the file is tagged; only a CMYK JPEG (which would need a CMYK
    // output intent) makes the claim impossible.
    let cmyk = image_names.keys().any(|url| {
        matches!(
            assets.get(url).map(|a| &a.kind),
            Some(crate::assets::AssetKind::Jpeg { components: 4 })
        )
    });
    let level = match options.unclaimed {
        None if tagged => 'A',
        Some(Unclaimed::MissingGlyphs) => 'B',
        _ => 'U',
    };
    let claims = archival::Claims {
        pdfa: (!cmyk).then_some(level),
        pdfua: tagged && options.unclaimed.is_none(),
    };
    archival::add_metadata(lo, claims)
}

/// Gives a stream its data, with the filter that says how it is stored.
fn fill_stream(stream: &mut lopdf::Stream, data: Deflated) {
    match data {
        Deflated::Plain(bytes) => stream.set_content(bytes),
        Deflated::Flate(bytes) => {
            stream
                .dict
                .set("Filter", lopdf::Object::Name(b"FlateDecode".to_vec()));
            stream.set_content(bytes);
        }
    }
}

/// A Form XObject's dictionary (ISO 32000-1, 8.10): its box from the
/// origin to `width` × `height`, a matrix that scales it by `scale` if
/// given, and its resources.
fn form_dictionary(
    width: f32,
    height: f32,
    scale: Option<(f32, f32)>,
    resources: lopdf::Object,
) -> lopdf::Dictionary {
    use lopdf::Object;
    let mut dict = lopdf::Dictionary::from_iter(vec![
        ("Type", Object::Name(b"XObject".to_vec())),
        ("Subtype", Object::Name(b"Form".to_vec())),
        (
            "BBox",
            Object::Array(vec![
                0.into(),
                0.into(),
                Object::Real(width),
                Object::Real(height),
            ]),
        ),
    ]);
    if let Some((x, y)) = scale {
        dict.set(
            "Matrix",
            Object::Array(vec![
                Object::Real(x),
                0.into(),
                0.into(),
                Object::Real(y),
                0.into(),
                0.into(),
            ]),
        );
    }
    dict.set("Resources", resources);
    dict
}

/// A page's resource dictionary, resolved.
fn resources_of(doc: &lopdf::Document, page: lopdf::ObjectId) -> Option<lopdf::Dictionary> {
    match doc.get_dictionary(page).ok()?.get(b"Resources").ok()? {
        lopdf::Object::Reference(id) => doc.get_dictionary(*id).ok().cloned(),
        lopdf::Object::Dictionary(dict) => Some(dict.clone()),
        _ => None,
    }
}

/// Deflates every stream not yet compressed (ToUnicode maps, the
/// banner's form, a booklet's pages). lopdf's own pass uses the slowest
/// level; the default level gives files within a percent for half the
/// time.
fn compress_streams(doc: &mut lopdf::Document) {
    let mut streams: Vec<&mut lopdf::Stream> = doc
        .objects
        .values_mut()
        .filter_map(|object| match object {
            lopdf::Object::Stream(stream)
                if !stream.dict.has(b"Filter") && stream.allows_compression =>
            {
                Some(stream)
            }
            _ => None,
        })
        .collect();
    let data = streams
        .iter_mut()
        .map(|stream| std::mem::take(&mut stream.content))
        .collect();
    for (stream, data) in streams.into_iter().zip(deflate_each(data)) {
        fill_stream(stream, data);
    }
}

/// The faces used on the pages and in the texts of their drawings, in a
/// fixed order, with their glyphs.
fn used_faces(
    pages: &Pages,
    lifted: &[&crate::assets::LiftedText],
) -> BTreeMap<FaceRole, std::collections::BTreeSet<u16>> {
    // A flag per glyph id while walking (every glyph of every page),
    // sets only at the end.
    let mut used: BTreeMap<FaceRole, Vec<bool>> = BTreeMap::new();
    let mut mark = |face: FaceRole, ids: &mut dyn Iterator<Item = u16>| {
        let flags = used.entry(face).or_default();
        for id in ids {
            let id = usize::from(id);
            if id >= flags.len() {
                flags.resize(id + 1, false);
            }
            flags[id] = true;
        }
    };
    for page in &pages.pages {
        for item in &page.items {
            if let Item::Text(run) = item {
                mark(run.face, &mut run.glyphs.iter().map(|g| g.id));
            }
        }
    }
    for text in lifted {
        mark(text.face, &mut text.glyphs.iter().map(|g| g.id));
    }
    used.into_iter()
        .map(|(role, flags)| {
            let glyphs = (0..=u16::MAX)
                .zip(flags)
                .filter_map(|(id, used)| used.then_some(id))
                .collect();
            (role, glyphs)
        })
        .collect()
}
