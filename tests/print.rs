//! Print production read back: the booklet's sheets and their page order.

mod common;

use lopdf::{Document, Object};
use mdg_export::fonts::FontSet;
use mdg_export::{ExportOptions, builtin, pdf::PrintOptions};

fn export(markdown: &str, print: PrintOptions) -> Vec<u8> {
    let options = ExportOptions {
        name: "t".into(),
        pdf: true,
        print,
        ..ExportOptions::default()
    };
    mdg_export::export(markdown, &builtin::assets(), &FontSet::built_in(), &options)
        .expect("exports")
        .output
        .pdf
        .expect("a PDF")
}

fn numbers(o: &Object) -> f32 {
    o.as_float()
        .unwrap_or_else(|_| o.as_i64().expect("a number") as f32)
}

/// A document of `paragraphs` long paragraphs under a few headings.
fn long_document(paragraphs: usize) -> String {
    let mut text = String::from("---\ntitle: Prov\nlang: sv\n---\n\n");
    for i in 0..paragraphs {
        if i % 4 == 0 {
            text.push_str(&format!("# Avsnitt {i}\n\n"));
        }
        text.push_str(&"Ett stycke text som fyller sidan med ord och mening. ".repeat(12));
        text.push_str("\n\n");
    }
    text
}

#[test]
fn the_booklet_puts_the_pages_on_sheets_in_saddle_stitch_order() {
    let markdown = long_document(30);
    let reading = Document::load_mem(&export(&markdown, PrintOptions::default())).unwrap();
    let pages = reading.get_pages().len();
    assert!(pages > 5, "a document of several sheets ({pages} pages)");
    let booklet = Document::load_mem(&export(
        &markdown,
        PrintOptions {
            booklet: true,
            ..PrintOptions::default()
        },
    ))
    .unwrap();
    let sides = booklet.get_pages();
    let order = mdg_export::pdf::saddle_stitch_order(pages);
    assert_eq!(sides.len(), order.len());
    assert_eq!(sides.len() % 2, 0, "whole sheets");
    let catalog = booklet.catalog().unwrap();
    assert!(!catalog.has(b"StructTreeRoot"), "a print file, not tagged");
    assert!(!catalog.has(b"Outlines"));
    for (side_id, &(left, right)) in sides.values().zip(&order) {
        let side = booklet.get_dictionary(*side_id).unwrap();
        let media = side.get(b"MediaBox").unwrap().as_array().unwrap();
        // A5 pages on A4 landscape sheets.
        assert!((numbers(&media[2]) - 841.89).abs() < 0.01);
        assert!((numbers(&media[3]) - 595.28).abs() < 0.5);
        assert!(!side.has(b"Annots"));
        let content = lopdf::content::Content::decode(&booklet.get_page_content(*side_id)).unwrap();
        let mut drawn = Vec::new();
        let mut x = 0.0;
        for op in &content.operations {
            match op.operator.as_str() {
                "cm" => x = numbers(&op.operands[4]),
                "Do" => {
                    let name =
                        String::from_utf8(op.operands[0].as_name().unwrap().to_vec()).unwrap();
                    let page: usize = name.strip_prefix("Pg").unwrap().parse().unwrap();
                    drawn.push((x > 100.0, page - 1));
                }
                _ => {}
            }
        }
        let expected: Vec<(bool, usize)> = [(false, left), (true, right)]
            .into_iter()
            .filter_map(|(is_right, page)| page.map(|p| (is_right, p)))
            .collect();
        assert_eq!(drawn, expected);
    }
}

#[test]
fn a_booklet_keeps_the_pdfa_claim_but_not_pdfua() {
    let pdf = export(
        builtin::MARKDOWN,
        PrintOptions {
            booklet: true,
            ..PrintOptions::default()
        },
    );
    let text = String::from_utf8_lossy(&pdf);
    assert!(text.contains("<pdfaid:conformance>U</pdfaid:conformance>"));
    assert!(!text.contains("pdfuaid:part"));
}

#[test]
fn bleed_and_crop_marks_set_nested_boxes() {
    let pdf = export(
        builtin::MARKDOWN,
        PrintOptions {
            bleed: 3.0 * 72.0 / 25.4,
            crop_marks: true,
            ..PrintOptions::default()
        },
    );
    let doc = Document::load_mem(&pdf).unwrap();
    let boxed = |page: &lopdf::Dictionary, key: &[u8]| -> [f32; 4] {
        let a = page.get(key).unwrap().as_array().unwrap();
        [
            numbers(&a[0]),
            numbers(&a[1]),
            numbers(&a[2]),
            numbers(&a[3]),
        ]
    };
    let inside = |inner: [f32; 4], outer: [f32; 4]| {
        inner[0] >= outer[0] && inner[1] >= outer[1] && inner[2] <= outer[2] && inner[3] <= outer[3]
    };
    for id in doc.get_pages().values() {
        let page = doc.get_dictionary(*id).unwrap();
        let (trim, bleed, media) = (
            boxed(page, b"TrimBox"),
            boxed(page, b"BleedBox"),
            boxed(page, b"MediaBox"),
        );
        // The trim is the A5 page; the bleed 3 mm beyond it on every side.
        assert!((trim[2] - trim[0] - 419.53).abs() < 0.05);
        assert!((trim[3] - trim[1] - 595.28).abs() < 0.05);
        for (t, b) in trim.iter().zip(&bleed) {
            assert!((t - b).abs() - 8.5 < 0.05 && (t - b).abs() > 8.45);
        }
        assert!(inside(trim, bleed) && inside(bleed, media));
        // The crop marks need room outside the bleed.
        assert!(media[0] < bleed[0] - 20.0 && media[2] > bleed[2] + 20.0);
        assert!(inside(boxed(page, b"CropBox"), media));
    }
    // Still tagged: the marks are artifacts.
    assert!(doc.catalog().unwrap().has(b"StructTreeRoot"));
}

/// The objects a PDF reader can reach from the trailer: every reference
/// followed through dictionaries, arrays and stream dictionaries.
fn reachable(doc: &Document) -> std::collections::BTreeSet<lopdf::ObjectId> {
    let mut seen = std::collections::BTreeSet::new();
    let mut stack: Vec<&Object> = doc.trailer.iter().map(|(_, value)| value).collect();
    while let Some(object) = stack.pop() {
        match object {
            Object::Reference(id) if seen.insert(*id) => {
                stack.push(doc.get_object(*id).expect("every reference resolves"));
            }
            Object::Array(items) => stack.extend(items),
            Object::Dictionary(dict) => stack.extend(dict.iter().map(|(_, value)| value)),
            Object::Stream(stream) => stack.extend(stream.dict.iter().map(|(_, value)| value)),
            _ => {}
        }
    }
    seen
}

/// A dead object is bytes no reader ever looks at; printpdf's own
/// document information and resource dictionaries used to stay behind
/// when ours replaced them.
#[test]
fn every_object_is_reachable_from_the_trailer() {
    let bleed = 3.0 * 72.0 / 25.4;
    for (what, print) in [
        ("the summit PDF", PrintOptions::default()),
        (
            "the booklet",
            PrintOptions {
                booklet: true,
                ..PrintOptions::default()
            },
        ),
        (
            "the bleed edition",
            PrintOptions {
                bleed,
                crop_marks: true,
                ..PrintOptions::default()
            },
        ),
    ] {
        let doc = Document::load_mem(&export(builtin::MARKDOWN, print)).unwrap();
        let reachable = reachable(&doc);
        let dead: Vec<_> = doc
            .objects
            .keys()
            .filter(|id| !reachable.contains(id))
            .collect();
        assert!(dead.is_empty(), "{what} has unreferenced objects {dead:?}");
    }
}
