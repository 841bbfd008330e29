//! Images as printpdf XObjects, each stored once however often it is
//! drawn.
//!
//! Raster images keep every pixel: PNG samples go to printpdf as raw
//! pixels (it Flate-compresses them, with a soft mask for transparency),
//! JPEG data goes in as it is. SVG becomes a vector Form XObject through
//! svg2pdf; its texts, when the assets stage lifted them out of the
//! drawing, are drawn over it on the page as text in the document's
//! embedded fonts ([`super::content::Ops::lifted_texts`]).

use crate::assets::{AssetKind, Assets, Lifted, LiftedText, PixelFormat};
use crate::layout::{Item, Pages};
use lopdf::{Document, Object};
use printpdf::{
    DictItem, ExternalStream, ExternalXObject, PdfDocument, RawImage, RawImageData, RawImageFormat,
    XObject, XObjectId,
};
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

/// The lifted texts of the drawing at `url`, if it has any.
pub fn lifted<'a>(assets: &'a Assets, url: &str) -> Option<&'a Lifted> {
    match &assets.get(url)?.kind {
        AssetKind::Svg { drawing } => drawing.lifted().filter(|l| !l.texts.is_empty()),
        _ => None,
    }
}

/// Adds every image in `names` to the document's XObjects under its
/// resource name.
pub fn add_images(
    doc: &mut PdfDocument,
    assets: &Assets,
    names: &BTreeMap<String, String>,
) -> Result<(), String> {
    for (url, name) in names {
        let Some(asset) = assets.get(url) else {
            continue;
        };
        let (width, height) = (asset.width_px, asset.height_px);
        let xobject = match &asset.kind {
            AssetKind::Png {
                pixels,
                format,
                alpha,
            } => {
                // printpdf takes the alpha channel interleaved and makes the
                // soft mask from it.
                let (data_format, channels) = match (format, alpha.is_some()) {
                    (PixelFormat::Gray, false) => (RawImageFormat::R8, 1),
                    (PixelFormat::Gray, true) => (RawImageFormat::RG8, 1),
                    (PixelFormat::Rgb, false) => (RawImageFormat::RGB8, 3),
                    (PixelFormat::Rgb, true) => (RawImageFormat::RGBA8, 3),
                };
                let pixels = match alpha {
                    Some(alpha) => pixels
                        .chunks_exact(channels)
                        .zip(alpha)
                        .flat_map(|(color, &a)| color.iter().copied().chain([a]))
                        .collect(),
                    None => pixels.clone(),
                };
                XObject::Image(RawImage {
                    pixels: RawImageData::U8(pixels),
                    width: width as usize,
                    height: height as usize,
                    data_format,
                    tag: Vec::new(),
                })
            }
            AssetKind::Jpeg { components } => {
                // printpdf decodes JPEG only to re-encode it: the file goes
                // in as it is, in a stream of our own.
                let space = match components {
                    1 => "DeviceGray",
                    4 => "DeviceCMYK",
                    _ => "DeviceRGB",
                };
                let mut dict = image_dict(width, height, space);
                dict.insert("Filter".into(), name_item("DCTDecode"));
                external(dict, asset.bytes().to_vec(), false)
            }
            AssetKind::Svg { drawing } => {
                let tree = drawing
                    .tree()
                    .map_err(|err| format!("cannot use image `{url}`: {err}"))?;
                svg_form(tree)?
            }
        };
        doc.resources
            .xobjects
            .map
            .insert(XObjectId(name.clone()), xobject);
    }
    Ok(())
}

/// An XObject printpdf writes as it is given.
fn external(dict: BTreeMap<String, DictItem>, content: Vec<u8>, compress: bool) -> XObject {
    XObject::External(ExternalXObject {
        stream: ExternalStream {
            dict,
            content,
            compress,
        },
        width: None,
        height: None,
        dpi: None,
    })
}

fn name_item(name: &str) -> DictItem {
    DictItem::Name(name.as_bytes().to_vec())
}

fn image_dict(width: u32, height: u32, space: &str) -> BTreeMap<String, DictItem> {
    BTreeMap::from([
        ("Type".into(), name_item("XObject")),
        ("Subtype".into(), name_item("Image")),
        ("Width".into(), DictItem::Int(i64::from(width))),
        ("Height".into(), DictItem::Int(i64::from(height))),
        ("ColorSpace".into(), name_item(space)),
        ("BitsPerComponent".into(), DictItem::Int(8)),
    ])
}

/// Converts normalised SVG to a Form XObject that maps the unit square to
/// the drawing, like an image does, so both are placed the same way.
///
/// svg2pdf writes a whole PDF; its page's content becomes the form's and
/// its resources are copied in with everything they refer to. (printpdf's
/// own `FormXObject` writes neither a `/BBox` nor a numeric `/FormType`,
/// so the form goes in as an external stream.)
fn svg_form(tree: &svg2pdf::usvg::Tree) -> Result<XObject, String> {
    // Uncompressed: the content is deflated with the document's other
    // streams, on two threads.
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
    let resources = match page.get(b"Resources") {
        Ok(object) => inline(&source, object, 0)?,
        Err(_) => DictItem::Dict {
            map: BTreeMap::new(),
        },
    };
    let numbers =
        |values: &[f32]| DictItem::Array(values.iter().map(|&v| DictItem::Real(v)).collect());
    let dict = BTreeMap::from([
        ("Type".into(), name_item("XObject")),
        ("Subtype".into(), name_item("Form")),
        ("BBox".into(), numbers(&[0.0, 0.0, width, height])),
        (
            "Matrix".into(),
            numbers(&[1.0 / width, 0.0, 0.0, 1.0 / height, 0.0, 0.0]),
        ),
        ("Resources".into(), resources),
    ]);
    Ok(external(dict, source.get_page_content(page_id), true))
}

/// An object of `source` with everything it refers to written in place,
/// for printpdf to add (it makes every stream an object of its own).
/// svg2pdf's objects form a tree a few levels deep; the depth limit only
/// guards against a cycle.
fn inline(source: &Document, object: &Object, depth: usize) -> Result<DictItem, String> {
    if depth > 64 {
        return Err("svg2pdf wrote objects nested too deep".into());
    }
    let dict = |dict: &lopdf::Dictionary| -> Result<BTreeMap<String, DictItem>, String> {
        dict.iter()
            .map(|(key, value)| {
                Ok((
                    String::from_utf8_lossy(key).into_owned(),
                    inline(source, value, depth + 1)?,
                ))
            })
            .collect()
    };
    Ok(match object {
        Object::Reference(id) => inline(
            source,
            source.get_object(*id).map_err(|e| e.to_string())?,
            depth + 1,
        )?,
        Object::Array(items) => DictItem::Array(
            items
                .iter()
                .map(|item| inline(source, item, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        Object::Dictionary(d) => DictItem::Dict { map: dict(d)? },
        Object::Stream(stream) => DictItem::Stream {
            stream: ExternalStream {
                dict: dict(&stream.dict)?,
                content: stream.content.clone(),
                // Those svg2pdf left plain are deflated with the rest.
                compress: !stream.dict.has(b"Filter"),
            },
        },
        other => DictItem::from_lopdf(other),
    })
}
