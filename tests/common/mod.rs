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
    let fonts = doc.get_page_fonts(page).expect("page fonts");
    text_runs(doc, &doc.get_page_content(page), fonts)
}

fn text_runs(
    doc: &lopdf::Document,
    content: &[u8],
    fonts: std::collections::BTreeMap<Vec<u8>, &lopdf::Dictionary>,
) -> Vec<(Option<i64>, String)> {
    use lopdf::Object;
    let encodings: std::collections::BTreeMap<Vec<u8>, lopdf::Encoding> = fonts
        .into_iter()
        .map(|(name, font)| (name, font.get_font_encoding(doc).expect("an encoding")))
        .collect();
    let content = lopdf::content::Content::decode(content).expect("content");
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
            lang: None,
            title: None,
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

/// Runs the real binary in `dir` with `args`, no standard input and no
/// `SOURCE_DATE_EPOCH`.
pub fn run_mdg(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_mdg-export"))
        .args(args)
        .current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("the binary runs")
}

/// Standard error of a run, as text.
pub fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Exports Markdown through the library with the built-in fonts, reading
/// images from `base` (PDF and EPUB both made).
pub fn export_text(text: &str, base: &std::path::Path) -> mdg_export::diag::StageResult<Outputs> {
    let options = ExportOptions {
        name: "doc".into(),
        pdf: true,
        epub: true,
        ..ExportOptions::default()
    };
    let source = mdg_export::assets::FolderSource {
        base: base.to_path_buf(),
        sandbox: true,
    };
    mdg_export::export(text, &source, &FontSet::built_in(), &options)
}

/// Lays out Markdown (no images) and returns the pages and the warnings of
/// parsing and layout.
pub fn layout_text(text: &str) -> (mdg_export::layout::Pages, Vec<mdg_export::diag::Diagnostic>) {
    let parsed = mdg_export::parse::parse(
        text,
        &mdg_export::parse::ParseOptions {
            name: "doc".into(),
            lang: None,
            title: None,
        },
    )
    .expect("parses");
    let mut warnings = parsed.warnings;
    let fonts = FontSet::built_in();
    let assets = mdg_export::assets::Assets::default();
    let laid = mdg_export::layout::layout_document(
        &parsed.output,
        &assets,
        &fonts,
        &mdg_export::layout::LayoutOptions::default(),
    );
    warnings.extend(laid.warnings);
    (laid.output, warnings)
}

/// Asserts that every glyph run, rule and image lies on its page (with a
/// hair of tolerance), and returns how many text runs there were.
pub fn assert_inside_pages(pages: &mdg_export::layout::Pages) -> usize {
    use mdg_export::layout::Item;
    let mut runs = 0;
    for (index, page) in pages.pages.iter().enumerate() {
        for item in &page.items {
            let (left, top, right, bottom) = match item {
                Item::Text(run) => {
                    runs += 1;
                    (run.x, run.y - run.size, run.x + run.width(), run.y)
                }
                Item::Line { from, to, .. } => (
                    from.0.min(to.0),
                    from.1.min(to.1),
                    from.0.max(to.0),
                    from.1.max(to.1),
                ),
                Item::Image { rect, .. } | Item::Link { rect, .. } => {
                    (rect.x, rect.y, rect.x + rect.w, rect.y + rect.h)
                }
            };
            assert!(
                left >= -0.01
                    && top >= -0.01
                    && right <= pages.width + 0.01
                    && bottom <= pages.height + 0.01,
                "page {}: {item:?} leaves the page ({left}, {top}) – ({right}, {bottom})",
                index + 1
            );
        }
    }
    runs
}

/// Checks that an EPUB is a zip whose every XHTML file is well-formed XML,
/// and returns how many XHTML files there were.
pub fn assert_epub_well_formed(bytes: &[u8]) -> usize {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("the EPUB is a zip");
    let mut count = 0;
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).expect("a zip entry");
        let name = file.name().to_string();
        if name.ends_with(".xhtml") || name.ends_with(".opf") || name.ends_with(".ncx") {
            let mut text = String::new();
            file.read_to_string(&mut text).expect("UTF-8 XML");
            let options = roxmltree::ParsingOptions {
                allow_dtd: true,
                ..roxmltree::ParsingOptions::default()
            };
            roxmltree::Document::parse_with_options(&text, options)
                .unwrap_or_else(|err| panic!("{name} is not well-formed: {err}"));
            count += usize::from(name.ends_with(".xhtml"));
        }
    }
    count
}

/// Parses a PDF back and returns its page count.
pub fn assert_pdf_parses(bytes: &[u8]) -> usize {
    assert!(bytes.starts_with(b"%PDF-"));
    let doc = lopdf::Document::load_mem(bytes).expect("the PDF parses back");
    doc.get_pages().len()
}
