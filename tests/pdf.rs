//! The summit brochure, read back the way a user or a print shop would.

mod common;

use common::{export_summit, normalise, pdf_text, summit_words};
use lopdf::{Document, Object};

fn summit_pdf() -> Vec<u8> {
    export_summit(true, false).pdf.expect("a PDF was made")
}

fn decode_text_string(object: &Object) -> String {
    let bytes = object.as_str().expect("a string");
    if bytes.starts_with(&[0xFE, 0xFF]) {
        let units: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16(&units).expect("valid UTF-16")
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    }
}

#[test]
fn pages_are_a5() {
    let doc = Document::load_mem(&summit_pdf()).unwrap();
    let pages = doc.get_pages();
    assert!(pages.len() >= 3, "cover and at least two pages of text");
    for id in pages.values() {
        let page = doc.get_dictionary(*id).unwrap();
        let media_box = page.get(b"MediaBox").unwrap().as_array().unwrap();
        let n = |o: &Object| o.as_float().unwrap_or_else(|_| o.as_i64().unwrap() as f32);
        assert!((n(&media_box[2]) - 419.53).abs() < 0.2, "A5 width");
        assert!((n(&media_box[3]) - 595.28).abs() < 0.2, "A5 height");
    }
}

#[test]
fn every_word_extracts_with_swedish_letters_intact() {
    let text = normalise(&pdf_text(&summit_pdf()));
    for word in summit_words() {
        assert!(
            text.contains(&word),
            "{word:?} is missing from the PDF text"
        );
    }
    for needle in [
        "Toppmötet",
        "millenniemålen",
        "åtgärdspaket",
        "”In Larger Freedom”",
        "20–22",
    ] {
        assert!(text.contains(needle), "{needle:?}");
    }
    // Ligatures (ffi in "officiellt") give their letters back.
    assert!(text.contains("officiellt"));
}

#[test]
fn every_font_is_embedded_as_a_subset() {
    let doc = Document::load_mem(&summit_pdf()).unwrap();
    let mut fonts = 0;
    for object in doc.objects.values() {
        let Ok(dict) = object.as_dict() else { continue };
        if dict.get(b"Type").and_then(Object::as_name).ok() != Some(b"FontDescriptor") {
            continue;
        }
        fonts += 1;
        let name = dict.get(b"FontName").unwrap().as_name().unwrap();
        let name = String::from_utf8_lossy(name);
        let (tag, _) = name.split_once('+').expect("a subset tag");
        assert_eq!(tag.len(), 6, "{name}");
        assert!(tag.chars().all(|c| c.is_ascii_uppercase()), "{name}");
        assert!(
            dict.has(b"FontFile") || dict.has(b"FontFile2") || dict.has(b"FontFile3"),
            "{name} is embedded"
        );
    }
    assert!(fonts >= 3, "body, italic and heading faces at least");
}

#[test]
fn outline_equals_the_headings() {
    let doc = Document::load_mem(&summit_pdf()).unwrap();
    let catalog = doc.catalog().unwrap();
    let outlines = doc
        .get_dictionary(catalog.get(b"Outlines").unwrap().as_reference().unwrap())
        .unwrap();
    let mut titles = Vec::new();
    let mut next = outlines
        .get(b"First")
        .ok()
        .map(|o| o.as_reference().unwrap());
    while let Some(id) = next {
        let entry = doc.get_dictionary(id).unwrap();
        titles.push(decode_text_string(entry.get(b"Title").unwrap()));
        next = entry.get(b"Next").ok().map(|o| o.as_reference().unwrap());
    }
    assert_eq!(
        titles,
        ["Toppmötet", "Bakgrund", "Vilka deltar?", "Mer information"]
    );
}

#[test]
fn nested_outline_entries_link_to_parent_siblings_and_children() {
    let text = "# A\n\na\n\n## A1\n\nb\n\n## A2\n\nc\n\n### A2a\n\nd\n\n# B\n\ne\n";
    let dir = tempfile::tempdir().unwrap();
    let pdf = common::export_text(text, dir.path())
        .expect("exports")
        .output
        .pdf
        .unwrap();
    let doc = Document::load_mem(&pdf).unwrap();
    let reference = |dict: &lopdf::Dictionary, key: &[u8]| {
        dict.get(key).ok().map(|o| o.as_reference().unwrap())
    };
    let title = |id| decode_text_string(doc.get_dictionary(id).unwrap().get(b"Title").unwrap());
    // Each entry: its title, and the titles its links lead to.
    let describe = |id| {
        let entry = doc.get_dictionary(id).unwrap();
        let link = |key: &[u8]| reference(entry, key).map(title).unwrap_or_default();
        let count = entry.get(b"Count").map_or(0, |c| c.as_i64().unwrap());
        [
            title(id),
            link(b"Prev"),
            link(b"Next"),
            link(b"First"),
            link(b"Last"),
            count.to_string(),
        ]
    };
    let root = reference(doc.catalog().unwrap(), b"Outlines").unwrap();
    let root_dict = doc.get_dictionary(root).unwrap();
    // Every entry is open: a Count is all the descendants, at every level.
    assert_eq!(root_dict.get(b"Count").unwrap().as_i64().unwrap(), 5);
    let a = reference(root_dict, b"First").unwrap();
    let b = reference(root_dict, b"Last").unwrap();
    assert_eq!(describe(a), ["A", "", "B", "A1", "A2", "3"]);
    assert_eq!(describe(b), ["B", "A", "", "", "", "0"]);
    let a_dict = doc.get_dictionary(a).unwrap();
    let a1 = reference(a_dict, b"First").unwrap();
    let a2 = reference(a_dict, b"Last").unwrap();
    assert_eq!(describe(a1), ["A1", "", "A2", "", "", "0"]);
    assert_eq!(describe(a2), ["A2", "A1", "", "A2a", "A2a", "1"]);
    let a2a = reference(doc.get_dictionary(a2).unwrap(), b"First").unwrap();
    assert_eq!(describe(a2a), ["A2a", "", "", "", "", "0"]);
    for (child, parent) in [(a1, a), (a2, a), (a2a, a2), (a, root), (b, root)] {
        assert_eq!(
            reference(doc.get_dictionary(child).unwrap(), b"Parent"),
            Some(parent)
        );
    }
}

#[test]
fn catalog_and_info_carry_the_front_matter() {
    let doc = Document::load_mem(&summit_pdf()).unwrap();
    let catalog = doc.catalog().unwrap();
    assert_eq!(decode_text_string(catalog.get(b"Lang").unwrap()), "sv");
    let info = doc
        .get_dictionary(doc.trailer.get(b"Info").unwrap().as_reference().unwrap())
        .unwrap();
    assert_eq!(
        decode_text_string(info.get(b"Title").unwrap()),
        "Toppmötet om millenniemålen"
    );
    assert!(decode_text_string(info.get(b"Creator").unwrap()).starts_with("mdg-export "));
    assert_eq!(
        decode_text_string(info.get(b"CreationDate").unwrap()),
        "D:20100920000000Z"
    );
}

#[test]
fn the_banner_is_on_the_cover_as_vector_graphics() {
    let doc = Document::load_mem(&summit_pdf()).unwrap();
    let cover = *doc.get_pages().get(&1).unwrap();
    let resources = doc
        .get_dictionary(cover)
        .unwrap()
        .get(b"Resources")
        .unwrap();
    let resources = match resources {
        Object::Reference(id) => doc.get_dictionary(*id).unwrap(),
        other => other.as_dict().unwrap(),
    };
    let xobjects = match resources.get(b"XObject").unwrap() {
        Object::Reference(id) => doc.get_dictionary(*id).unwrap(),
        other => other.as_dict().unwrap(),
    };
    let (_, banner) = xobjects.iter().next().expect("the cover draws an XObject");
    let stream = doc
        .get_object(banner.as_reference().unwrap())
        .unwrap()
        .as_stream()
        .unwrap();
    assert_eq!(
        stream.dict.get(b"Subtype").unwrap().as_name().unwrap(),
        b"Form"
    );
    // The banner's tiles are paths (background, rule and eight tiles:
    // ten fills) and its words are text in the embedded fonts, drawn over
    // them on the page: ~300 glyphs that as outlines were a path each.
    let content = stream
        .decompressed_content()
        .unwrap_or_else(|_| stream.content.clone());
    let fills = content
        .split(|&b| b == b'\n')
        .filter(|l| *l == b"f")
        .count();
    assert_eq!(fills, 10, "the banner has {fills} fills");
    let cover_text: String = common::page_text_runs(&doc, cover)
        .into_iter()
        .map(|(_, text)| text)
        .collect();
    let words = normalise(&cover_text);
    for needle in [
        "Millenniemålen",
        "FN:s toppmöte · New York 20–22 september 2010",
        "Åtta mål till år 2015",
        "Jämställdhet och kvinnors egenmakt",
        "Bekämpa hiv/aids, malaria och andra sjukdomar",
        "Globalt partnerskap för utveckling",
    ] {
        assert!(words.contains(needle), "{needle:?} is not in {words:?}");
    }
    // The cover's own text is the title.
    assert!(pdf_text(&summit_pdf()).contains("Toppmötet om"));
}

#[test]
fn output_is_byte_identical_run_to_run() {
    assert_eq!(summit_pdf(), summit_pdf());
}

#[test]
fn text_stays_inside_the_page() {
    let pages = {
        let doc = mdg_export::parse::parse(
            mdg_export::builtin::MARKDOWN,
            &mdg_export::parse::ParseOptions {
                name: "t".into(),
                lang: None,
                title: None,
            },
        )
        .unwrap()
        .output;
        let fonts = mdg_export::fonts::FontSet::built_in();
        let source = mdg_export::builtin::assets();
        let assets = mdg_export::assets::load_assets(&doc, &source, &fonts)
            .unwrap()
            .output;
        mdg_export::layout::layout_document(&doc, &assets, &fonts, &Default::default()).output
    };
    let theme = mdg_export::layout::Theme::for_paper(Default::default());
    for page in &pages.pages[1..] {
        for item in &page.items {
            if let mdg_export::layout::Item::Text(run) = item {
                let right = run.x + run.width();
                assert!(run.x >= theme.margin_left - 20.0, "{}", run.text());
                assert!(
                    right <= theme.margin_left + theme.measure + 0.5,
                    "{:?} ends at {right}",
                    run.text()
                );
            }
        }
    }
}
