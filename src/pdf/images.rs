//! Images as PDF XObjects, each stored once however often it is drawn.
//!
//! Raster images keep every pixel: PNG samples are Flate-compressed (with
//! a soft mask for transparency), JPEG data goes in as it is. SVG becomes
//! a vector Form XObject through svg2pdf; its texts, when the assets
//! stage lifted them out of the drawing, are drawn over it as text in the
//! document's embedded fonts.

use super::content::Content;
use super::fonts::Subset;
use crate::assets::{AssetKind, Assets, Lifted, LiftedText, PixelFormat};
use crate::layout::{Item, Pages};
use lopdf::{Dictionary, Document, Object, ObjectId, Stream};
use std::collections::BTreeMap;

/// Gives every image drawn on the pages a resource name (`Im1` …), in URL
/// order so names do not depend on page order.
pub fn name_images(pages: &Pages) -> BTreeMap<String, String> {
    let mut urls: Vec<&str> = pages
        .pages
        .iter()
        .flat_map(|page| &page.items)
        .filter_map(|item| match item {
            Item::Image { url, .. } => Some(url.as_str()),
            _ => None,
        })
        .collect();
    urls.sort_unstable();
    urls.dedup();
    urls.into_iter()
        .enumerate()
        .map(|(i, url)| (url.to_string(), format!("Im{}", i + 1)))
        .collect()
}

/// The texts the PDF sets in its fonts for the drawings in `names`, in
/// resource-name order.
pub fn lifted_texts<'a>(
    assets: &'a Assets,
    names: &BTreeMap<String, String>,
) -> Vec<&'a LiftedText> {
    names
        .keys()
        .filter_map(|url| match &assets.get(url)?.kind {
            AssetKind::Svg { drawing } => drawing.lifted(),
            _ => None,
        })
        .flat_map(|lifted| &lifted.texts)
        .collect()
}

/// Adds the XObjects to the document and lists them by resource name.
/// `subsets` are the document's fonts, which lifted SVG texts are set in.
pub fn add_images(
    doc: &mut Document,
    assets: &Assets,
    names: &BTreeMap<String, String>,
    subsets: &[Subset],
) -> Result<BTreeMap<String, ObjectId>, String> {
    let mut refs = BTreeMap::new();
    for (url, name) in names {
        let Some(asset) = assets.get(url) else {
            continue;
        };
        let id = match &asset.kind {
            AssetKind::Png {
                pixels,
                format,
                alpha,
            } => {
                let mut dict = image_dict(asset.width_px, asset.height_px, color_space(*format));
                if let Some(alpha) = alpha {
                    let mask = image_dict(asset.width_px, asset.height_px, "DeviceGray");
                    let mask_id = doc.add_object(flate_stream(mask, alpha)?);
                    dict.set("SMask", Object::Reference(mask_id));
                }
                doc.add_object(flate_stream(dict, pixels)?)
            }
            AssetKind::Jpeg { components } => {
                let space = match components {
                    1 => "DeviceGray",
                    4 => "DeviceCMYK",
                    _ => "DeviceRGB",
                };
                let mut dict = image_dict(asset.width_px, asset.height_px, space);
                dict.set("Filter", Object::Name(b"DCTDecode".to_vec()));
                doc.add_object(Stream::new(dict, asset.bytes().to_vec()).with_compression(false))
            }
            AssetKind::Svg { drawing } => {
                let tree = drawing
                    .tree()
                    .map_err(|err| format!("cannot use image `{url}`: {err}"))?;
                svg_form(doc, tree, drawing.lifted(), subsets)?
            }
        };
        refs.insert(name.clone(), id);
    }
    Ok(refs)
}

fn color_space(format: PixelFormat) -> &'static str {
    match format {
        PixelFormat::Gray => "DeviceGray",
        PixelFormat::Rgb => "DeviceRGB",
    }
}

fn image_dict(width: u32, height: u32, space: &str) -> Dictionary {
    Dictionary::from_iter(vec![
        ("Type", Object::Name(b"XObject".to_vec())),
        ("Subtype", Object::Name(b"Image".to_vec())),
        ("Width", Object::Integer(i64::from(width))),
        ("Height", Object::Integer(i64::from(height))),
        ("ColorSpace", Object::Name(space.as_bytes().to_vec())),
        ("BitsPerComponent", Object::Integer(8)),
    ])
}

fn flate_stream(mut dict: Dictionary, data: &[u8]) -> Result<Stream, String> {
    let compressed = crate::deflate::Deflater::new().deflate(data);
    dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
    Ok(Stream::new(dict, compressed).with_compression(false))
}

/// Converts normalised SVG to a Form XObject that maps the unit square to
/// the drawing, like an image does, so both are placed the same way.
fn svg_form(
    doc: &mut Document,
    tree: &svg2pdf::usvg::Tree,
    lifted: Option<&Lifted>,
    subsets: &[Subset],
) -> Result<ObjectId, String> {
    // Uncompressed: the content is deflated once, below, and the few
    // other streams by the final pass over the whole document.
    let conversion = svg2pdf::ConversionOptions {
        compress: false,
        ..svg2pdf::ConversionOptions::default()
    };
    let pdf = svg2pdf::to_pdf(tree, conversion, svg2pdf::PageOptions::default())
        .map_err(|e| format!("cannot convert SVG: {e:?}"))?;
    let source = Document::load_mem(&pdf).map_err(|e| e.to_string())?;
    let page_id = *source
        .get_pages()
        .values()
        .next()
        .ok_or("svg2pdf made no page")?;
    let page = source.get_dictionary(page_id).map_err(|e| e.to_string())?;
    let media_box = page
        .get(b"MediaBox")
        .and_then(Object::as_array)
        .map_err(|e| e.to_string())?;
    let number = |o: &Object| {
        o.as_float()
            .or_else(|_| o.as_i64().map(|i| i as f32))
            .unwrap_or(0.0)
    };
    let (width, height) = (number(&media_box[2]), number(&media_box[3]));

    // The page's content, decoded, becomes the form's content.
    let mut content = source.get_page_content(page_id);
    let mut imported = BTreeMap::new();
    let mut resources = match page.get(b"Resources") {
        Ok(object) => import(&source, doc, object, &mut imported)?,
        Err(_) => Object::Dictionary(Dictionary::new()),
    };
    if let Some(lifted) = lifted.filter(|l| !l.texts.is_empty()) {
        let fonts = super::page_fonts(doc).ok_or("the pages have no fonts for an SVG's text")?;
        if let Object::Dictionary(dict) = &mut resources {
            dict.set("Font", fonts);
        }
        let mut text = Content::default();
        draw_lifted(&mut text, lifted, (width, height), subsets);
        // svg2pdf's state ends with its content.
        let mut wrapped = Vec::with_capacity(content.len() + text.len() + 8);
        wrapped.extend_from_slice(b"q\n");
        wrapped.extend_from_slice(&content);
        wrapped.extend_from_slice(b"\nQ\n");
        wrapped.extend_from_slice(&text.into_bytes());
        content = wrapped;
    }
    let dict = super::form_dictionary(width, height, Some((1.0 / width, 1.0 / height)), resources);
    // Deflated with the document's other streams, on two threads.
    Ok(doc.add_object(Stream::new(dict, content)))
}

/// Draws a drawing's texts as text over its shapes, in a form `size` big
/// whose origin is at the bottom left (the viewport's is at the top left,
/// with y growing down).
fn draw_lifted(out: &mut Content, lifted: &Lifted, size: (f32, f32), subsets: &[Subset]) {
    let (sx, sy) = (size.0 / lifted.viewport.0, size.1 / lifted.viewport.1);
    out.save();
    // A form runs with the text state of the page that draws it (ISO
    // 32000-1, 8.10.1 and 9.3): the state glyphs are set in is said here.
    out.plain_text_state();
    out.concat([sx, 0.0, 0.0, -sy, 0.0, size.1]);
    for text in &lifted.texts {
        let (Some(fill), Some(subset)) = (text.fill, subsets.iter().find(|s| s.role == text.face))
        else {
            continue;
        };
        out.save();
        out.concat(text.matrix);
        out.fill_rgb(fill);
        // Glyphs on one baseline share a TJ in a text object of their
        // own, so that extraction ends a line where the drawing does; the
        // text matrix turns them upright again in the y-down space.
        let glyphs = &text.glyphs;
        let mut start = 0;
        while start < glyphs.len() {
            let y = glyphs[start].y;
            let end = (start + 1..glyphs.len())
                .find(|&i| (glyphs[i].y - y).abs() > 0.001)
                .unwrap_or(glyphs.len());
            out.begin_text();
            out.font(&subset.id.0, text.size);
            out.text_matrix([1.0, 0.0, 0.0, -1.0, glyphs[start].x, y]);
            out.show_glyphs((start..end).map(|i| {
                let glyph = &glyphs[i];
                // The TJ number moves the pen to where the next glyph
                // stands.
                let adjustment = match glyphs.get(i + 1).filter(|_| i + 1 < end) {
                    Some(next) => subset.adjustment(glyph.id, next.x - glyph.x, text.size),
                    None => 0.0,
                };
                (subset.new_id(glyph.id), adjustment)
            }));
            out.end_text();
            start = end;
        }
        out.restore();
    }
    out.restore();
}

/// Copies an object and everything it refers to from `source` into `doc`.
fn import(
    source: &Document,
    doc: &mut Document,
    object: &Object,
    imported: &mut BTreeMap<ObjectId, ObjectId>,
) -> Result<Object, String> {
    Ok(match object {
        Object::Reference(id) => {
            if let Some(new) = imported.get(id) {
                return Ok(Object::Reference(*new));
            }
            let new = doc.new_object_id();
            imported.insert(*id, new);
            let target = source.get_object(*id).map_err(|e| e.to_string())?;
            let copy = import(source, doc, target, imported)?;
            doc.objects.insert(new, copy);
            Object::Reference(new)
        }
        Object::Array(items) => Object::Array(
            items
                .iter()
                .map(|item| import(source, doc, item, imported))
                .collect::<Result<_, _>>()?,
        ),
        Object::Dictionary(dict) => Object::Dictionary(import_dict(source, doc, dict, imported)?),
        Object::Stream(stream) => {
            let dict = import_dict(source, doc, &stream.dict, imported)?;
            Object::Stream(Stream::new(dict, stream.content.clone()).with_compression(false))
        }
        other => other.clone(),
    })
}

fn import_dict(
    source: &Document,
    doc: &mut Document,
    dict: &Dictionary,
    imported: &mut BTreeMap<ObjectId, ObjectId>,
) -> Result<Dictionary, String> {
    let mut out = Dictionary::new();
    for (key, value) in dict.iter() {
        out.set(key.clone(), import(source, doc, value, imported)?);
    }
    Ok(out)
}
