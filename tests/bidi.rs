//! Right-to-left text (issue 15): an Arabic document with a Latin name,
//! numbers and lists, exported with the real binary and read back as a
//! user would, with poppler's `pdftotext` and by unzipping the EPUB.

mod common;

use std::io::Read;
use std::process::Command;

const ARABIC: &str = "---
title: قمة الأهداف الإنمائية للألفية
lang: ar
date: 2010-09-20
---

# قمة الأهداف الإنمائية للألفية

عقدت الجمعية العامة للأمم المتحدة اجتماعا رفيع المستوى في نيويورك من 20 إلى 22 سبتمبر 2010 لاستعراض التقدم المحرز نحو تحقيق الأهداف الإنمائية الثمانية، وشارك في القمة أكثر من 140 رئيس دولة وحكومة.

واعتمدت الدول الأعضاء وثيقة بعنوان Keeping the Promise تحدد خطة عمل حتى عام 2015، وتركز على الحد من الفقر والجوع وتحسين صحة الأمهات والأطفال في جميع أنحاء العالم.

- القضاء على الفقر المدقع والجوع
- تعميم التعليم الابتدائي
- تعزيز المساواة بين الجنسين وتمكين المرأة
";

/// Exports the Arabic document into a temporary folder; the folder and
/// the PDF and EPUB bytes.
fn export() -> (tempfile::TempDir, Vec<u8>, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ar.md"), ARABIC).unwrap();
    // The built-in faces (Noto Naskh Arabic): no option.
    let args = ["all", "ar.md", "--out-dir", "out"];
    let output = Command::new(env!("CARGO_BIN_EXE_mdg-export"))
        .args(args)
        .current_dir(dir.path())
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("the binary runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let pdf = std::fs::read(dir.path().join("out/ar.pdf")).unwrap();
    let epub = std::fs::read(dir.path().join("out/ar.epub")).unwrap();
    (dir, pdf, epub)
}

/// `pdftotext` of page 2 (the first after the cover), with `extra`
/// options, and without the embedding marks poppler puts around the
/// runs it reorders (U+202A to U+202E).
fn pdftotext(dir: &std::path::Path, extra: &[&str]) -> String {
    let output = Command::new("pdftotext")
        .args(["-f", "2", "-l", "2"])
        .args(extra)
        .args(["out/ar.pdf", "-"])
        .current_dir(dir)
        .output()
        .expect("pdftotext runs (poppler-utils; scripts/install-validators.sh)");
    String::from_utf8(output.stdout)
        .unwrap()
        .chars()
        .filter(|c| !('\u{202a}'..='\u{202e}').contains(c))
        .collect()
}

#[test]
fn arabic_copies_out_in_logical_order() {
    let (dir, _, _) = export();
    let text = pdftotext(dir.path(), &[]);
    // Poppler moves the space beside a number or a Latin run to that
    // run's other side (`من 20 إلى` copies as `من 20إلى`): letters and
    // their order are compared, white space is not.
    let squeeze = |s: &str| s.split_whitespace().collect::<String>();
    let words = squeeze(&text);
    for phrase in [
        "قمة الأهداف الإنمائية للألفية",
        "عقدت الجمعية العامة للأمم المتحدة اجتماعا رفيع المستوى في نيويورك من 20 إلى 22",
        "وشارك في القمة أكثر من 140 رئيس دولة وحكومة.",
        "واعتمدت الدول الأعضاء وثيقة بعنوان Keeping the Promise تحدد خطة عمل",
        "القضاء على الفقر المدقع والجوع",
        "تعزيز المساواة بين الجنسين وتمكين المرأة",
    ] {
        assert!(words.contains(&squeeze(phrase)), "{phrase:?} not in {text}");
    }
}

#[test]
fn arabic_lines_end_at_the_right_margin() {
    let (dir, _, _) = export();
    let theme = mdg_export::layout::Theme::for_paper(mdg_export::Paper::A5);
    let right = theme.margin_left + theme.measure;
    let layout = pdftotext(dir.path(), &["-bbox-layout"]);
    let lines: Vec<(f32, f32)> = layout
        .lines()
        .filter(|l| l.trim_start().starts_with("<line "))
        .map(|l| {
            let number = |key: &str| -> f32 {
                let rest = &l[l.find(key).unwrap() + key.len()..];
                rest[..rest.find('"').unwrap()].parse().unwrap()
            };
            (number("xMin=\""), number("xMax=\""))
        })
        .collect();
    // The heading (ragged) and the first line of the paragraph end at the
    // right margin; the heading starts well to the right of the left one.
    let (heading, first) = (lines[0], lines[1]);
    for (x_min, x_max) in [heading, first] {
        assert!(
            (x_max - right).abs() < 0.5,
            "{x_min}..{x_max}, margin {right}"
        );
    }
    assert!(heading.0 > theme.margin_left + 50.0, "{heading:?}");
    // The list's bullets hang outside the right margin of the items.
    let bullets = layout.matches(">•<").count();
    assert_eq!(bullets, 3);
    let bullet = layout.find(">•<").unwrap();
    let line_start = layout[..bullet].rfind("<word xMin=\"").unwrap() + 12;
    let x: f32 = layout[line_start..line_start + 6]
        .trim_end_matches('"')
        .parse()
        .unwrap_or(0.0);
    assert!(x > right - 20.0, "bullet at {x}");
}

#[test]
fn the_epub_is_right_to_left() {
    let (_, _, epub) = export();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(epub)).unwrap();
    let mut opf = String::new();
    let mut pages = Vec::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let name = file.name().to_string();
        let mut text = String::new();
        if name.ends_with(".opf") {
            file.read_to_string(&mut opf).unwrap();
        } else if name.ends_with(".xhtml") {
            file.read_to_string(&mut text).unwrap();
            pages.push((name, text));
        }
    }
    assert!(opf.contains("page-progression-direction=\"rtl\""), "{opf}");
    assert!(!pages.is_empty());
    for (name, page) in &pages {
        let html = &page[page.find("<html").unwrap()..];
        let html = &html[..html.find('>').unwrap()];
        assert!(html.contains("dir=\"rtl\""), "{name}: {html}");
    }
}

#[test]
fn an_arabic_paragraph_in_a_swedish_book_is_marked_right_to_left() {
    let text = "---\nlang: sv\n---\n\n# Citat\n\nPå arabiska:\n\nالقضاء على الفقر المدقع والجوع.\n";
    let options = mdg_export::ExportOptions {
        name: "doc".into(),
        pdf: false,
        epub: true,
        ..mdg_export::ExportOptions::default()
    };
    let outputs = mdg_export::export(
        text,
        &mdg_export::EmbeddedSource::default(),
        &mdg_export::FontSet::built_in(),
        &options,
    )
    .unwrap()
    .output;
    let epub = outputs.epub.expect("an EPUB was asked for");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(epub)).unwrap();
    let mut xhtml = String::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        if file.name().ends_with(".xhtml") {
            file.read_to_string(&mut xhtml).unwrap();
        }
    }
    assert!(xhtml.contains("<p dir=\"rtl\">القضاء"), "{xhtml}");
    assert!(xhtml.contains("<p>På arabiska:</p>"), "{xhtml}");
}

/// A table in an Arabic document: its first column stands at the right
/// (as the reader reads), and its cells are set in the Arabic face. The
/// column widths used to be measured in the body face alone, so every
/// Arabic letter of a table was reported missing (and the document lost
/// its accessibility claims) although it printed.
#[test]
fn an_arabic_table_reads_from_the_right_in_the_arabic_face() {
    let text = "---\nlang: ar\n---\n\n# الأهداف\n\n\
                | الهدف | الوصف | السنة |\n|---|---|--:|\n\
                | ١ | القضاء على الفقر المدقع والجوع | 2015 |\n\
                | ٢ | تعميم التعليم الابتدائي | 2015 |\n";
    let (pages, warnings) = common::layout_text(text);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(
        pages.stats.missing_glyphs.is_empty(),
        "{:?}",
        pages.stats.missing_glyphs
    );
    let x_of = |word: &str| {
        pages.pages[1]
            .items
            .iter()
            .find_map(|item| match item {
                mdg_export::layout::Item::Text(run) if run.text().contains(word) => Some(run.x),
                _ => None,
            })
            .unwrap_or_else(|| panic!("{word} is on page 2"))
    };
    // Glyph runs of Arabic text hold their glyphs in visual order; the
    // words are looked for by their letters in that order too.
    let first = x_of(&"الهدف".chars().rev().collect::<String>());
    let second = x_of(&"الوصف".chars().rev().collect::<String>());
    let third = x_of(&"السنة".chars().rev().collect::<String>());
    assert!(first > second && second > third, "{first} {second} {third}");
    common::assert_inside_pages(&pages);
}

/// The words the tool writes itself are in the document's language: an
/// Arabic book's contents heading, its EPUB navigation and notes, and
/// its cover date (the UN's Arabic month names), not English ones a
/// screen reader would read with Arabic pronunciation.
#[test]
fn an_arabic_book_has_arabic_contents_notes_and_date() {
    let dir = tempfile::tempdir().unwrap();
    let text = "---\ntitle: قمة\nlang: ar\ndate: 2010-09-20\n---\n\n# الأهداف\n\n\
                القضاء على الفقر.[^1]\n\n[^1]: حاشية.\n";
    std::fs::write(dir.path().join("ar.md"), text).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_mdg-export"))
        .args(["all", "ar.md", "--out-dir", "out", "--toc"])
        .current_dir(dir.path())
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    // The contents title is set in the Arabic face, not as boxes.
    assert!(!stderr.contains("no glyph"), "{stderr}");
    let pdftotext = Command::new("pdftotext")
        .args(["out/ar.pdf", "-"])
        .current_dir(dir.path())
        .output()
        .expect("pdftotext runs (poppler-utils; scripts/install-validators.sh)");
    let pdf_text: String = String::from_utf8(pdftotext.stdout)
        .unwrap()
        .chars()
        .filter(|c| !('\u{202a}'..='\u{202e}').contains(c))
        .collect();
    // (The note stands at the foot of its page: the PDF has no notes
    // heading; the EPUB's endnotes have one.)
    for words in ["المحتويات", "أيلول/سبتمبر"] {
        assert!(pdf_text.contains(words), "{words} in {pdf_text}");
    }
    assert!(
        !pdf_text.contains("Contents") && !pdf_text.contains("Notes"),
        "{pdf_text}"
    );
    let epub = std::fs::read(dir.path().join("out/ar.epub")).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(epub)).unwrap();
    let mut nav = String::new();
    archive
        .by_name("OEBPS/nav.xhtml")
        .unwrap()
        .read_to_string(&mut nav)
        .unwrap();
    assert!(nav.contains(">المحتويات</"), "{nav}");
    let mut notes = String::new();
    archive
        .by_name("OEBPS/notes.xhtml")
        .unwrap()
        .read_to_string(&mut notes)
        .unwrap();
    assert!(notes.contains(">الحواشي</"), "{notes}");
}

/// An Arabic book's contents read from the right: titles flush right,
/// page numbers at the left.
#[test]
fn arabic_contents_are_mirrored() {
    let mut text = String::from("---\nlang: ar\n---\n\n");
    for n in 1..=6 {
        text.push_str(&format!("# الهدف {n}\n\nنص.\n\n"));
    }
    let (pages, warnings) = common::layout_text(&text);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(
        pages.stats.missing_glyphs.is_empty(),
        "{:?}",
        pages.stats.missing_glyphs
    );
    let runs: Vec<(f32, f32, String)> = pages.pages[1]
        .items
        .iter()
        .filter_map(|item| match item {
            mdg_export::layout::Item::Text(run) => Some((run.x, run.x + run.width(), run.text())),
            _ => None,
        })
        .collect();
    let reversed = |word: &str| word.chars().rev().collect::<String>();
    let title = runs.iter().find(|r| r.2.contains(&reversed("المحتويات")));
    let entry = runs.iter().find(|r| r.2.contains(&reversed("الهدف")));
    let number = runs.iter().find(|r| r.2.trim() == "3");
    let (title, entry, number) = (
        title.expect("the Arabic contents title"),
        entry.expect("an entry"),
        number.expect("a page number"),
    );
    assert!(
        number.1 < entry.0,
        "number {number:?} left of entry {entry:?}: {runs:?}"
    );
    assert!(
        (title.1 - entry.1).abs() < 1.0,
        "title {title:?} and entry {entry:?}: {runs:?}"
    );
}

/// `pdftotext` of a PDF made from one Arabic paragraph.
fn copied_out(body: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let source = format!("---\ntitle: نص\nlang: ar\n---\n\n{body}\n");
    std::fs::write(dir.path().join("ar.md"), source).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_mdg-export"))
        .args(["pdf", "ar.md", "-o", "out/ar.pdf", "--quiet"])
        .current_dir(dir.path())
        .output()
        .expect("the binary runs");
    assert!(output.status.success());
    pdftotext(dir.path(), &[])
}

#[test]
fn vowel_marks_copy_out_as_themselves() {
    // A mark glyph (a kasra, a damma) stands under or over many letters,
    // and a font's ToUnicode map gives each glyph one text: the mark must
    // carry its own character, not the letter it was first seen with.
    // Poppler splits a word where a mark's baseline moves and may put a
    // mark before its letter, so the characters are compared as a
    // multiset, white space and the page's number aside.
    let body = "كُتُبٌ مُفِيدَةٌ وَقَلَمٌ جَدِيدٌ، وَدَرْسٌ مُمْتِعٌ.";
    let sorted = |s: &str| {
        let mut chars: Vec<char> = s
            .chars()
            .filter(|c| !c.is_whitespace() && !c.is_ascii_digit())
            .collect();
        chars.sort_unstable();
        chars.into_iter().collect::<String>()
    };
    let text = copied_out(body);
    assert_eq!(sorted(&text), sorted(body), "{text}");
}

#[test]
fn a_ligature_of_several_letters_copies_out_in_order() {
    // Noto Naskh sets لله as one glyph.
    let text = copied_out("الله أكبر. عبد الله وعبدالله.");
    assert_eq!(text.matches("الله").count(), 3, "{text}");
    assert!(!text.contains("هلل"), "{text}");
}
