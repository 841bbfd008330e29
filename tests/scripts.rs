//! Documents in the scripts the built-in Latin faces lack (Chinese,
//! Arabic) or lack in code (Russian, Greek), exported with the built-in
//! fonts and no option: every character has a real glyph, the text
//! copies out, the faces are embedded, and Chinese lines break and
//! justify as Chinese lines should.

mod common;

use common::{assert_epub_well_formed, export_text, layout_text, pdf_text};
use mdg_export::fonts::FaceRole;
use mdg_export::layout::{Item, Pages};

const CHINESE: &str = include_str!("languages/zh.md");
const RUSSIAN: &str = include_str!("languages/ru.md");
const GREEK: &str = include_str!("languages/el.md");
const ARABIC: &str = include_str!("languages/ar.md");

/// The faces the text runs use and whether any glyph is .notdef.
fn faces_and_notdef(pages: &Pages) -> (Vec<FaceRole>, bool) {
    let mut faces = Vec::new();
    let mut notdef = false;
    for page in &pages.pages {
        for item in &page.items {
            if let Item::Text(run) = item {
                if !faces.contains(&run.face) {
                    faces.push(run.face);
                }
                notdef |= run.glyphs.iter().any(|g| g.id == 0);
            }
        }
    }
    (faces, notdef)
}

#[test]
fn every_character_has_a_glyph_in_the_built_in_fonts() {
    for (name, text, script_faces) in [
        ("zh", CHINESE, &[FaceRole::Cjk, FaceRole::CjkBold][..]),
        ("ru", RUSSIAN, &[FaceRole::MonoScripts][..]),
        ("el", GREEK, &[FaceRole::MonoScripts][..]),
        ("ar", ARABIC, &[FaceRole::Arabic, FaceRole::ArabicBold][..]),
    ] {
        let (pages, warnings) = layout_text(text);
        assert!(warnings.is_empty(), "{name}: {warnings:?}");
        let (faces, notdef) = faces_and_notdef(&pages);
        assert!(!notdef, "{name}: a character is set as .notdef");
        for face in script_faces {
            assert!(
                faces.contains(face),
                "{name} is not set in {face:?}: {faces:?}"
            );
        }
    }
}

/// The Markdown's paragraphs and code lines, without the front matter,
/// the heading marks and the fences.
fn body_lines(markdown: &str) -> Vec<String> {
    let body = markdown.splitn(3, "---\n").nth(2).unwrap();
    body.lines()
        .map(|line| line.trim_start_matches('#').trim())
        .filter(|line| !line.is_empty() && !line.starts_with("```"))
        .map(|line| line.chars().filter(|c| !c.is_whitespace()).collect())
        .collect()
}

/// The PDF's base font names.
fn base_fonts(pdf: &[u8]) -> Vec<String> {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    doc.objects
        .values()
        .filter_map(|object| object.as_dict().ok())
        .filter(|dict| dict.get(b"Type").and_then(|t| t.as_name()).ok() == Some(b"Font"))
        .filter_map(|dict| dict.get(b"BaseFont").and_then(|n| n.as_name()).ok())
        .map(|name| String::from_utf8_lossy(name).into_owned())
        .collect()
}

/// The EPUB's file names and its style sheet.
fn epub_files(epub: &[u8]) -> (Vec<String>, String) {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(epub)).unwrap();
    let names: Vec<String> = zip.file_names().map(str::to_string).collect();
    let mut css = String::new();
    zip.by_name("OEBPS/stylesheet.css")
        .unwrap()
        .read_to_string(&mut css)
        .unwrap();
    (names, css)
}

#[test]
fn chinese_russian_and_greek_copy_out_and_embed_their_faces() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text, font, epub_font, family) in [
        (
            "zh",
            CHINESE,
            "NotoSerifCJKsc-Regular",
            "OEBPS/fonts/cjk.otf",
            "\"Noto Serif CJK SC\"",
        ),
        (
            "ru",
            RUSSIAN,
            "DejaVuSansMono",
            "OEBPS/fonts/mono-scripts.ttf",
            "\"DejaVu Sans Mono\"",
        ),
        (
            "el",
            GREEK,
            "DejaVuSansMono",
            "OEBPS/fonts/mono-scripts.ttf",
            "\"DejaVu Sans Mono\"",
        ),
    ] {
        let outputs = export_text(text, dir.path()).unwrap().output;
        let pdf = outputs.pdf.unwrap();
        let extracted: String = pdf_text(&pdf)
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '\u{ad}')
            .collect();
        for line in body_lines(text) {
            assert!(
                extracted.contains(&line),
                "{name}: {line:?} does not copy out"
            );
        }
        let fonts = base_fonts(&pdf);
        assert!(
            fonts.iter().any(|f| f.ends_with(&format!("+{font}"))),
            "{name}: {font} not embedded: {fonts:?}"
        );
        let epub = outputs.epub.unwrap();
        assert_epub_well_formed(&epub);
        let (files, css) = epub_files(&epub);
        assert!(files.iter().any(|f| f == epub_font), "{name}: {files:?}");
        assert!(
            css.contains(family),
            "{name}: {family} not in the style sheet"
        );
    }
}

#[test]
fn arabic_is_set_in_the_built_in_naskh() {
    let dir = tempfile::tempdir().unwrap();
    let outputs = export_text(ARABIC, dir.path()).unwrap().output;
    let fonts = base_fonts(&outputs.pdf.unwrap());
    assert!(
        fonts
            .iter()
            .any(|f| f.ends_with("+NotoNaskhArabic-Regular")),
        "{fonts:?}"
    );
    let (files, css) = epub_files(&outputs.epub.unwrap());
    assert!(files.iter().any(|f| f == "OEBPS/fonts/arabic.ttf"));
    assert!(css.contains("\"Noto Naskh Arabic\""));
}

/// The lines of running Chinese text (set in the CJK text face): their
/// text and where they end, in reading order. The cover (its date is
/// Chinese too) is not running text.
fn chinese_lines(pages: &Pages) -> Vec<(String, f32)> {
    let mut lines: Vec<(usize, f32, String, f32, bool)> = Vec::new();
    for (p, page) in pages.pages.iter().enumerate().skip(1) {
        for item in &page.items {
            let Item::Text(run) = item else { continue };
            let end = run.x + run.glyphs.iter().map(|g| g.advance).sum::<f32>();
            let text: String = run.glyphs.iter().map(|g| &*g.text).collect();
            let cjk = run.face == FaceRole::Cjk;
            match lines
                .iter_mut()
                .find(|l| l.0 == p && (l.1 - run.y).abs() < 0.01)
            {
                Some(line) => {
                    line.2.push_str(&text);
                    line.3 = line.3.max(end);
                    line.4 |= cjk;
                }
                None => lines.push((p, run.y, text, end, cjk)),
            }
        }
    }
    lines
        .into_iter()
        .filter(|l| l.4)
        .map(|l| (l.2, l.3))
        .collect()
}

#[test]
fn chinese_lines_obey_kinsoku_and_justify_between_characters() {
    let (pages, _) = layout_text(CHINESE);
    let lines = chinese_lines(&pages);
    assert!(lines.len() >= 8, "{lines:?}");
    for (text, _) in &lines {
        let first = text.trim_start().chars().next().unwrap();
        let last = text.trim_end().chars().last().unwrap();
        assert!(
            !"。，、」）：；！？”".contains(first),
            "line starts with {first:?}: {text}"
        );
        assert!(!"「（“《".contains(last), "line ends with {last:?}: {text}");
    }
    // Every line but a paragraph's last ends at the margin; the document
    // has three paragraphs.
    let right = lines.iter().map(|l| l.1).fold(0.0, f32::max);
    let short = lines.iter().filter(|l| l.1 < right - 0.05).count();
    assert!(short <= 3, "{short} ragged lines: {lines:?}");
}
