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
use xmp_writer::{DateTime, LangId, Timezone, XmpWriter};

/// The sRGB profile (ICC v2, from Debian's icc-profiles-free; zlib
/// licence, see pdf-assets/README.md).
const SRGB_ICC: &[u8] = include_bytes!("../../pdf-assets/sRGB.icc");

/// Which claims the metadata makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claims {
    /// PDF/A-2 conformance level: `'A'` (tagged), `'U'` or `'B'`; `None` for no
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
    // Control characters cannot appear in XML 1.0 (xmp-writer escapes
    // only markup).
    let text = |key: &[u8]| {
        let text = decode_text_string(info.get(key).ok()?);
        Some(text.replace(|c: char| c.is_control() && c != '\n' && c != '\t', " "))
    };
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

    let mut xmp = XmpWriter::new();
    xmp.format("application/pdf");
    if let Some(title) = &title {
        xmp.title([(None, title.as_str())]);
    }
    if let Some(author) = &author {
        // One entry holding the Info /Author string as it is.
        xmp.creator([author.as_str()]);
    }
    if let Some(subject) = &subject {
        xmp.description([(None, subject.as_str())]);
    }
    if let Some(lang) = &lang {
        xmp.language([LangId(lang)]);
    }
    if let Some(keywords) = &keywords {
        xmp.pdf_keywords(keywords);
    }
    if let Some(producer) = &producer {
        xmp.producer(producer);
    }
    if let Some(creator) = &creator {
        xmp.creator_tool(creator);
    }
    if let Some(created) = created {
        xmp.create_date(created);
    }
    if let Some(modified) = modified {
        xmp.modify_date(modified);
        xmp.metadata_date(modified);
    }
    if let Ok(bytes) = <[u8; 16]>::try_from(id.as_slice()) {
        // Name-based UUIDs (RFC 9562, version 5) of the file identifier.
        let document = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, &bytes);
        let instance = uuid::Uuid::new_v5(&document, b"instance");
        xmp.document_id(&format!("uuid:{document}"));
        xmp.instance_id(&format!("uuid:{instance}"));
    }
    if let Some(level) = claims.pdfa {
        xmp.pdfa_part(2);
        xmp.pdfa_conformance(&level.to_string());
    }
    if claims.pdfua {
        xmp.pdfua_part(1);
        // pdfuaid is not among the schemas PDF/A-2 predefines, so it is
        // declared (ISO 19005-2, 6.6.2.3.3).
        xmp.extension_schemas()
            .pdfua_id()
            .properties()
            .describe_part();
    }
    let xmp = xmp.finish(None);

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

/// A PDF text string's value (PDFDocEncoding or UTF-16BE), empty if it
/// is none.
fn decode_text_string(object: &Object) -> String {
    lopdf::decode_text_string(object).unwrap_or_default()
}

/// `D:YYYYMMDDHHmmSSZ` (ISO 32000-1, 7.9.4), as the writer makes them,
/// as an XMP date in UTC.
fn xmp_date(date: &str) -> Option<DateTime> {
    let digits = date.strip_prefix("D:")?.get(..14)?;
    let number = |at: usize, len: usize| digits.get(at..at + len)?.parse::<u16>().ok();
    let part = |at| number(at, 2).and_then(|n| u8::try_from(n).ok());
    Some(DateTime::new(
        number(0, 4)?,
        part(4)?,
        part(6)?,
        part(8)?,
        part(10)?,
        part(12)?,
        Timezone::Utc,
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_convert_from_pdf_dates() {
        let date = super::xmp_date("D:20100920123456Z").unwrap();
        assert_eq!((date.year, date.month, date.day), (2010, Some(9), Some(20)));
        assert_eq!(
            (date.hour, date.minute, date.second),
            (Some(12), Some(34), Some(56))
        );
        assert!(super::xmp_date("D:2010").is_none());
    }
}
