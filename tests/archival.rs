//! PDF/A-2 and PDF/UA-1 identification read back: the XMP packet parses,
//! claims both standards, and agrees with the document information
//! dictionary entry by entry (ISO 19005-2, 6.6.2 and 6.6.3); the output
//! intent carries an RGB ICC profile (6.2.3).

mod common;

use common::export_summit;
use lopdf::{Document, Object};

fn text_string(object: &Object) -> String {
    let bytes = object.as_str().expect("a string");
    match bytes.strip_prefix(&[0xFE, 0xFF]) {
        Some(rest) => {
            let units: Vec<u16> = rest
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16(&units).unwrap()
        }
        None => String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";

/// The text of the first element named `ns:name` (its `rdf:li` if any).
fn xmp_value(xml: &roxmltree::Document, ns: &str, name: &str) -> Option<String> {
    let node = xml
        .descendants()
        .find(|n| n.tag_name().namespace() == Some(ns) && n.tag_name().name() == name)?;
    let li = node
        .descendants()
        .find(|n| n.tag_name().namespace() == Some(RDF) && n.tag_name().name() == "li");
    li.unwrap_or(node).text().map(str::to_string)
}

#[test]
fn xmp_claims_pdfa_and_pdfua_and_agrees_with_the_info_dictionary() {
    let pdf = export_summit(true, false).pdf.unwrap();
    assert!(pdf.starts_with(b"%PDF-1.7\n%"));
    assert!(pdf[10..14].iter().all(|b| *b > 127), "a binary comment");
    let doc = Document::load_mem(&pdf).unwrap();
    let catalog = doc.catalog().unwrap();
    let metadata = doc
        .get_object(catalog.get(b"Metadata").unwrap().as_reference().unwrap())
        .unwrap()
        .as_stream()
        .unwrap();
    assert!(
        !metadata.dict.has(b"Filter"),
        "the packet is not compressed"
    );
    let text = String::from_utf8(metadata.content.clone()).unwrap();
    assert!(text.starts_with("<?xpacket begin=\"\u{feff}\""));
    assert!(text.ends_with("<?xpacket end=\"r\"?>"));
    let xml = roxmltree::Document::parse(&text).expect("the XMP parses");

    let pdfaid = "http://www.aiim.org/pdfa/ns/id/";
    let pdfuaid = "http://www.aiim.org/pdfua/ns/id/";
    let dc = "http://purl.org/dc/elements/1.1/";
    let xmp = "http://ns.adobe.com/xap/1.0/";
    let pdfns = "http://ns.adobe.com/pdf/1.3/";
    assert_eq!(xmp_value(&xml, pdfaid, "part").as_deref(), Some("2"));
    assert_eq!(xmp_value(&xml, pdfaid, "conformance").as_deref(), Some("A"));
    assert_eq!(xmp_value(&xml, pdfuaid, "part").as_deref(), Some("1"));
    assert_eq!(xmp_value(&xml, dc, "language").as_deref(), Some("sv"));

    let info = doc
        .get_dictionary(doc.trailer.get(b"Info").unwrap().as_reference().unwrap())
        .unwrap();
    let info_text = |key: &[u8]| text_string(info.get(key).unwrap());
    let date = |key: &[u8]| {
        let d = info_text(key);
        format!(
            "{}-{}-{}T{}:{}:{}Z",
            &d[2..6],
            &d[6..8],
            &d[8..10],
            &d[10..12],
            &d[12..14],
            &d[14..16]
        )
    };
    for (key, ns, name, value) in [
        (&b"Title"[..], dc, "title", info_text(b"Title")),
        (b"Author", dc, "creator", info_text(b"Author")),
        (b"Subject", dc, "description", info_text(b"Subject")),
        (b"Keywords", pdfns, "Keywords", info_text(b"Keywords")),
        (b"Producer", pdfns, "Producer", info_text(b"Producer")),
        (b"Creator", xmp, "CreatorTool", info_text(b"Creator")),
        (b"CreationDate", xmp, "CreateDate", date(b"CreationDate")),
        (b"ModDate", xmp, "ModifyDate", date(b"ModDate")),
        (b"ModDate", xmp, "MetadataDate", date(b"ModDate")),
    ] {
        assert_eq!(
            xmp_value(&xml, ns, name).as_deref(),
            Some(value.as_str()),
            "XMP {name} and Info {}",
            String::from_utf8_lossy(key)
        );
    }
    assert_eq!(
        xmp_value(&xml, xmp, "CreateDate").as_deref(),
        Some("2010-09-20T00:00:00Z")
    );
    let id = xmp_value(&xml, "http://ns.adobe.com/xap/1.0/mm/", "DocumentID").unwrap();
    assert!(id.starts_with("uuid:") && id.len() == 41, "{id}");

    // One PDF/A output intent with an RGB ICC profile.
    let intents = catalog.get(b"OutputIntents").unwrap().as_array().unwrap();
    assert_eq!(intents.len(), 1);
    let intent = intents[0].as_dict().unwrap();
    assert_eq!(intent.get(b"S").unwrap().as_name().unwrap(), b"GTS_PDFA1");
    let profile = doc
        .get_object(
            intent
                .get(b"DestOutputProfile")
                .unwrap()
                .as_reference()
                .unwrap(),
        )
        .unwrap()
        .as_stream()
        .unwrap();
    assert_eq!(profile.dict.get(b"N").unwrap().as_i64().unwrap(), 3);
    let icc = profile
        .decompressed_content()
        .unwrap_or(profile.content.clone());
    assert_eq!(&icc[36..40], b"acsp", "an ICC profile");
    assert_eq!(&icc[16..20], b"RGB ", "of RGB colour");
    assert!(!doc.trailer.has(b"Encrypt"));
    assert!(doc.trailer.has(b"ID"));
}

/// The XMP packet of a PDF, as text.
fn xmp_of(pdf: &[u8]) -> String {
    let doc = Document::load_mem(pdf).unwrap();
    let catalog = doc.catalog().unwrap();
    let id = catalog.get(b"Metadata").unwrap().as_reference().unwrap();
    let stream = doc.get_object(id).unwrap().as_stream().unwrap();
    let bytes = stream
        .decompressed_content()
        .unwrap_or_else(|_| stream.content.clone());
    String::from_utf8(bytes).unwrap()
}

/// The EPUB's package document, as text.
fn opf_of(epub: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(epub)).unwrap();
    let mut opf = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("OEBPS/content.opf").unwrap(), &mut opf)
        .unwrap();
    opf
}

/// Issue 16: a claim is made only when it holds. An image without
/// alternative text withholds PDF/UA-1, PDF/A-2a and WCAG 2.2 AA, with a
/// warning at the image's line; PDF/A-2u stays, as it still holds. The
/// summit keeps all its claims.
#[test]
fn claims_are_made_only_when_they_hold() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pic.svg"),
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="20" height="10"/></svg>"#,
    )
    .unwrap();
    let text = "---\nlang: sv\n---\n# Rubrik\n\nText.\n\n![](pic.svg)\n";
    let warned = common::export_text(text, dir.path()).expect("exports");
    let warning = warned
        .warnings
        .iter()
        .find(|w| w.message.contains("no accessibility claim"))
        .expect("a warning says why");
    assert!(
        warning
            .message
            .contains("`pic.svg` has no alternative text")
    );
    assert!(text[warning.span.start..].starts_with("![](pic.svg)"));
    let xmp = xmp_of(warned.output.pdf.as_deref().unwrap());
    assert!(!xmp.contains("pdfuaid:part>1"), "{xmp}");
    assert!(
        xmp.contains("<pdfaid:conformance>U</pdfaid:conformance>"),
        "{xmp}"
    );
    let opf = opf_of(warned.output.epub.as_deref().unwrap());
    assert!(!opf.contains("conformsTo"), "{opf}");
    assert!(
        opf.contains("makes no claim") || opf.contains("inget anspråk"),
        "{opf}"
    );

    let summit = export_summit(true, true);
    let xmp = xmp_of(summit.pdf.as_deref().unwrap());
    assert!(xmp.contains("pdfuaid:part>1"));
    assert!(xmp.contains("<pdfaid:conformance>A</pdfaid:conformance>"));
    let opf = opf_of(summit.epub.as_deref().unwrap());
    assert!(
        opf.contains("EPUB Accessibility 1.1 - WCAG 2.2 Level AA"),
        "{opf}"
    );
}
