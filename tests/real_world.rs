//! Issue 13: what documents people really write (READMEs, book chapters,
//! guides) showed of the tool. One test per defect found, named after it;
//! each failed before its fix.

mod common;

use common::{export_text, layout_text, pdf_text, run_mdg, stderr_of};
use mdg_export::fonts::FaceRole;
use mdg_export::layout::{Item, Pages, TextRun};

/// Every text run of the document, page after page.
fn text_runs(pages: &Pages) -> Vec<&TextRun> {
    pages
        .pages
        .iter()
        .flat_map(|page| &page.items)
        .filter_map(|item| match item {
            Item::Text(run) => Some(run),
            _ => None,
        })
        .collect()
}

/// The lines a page shows, top to bottom: baseline, face, left edge,
/// right edge and text of the runs that share a baseline (the page number
/// in the footer left out).
fn page_lines(pages: &Pages, page: usize) -> Vec<(f32, FaceRole, f32, f32, String)> {
    let mut runs: Vec<&TextRun> = pages.pages[page]
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Text(run) => Some(run),
            _ => None,
        })
        .filter(|run| run.y < pages.height - 40.0)
        .collect();
    runs.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
    let mut lines: Vec<(f32, FaceRole, f32, f32, String)> = Vec::new();
    for run in runs {
        let text: String = run.glyphs.iter().map(|g| &*g.text).collect();
        let right = run.x + run.glyphs.iter().map(|g| g.advance).sum::<f32>();
        match lines.last_mut() {
            Some(line) if (line.0 - run.y).abs() < 0.5 => {
                line.3 = line.3.max(right);
                line.4.push_str(&text);
            }
            _ => lines.push((run.y, run.face, run.x, right, text)),
        }
    }
    lines
}

/// Code is set as written: indentation and runs of spaces survive into
/// the PDF's text (the EPUB always kept them).
#[test]
fn issue_13_code_keeps_its_spaces() {
    let dir = tempfile::tempdir().unwrap();
    let text = "# Kod\n\n```rust\nfn main() {\n    let x    = 1;\n\tlet y = 2;\n}\n```\n";
    let outputs = export_text(text, dir.path()).expect("exports").output;
    let extracted = pdf_text(outputs.pdf.as_deref().unwrap());
    assert!(extracted.contains("    let x    = 1;"), "{extracted}");
    // A tab goes to the next multiple of four columns.
    assert!(extracted.contains("    let y = 2;"), "{extracted}");
}

/// A long line of code wraps (with the drawn continuation mark), is never
/// justified, and loses no character.
#[test]
fn issue_13_long_code_lines_wrap_without_stretching() {
    let long = format!("let v = [{}];", "1, ".repeat(60));
    let (pages, _) = layout_text(&format!("# K\n\n```\n{long}\n```\n"));
    let lines: Vec<_> = (0..pages.pages.len())
        .flat_map(|p| page_lines(&pages, p))
        .filter(|l| l.1 == FaceRole::Mono)
        .collect();
    assert!(lines.len() > 1, "the line wraps");
    let joined: String = lines.iter().map(|l| l.4.as_str()).collect();
    assert_eq!(joined.replace(' ', ""), long.replace(' ', ""));
    // Monospaced and unstretched: every glyph, spaces too, is as wide as
    // every other.
    for page in &pages.pages {
        for item in &page.items {
            if let Item::Text(run) = item
                && run.face == FaceRole::Mono
            {
                // (A line broken at a space ends in one of no width, for
                // text extraction.)
                let first = run.glyphs[0].advance;
                assert!(
                    run.glyphs
                        .iter()
                        .all(|g| (g.advance - first).abs() < 0.01 || g.advance == 0.0),
                    "{run:?}"
                );
            }
        }
    }
}

/// A line that ends in a hard break ends where its words end, like a
/// paragraph's last line; it is not stretched to the margin.
#[test]
fn issue_13_hard_break_lines_are_not_justified() {
    let text = "# R\n\nRad ett  \nrad två som är lång nog att fylla mer än en hel rad av texten, \
                så att stycket får flera rader och radbrytaren arbetar på riktigt här\n";
    let (pages, _) = layout_text(text);
    let lines = page_lines(&pages, 1);
    let first = lines
        .iter()
        .find(|l| l.4.starts_with("Rad ett"))
        .expect("the first line");
    let full = lines
        .iter()
        .find(|l| l.4.starts_with("rad två"))
        .expect("a full line");
    assert!(
        first.3 < full.3 - 100.0,
        "the broken line ends early: {first:?} vs {full:?}"
    );
    // Its one space is a plain word space, not a stretched one.
    assert!(!first.4.contains("  "));
}

/// The contents page wraps a long heading under a hanging indent, with
/// its page number on the last line; nothing is cut.
#[test]
fn issue_13_contents_wrap_long_headings() {
    let long = "Ett mycket långt kapitelnamn som inte får plats på en enda rad i \
                innehållsförteckningen utan måste brytas över flera rader";
    let mut text = String::new();
    for i in 1..=7 {
        if i == 3 {
            text.push_str(&format!("# {long}\n\nText.\n\n"));
        } else {
            text.push_str(&format!("# Kapitel {i}\n\nText.\n\n"));
        }
    }
    let (pages, _) = layout_text(&text);
    // The cover, then the contents.
    let lines = page_lines(&pages, 1);
    let words: String = lines.iter().map(|l| l.4.as_str()).collect();
    let flat = words.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains(long), "{flat}");
    let entry: Vec<_> = lines
        .iter()
        .filter(|l| {
            long.contains(l.4.split_whitespace().next().unwrap_or("¤"))
                && !l.4.starts_with("Kapitel")
        })
        .collect();
    assert!(entry.len() >= 2, "the entry wraps: {lines:#?}");
    // Continuation lines hang inside the first; the number is on the last.
    assert!(entry[1].2 > entry[0].2 + 5.0, "{entry:#?}");
    let last = entry.last().unwrap();
    assert!(
        last.4.trim_end().ends_with(|c: char| c.is_ascii_digit()),
        "{last:?}"
    );
    assert!(
        !entry[0]
            .4
            .trim_end()
            .ends_with(|c: char| c.is_ascii_digit())
    );
}

/// No page ends with a heading and a single line of the code under it,
/// and a code block split over two pages leaves two lines or more on each.
#[test]
fn issue_13_code_blocks_break_like_paragraphs() {
    let code: String = (1..=30).map(|i| format!("line_{i}();\n")).collect();
    for filler in 0..40 {
        let mut text = String::from("# T\n\n");
        for i in 0..filler {
            text.push_str(&format!("Stycke {i} med lite text.\n\n"));
        }
        text.push_str(&format!("## Kod\n\n```\n{code}```\n\nSlut.\n"));
        let (pages, _) = layout_text(&text);
        for page in 1..pages.pages.len() {
            let lines = page_lines(&pages, page);
            let code_lines = |from: usize| {
                lines[from..]
                    .iter()
                    .take_while(|l| l.1 == FaceRole::Mono)
                    .count()
            };
            if let Some(h) = lines.iter().position(|l| l.4.starts_with("Kod")) {
                let after = code_lines(h + 1);
                assert!(
                    after >= 2,
                    "filler {filler}: the heading has {after} code lines under it on page {page}"
                );
            }
            // Lines of code at the top of a page continue a block: two at
            // least, and the page before kept two at least.
            let top = code_lines(0);
            if top > 0 {
                assert!(top >= 2, "filler {filler}: {top} code line(s) on top");
                let before = page_lines(&pages, page - 1);
                let tail = before
                    .iter()
                    .rev()
                    .take_while(|l| l.1 == FaceRole::Mono)
                    .count();
                assert!(
                    tail >= 2,
                    "filler {filler}: {tail} code line(s) at the foot"
                );
            }
        }
    }
}

/// A README's badge pictures in its first heading are not its title.
#[test]
fn issue_13_badges_do_not_name_the_document() {
    let dir = tempfile::tempdir().unwrap();
    let text =
        "# ![CI](https://ci.example/badge.svg) Verktyget ![v](https://x.example/v.svg)\n\nText.\n";
    std::fs::write(dir.path().join("README.md"), text).unwrap();
    let output = run_mdg(dir.path(), &["pdf", "README.md", "-o", "r.pdf"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let doc = lopdf::Document::load(dir.path().join("r.pdf")).unwrap();
    let info = doc
        .trailer
        .get(b"Info")
        .and_then(|o| o.as_reference())
        .unwrap();
    let title = doc.get_dictionary(info).unwrap().get(b"Title").unwrap();
    let title = lopdf::decode_text_string(title).unwrap();
    assert_eq!(title, "Verktyget");
}

/// Hundreds of remote badges give one warning and a count, not a
/// screenful each; `--verbose` shows every one.
#[test]
fn issue_13_repeated_warnings_are_grouped() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("# R\n\n");
    for i in 0..50 {
        text.push_str(&format!("![b{i}](https://img.example/{i}.svg)\n"));
    }
    std::fs::write(dir.path().join("doc.md"), &text).unwrap();
    let output = run_mdg(dir.path(), &["pdf", "doc.md", "-o", "d.pdf"]);
    let err = stderr_of(&output);
    assert!(output.status.success(), "{err}");
    assert!(err.contains("https://img.example/0.svg"), "{err}");
    assert!(err.contains("the same 49 more times"), "{err}");
    assert!(err.contains("doc.md:4:1"), "the first locations: {err}");
    assert!(err.lines().count() < 15, "{err}");
    let output = run_mdg(dir.path(), &["pdf", "doc.md", "-o", "d.pdf", "--verbose"]);
    let err = stderr_of(&output);
    assert!(err.contains("https://img.example/49.svg"), "{err}");
    assert!(!err.contains("the same"), "{err}");
}

/// A character the code face lacks is set in the text face that has it
/// (Libertine has Cyrillic, its mono face has not), so it prints and
/// copies out as itself, not as a repeated wrong letter.
#[test]
fn issue_13_characters_the_code_face_lacks_print_and_copy() {
    let dir = tempfile::tempdir().unwrap();
    let text = "# Kod\n\n```\nпривет мир = 1\n```\n\nИ `ёж` тоже.\n";
    let warned = export_text(text, dir.path()).expect("exports");
    assert!(
        !warned.warnings.iter().any(|w| w.message.contains("glyph")),
        "{:?}",
        warned.warnings
    );
    let extracted = pdf_text(warned.output.pdf.as_deref().unwrap());
    assert!(extracted.contains("привет мир = 1"), "{extracted}");
    assert!(extracted.contains("ёж"), "{extracted}");
}

/// A PNG `width` × `height` pixels of one gray.
fn gray_png(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut bytes, width, height);
        encoder.set_color(png::ColorType::Grayscale);
        let mut writer = encoder.write_header().unwrap();
        writer
            .write_image_data(&vec![128; (width * height) as usize])
            .unwrap();
    }
    bytes
}

/// A small picture in a sentence (an icon, a badge) stays in its line,
/// between the words around it; a large one still follows the paragraph
/// as a figure of its own.
#[test]
fn issue_13_small_inline_images_stay_in_the_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("icon.png"), gray_png(16, 16)).unwrap();
    std::fs::write(dir.path().join("photo.png"), gray_png(400, 300)).unwrap();
    let text =
        "# R\n\nKlicka på ![ikonen](icon.png) för att spara.\n\nSe ![foto](photo.png) här.\n";
    let parsed = mdg_export::parse::parse(
        text,
        &mdg_export::parse::ParseOptions {
            name: "doc".into(),
            lang: None,
            title: None,
        },
    )
    .unwrap()
    .output;
    let source = mdg_export::assets::FolderSource {
        base: dir.path().to_path_buf(),
        sandbox: true,
    };
    let fonts = mdg_export::fonts::FontSet::built_in();
    let assets = mdg_export::assets::load_assets(&parsed, &source, &fonts)
        .unwrap()
        .output;
    let pages = mdg_export::layout::layout_document(
        &parsed,
        &assets,
        &fonts,
        &mdg_export::layout::LayoutOptions::default(),
    )
    .output;
    let page = &pages.pages[1];
    let image = |url: &str| {
        page.items
            .iter()
            .find_map(|item| match item {
                Item::Image { url: u, rect, .. } if u == url => Some(*rect),
                _ => None,
            })
            .unwrap_or_else(|| panic!("{url} drawn"))
    };
    let lines = page_lines(&pages, 1);
    let sentence = lines
        .iter()
        .find(|l| l.4.starts_with("Klicka"))
        .expect("the sentence");
    assert!(
        sentence.4.contains("för att spara"),
        "one line: {sentence:?}"
    );
    let icon = image("icon.png");
    // On the sentence's baseline, between "på" and "för".
    assert!(
        icon.y < sentence.0 && icon.y + icon.h > sentence.0,
        "{icon:?} {sentence:?}"
    );
    assert!(icon.x > sentence.2 + 20.0 && icon.x + icon.w < sentence.3 - 20.0);
    let photo = image("photo.png");
    let after = lines.iter().find(|l| l.4.starts_with("Se")).unwrap();
    assert!(
        photo.y > after.0,
        "the photo is a figure after its paragraph"
    );
}

/// The image XObjects of a PDF, however deep in forms they are drawn.
fn raster_images(pdf: &[u8]) -> usize {
    let doc = lopdf::Document::load_mem(pdf).expect("the PDF parses");
    doc.objects
        .values()
        .filter(|object| {
            object.as_stream().is_ok_and(|s| {
                s.dict
                    .get(b"Subtype")
                    .and_then(|t| t.as_name())
                    .is_ok_and(|t| t == b"Image")
            })
        })
        .count()
}

/// Pictures embedded in an SVG (PNG or JPEG as `data:` URLs, clipped or
/// not) are drawn in the PDF, as the README promises.
#[test]
fn issue_13_pictures_inside_svg_are_drawn() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let png = gray_png(8, 8);
    let mut b64 = String::new();
    {
        // Base64 by hand for the test's few bytes (RFC 4648, section 4).
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for chunk in png.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
            for i in 0..4 {
                if i <= chunk.len() {
                    b64.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
                } else {
                    b64.push('=');
                }
            }
        }
    }
    let svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="200" height="100" viewBox="0 0 200 100">
  <defs><clipPath id="c"><circle cx="150" cy="50" r="40"/></clipPath></defs>
  <rect width="200" height="100" fill="#eee"/>
  <image x="10" y="10" width="80" height="80" href="data:image/png;base64,{b64}"/>
  <image x="110" y="10" width="80" height="80" clip-path="url(#c)" xlink:href="data:image/png;base64,{b64}"/>
</svg>"##
    );
    let mut file = std::fs::File::create(dir.path().join("pic.svg")).unwrap();
    file.write_all(svg.as_bytes()).unwrap();
    let text = "# R\n\nText.\n\n![Två bilder](pic.svg)\n";
    let outputs = export_text(text, dir.path()).expect("exports").output;
    assert_eq!(raster_images(outputs.pdf.as_deref().unwrap()), 2);
}

/// A document that opens with a thematic break (markdown-it's demo: `---`,
/// then a bold line, a list, and another `---`) has no front matter: the
/// lines between the rules are Markdown, not bad YAML. Front matter starts
/// with a `key:` line, as every YAML block of settings does.
#[test]
fn issue_13_a_rule_at_the_top_is_not_front_matter() {
    let dir = tempfile::tempdir().unwrap();
    let text = "---\n__Advertisement :)__\n\n- __[pica](https://example.org/)__ - fast\n  resize.\n\n---\n\n# h1 Heading\n\nText.\n";
    let outputs = export_text(text, dir.path()).expect("exports").output;
    let extracted = pdf_text(outputs.pdf.as_deref().unwrap());
    assert!(extracted.contains("Advertisement :)"), "{extracted}");
    assert!(extracted.contains("resize."), "{extracted}");
    // Real front matter is still read, and bad YAML in it is still an error.
    let meta = "---\ntitle: Rubrik\n---\n\nText.\n";
    let outputs = export_text(meta, dir.path()).expect("exports").output;
    assert!(pdf_text(outputs.pdf.as_deref().unwrap()).contains("Rubrik"));
    assert!(export_text("---\ntitle: T\nkeywords: [a, b\n---\n\nText.\n", dir.path()).is_err());
}

/// A tab in running text (Försäkringskassan's heading `3.3<tab>- Välja
/// rätt projekt`) is white space, as a browser shows it: no face has a
/// glyph for it, and it was drawn as a missing-glyph box.
#[test]
fn issue_13_a_tab_in_running_text_is_a_space() {
    let (pages, _) = layout_text("## 3.3\t- Välja rätt projekt\n\nText\tmed tabb.\n");
    let mut glyphs = 0;
    for page in &pages.pages {
        for item in &page.items {
            if let Item::Text(run) = item {
                for glyph in &run.glyphs {
                    glyphs += 1;
                    assert!(glyph.id != 0, "a missing glyph in {run:?}");
                    assert!(!glyph.text.contains('\t'), "a tab drawn in {run:?}");
                }
            }
        }
    }
    assert!(glyphs > 20);
    let lines = page_lines(&pages, pages.pages.len() - 1);
    assert!(
        lines.iter().any(|l| l.4.contains("3.3 – Välja")),
        "{lines:?}"
    );
}

/// A character no face has is drawn as the font's one `.notdef` box, and
/// a font maps each glyph to one text: every missing character copied
/// out as the first of them ("мммм"). Each box now carries its own text
/// (`/ActualText`), which `pdftotext` reads.
#[test]
fn issue_13_characters_no_face_has_copy_out_as_themselves() {
    let dir = tempfile::tempdir().unwrap();
    let text = "---\nlang: sv\n---\n# Tecken\n\nSnögubbe ☃ och ☂ och 中文 här.\n";
    let warned = export_text(text, dir.path()).expect("exports");
    let path = dir.path().join("t.pdf");
    std::fs::write(&path, warned.output.pdf.unwrap()).unwrap();
    let output = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) runs");
    let extracted = String::from_utf8_lossy(&output.stdout);
    assert!(
        extracted.contains("Snögubbe ☃ och ☂ och 中文 här."),
        "{extracted}"
    );
}

/// GitHub's alerts (`> [!NOTE]`, used by bat's README and the Rust
/// Reference) printed their marker as text, "[!NOTE]", in a quotation.
/// Now each is a note with its title in the document's language: bold on
/// its own line in the PDF, a `role="note"` division in the EPUB.
#[test]
fn issue_13_github_alerts_are_titled_notes() {
    let dir = tempfile::tempdir().unwrap();
    let text = "---\nlang: sv\n---\n# Varningar\n\n> [!WARNING]\n> Spara först.\n\n\
                >[!TIP]\n>Läs mer.\n\n> [!OKÄND]\n> Ett citat.\n";
    let outputs = export_text(text, dir.path()).expect("exports").output;
    let extracted = pdf_text(outputs.pdf.as_deref().unwrap());
    assert!(
        extracted.contains("Varning\nSpara först.") && extracted.contains("Tips\nLäs mer."),
        "{extracted}"
    );
    assert!(!extracted.contains("[!WARNING]") && !extracted.contains("[!TIP]"));
    // Not an alert: a quotation as written.
    assert!(extracted.contains("[!OKÄND]"), "{extracted}");

    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(outputs.epub.unwrap())).unwrap();
    let mut chapter = String::new();
    std::io::Read::read_to_string(
        &mut archive.by_name("OEBPS/chapter-1.xhtml").unwrap(),
        &mut chapter,
    )
    .unwrap();
    assert!(
        chapter.contains(
            "<div class=\"alert warning\" role=\"note\">\n<p class=\"alert-title\"><strong>Varning</strong></p>"
        ),
        "{chapter}"
    );
    assert!(chapter.contains("<blockquote>") && !chapter.contains("[!TIP]"));
}

/// zoxide's README folds its instructions per system into `<details>`
/// with a `<summary>Linux / WSL</summary>`: the Markdown inside was
/// printed, but the summaries, raw HTML, were not, so the PDF gave four
/// sets of instructions with nothing to say which system each is for, and
/// warned about every `</details>` and comment, where nothing was lost.
#[test]
fn issue_13_collapsible_sections_keep_their_titles_on_paper() {
    let dir = tempfile::tempdir().unwrap();
    let text = "# Install\n\n<details>\n<summary>Linux / <b>WSL</b></summary>\n\n\
                Run the script.\n\n</details>\n\n<details>\n<summary>macOS</summary>\n\n\
                Use Homebrew.\n\n</details>\n\n<!-- a comment -->\n\n<table><tr><td>Lost</td></tr></table>\n";
    let warned = export_text(text, dir.path()).expect("exports");
    let extracted = pdf_text(warned.output.pdf.as_deref().unwrap());
    assert!(
        extracted.contains("Linux / WSL\nRun the script.")
            && extracted.contains("macOS\nUse Homebrew."),
        "{extracted}"
    );
    // Only the table is lost on paper, and said to be; the EPUB keeps
    // it, and shows each section open under its title too.
    let lines: Vec<usize> = warned
        .warnings
        .iter()
        .filter(|w| w.message.contains("raw HTML"))
        .map(|w| text[..w.span.start].lines().count() + 1)
        .collect();
    assert_eq!(lines, [19], "{:?}", warned.warnings);
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(warned.output.epub.unwrap())).unwrap();
    let mut chapter = String::new();
    std::io::Read::read_to_string(
        &mut archive.by_name("OEBPS/chapter-1.xhtml").unwrap(),
        &mut chapter,
    )
    .unwrap();
    assert!(
        chapter
            .contains("<div>\n<strong>Linux / <b>WSL</b></strong>\n</div>\n<p>Run the script.</p>"),
        "{chapter}"
    );
}

/// zoxide writes `**Install fzf** <sup>(optional)</sup>`, `<ins>**end**</ins>`
/// and `<br />` in its paragraphs: paper set the text without the
/// formatting and warned 30 times. Now the tags paper can set are set
/// (bold, italic, code, struck, raised, lowered, a line break) and only
/// what is lost is reported.
#[test]
fn issue_13_inline_html_is_set_as_its_markdown_match() {
    let text = "# T\n\nEtt <b>fett</b> ord, <sup>upphöjt</sup>, <kbd>Ctrl</kbd><br />\
                ny rad <Listing number=\"1\">borta</Listing> <!-- ignore -->\n";
    let (pages, _) = layout_text(text);
    let runs = text_runs(&pages);
    let run_of = |word: &str| {
        *runs
            .iter()
            .find(|run| {
                run.glyphs
                    .iter()
                    .map(|g| &*g.text)
                    .collect::<String>()
                    .contains(word)
            })
            .unwrap_or_else(|| panic!("{word} not set: {runs:?}"))
    };
    let plain = run_of("ord");
    assert_eq!(run_of("fett").face, FaceRole::Bold);
    assert_eq!(run_of("Ctrl").face, FaceRole::Mono);
    let raised = run_of("upphöjt");
    assert!(
        raised.size < plain.size && raised.glyphs[0].rise > 0.0,
        "{raised:?}"
    );
    // The break: "ny rad" starts a line of its own, at the left edge.
    let first = run_of("Ett");
    assert!(run_of("ny").y > first.y && (run_of("ny").x - first.x).abs() < 0.5);
    let dir = tempfile::tempdir().unwrap();
    let exported = export_text(text, dir.path()).expect("exports");
    let lost: Vec<&str> = exported
        .warnings
        .iter()
        .filter(|w| w.message.contains("raw HTML"))
        .map(|w| &text[w.span.start..w.span.end])
        .collect();
    assert_eq!(
        lost,
        ["<Listing number=\"1\">", "</Listing>"],
        "{:?}",
        exported.warnings
    );
}

/// bat's comparison table marks each cell `:heavy_check_mark:` or `:x:`,
/// GitHub's emoji shortcodes: paper printed the names, which made the
/// ten columns so wide that their words were cut. Now a shortcode is its
/// emoji where a face draws it (✔), else stays as written (no face has
/// ❌: no box, no missing-glyph warning); the EPUB has every emoji.
#[test]
fn issue_13_emoji_shortcodes_are_their_emoji_where_a_face_draws_them() {
    let dir = tempfile::tempdir().unwrap();
    let text = "# T\n\n| A | B |\n|---|---|\n| Git :heavy_check_mark: | :x: |\n\nKlockan 12:30.\n";
    let warned = export_text(text, dir.path()).expect("exports");
    let extracted = pdf_text(warned.output.pdf.as_deref().unwrap());
    assert!(
        extracted.contains("Git ✔") && extracted.contains(":x:") && extracted.contains("12:30"),
        "{extracted}"
    );
    assert!(!extracted.contains("heavy_check_mark"), "{extracted}");
    assert!(
        !warned.warnings.iter().any(|w| w.message.contains("glyph")),
        "{:?}",
        warned.warnings
    );
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(warned.output.epub.unwrap())).unwrap();
    let mut chapter = String::new();
    std::io::Read::read_to_string(
        &mut archive.by_name("OEBPS/chapter-1.xhtml").unwrap(),
        &mut chapter,
    )
    .unwrap();
    assert!(
        chapter.contains("Git ✔\u{fe0f}") && chapter.contains("❌"),
        "{chapter}"
    );
}

/// The Rust book names a listing's file above its code ("Filename:
/// src/main.rs") and captions it below. Both were set as running
/// paragraphs: the file name indented like a paragraph after another, and
/// free to stay at a page's foot while its code went to the next page.
/// Now they are captions: flush with the text's edge, kept with their
/// code, and the paragraph after the caption starts flush too.
#[test]
fn issue_13_a_listings_file_name_and_caption_are_captions_of_its_code() {
    let text = "# T\n\nFörsta stycket.\n\nAndra stycket.\n\n\
                <Listing number=\"1\" file-name=\"src/main.rs\" caption=\"Ett program\">\n\n\
                ```rust\nfn main() {}\n```\n\n</Listing>\n\nSista stycket.\n";
    let (pages, _) = layout_text(text);
    let runs = text_runs(&pages);
    let texts: Vec<String> = runs
        .iter()
        .map(|run| run.glyphs.iter().map(|g| &*g.text).collect())
        .collect();
    let x_of = |start: &str| {
        let found = texts.iter().position(|text| text.starts_with(start));
        runs[found.unwrap_or_else(|| panic!("no run starts with {start:?}: {texts:?}"))].x
    };
    let flush = x_of("Första");
    assert!(
        x_of("Andra") > flush + 5.0,
        "a following paragraph is indented"
    );
    for caption in ["Filename", "Listing 1", "Sista"] {
        assert!(
            (x_of(caption) - flush).abs() < 0.01,
            "{caption:?} at {} not {flush}",
            x_of(caption)
        );
    }
}
