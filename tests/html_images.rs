//! Images written as HTML (`<img src=… width=…>`, the way READMEs size
//! images): drawn in the PDF at the size asked for, carried in the EPUB.

mod common;

use common::export_text;
use mdg_export::assets::{FolderSource, load_assets};
use mdg_export::fonts::FontSet;
use mdg_export::layout::{Item, LayoutOptions, layout_document};
use mdg_export::parse::{ParseOptions, parse};
use std::io::Read;
use std::path::Path;

/// A README-like document: a centred logo in a `<p>` block, a small
/// inline one, one asked for far wider than the page, and a remote one.
const README: &str = "# Rubrik

<p align=\"center\">
  <img src=\"img/logo.png\" alt=\"Logga\" width=\"40\">
</p>

Text med <img src=\"img/logo.png\" alt=\"liten\" height=\"20\"> bild.

<img src=\"img/logo.png\" alt=\"stor\" width=\"4000\">

<img src=\"https://example.org/badge.svg\" alt=\"märke\">
";

/// A PNG of `width` × `height` pixels.
fn png(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, width, height);
    encoder.set_color(png::ColorType::Grayscale);
    let mut writer = encoder.write_header().unwrap();
    writer
        .write_image_data(&vec![128; (width * height) as usize])
        .unwrap();
    writer.finish().unwrap();
    bytes
}

/// A folder with `img/logo.png`, 100 × 50 pixels.
fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("img")).unwrap();
    std::fs::write(dir.path().join("img/logo.png"), png(100, 50)).unwrap();
    dir
}

/// The sizes (width, height) in pt of the images the PDF draws, in order.
fn drawn_sizes(markdown: &str, base: &Path) -> Vec<(f32, f32)> {
    let parsed = parse(
        markdown,
        &ParseOptions {
            name: "doc".into(),
            lang: None,
            title: None,
        },
    )
    .unwrap();
    let fonts = FontSet::built_in();
    let source = FolderSource {
        base: base.to_path_buf(),
        sandbox: true,
    };
    let assets = load_assets(&parsed.output, &source, &fonts).unwrap();
    let laid = layout_document(
        &parsed.output,
        &assets.output,
        &fonts,
        &LayoutOptions::default(),
    );
    laid.output
        .pages
        .iter()
        .flat_map(|page| &page.items)
        .filter_map(|item| match item {
            Item::Image { rect, .. } => Some((rect.w, rect.h)),
            _ => None,
        })
        .collect()
}

#[test]
fn the_pdf_draws_html_images_at_the_size_asked_for() {
    let dir = folder();
    let sizes = drawn_sizes(README, dir.path());
    assert_eq!(sizes.len(), 3, "{sizes:?}");
    // width="40": 40 CSS px = 30 pt, the height kept in proportion.
    assert_eq!(sizes[0], (30.0, 15.0));
    // height="20" alone: 15 pt high, the width in proportion.
    assert_eq!(sizes[1], (30.0, 15.0));
    // Never wider than the measure (A5's is far below 3000 pt).
    let (w, h) = sizes[2];
    assert!(w < 400.0 && (w / h - 2.0).abs() < 0.01, "{w} × {h}");

    let outputs = export_text(README, dir.path()).unwrap();
    let pdf = lopdf::Document::load_mem(outputs.output.pdf.as_ref().unwrap()).unwrap();
    let images = pdf
        .objects
        .values()
        .filter_map(|object| object.as_stream().ok())
        .filter(|stream| {
            stream
                .dict
                .get(b"Subtype")
                .and_then(|s| s.as_name())
                .is_ok_and(|name| name == b"Image")
        })
        .count();
    assert_eq!(
        images, 1,
        "the logo is one image XObject, drawn three times"
    );
    // The remote one is not fetched, with the same warning as in Markdown.
    assert!(
        outputs
            .warnings
            .iter()
            .any(|w| w.message == "remote image `https://example.org/badge.svg` is not fetched"),
        "{:?}",
        outputs.warnings
    );
    // Nothing of it is "raw HTML left out".
    assert!(
        outputs
            .warnings
            .iter()
            .all(|w| !w.message.starts_with("raw HTML")),
        "{:?}",
        outputs.warnings
    );
}

#[test]
fn the_epub_carries_html_images_with_their_alt_text() {
    let dir = folder();
    let outputs = export_text(README, dir.path()).unwrap();
    let epub = outputs.output.epub.unwrap();
    common::assert_epub_well_formed(&epub);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&epub)).unwrap();
    let names: Vec<String> = zip.file_names().map(String::from).collect();
    let image = names
        .iter()
        .find(|name| name.ends_with(".png") && !name.ends_with("/cover.png"))
        .expect("the logo is in the book");
    let mut chapters = String::new();
    for name in names.iter().filter(|name| name.ends_with(".xhtml")) {
        zip.by_name(name)
            .unwrap()
            .read_to_string(&mut chapters)
            .unwrap();
    }
    let file = image.rsplit('/').next().unwrap();
    // Both sides, the one not given in proportion (the logo is 2:1).
    for (alt, size) in [
        ("Logga", " width=\"40\" height=\"20\""),
        ("liten", " width=\"40\" height=\"20\""),
        ("stor", " width=\"4000\" height=\"2000\""),
    ] {
        let tag = format!("{file}\" alt=\"{alt}\"{size}/>");
        assert!(chapters.contains(&tag), "no {tag} in\n{chapters}");
    }
    assert!(chapters.contains("märke"), "the remote image's alt text");
}
