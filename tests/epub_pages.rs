//! The EPUB's page list follows the PDF page for page: both editions are
//! exported together, the PDF's pages counted with lopdf, the EPUB's
//! markers and lists read back.

mod common;

use mdg_export::assets::{Assets, EmbeddedSource};
use mdg_export::diag::Span;
use mdg_export::epub::{EpubOptions, write_epub};
use mdg_export::fonts::FontSet;
use mdg_export::layout::{LayoutOptions, PageAnchor};
use mdg_export::model::{Block, Document, Inline, ListItem};
use mdg_export::{ExportOptions, builtin};
use std::collections::BTreeSet;
use std::io::{Cursor, Read};

/// The files of an EPUB by name.
struct Epub(Vec<(String, String)>);

impl Epub {
    fn open(bytes: &[u8]) -> Epub {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut files = Vec::new();
        for i in 0..archive.len() {
            let mut file = archive.by_index(i).unwrap();
            let mut data = Vec::new();
            file.read_to_end(&mut data).unwrap();
            files.push((
                file.name().to_string(),
                String::from_utf8_lossy(&data).into_owned(),
            ));
        }
        Epub(files)
    }

    fn text(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, text)| text.as_str())
            .unwrap_or_else(|| panic!("no {name}"))
    }

    /// The spine's files, in order, relative to the package folder.
    fn spine(&self) -> Vec<String> {
        let opf = parse(self.text("OEBPS/content.opf"));
        let href_of = |id: &str| {
            opf.descendants()
                .find(|n| n.has_tag_name("item") && n.attribute("id") == Some(id))
                .and_then(|n| n.attribute("href"))
                .unwrap()
                .to_string()
        };
        opf.descendants()
            .filter(|n| n.has_tag_name("itemref"))
            .map(|n| href_of(n.attribute("idref").unwrap()))
            .collect()
    }
}

fn parse(xml: &str) -> roxmltree::Document<'_> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    roxmltree::Document::parse_with_options(xml, options)
        .unwrap_or_else(|err| panic!("{err}:\n{xml}"))
}

/// Every page-break marker in reading order: (file, id, label).
fn markers(epub: &Epub) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for file in epub.spine() {
        let text = epub.text(&format!("OEBPS/{file}"));
        let doc = parse(text);
        for node in doc.descendants() {
            if node.attribute("role") == Some("doc-pagebreak") {
                assert_eq!(
                    node.attribute(("http://www.idpf.org/2007/ops", "type")),
                    Some("pagebreak")
                );
                assert!(
                    node.first_child().is_none(),
                    "a marker is empty (its text would be read)"
                );
                out.push((
                    file.clone(),
                    node.attribute("id").unwrap().to_string(),
                    node.attribute("aria-label").unwrap().to_string(),
                ));
            }
        }
    }
    out
}

/// The page-list nav's entries: (label, href).
fn page_list(epub: &Epub) -> Vec<(String, String)> {
    let nav = parse(epub.text("OEBPS/nav.xhtml"));
    let Some(list) = nav.descendants().find(|n| {
        n.has_tag_name("nav")
            && n.attribute(("http://www.idpf.org/2007/ops", "type")) == Some("page-list")
    }) else {
        return Vec::new();
    };
    assert_eq!(list.attribute("role"), Some("doc-pagelist"));
    assert_eq!(list.attribute("hidden"), Some("hidden"));
    list.descendants()
        .filter(|n| n.has_tag_name("a"))
        .map(|n| {
            (
                n.text().unwrap().to_string(),
                n.attribute("href").unwrap().to_string(),
            )
        })
        .collect()
}

fn pdf_page_count(pdf: &[u8]) -> usize {
    lopdf::Document::load_mem(pdf).unwrap().get_pages().len()
}

/// Checks that the EPUB carries exactly the PDF's pages, in order, and
/// that the nav, the NCX and the package agree; returns the page count.
fn assert_pages_match(pdf: &[u8], epub: &[u8], source: &str) -> usize {
    let pages = pdf_page_count(pdf);
    let epub = Epub::open(epub);
    let markers = markers(&epub);
    let labels: Vec<String> = markers.iter().map(|(_, _, label)| label.clone()).collect();
    let expected: Vec<String> = (1..=pages).map(|n| n.to_string()).collect();
    assert_eq!(labels, expected, "one marker per PDF page, in page order");

    let mut ids = BTreeSet::new();
    for (file, id, _) in &markers {
        assert!(ids.insert((file, id)), "marker id {id} twice in {file}");
        let doc = parse(epub.text(&format!("OEBPS/{file}")));
        let count = doc
            .descendants()
            .filter(|n| n.attribute("id") == Some(id))
            .count();
        assert_eq!(count, 1, "id {id} is not unique in {file}");
    }

    let list = page_list(&epub);
    assert_eq!(list.len(), pages, "page-list entries against PDF pages");
    for ((label, href), (file, id, marker_label)) in list.iter().zip(&markers) {
        assert_eq!(href, &format!("{file}#{id}"));
        assert_eq!(label, marker_label);
    }

    let ncx = parse(epub.text("OEBPS/toc.ncx"));
    let targets: Vec<(&str, &str)> = ncx
        .descendants()
        .filter(|n| n.has_tag_name("pageTarget"))
        .map(|n| {
            let src = n
                .children()
                .find(|c| c.has_tag_name("content"))
                .and_then(|c| c.attribute("src"))
                .unwrap();
            (n.attribute("value").unwrap(), src)
        })
        .collect();
    assert_eq!(targets.len(), pages);
    for ((value, src), (label, href)) in targets.iter().zip(&list) {
        assert_eq!((*value, *src), (label.as_str(), href.as_str()));
    }
    // playOrder is unique across navMap and pageList, except for the
    // same target.
    let mut orders = std::collections::BTreeMap::new();
    for node in ncx
        .descendants()
        .filter(|n| n.has_tag_name("navPoint") || n.has_tag_name("pageTarget"))
    {
        let src = node
            .children()
            .find(|c| c.has_tag_name("content"))
            .and_then(|c| c.attribute("src"))
            .unwrap();
        let order = node.attribute("playOrder").unwrap();
        if let Some(other) = orders.insert(order.to_string(), src) {
            assert_eq!(other, src, "playOrder {order} for two targets");
        }
    }
    let total = ncx
        .descendants()
        .find(|n| n.attribute("name") == Some("dtb:totalPageCount"))
        .and_then(|n| n.attribute("content"));
    assert_eq!(total, Some(pages.to_string().as_str()));

    let opf = parse(epub.text("OEBPS/content.opf"));
    let meta = |property: &str| -> Vec<String> {
        opf.descendants()
            .filter(|n| n.has_tag_name("meta") && n.attribute("property") == Some(property))
            .map(|n| n.text().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(meta("pageBreakSource"), [source]);
    assert!(
        meta("schema:accessibilityFeature").contains(&"printPageNumbers".to_string()),
        "printPageNumbers is claimed"
    );
    pages
}

#[test]
fn the_summit_epub_has_one_marker_per_pdf_page() {
    let outputs = common::export_summit(true, true);
    let pages = assert_pages_match(
        outputs.pdf.as_ref().unwrap(),
        outputs.epub.as_ref().unwrap(),
        "toppmotet.pdf, A5",
    );
    assert!(pages >= 3);
    // The cover carries page 1.
    let epub = Epub::open(outputs.epub.as_ref().unwrap());
    assert_eq!(markers(&epub)[0].0, "cover.xhtml");
}

/// A document long enough for many pages, with every kind of block a
/// page can start in.
fn long_document(cover: bool) -> String {
    let mut md = String::from("---\ntitle: Lång\nlang: sv\n---\n\n");
    if cover {
        md.push_str("![Banderoll](banner.svg)\n\n");
    }
    let sentence = "Det här är en mening med några ord som fyller sidan, \
                    och *kursiva* och **feta** ord och `kod` mitt i.";
    for chapter in 1..=8 {
        md.push_str(&format!("# Kapitel {chapter}\n\n"));
        for paragraph in 0..4 {
            for _ in 0..(6 + 3 * paragraph) {
                md.push_str(sentence);
                md.push(' ');
            }
            md.push_str(&format!("Not här.[^n{chapter}-{paragraph}]\n\n"));
        }
        md.push_str("## Lista\n\n");
        for item in 0..6 {
            md.push_str(&format!("- Punkt {item}: {sentence}\n"));
        }
        md.push_str("\n> Ett citat som är ganska långt. ");
        md.push_str(&sentence.repeat(3));
        md.push_str("\n\n```\nkod rad ett\nkod rad två\n```\n\n");
        md.push_str("| A | B |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\n\n---\n\n");
    }
    for chapter in 1..=8 {
        for paragraph in 0..4 {
            md.push_str(&format!(
                "[^n{chapter}-{paragraph}]: En not. {sentence}\n\n"
            ));
        }
    }
    md
}

fn export_both(markdown: &str, layout: LayoutOptions) -> (Vec<u8>, Vec<u8>) {
    let mut source = EmbeddedSource::default();
    source.files.insert("banner.svg", builtin::BANNER);
    let options = ExportOptions {
        name: "lang".into(),
        pdf: true,
        epub: true,
        layout,
        ..ExportOptions::default()
    };
    let outputs = mdg_export::export(markdown, &source, &FontSet::built_in(), &options)
        .expect("the document exports")
        .output;
    (outputs.pdf.unwrap(), outputs.epub.unwrap())
}

#[test]
fn a_long_book_keeps_every_page_in_order() {
    let (pdf, epub) = export_both(&long_document(true), LayoutOptions::default());
    let pages = assert_pages_match(&pdf, &epub, "lang.pdf, A5");
    assert!(pages > 10, "{pages} pages");
    // Pages start inside paragraphs too, not only between blocks.
    let epub = Epub::open(&epub);
    let inside = markers(&epub)
        .iter()
        .filter(|(file, id, _)| {
            let text = epub.text(&format!("OEBPS/{file}"));
            let doc = parse(text);
            let node = doc
                .descendants()
                .find(|n| n.attribute("id") == Some(id.as_str()))
                .unwrap();
            node.ancestors().any(|p| p.has_tag_name("p")) && node.prev_sibling().is_some()
        })
        .count();
    assert!(inside > 0, "no page starts inside a paragraph");
}

/// The first word of running text after each marker in the chapters, by
/// page number; markers before a table (whose text extracts cell by
/// cell) are left out.
fn first_words(epub: &Epub) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (file, id, label) in markers(epub) {
        if !file.starts_with("chapter-") {
            continue;
        }
        let text = epub.text(&format!("OEBPS/{file}"));
        let doc = parse(text);
        let marker = doc
            .descendants()
            .find(|n| n.attribute("id") == Some(id.as_str()))
            .unwrap();
        let following: Vec<roxmltree::Node<'_, '_>> = doc
            .descendants()
            .skip_while(|n| *n != marker)
            .skip(1)
            .collect();
        if following
            .iter()
            .find(|n| n.is_element())
            .is_some_and(|n| n.has_tag_name("table"))
        {
            continue;
        }
        let words: String = following
            .iter()
            .filter(|n| n.is_text())
            .take(4)
            .map(|n| n.text().unwrap())
            .collect();
        let word = words.split_whitespace().next().unwrap_or("").to_string();
        out.push((label.parse().unwrap(), word));
    }
    out
}

#[test]
fn each_marker_stands_where_its_pdf_page_begins() {
    let (pdf, epub) = export_both(&long_document(true), LayoutOptions::default());
    let pdf = lopdf::Document::load_mem(&pdf).unwrap();
    let epub = Epub::open(&epub);
    let words = first_words(&epub);
    assert!(words.len() > 10);
    for (page, epub_word) in words {
        let text = common::normalise(&pdf.extract_text(&[page as u32]).unwrap());
        let pdf_word = text
            .split_whitespace()
            .find(|w| *w != "•")
            .unwrap_or("")
            .to_string();
        // A word hyphenated across the page break starts the new page.
        assert!(
            !pdf_word.is_empty() && epub_word.ends_with(&pdf_word),
            "page {page} begins with {pdf_word:?} in the PDF, {epub_word:?} in the EPUB"
        );
    }
}

#[test]
fn the_pdf_contents_pages_are_marked_on_the_epub_contents_page() {
    let layout = LayoutOptions {
        toc: Some(true),
        ..LayoutOptions::default()
    };
    let (pdf, epub) = export_both(&long_document(false), layout);
    assert_pages_match(&pdf, &epub, "lang.pdf, A5");
    let epub = Epub::open(&epub);
    let markers = markers(&epub);
    // No cover image, but every book has a cover page: the title page (1)
    // goes there, the contents page(s) of the PDF where the EPUB's own
    // contents are.
    assert_eq!(markers[0].0, "cover.xhtml");
    assert_eq!(markers[1].0, "nav.xhtml");
    assert!(markers[1..].iter().any(|(file, ..)| file != "nav.xhtml"));
}

// ---------------------------------------------------------------------
// Markers placed by hand

fn text(s: &str) -> Inline {
    Inline::Text(s.into(), Span::DETACHED)
}

fn para_at(start: usize, content: Vec<Inline>) -> Block {
    Block::Paragraph {
        content,
        span: Span {
            start,
            end: start + 1,
        },
    }
}

fn write_with_pages(doc: &Document, starts: Vec<(usize, PageAnchor)>) -> Epub {
    let options = EpubOptions {
        page_starts: starts,
        page_source: Some("bok.pdf, A5".into()),
        ..EpubOptions::default()
    };
    let written = write_epub(doc, &Assets::default(), &FontSet::built_in(), &options)
        .expect("the EPUB is written");
    Epub::open(&written.output)
}

fn marker(page: usize) -> String {
    format!(
        "<span id=\"page-{page}\" class=\"pagebreak\" role=\"doc-pagebreak\" \
         aria-label=\"{page}\" epub:type=\"pagebreak\"/>"
    )
}

#[test]
fn a_marker_stands_before_its_word() {
    let doc = Document {
        blocks: vec![
            para_at(
                10,
                vec![
                    text("one two "),
                    Inline::Emph(vec![text("three four")], Span::DETACHED),
                    text(" five"),
                    Inline::SoftBreak(Span::DETACHED),
                    text("six"),
                ],
            ),
            Block::List {
                start: None,
                items: vec![ListItem {
                    task: None,
                    blocks: vec![para_at(40, vec![text("alpha beta gamma")])],
                    span: Span { start: 38, end: 50 },
                }],
                span: Span { start: 38, end: 50 },
            },
            para_at(60, vec![text("last")]),
        ],
        ..Document::default()
    };
    let starts = vec![
        (2, PageAnchor { block: 10, word: 3 }),
        (3, PageAnchor { block: 10, word: 5 }),
        (4, PageAnchor { block: 40, word: 2 }),
        (5, PageAnchor { block: 60, word: 0 }),
    ];
    let epub = write_with_pages(&doc, starts);
    let chapter = epub.text("OEBPS/chapter-1.xhtml");
    for expected in [
        format!("<em>three {}four</em> five\n{}six", marker(2), marker(3)),
        format!("<li><p>alpha beta {}gamma</p>", marker(4)),
        format!("{}\n<p>last</p>", marker(5)),
    ] {
        assert!(chapter.contains(&expected), "{expected}\n{chapter}");
    }
    // No cover image, but a cover page all the same: page 1 is there.
    let cover = epub.text("OEBPS/cover.xhtml");
    assert!(cover.contains(&marker(1)), "{cover}");
    let list = page_list(&epub);
    let labels: Vec<&str> = list.iter().map(|(label, _)| label.as_str()).collect();
    assert_eq!(labels, ["1", "2", "3", "4", "5"]);
}

#[test]
fn a_heading_with_a_page_id_does_not_clash() {
    let doc = Document {
        blocks: vec![
            Block::Heading {
                level: 1,
                id: "page-2".into(),
                content: vec![text("Page 2")],
                span: Span { start: 0, end: 8 },
            },
            para_at(10, vec![text("text")]),
        ],
        ..Document::default()
    };
    let epub = write_with_pages(&doc, vec![(2, PageAnchor { block: 10, word: 0 })]);
    let list = page_list(&epub);
    assert_eq!(list[1], ("2".into(), "chapter-1.xhtml#page-2-2".into()));
}

#[test]
fn without_page_starts_there_is_no_page_list() {
    let doc = Document {
        blocks: vec![para_at(0, vec![text("text")])],
        ..Document::default()
    };
    let epub = write_with_pages(&doc, Vec::new());
    assert!(page_list(&epub).is_empty());
    assert!(markers(&epub).is_empty());
    let opf = epub.text("OEBPS/content.opf");
    assert!(!opf.contains("pageBreakSource") && !opf.contains("printPageNumbers"));
}
