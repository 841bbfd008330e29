//! One fuzz target over the whole pipeline.
//!
//! [`check`] takes any bytes: the first picks options (paper, table of
//! contents, booklet, bleed, crop marks), the rest is the Markdown file. It runs parse → assets →
//! layout → PDF and EPUB through [`mdg_export::export`] and panics if
//! anything panics, or if an output does not read back: the PDF must
//! parse with lopdf and have a page, the EPUB must be a zip whose XHTML,
//! OPF and NCX files are all well-formed XML. Errors the document earns
//! (bad UTF-8, a corrupt image) are fine: they are diagnostics.

use mdg_export::assets::AssetSource;
use mdg_export::fonts::FontSet;
use mdg_export::layout::{LayoutOptions, Paper};
use mdg_export::pdf::PrintOptions;
use mdg_export::{ExportOptions, parse};
use std::io::Read;
use std::sync::OnceLock;

/// Images the fuzzed documents may refer to, served from memory so that
/// the image paths of both back ends run without touching the disk.
struct MemorySource {
    png: Vec<u8>,
}

impl AssetSource for MemorySource {
    fn read(&self, url: &str) -> Result<Vec<u8>, (String, String)> {
        match url.rsplit('/').next().unwrap_or(url) {
            "a.png" => Ok(self.png.clone()),
            "b.svg" => Ok(SVG.as_bytes().to_vec()),
            "c.png" => Ok(self.png[..self.png.len() / 2].to_vec()),
            _ => Err((format!("no image `{url}`"), "fuzzing".into())),
        }
    }
}

const SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#336"/><text x="2" y="15">Å</text></svg>"##;

fn small_png() -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, 3, 2);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().expect("a PNG header");
    writer
        .write_image_data(&[120; 3 * 2 * 4])
        .expect("PNG pixels");
    writer.finish().expect("a PNG");
    bytes
}

fn fonts() -> &'static FontSet {
    static FONTS: OnceLock<FontSet> = OnceLock::new();
    FONTS.get_or_init(FontSet::built_in)
}

/// Runs the pipeline on `data` and checks what comes out (see the module
/// docs). Panics on any failure.
pub fn check(data: &[u8]) {
    let Some((&bits, body)) = data.split_first() else {
        return;
    };
    let text = match parse::decode_source(body.to_vec()) {
        Ok(text) => text,
        Err(diagnostic) => {
            assert!(diagnostic.is_error());
            return;
        }
    };
    let options = ExportOptions {
        name: "fuzz".into(),
        pdf: true,
        epub: true,
        layout: LayoutOptions {
            paper: match bits % 3 {
                0 => Paper::A5,
                1 => Paper::A4,
                _ => Paper::Letter,
            },
            toc: match (bits >> 2) % 3 {
                0 => None,
                1 => Some(true),
                _ => Some(false),
            },
        },
        print: PrintOptions {
            booklet: bits & 0x10 != 0,
            bleed: if bits & 0x20 != 0 { 3.0 } else { 0.0 },
            crop_marks: bits & 0x40 != 0,
        },
        ..ExportOptions::default()
    };
    let source = MemorySource { png: small_png() };
    let Ok(warned) = mdg_export::export(&text, &source, fonts(), &options) else {
        return;
    };
    let pdf = warned.output.pdf.expect("a PDF was asked for");
    check_pdf(&pdf);
    let epub = warned.output.epub.expect("an EPUB was asked for");
    check_epub(&epub);
}

/// The PDF parses back and has at least the cover page.
pub fn check_pdf(pdf: &[u8]) {
    assert!(pdf.starts_with(b"%PDF-"), "no PDF header");
    let doc = lopdf::Document::load_mem(pdf).expect("the PDF parses back");
    assert!(!doc.get_pages().is_empty(), "the PDF has no page");
}

/// The EPUB is a zip whose XML files are all well-formed.
pub fn check_epub(epub: &[u8]) {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(epub)).expect("the EPUB is a zip");
    let mut xhtml = 0;
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).expect("a zip entry");
        let name = file.name().to_string();
        if [".xhtml", ".opf", ".ncx", ".xml"]
            .iter()
            .any(|ext| name.ends_with(ext))
        {
            let mut text = String::new();
            file.read_to_string(&mut text)
                .unwrap_or_else(|err| panic!("{name} is not UTF-8: {err}"));
            let options = roxmltree::ParsingOptions {
                allow_dtd: true,
                ..roxmltree::ParsingOptions::default()
            };
            roxmltree::Document::parse_with_options(&text, options)
                .unwrap_or_else(|err| panic!("{name} is not well-formed XML: {err}"));
            xhtml += usize::from(name.ends_with(".xhtml"));
        }
    }
    assert!(xhtml > 0, "the EPUB has no XHTML file");
}

/// The front-matter reader alone: `data` is put between `---` lines above
/// a one-line body and parsed. Whatever the YAML, the parse ends with the
/// document or with errors, and every diagnostic points inside the source
/// on a character boundary (the message shows that line).
pub fn check_front_matter(data: &[u8]) {
    let Ok(yaml) = std::str::from_utf8(data) else {
        return;
    };
    let source = format!("---\n{yaml}\n---\n\nText.\n");
    let options = parse::ParseOptions {
        name: "fuzz".into(),
        lang: None, title: None,
    };
    let diagnostics = match parse::parse(&source, &options) {
        Ok(warned) => warned.warnings,
        Err(errors) => {
            assert!(
                errors.iter().any(|d| d.is_error()),
                "failed without an error"
            );
            errors
        }
    };
    for diagnostic in diagnostics {
        let span = diagnostic.span;
        assert!(
            span.start <= span.end && span.end <= source.len(),
            "span {span:?} outside"
        );
        assert!(
            source.is_char_boundary(span.start) && source.is_char_boundary(span.end),
            "span {span:?} splits a character"
        );
    }
}

/// Serves the fuzzed bytes as the one image `x.svg`.
struct OneFile(Vec<u8>);

impl AssetSource for OneFile {
    fn read(&self, _url: &str) -> Result<Vec<u8>, (String, String)> {
        Ok(self.0.clone())
    }
}

/// The SVG path alone: `data` is the file of an image `x.svg`, loaded as
/// the export loads it (size, entity and limit checks, text lifted off for
/// the PDF), then parsed for the PDF and written for the EPUB. Either it is
/// refused with an error at the image, or the file the EPUB would carry is
/// well-formed XML.
pub fn check_svg(data: &[u8]) {
    static DOC: OnceLock<mdg_export::model::Document> = OnceLock::new();
    let doc = DOC.get_or_init(|| {
        let options = parse::ParseOptions {
            name: "fuzz".into(),
            lang: None, title: None,
        };
        parse::parse("Text.\n\n![Bild](x.svg)\n", &options)
            .expect("the document parses")
            .output
    });
    let Ok(warned) = mdg_export::assets::load_assets(doc, &OneFile(data.to_vec()), fonts()) else {
        return;
    };
    let assets = warned.output;
    assets.prepare(true, true);
    for asset in assets.iter() {
        if asset.mime == "image/svg+xml" {
            let text = std::str::from_utf8(asset.bytes()).expect("the EPUB's SVG is UTF-8");
            let options = roxmltree::ParsingOptions {
                allow_dtd: true,
                ..roxmltree::ParsingOptions::default()
            };
            roxmltree::Document::parse_with_options(text, options)
                .unwrap_or_else(|err| panic!("the EPUB's SVG is not well-formed XML: {err}"));
        }
    }
}

/// The raw-HTML sanitizer alone: the first byte says block or inline, the
/// rest is the HTML. What it writes, put in an element, must be well-formed
/// XML (it goes into an XHTML file of the EPUB as it is).
pub fn check_html(data: &[u8]) {
    let Some((&bits, body)) = data.split_first() else {
        return;
    };
    let Ok(html) = std::str::from_utf8(body) else {
        return;
    };
    let (out, _) = mdg_export::epub::sanitize_html(html, bits & 1 == 0);
    let xml = format!(
        "<!DOCTYPE html><html xmlns=\"http://www.w3.org/1999/xhtml\" \
         xmlns:epub=\"http://www.idpf.org/2007/ops\"><body><div>{out}</div></body></html>"
    );
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    roxmltree::Document::parse_with_options(&xml, options)
        .unwrap_or_else(|err| panic!("the sanitizer wrote ill-formed XHTML: {err}\n{out}"));
}
