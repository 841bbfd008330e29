//! The tagged PDF read back with lopdf: the checks a PDF/UA validator
//! makes on the structure (ISO 14289-1, 7.1 and 7.18; ISO 32000-1, 14.7),
//! written here because no validator runs offline.

mod common;

use common::{export_summit, normalise, page_text_runs, summit_words};
use lopdf::{Dictionary, Document, Object, ObjectId};
use std::collections::BTreeMap;

fn deref<'a>(doc: &'a Document, object: &'a Object) -> &'a Object {
    match object {
        Object::Reference(id) => doc.get_object(*id).expect("a live reference"),
        other => other,
    }
}

fn dict<'a>(doc: &'a Document, object: &'a Object) -> &'a Dictionary {
    deref(doc, object).as_dict().expect("a dictionary")
}

/// What the structure tree says, walked in order.
#[derive(Default)]
struct Walk {
    /// (page id, MCID) → the element that holds it, in reading order.
    mcids: Vec<((ObjectId, i64), ObjectId)>,
    /// Annotation → the element whose OBJR names it.
    objrs: Vec<(ObjectId, ObjectId)>,
    /// Element types met, with the element id.
    elements: Vec<(String, ObjectId, Dictionary)>,
    /// The walk: `Err(role)` entering an element, `Ok(key)` an MCID.
    events: Vec<Result<(ObjectId, i64), String>>,
}

fn walk(doc: &Document, id: ObjectId, out: &mut Walk) {
    let element = doc.get_dictionary(id).expect("a struct element");
    assert_eq!(
        element.get(b"Type").and_then(Object::as_name).ok(),
        Some(&b"StructElem"[..])
    );
    let role = String::from_utf8_lossy(element.get(b"S").unwrap().as_name().unwrap()).into_owned();
    out.events.push(Err(role.clone()));
    out.elements.push((role, id, element.clone()));
    let page = element.get(b"Pg").ok().map(|p| p.as_reference().unwrap());
    let kids = match element.get(b"K") {
        Ok(Object::Array(kids)) => kids.clone(),
        Ok(other) => vec![other.clone()],
        Err(_) => Vec::new(),
    };
    for kid in kids {
        match &kid {
            Object::Integer(mcid) => {
                let key = (page.expect("Pg for an MCID"), *mcid);
                out.mcids.push((key, id));
                out.events.push(Ok(key));
            }
            Object::Reference(child) => {
                let child_dict = doc.get_dictionary(*child).unwrap();
                assert_eq!(
                    child_dict.get(b"P").unwrap().as_reference().unwrap(),
                    id,
                    "a child's /P is its parent"
                );
                walk(doc, *child, out);
            }
            Object::Dictionary(d) => match d.get(b"Type").unwrap().as_name().unwrap() {
                b"MCR" => {
                    let key = (
                        d.get(b"Pg").unwrap().as_reference().unwrap(),
                        d.get(b"MCID").unwrap().as_i64().unwrap(),
                    );
                    out.mcids.push((key, id));
                    out.events.push(Ok(key));
                }
                b"OBJR" => out
                    .objrs
                    .push((d.get(b"Obj").unwrap().as_reference().unwrap(), id)),
                other => panic!("unknown kid type {}", String::from_utf8_lossy(other)),
            },
            other => panic!("unexpected kid {other:?}"),
        }
    }
}

/// Checks the tagging of a PDF and returns its structure text, element
/// by element in reading order (block elements separated by spaces).
fn check_tagged(bytes: &[u8]) -> (String, Walk) {
    let doc = Document::load_mem(bytes).expect("the PDF parses");
    let catalog = doc.catalog().unwrap();
    let mark_info = dict(&doc, catalog.get(b"MarkInfo").expect("MarkInfo"));
    assert_eq!(mark_info.get(b"Marked").unwrap(), &Object::Boolean(true));
    assert!(catalog.has(b"Lang"));
    let root = dict(
        &doc,
        catalog.get(b"StructTreeRoot").expect("a structure tree"),
    );
    let document = root.get(b"K").unwrap().as_reference().unwrap();
    let mut found = Walk::default();
    walk(&doc, document, &mut found);
    assert_eq!(found.elements[0].0, "Document");

    // The parent tree: number → element or array of elements.
    let parent_tree = dict(&doc, root.get(b"ParentTree").unwrap());
    let nums = parent_tree.get(b"Nums").unwrap().as_array().unwrap();
    let mut parents: BTreeMap<i64, Object> = BTreeMap::new();
    for pair in nums.chunks(2) {
        parents.insert(pair[0].as_i64().unwrap(), pair[1].clone());
    }
    let next_key = root.get(b"ParentTreeNextKey").unwrap().as_i64().unwrap();
    assert!(parents.keys().all(|k| *k < next_key));

    // Every MCID in the content is referenced exactly once, by the element
    // the parent tree names for it.
    let mut referenced: BTreeMap<(ObjectId, i64), ObjectId> = BTreeMap::new();
    for &(key, element) in &found.mcids {
        assert!(
            referenced.insert(key, element).is_none(),
            "MCID {key:?} referenced twice"
        );
    }
    let mut texts: BTreeMap<(ObjectId, i64), String> = BTreeMap::new();
    for page_id in doc.get_pages().values() {
        let page = doc.get_dictionary(*page_id).unwrap();
        let key = page
            .get(b"StructParents")
            .expect("every page has StructParents")
            .as_i64()
            .unwrap();
        assert_eq!(page.get(b"Tabs").unwrap().as_name().unwrap(), b"S");
        let array = parents.get(&key).expect("a parent tree entry per page");
        let array = deref(&doc, array).as_array().unwrap();
        let runs = page_text_runs(&doc, *page_id);
        let mut mcids: Vec<i64> = runs.iter().filter_map(|(m, _)| *m).collect();
        mcids.dedup();
        for (mcid, text) in runs {
            if let Some(mcid) = mcid {
                texts.entry((*page_id, mcid)).or_default().push_str(&text);
            }
        }
        // Images are marked too: count every BDC with an MCID.
        let content = lopdf::content::Content::decode(&doc.get_page_content(*page_id)).unwrap();
        let mut all = Vec::new();
        let mut depth = 0i32;
        for op in &content.operations {
            match op.operator.as_str() {
                "BDC" | "BMC" => {
                    depth += 1;
                    if let Some(m) = op
                        .operands
                        .get(1)
                        .and_then(|p| p.as_dict().ok())
                        .and_then(|d| d.get(b"MCID").ok())
                    {
                        all.push(m.as_i64().unwrap());
                    }
                }
                "EMC" => depth -= 1,
                "TJ" | "Tj" | "Do" | "S" | "f" => {
                    assert!(depth > 0, "every drawing is marked content or artifact")
                }
                _ => {}
            }
        }
        assert_eq!(depth, 0, "marked content is balanced");
        for (mcid, index) in all.iter().zip(0..) {
            assert_eq!(*mcid, index, "MCIDs count up from 0 on each page");
            let element = referenced
                .remove(&(*page_id, *mcid))
                .unwrap_or_else(|| panic!("MCID {mcid} is in no structure element"));
            assert_eq!(
                array[index as usize].as_reference().unwrap(),
                element,
                "the parent tree names the element of MCID {mcid}"
            );
        }
        assert_eq!(array.len(), all.len());

        // Every link annotation has an OBJR in a Link element.
        if let Ok(annots) = page.get(b"Annots") {
            for annot in deref(&doc, annots).as_array().unwrap() {
                let annot_id = annot.as_reference().expect("annotations are objects");
                let annot_dict = doc.get_dictionary(annot_id).unwrap();
                let key = annot_dict
                    .get(b"StructParent")
                    .expect("a link annotation has a StructParent")
                    .as_i64()
                    .unwrap();
                let owner = found
                    .objrs
                    .iter()
                    .find(|(a, _)| *a == annot_id)
                    .map(|(_, e)| *e)
                    .expect("an OBJR names the annotation");
                assert_eq!(parents[&key].as_reference().unwrap(), owner);
                let role = &found.elements.iter().find(|e| e.1 == owner).unwrap().0;
                assert_eq!(role, "Link");
                assert_eq!(annot_dict.get(b"F").unwrap().as_i64().unwrap() & 4, 4);
            }
        }
    }
    assert!(
        referenced.is_empty(),
        "the structure refers to MCIDs no page has: {referenced:?}"
    );
    for (role, _, element) in &found.elements {
        if role == "Figure" {
            assert!(element.has(b"Alt"), "a figure has alternative text");
        }
    }

    // The text in structure order.
    let block = |role: &str| {
        matches!(
            role,
            "P" | "H1" | "H2" | "H3" | "H4" | "H5" | "H6" | "LI" | "Lbl" | "TD" | "TH" | "TOCI"
        )
    };
    // A figure reads as its alternative text, as assistive technology
    // reads it: the words drawn in it (a banner's) are left out.
    let figures: Vec<ObjectId> = found
        .elements
        .iter()
        .filter(|(role, ..)| role == "Figure")
        .map(|(_, id, _)| *id)
        .collect();
    let in_figure = |key: &(ObjectId, i64)| {
        found
            .mcids
            .iter()
            .any(|(k, element)| k == key && figures.contains(element))
    };
    let mut text = String::new();
    for event in &found.events {
        match event {
            Err(role) if block(role) => text.push(' '),
            Err(_) => {}
            Ok(key) if in_figure(key) => {}
            Ok(key) => text.push_str(texts.get(key).map_or("", String::as_str)),
        }
    }
    (text, found)
}

#[test]
fn the_summit_structure_reads_the_whole_text_in_order() {
    let pdf = export_summit(true, false).pdf.unwrap();
    let (text, walk) = check_tagged(&pdf);
    let text = normalise(&text);
    let body = summit_words().join(" ");
    let cover = "Toppmötet om millenniemålen FN:s högnivåmöte i generalförsamlingen, \
                 New York 20–22 september 2010 New York · 20 september 2010 Förenta nationerna";
    assert_eq!(text, format!("{cover} {body}"));
    let roles: Vec<&str> = walk.elements.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(&roles[..3], ["Document", "Sect", "Figure"]);
    assert_eq!(roles.iter().filter(|r| **r == "H1").count(), 4);
    assert_eq!(roles.iter().filter(|r| **r == "Link").count(), 1);
}

#[test]
fn every_construct_is_tagged() {
    let dir = tempfile::tempdir().unwrap();
    let markdown = include_str!("cases/constructs.md");
    let mut png = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut png, 4, 2);
        encoder.set_color(png::ColorType::Rgb);
        let mut writer = encoder.write_header().unwrap();
        writer.write_image_data(&[200; 4 * 2 * 3]).unwrap();
    }
    std::fs::write(dir.path().join("bild.png"), png).unwrap();
    let options = mdg_export::ExportOptions {
        name: "constructs".into(),
        pdf: true,
        layout: mdg_export::layout::LayoutOptions {
            toc: Some(true),
            ..Default::default()
        },
        ..Default::default()
    };
    let source = mdg_export::assets::FolderSource {
        base: dir.path().to_path_buf(),
        sandbox: false,
    };
    let outputs = mdg_export::export(
        markdown,
        &source,
        &mdg_export::fonts::FontSet::built_in(),
        &options,
    )
    .unwrap()
    .output;
    let (text, walk) = check_tagged(&outputs.pdf.unwrap());
    let text = normalise(&text);
    let roles: Vec<&str> = walk.elements.iter().map(|e| e.0.as_str()).collect();
    for role in [
        "Sect",
        "TOC",
        "TOCI",
        "H1",
        "H2",
        "P",
        "Link",
        "Note",
        "BlockQuote",
        "L",
        "LI",
        "Lbl",
        "LBody",
        "Code",
        "Table",
        "TR",
        "TH",
        "TD",
        "Figure",
    ] {
        assert!(roles.contains(&role), "no {role} in {roles:?}");
    }
    // The table keeps its empty cell: three cells a row.
    let rows = walk.elements.iter().filter(|e| e.0 == "TR");
    for (_, _, row) in rows {
        assert_eq!(row.get(b"K").unwrap().as_array().unwrap().len(), 3);
    }
    // The footnote is read right after the paragraph that refers to it.
    let note = text.find("Fotnotens text.").expect("the note is read");
    assert!(text.find("här, och en fotnot1.").unwrap() < note);
    assert!(note < text.find("Under Citat").unwrap());
    // Contents: title and page number read as two words.
    assert!(text.contains("Innehåll Rubrik ett 3 Under 3"), "{text}");
    // Numbers, bullets and task boxes are labels before their items.
    assert!(text.contains("• punkt ett • punkt två 1. numrerad 2. lista □ att göra ✔ gjort"));
    assert!(text.contains("Vänster Mitten Höger a b 1 c 22"));
}

/// Issue 16: the banner's live text reads as words in the structure tree
/// (`pdfinfo -struct-text`, as a screen reader's text source would): the
/// lines of a tile are separate words ("fattigdom och hunger", not
/// "ochhunger"), and a word broken at its hyphen stays whole.
#[test]
fn the_banners_lines_read_as_separate_words() {
    let pdf = export_summit(true, false).pdf.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("summit.pdf");
    std::fs::write(&path, pdf).unwrap();
    let output = std::process::Command::new("pdfinfo")
        .arg("-struct-text")
        .arg(&path)
        .output()
        .expect("pdfinfo (poppler-utils) runs");
    let text = String::from_utf8_lossy(&output.stdout);
    let figure = text
        .lines()
        .skip_while(|l| l.trim() != "Figure")
        .nth(1)
        .expect("the banner's figure has text");
    for words in [
        "Utrota extrem fattigdom och hunger",
        "Grundskole-utbildning för alla",
        "Jämställdhet och kvinnors egenmakt",
        "Globalt partnerskap för utveckling",
        "2010 Åtta mål",
    ] {
        assert!(figure.contains(words), "{words:?} in {figure}");
    }
}
