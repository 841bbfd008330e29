//! Issue 13: real documents from public repositories (`tests/corpus/*`,
//! each with its `SOURCE.md` and licence) exported to both formats by the
//! binary, and checked the way a reader would check them: the run
//! succeeds without a flood of warnings, the PDF reads back and its text
//! (through poppler's `pdftotext`, as a user copies it) holds the
//! document's words with their letters intact, code keeps every space and
//! its indentation, every local image is drawn, and the EPUB is
//! well-formed and carries the images. `.ci/run` puts the same outputs
//! through EPUBCheck, Ace and the PDF checks.

mod common;

use common::{assert_epub_well_formed, normalise, pdf_text, run_mdg, stderr_of};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

/// One document of the corpus and what its outputs must show.
struct Doc {
    /// Folder under `tests/corpus`.
    folder: &'static str,
    /// The Markdown file in it.
    file: &'static str,
    /// Phrases of the running text, tables and headings, as the PDF's
    /// text reads with white space collapsed.
    phrases: &'static [&'static str],
    /// Lines of code blocks exactly as written (leading and inner spaces).
    code: &'static [&'static str],
    /// Local images the document draws (Markdown images and HTML `<img>`).
    images: usize,
}

const BAT_README: Doc = Doc {
    folder: "bat-readme",
    file: "README.md",
    phrases: &[
        "bat supports syntax highlighting for a large number of programming and markup languages",
        "bat communicates with git to show modifications with respect to the index",
        "Display multiple files at once",
    ],
    code: &["bat > note.md  # quickly create a new file"],
    images: 1,
};

const BAT_README_RU: Doc = Doc {
    folder: "bat-readme-ru",
    file: "README-ru.md",
    phrases: &[
        "bat поддерживает подсветку синтаксиса для огромного количества языков программирования и разметки",
        "Интеграция с Git",
        "Объединение файлов",
    ],
    code: &["bat > note.md  # мгновенно создаем новый файл"],
    images: 1,
};

const BAT_ALTERNATIVES: Doc = Doc {
    folder: "bat-alternatives",
    file: "alternatives.md",
    phrases: &[
        "The following table tries to give an overview from bats perspective",
        "If you think that some entries in this table are outdated or wrong",
        "Benchmarks",
    ],
    code: &["#!/usr/bin/env bash"],
    images: 0,
};

const RIPGREP_FAQ: Doc = Doc {
    folder: "ripgrep-faq",
    file: "FAQ.md",
    phrases: &[
        // Questions written as `<h3 name="…">` headings, and the text
        // under them.
        "Does ripgrep support configuration files?",
        "When is the next release?",
        "ripgrep is a project whose contributors are volunteers",
    ],
    code: &["$ rg --generate man > man/man1/rg.1"],
    images: 0,
};

const ZOXIDE_README: Doc = Doc {
    folder: "zoxide-readme",
    file: "README.md",
    phrases: &[
        "zoxide is a smarter cd command, inspired by z and autojump",
        "zoxide can be installed in 4 easy steps",
        "cargo install zoxide --locked",
    ],
    code: &["z foo/             # cd into relative path"],
    images: 2,
};

const RUST_BOOK_OWNERSHIP: Doc = Doc {
    folder: "rust-book-ownership",
    file: "ch04-01-what-is-ownership.md",
    phrases: &[
        "Each value in Rust has an owner.",
        "There can only be one owner at a time.",
        "When the owner goes out of scope, the value will be dropped.",
        // mdBook's `<Listing number caption file-name>` around a code
        // block: shown as mdBook shows it, not left out.
        "Listing 4-1: A variable and the scope in which it is valid",
        "Listing 4-2: Assigning the integer value of variable x to y",
        "Filename: src/main.rs",
    ],
    code: &["let s = String::from(\"hello\");"],
    images: 5,
};

const RUST_REFERENCE_TOKENS: Doc = Doc {
    folder: "rust-reference-tokens",
    file: "tokens.md",
    phrases: &[
        "Tokens are primitive productions in the grammar defined by regular (non-recursive) languages",
        "Characters and strings",
        "All Unicode",
    ],
    code: &["      RESERVED_TOKEN", "    | RAW_IDENTIFIER"],
    images: 0,
};

const ART_OF_COMMAND_LINE_EL: Doc = Doc {
    folder: "art-of-command-line-el",
    file: "README-el.md",
    phrases: &[
        "Η ευχέρεια στη χρήση της γραμμής εντολών είναι μία δεξιότητα συχνά παραμελημένη",
        "Καθημερινή χρήση",
        "Αποσφαλμάτωση συστήματος",
    ],
    code: &["      TCPKeepAlive=yes", "      ControlPath /tmp/%r@%h:%p"],
    images: 1,
};

const FK_RIKTLINJE: Doc = Doc {
    folder: "fk-riktlinje",
    file: "riktlinje.md",
    phrases: &[
        "Riktlinjer för öppen källkod beskriver myndighetens förhållningssätt till öppen källkod",
        "Styrande förutsättningar",
        "Skapande och delning av öppen källkod",
    ],
    code: &[],
    images: 0,
};

const MARKDOWN_IT_SAMPLE: Doc = Doc {
    folder: "markdown-it-sample",
    file: "sample.md",
    phrases: &[
        "Advertisement :)",
        "The killer feature of markdown-it is very effective support of syntax plugins",
        "path to data files to supply the data that will be passed into templates",
    ],
    code: &["const foo = function (bar) {", "  return bar++;"],
    images: 0,
};

/// What a run of the binary on a corpus document gave.
struct Exported {
    pdf: Vec<u8>,
    epub: Vec<u8>,
    stderr: String,
}

/// Exports `doc` with the binary (`all`, sandboxed to its folder) and
/// checks the run: exit 0, both files written, few warning lines.
fn export(doc: &Doc) -> Exported {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(doc.folder);
    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().to_str().unwrap();
    let output = run_mdg(&dir, &["all", doc.file, "--sandbox", "--out-dir", out_dir]);
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(0), "{}: {stderr}", doc.folder);
    // Repeated warnings come grouped: a few dozen lines at most, not one
    // block per badge or per HTML tag.
    let warnings = stderr.lines().filter(|l| l.starts_with("warning:")).count();
    assert!(
        warnings <= 30,
        "{}: {warnings} warnings\n{stderr}",
        doc.folder
    );
    let stem = doc.file.trim_end_matches(".md");
    let read = |ext: &str| std::fs::read(out.path().join(format!("{stem}.{ext}"))).unwrap();
    Exported {
        pdf: read("pdf"),
        epub: read("epub"),
        stderr,
    }
}

/// Runs poppler's `pdftotext` (with `-layout` when asked) on a PDF.
fn pdftotext(pdf: &[u8], layout: bool) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).unwrap();
    let mut command = Command::new("pdftotext");
    if layout {
        command.arg("-layout");
    }
    let output = command
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext runs (poppler-utils; scripts/install-validators.sh)");
    assert!(output.status.success(), "pdftotext fails on the PDF");
    String::from_utf8(output.stdout).expect("pdftotext writes UTF-8")
}

/// The images and drawings (XObjects) the PDF's pages use, each once.
fn drawn_xobjects(doc: &lopdf::Document) -> usize {
    let mut ids = BTreeSet::new();
    for page in doc.get_pages().values() {
        let (own, inherited) = doc.get_page_resources(*page).expect("page resources");
        let resources = own.into_iter().chain(
            inherited
                .iter()
                .filter_map(|id| doc.get_dictionary(*id).ok()),
        );
        for dict in resources {
            let xobjects = match dict.get(b"XObject") {
                Ok(lopdf::Object::Reference(id)) => doc.get_dictionary(*id).ok(),
                Ok(other) => other.as_dict().ok(),
                Err(_) => None,
            };
            for (_, xobject) in xobjects.into_iter().flat_map(|d| d.iter()) {
                if let Ok(id) = xobject.as_reference() {
                    ids.insert(id);
                }
            }
        }
    }
    ids.len()
}

/// The pictures an EPUB carries (raster and SVG files).
fn epub_images(epub: &[u8]) -> usize {
    let zip = zip::ZipArchive::new(std::io::Cursor::new(epub)).expect("the EPUB is a zip");
    zip.file_names()
        .filter(|name| {
            [".png", ".jpg", ".jpeg", ".svg"]
                .iter()
                .any(|ext| name.to_ascii_lowercase().ends_with(ext))
        })
        .count()
}

/// Exports `doc` and checks everything but its images.
fn check_text(doc: &Doc) -> Exported {
    let exported = export(doc);
    let parsed = lopdf::Document::load_mem(&exported.pdf).expect("the PDF parses back");
    assert!(!parsed.get_pages().is_empty());

    // Words as a reader copies them: poppler's text, hyphenated words
    // joined, white space collapsed; non-Latin letters intact.
    let plain = normalise(&pdftotext(&exported.pdf, false)).replace(['’', '`'], "");
    for phrase in doc.phrases {
        let phrase = normalise(phrase).replace(['’', '`'], "");
        assert!(
            plain.contains(&phrase),
            "{}: `{phrase}` not in the PDF's text:\n{plain}",
            doc.folder
        );
    }

    // Code verbatim: every space of the line is drawn (the glyphs the
    // pages show, in order), and poppler's layout mode shows the line with
    // at least its indentation.
    let drawn = pdf_text(&exported.pdf);
    let layout = pdftotext(&exported.pdf, true);
    for line in doc.code {
        assert!(
            drawn.contains(line),
            "{}: code line `{line}` not drawn verbatim:\n{drawn}",
            doc.folder
        );
        let words = line.split_whitespace().collect::<Vec<_>>().join(" ");
        let indent = line.len() - line.trim_start().len();
        assert!(
            layout.lines().any(|l| {
                l.split_whitespace().collect::<Vec<_>>().join(" ") == words
                    && l.len() - l.trim_start().len() >= indent
            }),
            "{}: code line `{line}` not in pdftotext -layout:\n{layout}",
            doc.folder
        );
    }

    assert!(assert_epub_well_formed(&exported.epub) > 0);
    exported
}

/// Exports `doc` and checks its text, code and images.
fn check(doc: &Doc) -> lopdf::Document {
    let exported = check_text(doc);
    let parsed = lopdf::Document::load_mem(&exported.pdf).unwrap();
    let drawn = drawn_xobjects(&parsed);
    assert!(
        drawn >= doc.images,
        "{}: {drawn} images drawn in the PDF, {} in the document\n{}",
        doc.folder,
        doc.images,
        exported.stderr
    );
    let carried = epub_images(&exported.epub);
    assert!(
        carried >= doc.images,
        "{}: {carried} images in the EPUB, {} in the document",
        doc.folder,
        doc.images
    );
    parsed
}

/// The PDF's `/Title`.
fn pdf_title(pdf: &lopdf::Document) -> String {
    let info = pdf.trailer.get(b"Info").unwrap().as_reference().unwrap();
    let title = pdf.get_dictionary(info).unwrap().get(b"Title").unwrap();
    lopdf::decode_text_string(title).unwrap()
}

/// The header's non-ASCII text in raw HTML (the EPUB's sanitizer once
/// panicked on it, issue 13.1).
#[test]
fn bat_readme_text_and_code() {
    check_text(&BAT_README);
}

/// The logo is an `<img>` in a centred `<p>` beside remote badges, the
/// usual README header.
#[test]
fn bat_readme() {
    check(&BAT_README);
}

#[test]
fn bat_readme_in_russian_text_and_code() {
    check_text(&BAT_README_RU);
}

#[test]
fn bat_readme_in_russian() {
    check(&BAT_README_RU);
}

#[test]
fn bat_alternatives_a_ten_column_table() {
    check(&BAT_ALTERNATIVES);
}

#[test]
fn zoxide_readme_text_and_code() {
    check_text(&ZOXIDE_README);
}

/// The logo is an `<img>` inside `<picture>` inside `<h1>`: it is drawn,
/// and the heading's text names the book (before, the logo and the name
/// were one paragraph, and "Getting started" named it). The tutorial
/// picture (a Markdown image) is drawn.
#[test]
fn zoxide_readme() {
    let pdf = check(&ZOXIDE_README);
    assert_eq!(pdf_title(&pdf), "zoxide");
}

#[test]
fn rust_book_chapter_text_and_code() {
    check_text(&RUST_BOOK_OWNERSHIP);
}

/// The chapter's five figures are HTML `<img>` elements. Its listings'
/// tags were shown in the EPUB as text (`<listing number="4-1" …>`).
#[test]
fn rust_book_chapter_with_figures() {
    check(&RUST_BOOK_OWNERSHIP);
    let exported = export(&RUST_BOOK_OWNERSHIP);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&exported.epub)).unwrap();
    let mut chapter = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("OEBPS/chapter-1.xhtml").unwrap(),
        &mut chapter,
    )
    .unwrap();
    assert!(!chapter.to_lowercase().contains("&lt;listing"), "{chapter}");
    assert!(chapter.contains("<strong>Listing 4-1:</strong> A variable and the scope"));
}

#[test]
fn rust_reference_tables() {
    check(&RUST_REFERENCE_TOKENS);
}

#[test]
fn greek_command_line_guide() {
    check(&ART_OF_COMMAND_LINE_EL);
}

#[test]
fn swedish_agency_guideline() {
    check(&FK_RIKTLINJE);
}

#[test]
fn markdown_it_demo() {
    check(&MARKDOWN_IT_SAMPLE);
}

/// Each document is byte-identical when exported twice.
#[test]
fn corpus_outputs_are_deterministic() {
    for doc in [&FK_RIKTLINJE, &ART_OF_COMMAND_LINE_EL] {
        let (a, b) = (export(doc), export(doc));
        assert!(a.pdf == b.pdf, "{}: PDF differs", doc.folder);
        assert!(a.epub == b.epub, "{}: EPUB differs", doc.folder);
    }
}

/// The FAQ's questions are HTML headings its list links to by name: each
/// is a heading in both outputs (PDF bookmarks, the EPUB's contents), and
/// every `#name` link finds it.
#[test]
fn ripgrep_faq_with_html_headings() {
    let exported = check_text(&RIPGREP_FAQ);
    assert!(
        !exported.stderr.contains("points to no heading") && !exported.stderr.contains("raw HTML"),
        "{}",
        exported.stderr
    );
    let pdf = lopdf::Document::load_mem(&exported.pdf).unwrap();
    let catalog = pdf.catalog().unwrap();
    let outlines = catalog.get(b"Outlines").unwrap().as_reference().unwrap();
    let count = pdf
        .get_dictionary(outlines)
        .unwrap()
        .get(b"Count")
        .unwrap()
        .as_i64()
        .unwrap();
    // "FAQ" and its 27 questions.
    assert!(count >= 28, "{count} bookmarks");
}
