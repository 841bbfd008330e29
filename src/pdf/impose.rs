//! Booklet imposition: the reading pages two-up on sheets twice as wide
//! (A5 on A4, A4 on A3, Letter on Tabloid), in saddle-stitch order, for
//! duplex printing flipped on the short edge. Fold the stack in the
//! middle, staple on the fold, and the pages read in order.
//!
//! A post-pass on the finished lopdf document: each reading page becomes
//! a Form XObject (ISO 32000-1, 8.10) and each sheet side a new page that
//! draws two of them. The result is a print file: links and outline lead
//! to pages that no longer exist and are left out, and it is not tagged
//! (a sheet side holds two unrelated pages; the reading edition is the
//! tagged one).

use lopdf::{Dictionary, Document, Object, ObjectId, Stream};

/// One side of a sheet: the reading pages (0-based) on its left and right
/// halves; `None` is a blank page.
pub type Side = (Option<usize>, Option<usize>);

/// The sides to print, in order (sheet 1 front, sheet 1 back, sheet 2
/// front …), for `pages` reading pages.
///
/// The pages are padded with blanks at the end to a multiple of four, so
/// the outside back cover is the last page. Sheet `s` (from 0) of a
/// booklet of `n` pages carries pages `n-1-2s` and `2s` on its front and
/// `2s+1` and `n-2-2s` on its back; the outermost sheet holds the covers.
pub fn saddle_stitch_order(pages: usize) -> Vec<Side> {
    let padded = pages.div_ceil(4).max(1) * 4;
    let page = |i: usize| (i < pages).then_some(i);
    let mut sides = Vec::with_capacity(padded / 2);
    for sheet in 0..padded / 4 {
        sides.push((page(padded - 1 - 2 * sheet), page(2 * sheet)));
        sides.push((page(2 * sheet + 1), page(padded - 2 - 2 * sheet)));
    }
    sides
}

/// The sheet for two pages side by side: a standard landscape sheet when
/// the spread nearly fills one (A5 is 148 mm wide, half of A4's 297 mm is
/// 148.5 mm), else the spread itself. Sizes in points.
pub fn sheet_size(width: f32, height: f32) -> (f32, f32) {
    let mm = |v: f32| v * 72.0 / 25.4;
    let sheets = [
        (mm(297.0), mm(210.0)), // A4 landscape
        (mm(420.0), mm(297.0)), // A3 landscape
        (1224.0, 792.0),        // Tabloid (11 × 17 in) landscape
    ];
    sheets
        .into_iter()
        .find(|&(w, h)| (w - 2.0 * width).abs() < 6.0 && (h - height).abs() < 1.0)
        .unwrap_or((2.0 * width, height))
}

/// Replaces the document's pages by imposed sheet sides.
pub fn impose_booklet(doc: &mut Document, width: f32, height: f32) -> Result<(), String> {
    let (sheet_width, sheet_height) = sheet_size(width, height);
    // The spread sits centred on the sheet, the fold in the middle.
    let inset = ((sheet_width - 2.0 * width) / 2.0 * 100.0).round() / 100.0;
    let page_ids: Vec<ObjectId> = doc.get_pages().values().copied().collect();
    let pages_id = doc
        .catalog()
        .and_then(|c| c.get(b"Pages"))
        .and_then(Object::as_reference)
        .map_err(|e| e.to_string())?;

    // Each reading page as a form with its own resources.
    let mut forms = Vec::with_capacity(page_ids.len());
    for &page_id in &page_ids {
        let content = doc.get_page_content(page_id);
        let resources = super::resources_of(doc, page_id).unwrap_or_default();
        let dict = super::form_dictionary(width, height, None, Object::Dictionary(resources));
        forms.push(doc.add_object(Stream::new(dict, content)));
    }

    let mut kids = Vec::new();
    for (left, right) in saddle_stitch_order(page_ids.len()) {
        let mut xobjects = Dictionary::new();
        let mut content = String::new();
        let right_half = ((inset + width) * 100.0).round() / 100.0;
        for (half, page) in [(inset, left), (right_half, right)] {
            let Some(page) = page else { continue };
            let name = format!("Pg{}", page + 1);
            xobjects.set(name.as_bytes().to_vec(), Object::Reference(forms[page]));
            content.push_str(&format!("q 1 0 0 1 {half} 0 cm /{name} Do Q\n"));
        }
        let contents = doc.add_object(Stream::new(Dictionary::new(), content.into_bytes()));
        let side = Dictionary::from_iter(vec![
            ("Type", Object::Name(b"Page".to_vec())),
            ("Parent", Object::Reference(pages_id)),
            (
                "MediaBox",
                Object::Array(vec![
                    0.into(),
                    0.into(),
                    Object::Real(sheet_width),
                    Object::Real(sheet_height),
                ]),
            ),
            (
                "Resources",
                Object::Dictionary(Dictionary::from_iter(vec![(
                    "XObject",
                    Object::Dictionary(xobjects),
                )])),
            ),
            ("Contents", Object::Reference(contents)),
        ]);
        kids.push(Object::Reference(doc.add_object(side)));
    }
    let count = kids.len() as i64;
    let pages = doc
        .get_object_mut(pages_id)
        .and_then(Object::as_dict_mut)
        .map_err(|e| e.to_string())?;
    pages.set("Kids", Object::Array(kids));
    pages.set("Count", Object::Integer(count));

    let catalog = doc.catalog_mut().map_err(|e| e.to_string())?;
    catalog.remove(b"Outlines");
    catalog.remove(b"PageMode");
    for id in page_ids {
        doc.objects.remove(&id);
    }
    // Outline entries and annotations of the old pages go with them.
    doc.prune_objects();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::saddle_stitch_order;

    #[test]
    fn sheets_are_standard_sizes() {
        let mm = |v: f32| v * 72.0 / 25.4;
        let a4 = super::sheet_size(mm(148.0), mm(210.0));
        assert!((a4.0 - mm(297.0)).abs() < 0.01 && (a4.1 - mm(210.0)).abs() < 0.01);
        let a3 = super::sheet_size(mm(210.0), mm(297.0));
        assert!((a3.0 - mm(420.0)).abs() < 0.01);
        assert_eq!(super::sheet_size(612.0, 792.0), (1224.0, 792.0));
        assert_eq!(super::sheet_size(300.0, 400.0), (600.0, 400.0));
    }

    #[test]
    fn eight_pages_make_two_sheets() {
        assert_eq!(
            saddle_stitch_order(8),
            [
                (Some(7), Some(0)),
                (Some(1), Some(6)),
                (Some(5), Some(2)),
                (Some(3), Some(4)),
            ]
        );
    }

    #[test]
    fn blanks_pad_the_end() {
        assert_eq!(saddle_stitch_order(1), [(None, Some(0)), (None, None)]);
        assert_eq!(
            saddle_stitch_order(3),
            [(None, Some(0)), (Some(1), Some(2))]
        );
        assert_eq!(
            saddle_stitch_order(6),
            [
                (None, Some(0)),
                (Some(1), None),
                (Some(5), Some(2)),
                (Some(3), Some(4)),
            ]
        );
    }

    /// Folding the printed stack: the inner sheet's pages lie inside the
    /// outer's, so reading the sheets' halves from outside in, each side's
    /// pages are those of a folded booklet.
    #[test]
    fn every_page_once_in_folded_order_for_1_to_20_pages() {
        for pages in 1..=20 {
            let sides = saddle_stitch_order(pages);
            let padded = pages.div_ceil(4) * 4;
            assert_eq!(sides.len(), padded / 2, "{pages} pages");
            // Every reading page appears exactly once.
            let mut seen: Vec<usize> = sides.iter().flat_map(|&(l, r)| [l, r]).flatten().collect();
            seen.sort_unstable();
            assert_eq!(seen, (0..pages).collect::<Vec<_>>(), "{pages} pages");
            // Facing halves of a side add up to the padded count minus 1
            // (they are the same distance from the fold), the right half
            // of a front is odd-numbered (1, 3 …: a recto), and the back of
            // a sheet holds the page after its front's right half.
            for (k, &(l, r)) in sides.iter().enumerate() {
                let sheet = k / 2;
                let (left, right) = if k % 2 == 0 {
                    (padded - 1 - 2 * sheet, 2 * sheet)
                } else {
                    (2 * sheet + 1, padded - 2 - 2 * sheet)
                };
                assert_eq!(left + right, padded - 1);
                assert_eq!(l, (left < pages).then_some(left));
                assert_eq!(r, (right < pages).then_some(right));
            }
            // The first reading page is the front cover (right half of the
            // first side); the last padded page is the back cover (its left
            // half).
            assert_eq!(sides[0].1, Some(0));
            assert_eq!(
                sides[0].0,
                (padded - 1 < pages).then_some(padded - 1),
                "the back cover is the last page"
            );
        }
    }
}
