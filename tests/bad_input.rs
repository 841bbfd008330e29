//! Bad input, one test each: what the tool does with documents no one here
//! wrote. The table in `docs/bad-input.md` points at these tests.
//!
//! Most run the real binary in a temporary folder, as a user would; the
//! layout properties (nothing leaves the page) are checked through the
//! library, where the positions are.

mod common;

use common::{
    assert_epub_well_formed, assert_inside_pages, assert_pdf_parses, export_text, layout_text,
    normalise, pdf_text, run_mdg, stderr_of,
};
use std::path::Path;

/// Writes `doc.md` with an image reference on line 5.
fn doc_with_image(dir: &Path, file: &str) {
    std::fs::write(
        dir.join("doc.md"),
        format!("# Bilder\n\nText.\n\n![Bild]({file})\n"),
    )
    .unwrap();
}

/// A valid 4 × 4 RGB PNG.
fn small_png() -> Vec<u8> {
    let mut bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut bytes, 4, 4);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().unwrap();
        writer.write_image_data(&[200; 4 * 4 * 3]).unwrap();
    }
    bytes
}

/// A PNG chunk with its length and a valid CRC.
fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut crc = flate2::Crc::new();
    crc.update(kind);
    crc.update(data);
    let mut chunk = (data.len() as u32).to_be_bytes().to_vec();
    chunk.extend_from_slice(kind);
    chunk.extend_from_slice(data);
    chunk.extend_from_slice(&crc.sum().to_be_bytes());
    chunk
}

/// A 60-byte PNG whose header declares 100 000 × 100 000 RGB pixels
/// (30 GB decoded), with valid CRCs: a decompression bomb.
fn bomb_png() -> Vec<u8> {
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8 bit RGB, deflate, no interlace
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend(png_chunk(b"IHDR", &ihdr));
    // A few bytes of zlib data: the start of an endless run of zeros.
    bytes.extend(png_chunk(b"IDAT", &[0x78, 0x9c, 0x63, 0x60, 0x18, 0x05]));
    bytes.extend(png_chunk(b"IEND", &[]));
    bytes
}

/// The start of a baseline JPEG (SOI, JFIF, a frame header for 8 × 8
/// pixels in 3 components, a scan header), without its end marker.
fn jpeg_head() -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8];
    bytes.extend_from_slice(&[0xFF, 0xE0, 0x00, 0x10]);
    bytes.extend_from_slice(b"JFIF\0\x01\x01\x00\x00\x01\x00\x01\x00\x00");
    bytes.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00, 0x08, 0x00, 0x08, 0x03]);
    bytes.extend_from_slice(&[1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0]);
    bytes.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x0C, 0x03, 1, 0, 2, 0, 3, 0, 0, 63, 0]);
    bytes.extend_from_slice(&[0x12, 0x34, 0x56]);
    bytes
}

/// Runs `pdf doc.md` and checks the run failed with an error at the
/// image's line that names the file, and wrote nothing.
fn assert_image_error(dir: &Path, file: &str, reason: &str) -> String {
    let output = run_mdg(dir, &["pdf", "doc.md"]);
    let err = stderr_of(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("doc.md:5:1"), "{err}");
    assert!(err.contains(file), "{err}");
    assert!(err.contains(reason), "{err}");
    assert!(err.contains("hint:"), "{err}");
    assert!(!dir.join("out/doc.pdf").exists());
    err
}

#[test]
fn empty_input_gives_valid_outputs_and_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [
        ("empty", ""),
        ("blank", "\n  \n\t\n"),
        ("only-front-matter", "---\ntitle: Tom\n---\n"),
    ] {
        std::fs::write(dir.path().join(format!("{name}.md")), text).unwrap();
        let output = run_mdg(dir.path(), &["all", &format!("{name}.md")]);
        let err = stderr_of(&output);
        assert!(output.status.success(), "{name}: {err}");
        assert!(
            err.contains("warning: the document has no content"),
            "{name}: {err}"
        );
        let pdf = std::fs::read(dir.path().join(format!("out/{name}.pdf"))).unwrap();
        assert!(assert_pdf_parses(&pdf) >= 1, "{name}: the title page");
        let epub = std::fs::read(dir.path().join(format!("out/{name}.epub"))).unwrap();
        assert!(assert_epub_well_formed(&epub) >= 1, "{name}");
    }
}

#[test]
fn invalid_utf8_in_the_middle_of_a_line_names_line_and_byte() {
    let dir = tempfile::tempdir().unwrap();
    // Line 4, byte 7 (`Räksmörgås` saved as Latin-1 after a UTF-8 line).
    std::fs::write(
        dir.path().join("doc.md"),
        b"# Rubrik\n\n\xC3\xA5r 2010.\nSm\xC3\xB6r: R\xE4ksm\xF6rg\xE5s\n",
    )
    .unwrap();
    let output = run_mdg(dir.path(), &["epub", "doc.md"]);
    let err = stderr_of(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("line 4, byte 9"), "{err}");
    assert!(err.contains("0xE4"), "{err}");
    assert!(err.contains("hint:"), "{err}");
    assert!(!dir.path().join("out").exists());
}

#[test]
fn a_corrupt_png_is_an_error_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = small_png();
    // Keep the signature and the header, scramble the pixel data.
    let len = bytes.len();
    for b in &mut bytes[40..len - 12] {
        *b ^= 0x5A;
    }
    std::fs::write(dir.path().join("trasig.png"), bytes).unwrap();
    doc_with_image(dir.path(), "trasig.png");
    assert_image_error(dir.path(), "trasig.png", "corrupt");
}

#[test]
fn a_truncated_png_is_an_error_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = small_png();
    std::fs::write(dir.path().join("halv.png"), &bytes[..bytes.len() / 2]).unwrap();
    doc_with_image(dir.path(), "halv.png");
    assert_image_error(dir.path(), "halv.png", "PNG");
}

#[test]
fn a_corrupt_jpeg_is_an_error_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = vec![0xFF, 0xD8];
    bytes.extend_from_slice(b"this is no JPEG at all, just text after the magic");
    std::fs::write(dir.path().join("trasig.jpg"), bytes).unwrap();
    doc_with_image(dir.path(), "trasig.jpg");
    assert_image_error(dir.path(), "trasig.jpg", "JPEG");
}

#[test]
fn a_truncated_jpeg_is_an_error_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("halv.jpg"), jpeg_head()).unwrap();
    doc_with_image(dir.path(), "halv.jpg");
    assert_image_error(dir.path(), "halv.jpg", "truncated JPEG");
    // Cut inside the frame header too.
    std::fs::write(dir.path().join("halv.jpg"), &jpeg_head()[..30]).unwrap();
    assert_image_error(dir.path(), "halv.jpg", "JPEG");
}

#[test]
fn a_file_that_is_no_image_is_an_error_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bild.png"), "GIF89a, not really").unwrap();
    doc_with_image(dir.path(), "bild.png");
    assert_image_error(dir.path(), "bild.png", "not a PNG, JPEG or SVG");
    std::fs::write(dir.path().join("bild.png"), "").unwrap();
    assert_image_error(dir.path(), "bild.png", "empty");
}

#[test]
fn a_png_decompression_bomb_is_refused_naming_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bomb.png"), bomb_png()).unwrap();
    doc_with_image(dir.path(), "bomb.png");
    let limit = format!(
        "{} megapixels",
        mdg_export::assets::MAX_IMAGE_PIXELS / 1_000_000
    );
    let err = assert_image_error(dir.path(), "bomb.png", &limit);
    assert!(err.contains("100000 × 100000"), "{err}");
}

#[test]
fn a_png_bomb_is_refused_before_anything_is_allocated() {
    // Through the library under the test's own memory: a decoder that
    // allocated the declared 30 GB would abort the test process.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bomb.png"), bomb_png()).unwrap();
    let errors = export_text("![Bomb](bomb.png)\n\nText.\n", dir.path()).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].message.contains("megapixels"),
        "{}",
        errors[0].message
    );
    assert_eq!(errors[0].span.start, 0);
}

#[test]
fn a_jpeg_declaring_huge_dimensions_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = jpeg_head();
    // 65 535 × 65 535 in the frame header, and a proper end marker.
    bytes[25..29].copy_from_slice(&[0xFF, 0xFF, 0xFF, 0xFF]);
    bytes.extend_from_slice(&[0xFF, 0xD9]);
    std::fs::write(dir.path().join("stor.jpg"), bytes).unwrap();
    doc_with_image(dir.path(), "stor.jpg");
    assert_image_error(dir.path(), "stor.jpg", "megapixels");
}

#[test]
fn a_remote_image_warns_shows_its_alt_text_and_is_never_fetched() {
    // A server on the loopback interface that would see any request.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("doc.md"),
        format!(
            "# Bilder\n\nText.\n\n![Karta över världen](http://127.0.0.1:{port}/karta.png)\n\n\
             Inne i text: ![logotyp](https://127.0.0.1:{port}/logo.png) här.\n"
        ),
    )
    .unwrap();
    let output = run_mdg(dir.path(), &["all", "doc.md"]);
    let err = stderr_of(&output);
    assert!(output.status.success(), "{err}");
    assert!(err.contains("is not fetched"), "{err}");
    assert!(err.contains("doc.md:5:1"), "{err}");
    assert!(err.contains("doc.md:7:"), "{err}");
    assert!(
        matches!(listener.accept(), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
        "the tool connected to the image's server"
    );
    let pdf = std::fs::read(dir.path().join("out/doc.pdf")).unwrap();
    let text = normalise(&pdf_text(&pdf));
    assert!(text.contains("Karta över världen"), "{text}");
    assert!(text.contains("logotyp"), "{text}");
    let epub = std::fs::read(dir.path().join("out/doc.epub")).unwrap();
    assert_epub_well_formed(&epub);
    // In the EPUB the alt text stands in too, and nothing links the URL.
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&epub)).unwrap();
    let mut xhtml = String::new();
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).unwrap();
        if file.name().ends_with(".xhtml") {
            std::io::Read::read_to_string(&mut file, &mut xhtml).unwrap();
        }
    }
    assert!(xhtml.contains("Karta över världen"), "{xhtml}");
    assert!(xhtml.contains("logotyp"), "{xhtml}");
    assert!(!xhtml.contains("127.0.0.1"), "{xhtml}");
}

#[test]
fn characters_the_fonts_lack_are_listed_with_their_lines() {
    // 㐀 is a CJK ideograph of Extension A, outside the GB 2312 cut of the
    // built-in Chinese faces; ☂ and 😀 no built-in face has.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("doc.md"),
        "# Rubrik\n\nVälkommen: 㐀☂.\n\nText utan problem.\n\nIgen 㐀 och 😀.\n",
    )
    .unwrap();
    let output = run_mdg(dir.path(), &["pdf", "doc.md"]);
    let err = stderr_of(&output);
    assert!(output.status.success(), "{err}");
    assert!(err.contains("U+3400"), "{err}");
    assert!(err.contains("U+2602"), "{err}");
    assert!(err.contains("U+1F600"), "{err}");
    // Where: the first place, and every line for each character.
    assert!(err.contains("doc.md:3:"), "{err}");
    assert!(err.contains("㐀 (U+3400) on lines 3, 7"), "{err}");
    assert!(err.contains("😀 (U+1F600) on line 7"), "{err}");
    assert!(err.contains("hint:"), "{err}");
}

#[test]
fn a_fallback_font_sets_the_characters_the_fonts_lack() {
    // Libertine's regular face has no box-drawing characters; its mono
    // face has them, and serves here as the fallback font.
    let mono = Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts/LinLibertine_M.otf");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("doc.md"),
        "# Rubrik\n\nRutor: ─ ═ ║ och *kursiv ═* text.\n",
    )
    .unwrap();
    let output = run_mdg(dir.path(), &["pdf", "doc.md", "-o", "utan.pdf"]);
    let err = stderr_of(&output);
    assert!(err.contains("─ (U+2500) on line 3"), "{err}");
    assert!(err.contains("--fallback-font"), "{err}");

    let output = run_mdg(
        dir.path(),
        &[
            "pdf",
            "doc.md",
            "-o",
            "med.pdf",
            "--fallback-font",
            mono.to_str().unwrap(),
        ],
    );
    let err = stderr_of(&output);
    assert!(output.status.success(), "{err}");
    assert!(!err.contains("no glyph"), "no glyph is missing: {err}");
    let text = normalise(&pdf_text(
        &std::fs::read(dir.path().join("med.pdf")).unwrap(),
    ));
    assert!(text.contains("Rutor: ─ ═ ║ och kursiv ═ text."), "{text}");

    // A file that is no font is an I/O error before any work.
    std::fs::write(dir.path().join("trasig.otf"), "no font").unwrap();
    let output = run_mdg(
        dir.path(),
        &[
            "pdf",
            "doc.md",
            "-o",
            "x.pdf",
            "--fallback-font",
            "trasig.otf",
        ],
    );
    let err = stderr_of(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(err.contains("trasig.otf"), "{err}");
    assert!(!dir.path().join("x.pdf").exists());
}

#[test]
fn the_fallback_face_is_used_only_where_a_face_lacks_a_glyph() {
    use mdg_export::fonts::{FaceRole, FontSet};
    use mdg_export::layout::Item;
    let mono = Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts/LinLibertine_M.otf");
    let fonts = FontSet::built_in().with_fallback(&mono).unwrap();
    let doc = mdg_export::parse::parse(
        "Före ─═ efter, `kod ─`.\n",
        &mdg_export::parse::ParseOptions {
            name: "d".into(),
            lang: None,
            title: None,
        },
    )
    .unwrap()
    .output;
    let pages = mdg_export::layout::layout_document(
        &doc,
        &mdg_export::assets::Assets::default(),
        &fonts,
        &mdg_export::layout::LayoutOptions::default(),
    )
    .output;
    assert!(pages.stats.missing_glyphs.is_empty());
    let runs: Vec<(FaceRole, String)> = pages.pages[1]
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Text(run) => Some((run.face, run.text())),
            _ => None,
        })
        .collect();
    // Only the two box characters of the running text; the code's own
    // face has them.
    let fallback: String = runs
        .iter()
        .filter(|(face, _)| *face == FaceRole::Fallback)
        .map(|(_, text)| text.as_str())
        .collect();
    assert_eq!(fallback, "─═", "{runs:?}");
}

#[test]
fn footnotes_referenced_but_undefined_or_defined_but_unused_warn_at_their_lines() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("doc.md"),
        "# Noter\n\nEn hänvisning[^saknas] och en riktig[^ja].\n\n\
         [^ja]: Används.\n\n[^oanvänd]: Ingen hänvisar hit.\n",
    )
    .unwrap();
    let output = run_mdg(dir.path(), &["all", "doc.md"]);
    let err = stderr_of(&output);
    assert!(output.status.success(), "{err}");
    assert!(
        err.contains("footnote `saknas` is referenced but never defined"),
        "{err}"
    );
    assert!(err.contains("doc.md:3:"), "{err}");
    assert!(err.contains("`oanvänd`"), "{err}");
    assert!(err.contains("doc.md:7:1"), "{err}");
}

#[test]
fn unbreakable_giant_words_stay_inside_the_page() {
    let giant = "Donaudampfschiffahrtsgesellschaftskapitän".repeat(60);
    let url = format!("https://example.org/{}", "a".repeat(3000));
    let text = format!(
        "# {giant}\n\n{giant} och {giant}.\n\n[{url}]({url})\n\n`{giant}`\n\n\
         ```\n{giant}\n```\n\n> - {giant}\n\n| a | b |\n|---|---|\n| {giant} | x |\n\n\
         Text[^n].\n\n[^n]: {giant}\n"
    );
    let (pages, _) = layout_text(&text);
    assert_eq!(pages.stats.overfull, 0);
    let runs = assert_inside_pages(&pages);
    assert!(runs > 100);
    let outputs = export_text(&text, Path::new(".")).unwrap().output;
    assert_pdf_parses(outputs.pdf.as_deref().unwrap());
    assert_epub_well_formed(outputs.epub.as_deref().unwrap());
}

#[test]
fn a_table_with_forty_columns_stays_inside_the_page() {
    let head: String = (1..=40).map(|c| format!("| Kolumn {c} ")).collect();
    let rule = "|---".repeat(40);
    let row: String = (1..=40)
        .map(|c| format!("| värde{c} med flera ord "))
        .collect();
    let text = format!("# Tabell\n\n{head}|\n{rule}|\n{row}|\n{row}|\n");
    let (pages, warnings) = layout_text(&text);
    assert_inside_pages(&pages);
    // Said once, at the table's first line.
    let wide: Vec<_> = warnings
        .iter()
        .filter(|w| w.message.contains("a table of 40 columns is too wide"))
        .collect();
    assert_eq!(wide.len(), 1, "{warnings:?}");
    assert_eq!(&text[wide[0].span.start..wide[0].span.start + 1], "|");
    // A table that fits says nothing.
    let (_, warnings) = layout_text("| a | b |\n|---|---|\n| ett | två |\n");
    assert!(warnings.is_empty(), "{warnings:?}");
    let outputs = export_text(&text, Path::new(".")).unwrap().output;
    let pdf = outputs.pdf.unwrap();
    assert_pdf_parses(&pdf);
    // Every cell's text is there (set a few letters a line).
    let text: String = pdf_text(&pdf)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    for c in [1, 17, 40] {
        assert!(text.contains(&format!("Kolumn{c}")), "{text}");
        assert!(text.contains(&format!("värde{c}medfleraord")), "{text}");
    }
    assert_epub_well_formed(outputs.epub.as_deref().unwrap());
}

#[test]
fn five_thousand_headings_complete_with_unique_anchors() {
    // Half of them with the same text: their ids are numbered.
    let mut text = String::new();
    for n in 0..5000 {
        if n % 2 == 0 {
            text.push_str("## Rubrik\n\nText.\n\n");
        } else {
            text.push_str(&format!("## Rubrik {n}\n\nText.\n\n"));
        }
    }
    let (pages, _) = layout_text(&text);
    assert_eq!(pages.outline.len(), 5000);
    let ids: std::collections::BTreeSet<_> = pages.outline.iter().map(|e| &e.id).collect();
    assert_eq!(ids.len(), 5000);
    assert_inside_pages(&pages);
    let outputs = export_text(&text, Path::new(".")).unwrap().output;
    assert_pdf_parses(outputs.pdf.as_deref().unwrap());
    assert!(assert_epub_well_formed(outputs.epub.as_deref().unwrap()) > 1);
}

/// Exports `text` with both back ends and checks the nesting warning, the
/// outputs and that nothing left the page.
fn assert_deep_nesting_is_cut(text: &str, word: &str) {
    let (pages, warnings) = layout_text(text);
    assert!(
        warnings.iter().any(|w| w.message.contains(&format!(
            "nested more than {} levels",
            mdg_export::parse::MAX_NESTING
        ))),
        "{warnings:?}"
    );
    assert_inside_pages(&pages);
    let outputs = export_text(text, Path::new(".")).unwrap().output;
    let pdf = outputs.pdf.unwrap();
    assert_pdf_parses(&pdf);
    assert!(
        normalise(&pdf_text(&pdf)).contains(word),
        "the innermost text is kept"
    );
    assert_epub_well_formed(outputs.epub.as_deref().unwrap());
}

#[test]
fn ten_thousand_nested_block_quotes_are_cut_at_the_limit() {
    assert_deep_nesting_is_cut(&format!("{}djupt\n", "> ".repeat(10_000)), "djupt");
    // Quotes opened line by line (each line repeats every marker before
    // it, so 2 000 levels are already 2 MB).
    let lines: String = (0..2_000)
        .map(|n| format!("{}x\n", ">".repeat(n)))
        .collect();
    assert_deep_nesting_is_cut(&lines, "x");
}

#[test]
fn ten_thousand_nested_lists_are_cut_at_the_limit() {
    assert_deep_nesting_is_cut(&format!("{}botten\n", "- ".repeat(10_000)), "botten");
    assert_deep_nesting_is_cut(&format!("{}botten\n", "1. ".repeat(10_000)), "botten");
    // One level a line.
    let lines: String = (0..1_000)
        .map(|n| format!("{}- nivå\n", "  ".repeat(n)))
        .collect();
    assert_deep_nesting_is_cut(&lines, "nivå");
}

#[test]
fn ten_thousand_nested_emphases_and_links_are_cut_at_the_limit() {
    let n = 10_000;
    let emph = format!("{}mitt{}\n", "*a ".repeat(n), " b*".repeat(n));
    assert_deep_nesting_is_cut(&emph, "mitt");
    let links = format!("{}länk{}\n", "[".repeat(n), "](#a)".repeat(n));
    let (pages, _) = layout_text(&links);
    assert_inside_pages(&pages);
    let outputs = export_text(&links, Path::new(".")).unwrap().output;
    assert_pdf_parses(outputs.pdf.as_deref().unwrap());
    assert_epub_well_formed(outputs.epub.as_deref().unwrap());
}

#[test]
fn long_link_chains_complete() {
    // Ten thousand links in one paragraph, each to the next heading, and a
    // chain of reference definitions.
    let mut text = String::from("# Början\n\n");
    for n in 0..10_000 {
        text.push_str(&format!("[länk {n}](#början) "));
    }
    text.push_str("\n\n");
    for n in 0..2_000 {
        text.push_str(&format!("[ref{n}] "));
    }
    text.push_str("\n\n");
    for n in 0..2_000 {
        text.push_str(&format!("[ref{n}]: #ref{}\n", n + 1));
    }
    let (pages, _) = layout_text(&text);
    assert_inside_pages(&pages);
    let outputs = export_text(&text, Path::new(".")).unwrap().output;
    assert_pdf_parses(outputs.pdf.as_deref().unwrap());
    assert_epub_well_formed(outputs.epub.as_deref().unwrap());
}

#[test]
fn a_ten_megabyte_input_is_exported() {
    // 10 MB of Swedish paragraphs with headings now and then: it completes
    // (the run's memory is checked under `ulimit -v` by
    // scripts/limits.sh, time is not asserted).
    let paragraph = "Toppmötet om millenniemålen i New York samlar stats- och \
                     regeringschefer för att utvärdera vilka framsteg som gjorts \
                     och vilka åtgärder som behövs fram till år 2015. ";
    let mut text = String::with_capacity(10_500_000);
    let mut n = 0;
    while text.len() < 10_000_000 {
        if n % 50 == 0 {
            text.push_str(&format!("# Avsnitt {n}\n\n"));
        }
        text.push_str(&paragraph.repeat(4));
        text.push_str("\n\n");
        n += 1;
    }
    let outputs = export_text(&text, Path::new(".")).unwrap().output;
    let pages = assert_pdf_parses(outputs.pdf.as_deref().unwrap());
    assert!(pages > 1000, "{pages} pages");
    assert_epub_well_formed(outputs.epub.as_deref().unwrap());
}

/// Runs the binary in `dir` with `args` under an address-space limit of
/// `megabytes` (`ulimit -v`), as a build server or a web form would.
fn run_limited(dir: &Path, megabytes: u64, args: &str) -> std::process::Output {
    std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {}; exec \"$0\" {args}",
            megabytes * 1024
        ))
        .arg(env!("CARGO_BIN_EXE_mdg-export"))
        // `ulimit -v` counts address space. glibc reserves 64 MB of it for
        // each thread's malloc arena, used or not, and how many arenas a
        // run makes depends on how its threads happen to overlap: with one
        // arena the limit measures what is allocated, run after run.
        .env("MALLOC_ARENA_MAX", "1")
        .current_dir(dir)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("the binary runs")
}

/// Issue 17: YAML aliases of lists of aliases (the "billion laughs")
/// expand exponentially in the loader; a few hundred bytes took every
/// byte of memory. Aliases are refused at their line, before loading.
#[test]
fn a_yaml_alias_bomb_is_refused_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut yaml = String::from(
        "---\ntitle: Bomb\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n",
    );
    for i in 1..12 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        yaml.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    yaml.push_str("---\n\n# Text\n");
    std::fs::write(dir.path().join("doc.md"), &yaml).unwrap();
    let output = run_limited(dir.path(), 1024, "all doc.md --out-dir out");
    let err = stderr_of(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("YAML alias"), "{err}");
    assert!(err.contains("doc.md:4:"), "the first alias's line: {err}");
    assert!(!dir.path().join("out").exists(), "nothing written");
}

/// Issue 17: each class of hostile input, run under a 1 GB address-space
/// limit, ends with a clean exit code (never a signal or a panic's 101),
/// a message naming the file (and line, where there is one) for those
/// refused, and no output left behind by a failed run.
#[test]
fn hostile_inputs_end_cleanly_under_a_memory_limit() {
    let words = ["ord", "mening", "text", "långa", "stycken", "och", "som"];
    let paragraph: String = (0..30_000)
        .map(|i| words[i * 7 % words.len()])
        .collect::<Vec<_>>()
        .join(" ");
    let columns = 120;
    let mut table = format!(
        "# T\n\n|{}|\n|{}|\n",
        (0..columns)
            .map(|i| format!("h{i}"))
            .collect::<Vec<_>>()
            .join("|"),
        vec!["-"; columns].join("|")
    );
    for _ in 0..150 {
        table.push_str(&format!(
            "|{}|\n",
            (0..columns)
                .map(|i| format!("c{i}"))
                .collect::<Vec<_>>()
                .join("|")
        ));
    }
    let entity_bomb = concat!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE svg [\n<!ENTITY a \"aaaaaaaaaa\">\n",
        "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n",
        "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n",
        "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n",
        "<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n]>\n",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><text>&e;</text></svg>\n"
    );
    // (name, document, extra files, arguments, exit code, text the message has)
    type Case<'a> = (
        &'a str,
        String,
        Vec<(&'a str, &'a [u8])>,
        &'a str,
        i32,
        &'a str,
    );
    let cases: Vec<Case> = vec![
        (
            "huge paragraph",
            format!("# P\n\n{paragraph}\n"),
            vec![],
            "",
            0,
            "",
        ),
        (
            "huge table",
            table.clone(),
            vec![],
            "",
            1,
            "a table of 120 columns cannot be printed on this paper: \
             at most 45 columns fit across the page, one letter each\n  --> doc.md:3:1",
        ),
        (
            "control characters",
            "# K\n\nText \u{1}\u{2}\u{7} och \u{b}\u{1f} NUL \u{0} \u{fffe} \u{202e}slut.\n".into(),
            vec![],
            "",
            0,
            "no glyph",
        ),
        (
            "SVG entity expansion",
            "# S\n\n![bomb](bomb.svg)\n".into(),
            vec![("bomb.svg", entity_bomb.as_bytes())],
            "",
            1,
            "doc.md:3:1",
        ),
        (
            "raw HTML entity declarations",
            "# H\n\n<div>\n<!DOCTYPE x [<!ENTITY a \"aaaa\">]>\n&a; text\n</div>\n".into(),
            vec![],
            "",
            0,
            "left out `<!DOCTYPE x>`\n  --> doc.md:3:1",
        ),
        (
            "deep nesting",
            format!("# N\n\n{}x\n", "> ".repeat(10_000)),
            vec![],
            "",
            0,
            "nested more than 48 levels deep is flattened\n  --> doc.md:3:",
        ),
        (
            "a font file that is not a font",
            "# F\n\nText.\n".into(),
            vec![("notafont.otf", b"this is no font\n")],
            "--fallback-font notafont.otf",
            2,
            "notafont.otf",
        ),
        (
            "a font folder whose regular face is not a font",
            "# F\n\nText.\n".into(),
            vec![("fonts/regular.otf", b"<html>no font</html>\n")],
            "--font-dir fonts",
            2,
            "fonts/regular.otf: not an OpenType font",
        ),
        (
            "a device as the fallback font",
            "# F\n\nText.\n".into(),
            vec![],
            "--fallback-font /dev/zero",
            2,
            "/dev/zero: not a regular file",
        ),
    ];
    for (name, document, files, extra, code, message) in cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("doc.md"), document).unwrap();
        for (file, bytes) in files {
            std::fs::create_dir_all(dir.path().join(file).parent().unwrap()).unwrap();
            std::fs::write(dir.path().join(file), bytes).unwrap();
        }
        let output = run_limited(
            dir.path(),
            1024,
            &format!("all doc.md --out-dir out {extra}"),
        );
        let err = stderr_of(&output);
        assert_eq!(output.status.code(), Some(code), "{name}: {err}");
        assert!(err.contains(message), "{name}: {err}");
        let written = ["out/doc.pdf", "out/doc.epub"]
            .iter()
            .filter(|f| dir.path().join(f).exists())
            .count();
        assert_eq!(written, if code == 0 { 2 } else { 0 }, "{name}");
    }
    // The table the PDF cannot hold is fine in the EPUB, which reflows.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("doc.md"), &table).unwrap();
    let output = run_limited(dir.path(), 1024, "epub doc.md -o out/doc.epub");
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert!(dir.path().join("out/doc.epub").is_file());

    // A symbolic-link loop where an image should be.
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink("b.png", dir.path().join("a.png")).unwrap();
    std::os::unix::fs::symlink("a.png", dir.path().join("b.png")).unwrap();
    std::fs::write(dir.path().join("doc.md"), "# L\n\n![loop](a.png)\n").unwrap();
    let output = run_limited(dir.path(), 1024, "all doc.md --out-dir out");
    let err = stderr_of(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("doc.md:3:1") && err.contains("a.png"), "{err}");
    assert!(!dir.path().join("out/doc.pdf").exists());
}

/// Issue 17: a font file is read whole before it is parsed, so one past
/// `fonts::MAX_FONT_BYTES` is refused from its size, naming the file and
/// the limit, before any of it is read (the file here is sparse: 65 MB
/// that take no disk).
#[test]
fn a_font_file_over_the_size_limit_is_refused_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("doc.md"), "# F\n\nText.\n").unwrap();
    let font = std::fs::File::create(dir.path().join("huge.otf")).unwrap();
    font.set_len(mdg_export::fonts::MAX_FONT_BYTES + 1).unwrap();
    let output = run_limited(
        dir.path(),
        1024,
        "all doc.md --out-dir out --fallback-font huge.otf",
    );
    let err = stderr_of(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(
        err.contains("huge.otf") && err.contains("limit of 64 MB"),
        "{err}"
    );
    assert!(!dir.path().join("out").exists(), "nothing written");
}

/// The memory ceiling the README states: a fixed base plus so much per
/// megabyte of Markdown (the worst shape, tables of one-letter cells,
/// peaks at about 1.15 GB per MB in `scripts/shapes.sh`; prose at 65 MB).
const MEMORY_BASE_MB: u64 = 100;
const MEMORY_PER_MB: u64 = 1536;

/// One of the shapes of `scripts/shapes.sh`, about `size` bytes long.
fn document_shape(shape: &str, size: usize) -> String {
    let words = [
        "millenniemålen",
        "och",
        "fattigdom",
        "utveckling",
        "världen",
        "år",
        "som",
        "hälsa",
    ];
    let mut out = String::from("# Form\n\n");
    let mut n = 0;
    while out.len() < size {
        n += 1;
        let w = words[n % words.len()];
        let first = w.chars().next().unwrap();
        match shape {
            "paragraph" => out.push_str(&format!("{w} ").repeat(50)),
            "footnotes" => out.push_str(&format!(
                "Mening {n} om {w}.[^{n}]\n\n[^{n}]: Not {n} om {w}.\n\n"
            )),
            "lists" => {
                for d in 0..12 {
                    out.push_str(&format!("{}- {w} {d}\n", "  ".repeat(d)));
                }
                out.push('\n');
            }
            "tables" => {
                if n % 40 == 1 {
                    let head: Vec<String> = (0..12).map(|i| format!("k{i}")).collect();
                    out.push_str(&format!(
                        "\n|{}|\n|{}|\n",
                        head.join("|"),
                        ["-"; 12].join("|")
                    ));
                }
                let row: Vec<String> = (0..12).map(|i| format!("{w}{i}")).collect();
                out.push_str(&format!("|{}|\n", row.join("|")));
            }
            "cells" => {
                if n % 400 == 1 {
                    out.push_str(&format!(
                        "\n|{}|\n|{}|\n",
                        ["k"; 20].join("|"),
                        ["-"; 20].join("|")
                    ));
                }
                out.push_str(&format!("|{}|\n", vec![first.to_string(); 20].join("|")));
            }
            "headings" => out.push_str(&format!("## Rubrik {n} {w}\n\nText {w}.\n\n")),
            "longwords" => out.push_str(&format!("{}\n\n", w.repeat(400))),
            "code" => {
                out.push_str("```\n");
                for i in 0..20 {
                    let numbers: Vec<String> = (0..60).map(|k| k.to_string()).collect();
                    out.push_str(&format!("let {w}_{i} = [{}];\n", numbers.join(", ")));
                }
                out.push_str("```\n\n");
            }
            "links" => {
                out.push_str(&format!(
                    "Se [{w} {n}](https://example.org/{w}/{n}) och [nästa](#rubrik-{}) {w}.\n",
                    n % 50
                ));
                if n % 20 == 0 {
                    out.push('\n');
                }
            }
            "images" => out.push_str(&format!(
                "Bild {n} om {w}: ![{w} {n}](bild.png) och text.\n\n"
            )),
            other => panic!("no shape {other}"),
        }
    }
    out
}

/// Issue 17: memory is a property of the input's size, whatever its
/// shape. Every shape of `scripts/shapes.sh` (the ones that make a
/// careless typesetter do superlinear work), 128 KB of it, exports to
/// both formats within the ceiling the README states, enforced by
/// `ulimit -v` (address space, a little above what the process touches).
/// Figures of time and peak memory per MB are the benchmark's
/// (`scripts/shapes.sh`), not a test's.
#[test]
fn every_document_shape_exports_within_the_memory_ceiling() {
    let size = 128 * 1024;
    let limit = MEMORY_BASE_MB + MEMORY_PER_MB * size as u64 / (1024 * 1024);
    for shape in [
        "paragraph",
        "footnotes",
        "lists",
        "tables",
        "cells",
        "headings",
        "longwords",
        "code",
        "links",
        "images",
    ] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("doc.md"), document_shape(shape, size)).unwrap();
        std::fs::write(dir.path().join("bild.png"), small_png()).unwrap();
        let output = run_limited(dir.path(), limit, "all doc.md --out-dir out --quiet");
        assert!(
            output.status.success(),
            "{shape} under {limit} MB: {:?} {}",
            output.status,
            stderr_of(&output)
        );
        assert_pdf_parses(&std::fs::read(dir.path().join("out/doc.pdf")).unwrap());
    }
}
