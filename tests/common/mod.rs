//! Helpers shared by the integration tests.
#![allow(dead_code)]

use mdg_export::fonts::FontSet;
use mdg_export::{ExportOptions, Outputs, builtin};

/// Exports the built-in summit document through the library.
pub fn export_summit(pdf: bool, epub: bool) -> Outputs {
    let options = ExportOptions {
        name: builtin::NAME.into(),
        pdf,
        epub,
        ..ExportOptions::default()
    };
    mdg_export::export(
        builtin::MARKDOWN,
        &builtin::assets(),
        &FontSet::built_in(),
        &options,
    )
    .expect("the summit document exports")
    .output
}

/// Extracts the text of every page of a PDF, in page order: each text
/// object's strings joined as drawn, a line break after each text object.
///
/// lopdf's own `extract_text` adds a space after every `TJ`, so a link
/// and the full stop after it (two marked-content runs) would read
/// "Goals ." though no viewer shows a gap; this reads "Goals.".
pub fn pdf_text(bytes: &[u8]) -> String {
    let doc = lopdf::Document::load_mem(bytes).expect("the PDF parses");
    let mut text = String::new();
    for page in doc.get_pages().values() {
        for (_, run) in page_text_runs(&doc, *page) {
            text.push_str(&run);
        }
    }
    text
}

/// The text a page draws, by marked-content sequence: each entry is the
/// MCID the text is marked with (`None` outside any, or in an artifact)
/// and the text; a text object's end adds a line break.
pub fn page_text_runs(doc: &lopdf::Document, page: lopdf::ObjectId) -> Vec<(Option<i64>, String)> {
    use lopdf::Object;
    let fonts = doc.get_page_fonts(page).expect("page fonts");
    let encodings: std::collections::BTreeMap<Vec<u8>, lopdf::Encoding> = fonts
        .into_iter()
        .map(|(name, font)| (name, font.get_font_encoding(doc).expect("an encoding")))
        .collect();
    let content = lopdf::content::Content::decode(&doc.get_page_content(page)).expect("content");
    let mut out: Vec<(Option<i64>, String)> = Vec::new();
    let mut marks: Vec<Option<i64>> = Vec::new();
    let mut font: Option<&lopdf::Encoding> = None;
    let push =
        |mcid: Option<i64>, s: &str, out: &mut Vec<(Option<i64>, String)>| match out.last_mut() {
            Some((m, text)) if *m == mcid => text.push_str(s),
            _ => out.push((mcid, s.to_string())),
        };
    for op in &content.operations {
        let current = marks.iter().rev().find_map(|m| *m);
        match op.operator.as_str() {
            "BDC" => marks.push(
                op.operands
                    .get(1)
                    .and_then(|p| p.as_dict().ok())
                    .and_then(|d| d.get(b"MCID").ok())
                    .and_then(|m| m.as_i64().ok()),
            ),
            "BMC" => marks.push(None),
            "EMC" => {
                marks.pop();
            }
            "Tf" => {
                font = op.operands[0].as_name().ok().and_then(|n| encodings.get(n));
            }
            "TJ" | "Tj" => {
                let strings: Vec<&Object> = match &op.operands[0] {
                    Object::Array(items) => items.iter().collect(),
                    other => vec![other],
                };
                for s in strings {
                    if let (Object::String(bytes, _), Some(encoding)) = (s, font) {
                        let decoded =
                            lopdf::Document::decode_text(encoding, bytes).expect("decodes");
                        push(current, &decoded, &mut out);
                    }
                }
            }
            "ET" => push(current, "\n", &mut out),
            _ => {}
        }
    }
    out
}

/// Collapses white space and joins words broken at line ends, the way a
/// reader copying the text would: an inserted hyphen extracts as a soft
/// hyphen (U+00AD) and goes away with its line break; a real hyphen stays.
pub fn normalise(text: &str) -> String {
    let joined = text
        .replace("\u{ad}\n", "")
        .replace("\u{ad} \n", "")
        .replace('\u{ad}', "")
        .replace("-\n", "-")
        .replace('\u{a0}', " ");
    joined.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The words of the built-in document's body and headings, without
/// Markdown syntax.
pub fn summit_words() -> Vec<String> {
    let parsed = mdg_export::parse::parse(
        builtin::MARKDOWN,
        &mdg_export::parse::ParseOptions {
            name: builtin::NAME.into(),
        },
    )
    .expect("parses")
    .output;
    let mut words = Vec::new();
    for block in &parsed.blocks {
        let text = match block {
            mdg_export::model::Block::Heading { content, .. }
            | mdg_export::model::Block::Paragraph { content, .. } => {
                mdg_export::model::plain_text(content)
            }
            _ => continue,
        };
        words.extend(text.split_whitespace().map(str::to_string));
    }
    words
}
