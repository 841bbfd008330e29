//! Bleed and crop marks for a print shop (ISO 32000-1, 14.11.2: page
//! boundaries).
//!
//! The page itself stays where it is: its TrimBox is the finished page
//! (0 0 width height); the BleedBox reaches `bleed` beyond it; the
//! MediaBox (and CropBox) reach further still when crop marks are drawn,
//! into a slug of 10 mm around the bleed. So Trim ⊆ Bleed ⊆ Media, and
//! no content, link area or destination has to move.
//!
//! Nothing in this layout touches the trim edge (the cover banner is set
//! inside the margins), so there is nothing to extend into the bleed: the
//! boxes say where the page is cut, the marks show it.

use lopdf::{Document, Object};
use printpdf::Op;

/// Points in a millimetre.
const MM: f32 = 72.0 / 25.4;

/// The slug around the bleed that holds the crop marks.
const SLUG: f32 = 10.0 * MM;

/// The crop marks for a page `width` × `height` with `bleed` points of
/// bleed, drawn in the slug outside it: at each corner a horizontal and
/// a vertical hairline on the trim lines, from 2 pt outside the bleed to
/// 1 pt short of the media's edge. An artifact (ISO 32000-1, 14.8.2.2),
/// drawn after the page's own (balanced) content.
pub fn crop_marks(width: f32, height: f32, bleed: f32) -> Vec<Op> {
    let gap = bleed + 2.0;
    let end = bleed + SLUG - 1.0;
    let mut ops = Vec::new();
    let mut draw = super::content::Ops::new(&[], &mut []);
    draw.begin_artifact();
    for (x, dx) in [(0.0, -1.0), (width, 1.0)] {
        for (y, dy) in [(0.0, -1.0), (height, 1.0)] {
            draw.line((x + dx * gap, y), (x + dx * end, y), 0.25, 0.0);
            draw.line((x, y + dy * gap), (x, y + dy * end), 0.25, 0.0);
        }
    }
    draw.end_marked();
    ops.append(&mut draw.ops);
    ops
}

/// Sets the page boxes for `bleed` points of bleed and, with `crop_marks`,
/// a slug for the marks outside it.
pub fn set_boxes(
    doc: &mut Document,
    width: f32,
    height: f32,
    bleed: f32,
    crop_marks: bool,
) -> Result<(), String> {
    let outer = bleed + if crop_marks { SLUG } else { 0.0 };
    let round = |v: f32| (v * 100.0).round() / 100.0;
    let rect = |margin: f32| {
        Object::Array(vec![
            Object::Real(round(-margin)),
            Object::Real(round(-margin)),
            Object::Real(round(width + margin)),
            Object::Real(round(height + margin)),
        ])
    };
    let page_ids: Vec<_> = doc.get_pages().values().copied().collect();
    for page_id in page_ids {
        let page = doc
            .get_object_mut(page_id)
            .and_then(Object::as_dict_mut)
            .map_err(|e| e.to_string())?;
        page.set("MediaBox", rect(outer));
        page.set("CropBox", rect(outer));
        page.set("BleedBox", rect(bleed));
        page.set("TrimBox", rect(0.0));
    }
    Ok(())
}
