//! PDF/A-2 (ISO 19005-2) and the PDF/UA-1 identifier (ISO 14289-1):
//! the XMP metadata stream and the sRGB output intent, added last.
//!
//! The metadata is made from the document information dictionary that is
//! already in the file, so the two cannot disagree (ISO 19005-2, 6.6.3:
//! each Info entry has its XMP equivalent). Every value is derived from
//! the content (dates from the document, identifiers from the file ID):
//! no clock, no random numbers.
//!
//! What else PDF/A-2 asks is met by the rest of the writer: all fonts are
//! embedded subsets with a ToUnicode map (6.2.11), the trailer has an /ID
//! and no /Encrypt (6.1.3), annotations are printable (6.3.2), there are no
//! actions but links, no JavaScript, no embedded files. Transparency (PNG
//! soft masks, SVG opacity) is allowed in PDF/A-2 (6.4) given the output
//! intent below. One thing it cannot fix: a CMYK JPEG would need a CMYK
//! intent, so with one the file is written without the PDF/A claim.

use lopdf::{Dictionary, Document, Object, Stream};

/// The sRGB profile (ICC v2, from Debian's icc-profiles-free; zlib
/// licence, see pdf-assets/README.md).
const SRGB_ICC: &[u8] = include_bytes!("../../pdf-assets/sRGB.icc");

/// Which claims the metadata makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claims {
    /// PDF/A-2 conformance level: `'A'` (tagged) or `'U'`; `None` for no
    /// PDF/A claim.
    pub pdfa: Option<char>,
    /// PDF/UA-1 (the file is tagged).
    pub pdfua: bool,
}

/// Adds the XMP metadata and (with a PDF/A claim) the output intent.
pub fn add_metadata(doc: &mut Document, claims: Claims) -> Result<(), String> {
    // PDF/A-2 is based on PDF 1.7 (ISO 19005-2, 6.1.2 allows 1.0 to 1.7;
    // the structure and output intent features need 1.4 or later).
    doc.version = "1.7".into();
    let info_id = doc
        .trailer
        .get(b"Info")
        .and_then(Object::as_reference)
        .map_err(|e| e.to_string())?;
    let info = doc.get_dictionary(info_id).map_err(|e| e.to_string())?;
    let text = |key: &[u8]| info.get(key).ok().map(decode_text_string);
    let title = text(b"Title");
    let author = text(b"Author");
    let subject = text(b"Subject");
    let keywords = text(b"Keywords");
    let creator = text(b"Creator");
    let producer = text(b"Producer");
    let created = text(b"CreationDate").and_then(|d| xmp_date(&d));
    let modified = text(b"ModDate").and_then(|d| xmp_date(&d));
    let id = match doc.trailer.get(b"ID") {
        Ok(Object::Array(ids)) => ids
            .first()
            .and_then(|o| o.as_str().ok())
            .map(<[u8]>::to_vec)
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let lang = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"Lang").ok())
        .map(decode_text_string);

    let mut xmp = String::new();
    xmp.push_str("<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n");
    xmp.push_str("<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n");
    xmp.push_str("<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n");
    xmp.push_str(concat!(
        "<rdf:Description rdf:about=\"\"\n",
        " xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n",
        " xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n",
        " xmlns:xmpMM=\"http://ns.adobe.com/xap/1.0/mm/\"\n",
        " xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"\n",
        " xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\"\n",
        " xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\"\n",
        " xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\"\n",
        " xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\"\n",
        " xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">\n",
        "<dc:format>application/pdf</dc:format>\n",
    ));
    if let Some(title) = &title {
        xmp.push_str(&format!(
            "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt></dc:title>\n",
            escape(title)
        ));
    }
    if let Some(author) = &author {
        // One entry holding the Info /Author string as it is.
        xmp.push_str(&format!(
            "<dc:creator><rdf:Seq><rdf:li>{}</rdf:li></rdf:Seq></dc:creator>\n",
            escape(author)
        ));
    }
    if let Some(subject) = &subject {
        xmp.push_str(&format!(
            "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt></dc:description>\n",
            escape(subject)
        ));
    }
    if let Some(lang) = &lang {
        xmp.push_str(&format!(
            "<dc:language><rdf:Bag><rdf:li>{}</rdf:li></rdf:Bag></dc:language>\n",
            escape(lang)
        ));
    }
    let simple = |xmp: &mut String, name: &str, value: &Option<String>| {
        if let Some(value) = value {
            xmp.push_str(&format!("<{name}>{}</{name}>\n", escape(value)));
        }
    };
    simple(&mut xmp, "pdf:Keywords", &keywords);
    simple(&mut xmp, "pdf:Producer", &producer);
    simple(&mut xmp, "xmp:CreatorTool", &creator);
    simple(&mut xmp, "xmp:CreateDate", &created);
    simple(&mut xmp, "xmp:ModifyDate", &modified);
    simple(&mut xmp, "xmp:MetadataDate", &modified);
    if id.len() == 16 {
        let bytes: [u8; 16] = id.as_slice().try_into().expect("16 bytes");
        // Name-based UUIDs (RFC 9562, version 5) of the file identifier.
        let document = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, &bytes);
        let instance = uuid::Uuid::new_v5(&document, b"instance");
        xmp.push_str(&format!(
            "<xmpMM:DocumentID>uuid:{document}</xmpMM:DocumentID>\n<xmpMM:InstanceID>uuid:{instance}</xmpMM:InstanceID>\n"
        ));
    }
    if let Some(level) = claims.pdfa {
        xmp.push_str(&format!(
            "<pdfaid:part>2</pdfaid:part>\n<pdfaid:conformance>{level}</pdfaid:conformance>\n"
        ));
    }
    if claims.pdfua {
        xmp.push_str("<pdfuaid:part>1</pdfuaid:part>\n");
        // pdfuaid is not among the schemas PDF/A-2 predefines, so it is
        // declared (ISO 19005-2, 6.6.2.3.3).
        xmp.push_str(concat!(
            "<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">\n",
            "<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>\n",
            "<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>\n",
            "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>\n",
            "<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType=\"Resource\">\n",
            "<pdfaProperty:name>part</pdfaProperty:name>\n",
            "<pdfaProperty:valueType>Integer</pdfaProperty:valueType>\n",
            "<pdfaProperty:category>internal</pdfaProperty:category>\n",
            "<pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>\n",
            "</rdf:li></rdf:Seq></pdfaSchema:property>\n",
            "</rdf:li></rdf:Bag></pdfaExtension:schemas>\n",
        ));
    }
    xmp.push_str("</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n");
    // Room to edit the packet in place, as XMP suggests.
    for _ in 0..8 {
        xmp.push_str(&" ".repeat(99));
        xmp.push('\n');
    }
    xmp.push_str("<?xpacket end=\"w\"?>");

    // The metadata stream is not compressed (ISO 19005-2, 6.6.2.1: no
    // Filter, so that it can be found without PDF parsing).
    let metadata = Stream::new(
        Dictionary::from_iter(vec![
            ("Type", Object::Name(b"Metadata".to_vec())),
            ("Subtype", Object::Name(b"XML".to_vec())),
        ]),
        xmp.into_bytes(),
    )
    .with_compression(false);
    let metadata_id = doc.add_object(metadata);
    let mut intents = None;
    if claims.pdfa.is_some() {
        let profile = Stream::new(
            Dictionary::from_iter(vec![("N", Object::Integer(3))]),
            SRGB_ICC.to_vec(),
        );
        let profile_id = doc.add_object(profile);
        // ISO 19005-2, 6.2.3: one PDF/A output intent, an ICC profile
        // (sRGB, a monitor profile) that DeviceRGB and DeviceGray defer to.
        intents = Some(Object::Array(vec![Object::Dictionary(
            Dictionary::from_iter(vec![
                ("Type", Object::Name(b"OutputIntent".to_vec())),
                ("S", Object::Name(b"GTS_PDFA1".to_vec())),
                (
                    "OutputConditionIdentifier",
                    Object::string_literal("sRGB IEC61966-2.1"),
                ),
                ("Info", Object::string_literal("sRGB IEC61966-2.1")),
                ("DestOutputProfile", Object::Reference(profile_id)),
            ]),
        )]));
    }
    let catalog = doc.catalog_mut().map_err(|e| e.to_string())?;
    catalog.set("Metadata", Object::Reference(metadata_id));
    if let Some(intents) = intents {
        catalog.set("OutputIntents", intents);
    }
    Ok(())
}

/// A PDF text string's value (PDFDocEncoding as Latin-1, or UTF-16BE).
fn decode_text_string(object: &Object) -> String {
    let Ok(bytes) = object.as_str() else {
        return String::new();
    };
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        bytes.iter().map(|&b| char::from(b)).collect()
    }
}

/// `D:YYYYMMDDHHmmSSZ` → `YYYY-MM-DDTHH:mm:SSZ` (ISO 32000-1, 7.9.4;
/// XMP dates are ISO 8601).
fn xmp_date(date: &str) -> Option<String> {
    let digits = date.strip_prefix("D:")?;
    if digits.len() < 14 || !digits[..14].bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let d = &digits[..14];
    Some(format!(
        "{}-{}-{}T{}:{}:{}Z",
        &d[..4],
        &d[4..6],
        &d[6..8],
        &d[8..10],
        &d[10..12],
        &d[12..14]
    ))
}

/// Escapes text for XML content.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Control characters cannot appear in XML 1.0.
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_convert_to_iso_8601() {
        assert_eq!(
            super::xmp_date("D:20100920000000Z").as_deref(),
            Some("2010-09-20T00:00:00Z")
        );
        assert_eq!(super::xmp_date("D:2010"), None);
    }

    #[test]
    fn xml_is_escaped() {
        assert_eq!(
            super::escape("a < b & \"c\""),
            "a &lt; b &amp; &quot;c&quot;"
        );
    }
}
