//! PDF back end: [`Pages`] → PDF bytes.
//!
//! 1. [`fonts`] subsets every face to the glyphs the pages use.
//! 2. printpdf turns the pages into content streams (text as glyph ids with
//!    their Unicode text attached, so extraction gives the source text).
//! 3. [`finish`] works on the lopdf document printpdf produces: it adds
//!    images and SVG forms, the nested outline, the document info with
//!    proper text strings, the catalog's `/Lang`, and a content-derived
//!    file identifier, so the same input gives the same bytes.
//! 4. [`tagging`] adds the structure tree: every item was written as
//!    marked content (tagged with its structure node, or an artifact);
//!    or, for a booklet, [`impose`] puts the pages two-up on sheets.
//! 5. [`archival`] adds the XMP metadata (PDF/A-2a and PDF/UA-1
//!    identifiers) and the sRGB output intent.
//! 6. `serialize` writes the file.
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
mod serialize;
mod tagging;

pub use impose::saddle_stitch_order;
pub use marks::parse_length;

use crate::assets::Assets;
use crate::deflate::{Deflated, deflate_each};
use crate::diag::{Diagnostic, Span};
use crate::fonts::{FaceRole, FontSet};
use crate::layout::{Item, LinkTarget, Pages, Role, Tag};
use crate::model::Meta;
use printpdf::{
    Actions, BorderArray, Destination, LinkAnnotation, Op, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Pt, TextItem,
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
/// the content streams are written: the items (a few dozen bytes a glyph)
/// are dropped page by page, so a long document's glyphs and its
/// finished PDF objects are never in memory at once.
struct Drawn {
    /// Resource names of the images drawn on each page.
    images: Vec<std::collections::BTreeSet<String>>,
    /// The text of each link's structure node: its annotation's
    /// description.
    link_texts: BTreeMap<usize, String>,
    /// The content-derived file identifier, fed with every glyph's text.
    file_id: finish::FileId,
}

/// Writes laid-out pages as a PDF. The pages are consumed: their items
/// go as soon as their content stream is written.
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

    let height = pages.height;
    let mut pdf_pages = Vec::with_capacity(pages.pages.len());
    let mut contents = Vec::with_capacity(pages.pages.len());
    let mut marks = tagging::Marks::default();
    // The text each glyph stands for, by font and subset glyph id, for
    // the fonts' ToUnicode maps (see `font_usage`).
    let mut glyph_texts: Vec<Vec<Option<std::sync::Arc<str>>>> =
        subsets.iter().map(|s| vec![None; s.len()]).collect();
    for text in &lifted {
        if let Some(index) = subsets.iter().position(|s| s.role == text.face) {
            for glyph in &text.glyphs {
                note_text(
                    &mut glyph_texts[index],
                    subsets[index].new_id(glyph.id),
                    &glyph.text,
                );
            }
        }
    }
    let mut drawn = Drawn {
        images: Vec::with_capacity(pages.pages.len()),
        link_texts: BTreeMap::new(),
        file_id: finish::FileId::new(&crate::model::plain_text(&meta.title)),
    };
    let structure = std::mem::take(&mut pages.structure);
    for page in &mut pages.pages {
        let items = std::mem::take(&mut page.items);
        let mut page_images = std::collections::BTreeSet::new();
        drawn.file_id.new_page();
        let mut ops = Vec::new();
        let mut content = content::Content::default();
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
                content.end_text();
                text_line = None;
            }
            if baseline.is_some() && text_line.is_none() {
                content.begin_text();
                text_line = baseline;
            }
            // Every item is marked content: tagged with its structure
            // node and an MCID, or an artifact (ISO 32000-1, 14.6 and
            // 14.8.2.2; ISO 14289-1, 7.1: nothing may be left unmarked).
            let tag = match item {
                Item::Text(run) => run.tag,
                Item::Image { tag, .. } => *tag,
                Item::Line { .. } | Item::Rect { .. } => Tag::Artifact,
                // An annotation is no content: it joins its structure
                // element by an object reference.
                Item::Link { .. } => Tag::Artifact,
            };
            let marked = !matches!(item, Item::Link { .. });
            if marked {
                page_marks.begin(tag, &structure, &mut marks, &mut content);
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
                    let (index, subset) = subsets
                        .iter()
                        .enumerate()
                        .find(|(_, s)| s.role == run.face)
                        .expect("every face with glyphs on a page is subset");
                    let rise = run.glyphs.first().map_or(0.0, |g| g.rise);
                    let texts = &mut glyph_texts[index];
                    content.font(&subset.id.0, run.size);
                    content.gray(run.gray, false);
                    let expanded = (run.hscale - 1.0).abs() > 0.0001;
                    if expanded {
                        content.horizontal_scaling(run.hscale * 100.0);
                    }
                    content.text_position(run.x, height - run.y + rise);
                    content.show_glyphs(run.glyphs.iter().map(|glyph| {
                        let code = subset.new_id(glyph.id);
                        note_text(texts, code, &glyph.text);
                        // The viewer moves the pen by the font's own
                        // advance, scaled by Tz: the TJ number makes up
                        // the difference to the shaped and justified one.
                        let advance = glyph.advance / run.hscale;
                        (code, subset.adjustment(glyph.id, advance, run.size))
                    }));
                    if expanded {
                        content.horizontal_scaling(100.0);
                    }
                }
                Item::Line {
                    from,
                    to,
                    width,
                    gray: level,
                } => content.line(
                    (from.0, height - from.1),
                    (to.0, height - to.1),
                    *width,
                    *level,
                ),
                Item::Rect { rect, gray: level } => {
                    content.rect(rect.x, height - rect.y - rect.h, rect.w, rect.h, *level)
                }
                Item::Image { url, rect, .. } => {
                    if let Some(name) = image_names.get(url) {
                        content.xobject(name, rect.x, height - rect.y - rect.h, rect.w, rect.h);
                        page_images.insert(name.clone());
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
                    ops.push(Op::LinkAnnotation {
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
                content.end_marked();
            }
        }
        if text_line.is_some() {
            content.end_text();
        }
        marks.pages.push(page_marks);
        drawn.images.push(page_images);
        contents.push(content.into_bytes());
        pdf_pages.push(PdfPage::new(
            printpdf::Mm(pages.width * 25.4 / 72.0),
            printpdf::Mm(pages.height * 25.4 / 72.0),
            ops,
        ));
    }
    // Cut here, after the pages: on a second thread beside them it was
    // measured to cost more wall time than it saved on two cores.
    let cut_fonts = subsets
        .iter()
        .map(|subset| subset.cut(fonts))
        .collect::<Result<Vec<_>, String>>()
        .map_err(internal)?;
    let mut doc = PdfDocument::new(&crate::model::plain_text(&meta.title));
    for (subset, font) in subsets.iter().zip(cut_fonts) {
        doc.resources
            .fonts
            .map
            .insert(subset.id.clone(), printpdf::PdfFont::new(font));
    }
    // printpdf learns which glyphs each font uses (for its widths and
    // ToUnicode map) from text operations; it is shown each used glyph
    // once, on the first page, whose content is then replaced like every
    // other page's by the stream written above.
    if let Some(first) = pdf_pages.first_mut() {
        first.ops.extend(font_usage(&subsets, &glyph_texts));
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
    // The page contents are most of the deflating: it starts now, on
    // other threads, while this one builds the rest of the document. (A
    // booklet reads the pages back to impose them: it deflates at the end.)
    std::thread::scope(|scope| {
        let (early, plain) = if options.print.booklet {
            (None, contents)
        } else {
            let early = scope.spawn(move || deflate_each(contents));
            (Some(early), Vec::new())
        };
        let mut lo = doc.to_lopdf_document(&save, &mut warnings);
        let streams = replace_contents(&mut lo).map_err(internal)?;
        for (&id, bytes) in streams.iter().zip(plain) {
            set_stream(&mut lo, id, Deflated::Plain(bytes));
        }
        finish_document(
            &mut lo,
            &pages,
            meta,
            assets,
            options,
            (&image_names, &subsets),
            &drawn,
            &marks,
        )
        .map_err(internal)?;
        if let Some(early) = early {
            let deflated = early
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            for (&id, bytes) in streams.iter().zip(deflated) {
                set_stream(&mut lo, id, bytes);
            }
        }
        compress_streams(&mut lo);
        Ok(serialize::write_document(&mut lo))
    })
}

/// Everything after the pages: images, outline and info, the structure
/// tree (or the imposition), print marks and the archival metadata.
#[allow(clippy::too_many_arguments)]
fn finish_document(
    lo: &mut lopdf::Document,
    pages: &Pages,
    meta: &Meta,
    assets: &Assets,
    options: &PdfOptions,
    (image_names, subsets): (&BTreeMap<String, String>, &[fonts::Subset]),
    drawn: &Drawn,
    marks: &tagging::Marks,
) -> Result<(), String> {
    let image_refs = images::add_images(lo, assets, image_names, subsets)?;
    finish::finish(lo, pages, meta, options, &image_refs, drawn)?;
    let tagged = !options.print.booklet;
    if tagged {
        tagging::add_structure_tree(lo, pages, marks, &drawn.link_texts)?;
        if options.print.bleed > 0.0 || options.print.crop_marks {
            marks::add_bleed_and_marks(
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
    let claims = archival::Claims {
        pdfa: (!cmyk).then_some(if tagged { 'A' } else { 'U' }),
        pdfua: tagged,
    };
    archival::add_metadata(lo, claims)
}

/// Notes the text a subset glyph stands for, the first time it is drawn
/// with one (the second glyph of a cluster has none).
fn note_text(texts: &mut [Option<std::sync::Arc<str>>], code: u16, text: &std::sync::Arc<str>) {
    if let Some(slot @ None) = texts.get_mut(usize::from(code))
        && !text.is_empty()
    {
        *slot = Some(text.clone());
    }
}

/// The font resources of the document's first page, which name every
/// subset (it showed every glyph, see `font_usage`).
fn page_fonts(doc: &lopdf::Document) -> Option<lopdf::Object> {
    let &first = doc.get_pages().values().next()?;
    resources_of(doc, first)?.get(b"Font").ok().cloned()
}

/// One text operation per font showing every glyph it uses once, each
/// with the text it stands for: what printpdf reads to make the fonts'
/// `/W` widths and ToUnicode maps.
fn font_usage(subsets: &[fonts::Subset], texts: &[Vec<Option<std::sync::Arc<str>>>]) -> Vec<Op> {
    let mut ops = vec![Op::StartTextSection];
    for (subset, glyphs) in subsets.iter().zip(texts) {
        if glyphs.iter().all(Option::is_none) {
            continue;
        }
        ops.push(Op::SetFont {
            font: PdfFontHandle::External(subset.id.clone()),
            size: Pt(10.0),
        });
        ops.push(Op::ShowText {
            items: vec![TextItem::GlyphIds(
                glyphs
                    .iter()
                    .enumerate()
                    .filter_map(|(code, text)| {
                        Some(printpdf::Codepoint {
                            gid: code as u16,
                            offset: 0.0,
                            cid: Some(text.as_deref()?.to_string()),
                        })
                    })
                    .collect(),
            )],
        });
    }
    ops.push(Op::EndTextSection);
    ops
}

/// Gives every page a content stream of its own in place of the one
/// printpdf made (filled in with [`set_stream`] once written and
/// deflated), and the same font resources. Returns the streams' ids in
/// page order.
fn replace_contents(doc: &mut lopdf::Document) -> Result<Vec<lopdf::ObjectId>, String> {
    let page_ids: Vec<lopdf::ObjectId> = doc.get_pages().values().copied().collect();
    let fonts = page_fonts(doc);
    let mut streams = Vec::with_capacity(page_ids.len());
    for &id in &page_ids {
        let old = doc
            .get_dictionary(id)
            .map_err(|e| e.to_string())?
            .get(b"Contents")
            .ok()
            .cloned();
        let stream = doc.add_object(lopdf::Stream::new(lopdf::Dictionary::new(), Vec::new()));
        streams.push(stream);
        let mut resources = resources_of(doc, id).unwrap_or_default();
        if let Some(fonts) = &fonts {
            resources.set("Font", fonts.clone());
        }
        let page = doc
            .get_object_mut(id)
            .and_then(lopdf::Object::as_dict_mut)
            .map_err(|e| e.to_string())?;
        page.set("Contents", lopdf::Object::Reference(stream));
        page.set("Resources", lopdf::Object::Dictionary(resources));
        // printpdf's own stream for the page is no longer referenced.
        match old {
            Some(lopdf::Object::Reference(old)) => {
                doc.objects.remove(&old);
            }
            Some(lopdf::Object::Array(parts)) => {
                for part in parts {
                    if let lopdf::Object::Reference(old) = part {
                        doc.objects.remove(&old);
                    }
                }
            }
            _ => {}
        }
    }
    Ok(streams)
}

/// Puts data into the stream object `id`.
fn set_stream(doc: &mut lopdf::Document, id: lopdf::ObjectId, data: Deflated) {
    if let Ok(lopdf::Object::Stream(stream)) = doc.get_object_mut(id) {
        fill_stream(stream, data);
    }
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

/// Rounds to 1/100 pt: finer than any printer, and it keeps the content
/// streams short and free of float noise.
fn round2(value: f32) -> f32 {
    (value * 100.0).round() / 100.0
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
