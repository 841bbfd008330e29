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

/// Extracts the text of every page of a PDF, in page order.
pub fn pdf_text(bytes: &[u8]) -> String {
    let doc = lopdf::Document::load_mem(bytes).expect("the PDF parses");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    doc.extract_text(&pages).expect("text extracts")
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
