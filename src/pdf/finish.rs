//! The first pass over printpdf's document: outline, document info,
//! catalog entries and a reproducible file identifier.

use super::PdfOptions;
use crate::layout::Pages;
use crate::model::{Meta, plain_text};
use lopdf::{Dictionary, Document, Object, ObjectId, StringFormat};

/// Completes the document printpdf made.
pub fn finish(
    doc: &mut Document,
    pages: &Pages,
    meta: &Meta,
    options: &PdfOptions,
    drawn: &super::Drawn,
) -> Result<(), String> {
    let page_ids: Vec<ObjectId> = doc.get_pages().values().copied().collect();
    if page_ids.len() != pages.pages.len() {
        return Err(format!(
            "{} pages laid out but {} written",
            pages.pages.len(),
            page_ids.len()
        ));
    }
    let outline = build_outline(doc, pages, &page_ids);
    let catalog = doc.catalog_mut().map_err(|e| e.to_string())?;
    catalog.set("Lang", text_string(&meta.lang));
    catalog.set(
        "ViewerPreferences",
        Dictionary::from_iter(vec![("DisplayDocTitle", Object::Boolean(true))]),
    );
    if let Some(outline) = outline {
        catalog.set("Outlines", Object::Reference(outline));
        catalog.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
    }

    // printpdf's document information (its dates from the clock, empty
    // fields as empty strings) makes way for ours, in the same object.
    let info = Object::Dictionary(info_dict(meta, options));
    match doc.trailer.get(b"Info").and_then(Object::as_reference) {
        Ok(id) => doc.objects.insert(id, info),
        Err(_) => {
            let id = doc.add_object(info);
            doc.trailer.set("Info", Object::Reference(id));
            None
        }
    };
    let id = drawn.file_id.finish();
    doc.trailer.set(
        "ID",
        Object::Array(vec![
            Object::String(id.clone(), StringFormat::Hexadecimal),
            Object::String(id, StringFormat::Hexadecimal),
        ]),
    );
    Ok(())
}

/// Builds the outline (bookmarks) nested by heading level.
fn build_outline(doc: &mut Document, pages: &Pages, page_ids: &[ObjectId]) -> Option<ObjectId> {
    if pages.outline.is_empty() {
        return None;
    }
    let root = doc.new_object_id();
    let ids: Vec<ObjectId> = pages.outline.iter().map(|_| doc.new_object_id()).collect();
    // Parent of each entry: the nearest earlier entry of a lower level.
    let mut parents: Vec<Option<usize>> = Vec::with_capacity(ids.len());
    let mut stack: Vec<usize> = Vec::new();
    for (i, entry) in pages.outline.iter().enumerate() {
        while let Some(&top) = stack.last() {
            if pages.outline[top].level < entry.level {
                break;
            }
            stack.pop();
        }
        parents.push(stack.last().copied());
        stack.push(i);
    }
    // Each entry's children and the top level, in order: one pass, so
    // that thousands of headings cost no more each than a few.
    let mut kids: Vec<Vec<usize>> = vec![Vec::new(); ids.len()];
    let mut top: Vec<usize> = Vec::new();
    for (i, parent) in parents.iter().enumerate() {
        match parent {
            Some(parent) => kids[*parent].push(i),
            None => top.push(i),
        }
    }
    let mut prev: Vec<Option<usize>> = vec![None; ids.len()];
    let mut next: Vec<Option<usize>> = vec![None; ids.len()];
    for siblings in kids.iter().chain([&top]) {
        for pair in siblings.windows(2) {
            next[pair[0]] = Some(pair[1]);
            prev[pair[1]] = Some(pair[0]);
        }
    }
    // Every entry is open, so its Count is all its descendants, at every
    // level (ISO 32000-1, table 153). Children come after their parents.
    let mut descendants = vec![0i64; ids.len()];
    for (i, parent) in parents.iter().enumerate().rev() {
        if let Some(parent) = parent {
            descendants[*parent] += 1 + descendants[i];
        }
    }
    for (i, entry) in pages.outline.iter().enumerate() {
        let mut dict = Dictionary::from_iter(vec![
            ("Title", text_string(&entry.title)),
            (
                "Parent",
                Object::Reference(parents[i].map_or(root, |p| ids[p])),
            ),
            (
                "Dest",
                Object::Array(vec![
                    Object::Reference(page_ids[entry.page]),
                    Object::Name(b"XYZ".to_vec()),
                    Object::Null,
                    Object::Real(((pages.height - entry.y + 6.0) * 100.0).round() / 100.0),
                    Object::Null,
                ]),
            ),
        ]);
        if let Some(prev) = prev[i] {
            dict.set("Prev", Object::Reference(ids[prev]));
        }
        if let Some(next) = next[i] {
            dict.set("Next", Object::Reference(ids[next]));
        }
        let kids = &kids[i];
        if let (Some(&first), Some(&last)) = (kids.first(), kids.last()) {
            dict.set("First", Object::Reference(ids[first]));
            dict.set("Last", Object::Reference(ids[last]));
            dict.set("Count", Object::Integer(descendants[i]));
        }
        doc.objects.insert(ids[i], Object::Dictionary(dict));
    }
    let root_dict = Dictionary::from_iter(vec![
        ("Type", Object::Name(b"Outlines".to_vec())),
        ("First", Object::Reference(ids[top[0]])),
        (
            "Last",
            Object::Reference(ids[*top.last().expect("not empty")]),
        ),
        ("Count", Object::Integer(ids.len() as i64)),
    ]);
    doc.objects.insert(root, Object::Dictionary(root_dict));
    Some(root)
}

fn info_dict(meta: &Meta, options: &PdfOptions) -> Dictionary {
    let mut info = Dictionary::new();
    info.set("Title", text_string(&plain_text(&meta.title)));
    if !meta.authors.is_empty() {
        info.set("Author", text_string(&meta.authors.join(", ")));
    } else if let Some(publisher) = &meta.publisher {
        info.set("Author", text_string(publisher));
    }
    let subject = meta
        .description
        .clone()
        .or_else(|| (!meta.subtitle.is_empty()).then(|| plain_text(&meta.subtitle)));
    if let Some(subject) = subject {
        info.set("Subject", text_string(&subject));
    }
    if !meta.keywords.is_empty() {
        info.set("Keywords", text_string(&meta.keywords.join(", ")));
    }
    info.set("Creator", text_string(&options.creator));
    info.set("Producer", text_string(&options.creator));
    if let Some(date) = &options.date {
        let digits: String = date.chars().filter(char::is_ascii_digit).collect();
        if digits.len() == 8 {
            let stamp = format!("D:{digits}000000Z");
            info.set("CreationDate", Object::string_literal(stamp.clone()));
            info.set("ModDate", Object::string_literal(stamp));
        }
    }
    info
}

/// A PDF text string: PDFDocEncoding is ASCII-compatible, anything else is
/// written as UTF-16BE with a byte order mark (ISO 32000-1, 7.9.2.2).
pub(super) fn text_string(text: &str) -> Object {
    if text.is_ascii() {
        Object::string_literal(text)
    } else {
        let mut bytes = vec![0xFE, 0xFF];
        for unit in text.encode_utf16() {
            bytes.extend_from_slice(&unit.to_be_bytes());
        }
        Object::String(bytes, StringFormat::Hexadecimal)
    }
}

/// A file identifier from the content (ISO 32000-1, 14.4): two FNV-1a
/// hashes of the title and every glyph's text, so it is the same for the
/// same document and differs for different ones. Fed while the pages are
/// written.
pub(super) struct FileId {
    a: u64,
    b: u64,
}

impl FileId {
    /// Starts the hashes with the document's title.
    pub(super) fn new(title: &str) -> FileId {
        let mut id = FileId {
            a: 0xcbf2_9ce4_8422_2325,
            b: 0x84222325_cbf29ce4,
        };
        id.feed(title.as_bytes());
        id
    }

    /// Marks the start of a page.
    pub(super) fn new_page(&mut self) {
        self.feed(b"\x0c");
    }

    /// Adds text drawn on the page.
    pub(super) fn feed(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.a = (self.a ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
            self.b = (self.b ^ u64::from(byte.rotate_left(3))).wrapping_mul(0x0100_0000_01b3);
        }
    }

    /// The 16-byte identifier.
    pub(super) fn finish(&self) -> Vec<u8> {
        let mut id = self.a.to_be_bytes().to_vec();
        id.extend_from_slice(&self.b.to_be_bytes());
        id
    }
}
