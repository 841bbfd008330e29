//! The EPUB back end, checked from the outside: documents built by hand,
//! written with `write_epub`, unzipped and parsed back.
//!
//! Set `MDG_EPUB_SAVE=/some/dir` to keep the EPUBs these tests write (to
//! run EPUBCheck or a reading system on them).

use mdg_export::assets::{Assets, EmbeddedSource, load_assets};
use mdg_export::diag::{Diagnostic, Severity, Span};
use mdg_export::epub::{EpubOptions, write_epub};
use mdg_export::fonts::FontSet;
use mdg_export::model::{Align, Block, Document, Footnote, Image, Inline, ListItem, Meta};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read};
use zip::{CompressionMethod, ZipArchive};

// ---------------------------------------------------------------------
// Building documents

fn sp(start: usize, end: usize) -> Span {
    Span { start, end }
}

fn t(text: &str) -> Inline {
    Inline::Text(text.into(), sp(1, 2))
}

fn heading(level: u8, id: &str, text: &str) -> Block {
    Block::Heading {
        level,
        id: id.into(),
        content: vec![t(text)],
        span: sp(10, 20),
    }
}

fn para(content: Vec<Inline>) -> Block {
    Block::Paragraph {
        content,
        span: sp(30, 40),
    }
}

fn link(url: &str, text: &str, span: Span) -> Inline {
    Inline::Link {
        url: url.into(),
        title: String::new(),
        content: vec![t(text)],
        span,
    }
}

fn image(url: &str, alt: &str, title: &str) -> Image {
    Image {
        url: url.into(),
        alt: alt.into(),
        title: title.into(),
        width: None,
        height: None,
        span: sp(50, 60),
    }
}

fn item(blocks: Vec<Block>, task: Option<bool>) -> ListItem {
    ListItem {
        task,
        blocks,
        span: sp(70, 80),
    }
}

const SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="300" height="100" viewBox="0 0 300 100">
<rect x="0" y="0" width="300" height="100" fill="#1a5fa0"/>
<text x="20" y="60" font-size="36" fill="#ffffff">Millenniemålen</text>
</svg>"##;

/// A 3 × 2 RGB PNG, made with the `png` crate.
fn png_bytes() -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, 3, 2);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().unwrap();
        writer.write_image_data(&[200; 18]).unwrap();
    }
    out
}

/// A Swedish document that uses every construct of the model.
fn every_construct() -> Document {
    let meta = Meta {
        title: vec![t("Toppmötet <&> ”millenniemålen”")],
        subtitle: vec![t("FN:s högnivåmöte, New York 20–22 september 2010")],
        authors: vec![
            "Förenta nationerna".into(),
            "Ban Ki-moon & medarbetare".into(),
        ],
        publisher: Some("FN:s informationskontor".into()),
        lang: "sv".into(),
        lang_declared: true,
        date: Some("2010-09-20".into()),
        description: Some("Om toppmötet <i>och</i> bakgrunden.".into()),
        keywords: vec!["millenniemålen".into(), " ".into(), "FN".into()],
        place: Some("New York".into()),
        name: "toppmotet".into(),
    };
    let blocks = vec![
        para(vec![
            t("Inledning före första rubriken, med en "),
            Inline::Image(image("logo.png", "liten logga", "")),
        ]),
        heading(1, "toppmotet", "Toppmötet <&>"),
        para(vec![
            t("Text med "),
            Inline::Emph(vec![t("kursiv")], sp(1, 2)),
            t(", "),
            Inline::Strong(vec![t("fet")], sp(1, 2)),
            t(", "),
            Inline::Strong(
                vec![Inline::Emph(vec![t("fet kursiv")], sp(1, 2))],
                sp(1, 2),
            ),
            t(", "),
            Inline::Strike(vec![t("struken")], sp(1, 2)),
            t(", "),
            Inline::Code("let x = a < b && c;".into(), sp(1, 2)),
            t(" och en not"),
            Inline::FootnoteRef {
                label: "a".into(),
                number: 1,
                span: sp(1, 2),
            },
            t("."),
            Inline::SoftBreak(sp(1, 2)),
            t("Ny rad"),
            Inline::HardBreak(sp(1, 2)),
            t("efter hård radbrytning … ”citat” – tankstreck."),
        ]),
        para(vec![
            t("Andra stycket med länk till "),
            link("#bakgrund", "bakgrunden", sp(100, 110)),
            t(", till "),
            link(
                "https://www.un.org/millenniumgoals/?a=1&b=2",
                "FN",
                sp(111, 120),
            ),
            t(", "),
            link("mailto:info@example.org", "e-post", sp(121, 130)),
            t(", en farlig "),
            link("javascript:alert(1)", "länk", sp(131, 140)),
            t(", en trasig "),
            link("#finns-inte", "länk", sp(141, 150)),
            t(" och rå "),
            Inline::Html("<span style=\"color:red\">".into(), sp(151, 175)),
            t("HTML"),
            Inline::Html("</span>".into(), sp(176, 183)),
            t("."),
        ]),
        Block::Html {
            html: "<div class=\"x\">rå block-HTML</div>".into(),
            span: sp(200, 235),
        },
        heading(2, "delmal", "Delmål"),
        Block::List {
            start: None,
            items: vec![
                item(vec![para(vec![t("punkt ett")])], None),
                item(
                    vec![
                        para(vec![t("punkt två")]),
                        Block::List {
                            start: Some(3),
                            items: vec![
                                item(vec![para(vec![t("tre")])], None),
                                item(vec![para(vec![t("fyra")])], None),
                            ],
                            span: sp(1, 2),
                        },
                    ],
                    None,
                ),
            ],
            span: sp(1, 2),
        },
        Block::List {
            start: Some(1),
            items: vec![item(vec![para(vec![t("ett")])], None)],
            span: sp(1, 2),
        },
        Block::List {
            start: None,
            items: vec![
                item(vec![para(vec![t("klar uppgift")])], Some(true)),
                item(vec![para(vec![t("öppen uppgift")])], Some(false)),
            ],
            span: sp(1, 2),
        },
        Block::Quote {
            alert: None,
            blocks: vec![
                para(vec![t("Ett citat.")]),
                para(vec![t("Andra stycket i citatet.")]),
            ],
            span: sp(1, 2),
        },
        Block::Code {
            lang: Some("rust".into()),
            text: "fn main() {\n    println!(\"<&>\");\n}".into(),
            span: sp(1, 2),
        },
        Block::Code {
            lang: None,
            text: "ren text".into(),
            span: sp(1, 2),
        },
        heading(3, "tabell", "Tabell"),
        Block::Table {
            align: vec![Align::None, Align::Left, Align::Center, Align::Right],
            head: vec![
                vec![t("Mål")],
                vec![t("Vänster")],
                vec![t("Mitten")],
                vec![t("Höger")],
            ],
            rows: vec![
                vec![
                    vec![t("1")],
                    vec![t("a")],
                    vec![Inline::Strong(vec![t("b")], sp(1, 2))],
                    vec![t("3,5")],
                ],
                vec![vec![t("2")], vec![], vec![t("c")], vec![t("10")]],
            ],
            span: sp(1, 2),
        },
        Block::Rule { span: sp(1, 2) },
        Block::Figure {
            image: image(
                "banner.svg",
                "Banderoll med de åtta målen",
                "Figur 1. Millenniemålen",
            ),
            span: sp(1, 2),
        },
        Block::Figure {
            image: image(
                "https://example.org/remote.png",
                "Fjärrbild som inte hämtas",
                "",
            ),
            span: sp(1, 2),
        },
        heading(1, "bakgrund", "Bakgrund"),
        para(vec![
            t("Tillbaka till "),
            link("#toppmotet", "början", sp(1, 2)),
            t(" och "),
            link("#delmal", "delmålen", sp(1, 2)),
            t(". Samma not igen"),
            Inline::FootnoteRef {
                label: "a".into(),
                number: 1,
                span: sp(1, 2),
            },
            t(" och en till"),
            Inline::FootnoteRef {
                label: "b".into(),
                number: 2,
                span: sp(1, 2),
            },
            t("."),
        ]),
        heading(2, "kallor", "Källor"),
        para(vec![
            t("Bilden igen: "),
            Inline::Image(image("logo.png", "liten logga", "Loggan")),
        ]),
    ];
    let footnotes = vec![
        Footnote {
            label: "a".into(),
            number: 1,
            blocks: vec![para(vec![
                t("Första noten, med "),
                link("#bakgrund", "länk", sp(1, 2)),
                t("."),
            ])],
            span: sp(1, 2),
        },
        Footnote {
            label: "b".into(),
            number: 2,
            blocks: vec![
                para(vec![t("Andra noten.")]),
                Block::Code {
                    lang: None,
                    text: "kod i not".into(),
                    span: sp(1, 2),
                },
            ],
            span: sp(1, 2),
        },
    ];
    Document {
        meta,
        cover: Some(image(
            "banner.svg",
            "Banderoll med rubriken Millenniemålen",
            "",
        )),
        blocks,
        footnotes,
    }
}

fn load(doc: &Document) -> Assets {
    let png: &'static [u8] = Box::leak(png_bytes().into_boxed_slice());
    let source = EmbeddedSource {
        files: BTreeMap::from([("banner.svg", SVG.as_bytes()), ("logo.png", png)]),
    };
    load_assets(doc, &source, &FontSet::built_in())
        .expect("the test images load")
        .output
}

fn options() -> EpubOptions {
    EpubOptions {
        modified: "2010-09-20T08:30:00Z".into(),
        generator: "mdg-export test".into(),
        ..EpubOptions::default()
    }
}

/// Writes the EPUB, saving it under `$MDG_EPUB_SAVE/<name>.epub` if set.
fn write(name: &str, doc: &Document, assets: &Assets) -> (Vec<u8>, Vec<Diagnostic>) {
    let warned =
        write_epub(doc, assets, &FontSet::built_in(), &options()).expect("the EPUB is written");
    if let Some(dir) = std::env::var_os("MDG_EPUB_SAVE") {
        let path = std::path::Path::new(&dir).join(format!("{name}.epub"));
        std::fs::write(&path, &warned.output).unwrap();
    }
    (warned.output, warned.warnings)
}

// ---------------------------------------------------------------------
// Reading EPUBs back

struct Epub {
    /// Entries in archive order: name, bytes, compression.
    entries: Vec<(String, Vec<u8>, CompressionMethod)>,
}

impl Epub {
    fn open(bytes: &[u8]) -> Epub {
        let mut archive = ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut entries = Vec::new();
        for i in 0..archive.len() {
            let mut file = archive.by_index(i).unwrap();
            let mut data = Vec::new();
            file.read_to_end(&mut data).unwrap();
            entries.push((file.name().to_string(), data, file.compression()));
        }
        Epub { entries }
    }

    fn names(&self) -> Vec<&str> {
        self.entries
            .iter()
            .map(|(name, ..)| name.as_str())
            .collect()
    }

    fn bytes(&self, name: &str) -> &[u8] {
        let (_, data, _) = self
            .entries
            .iter()
            .find(|(n, ..)| n == name)
            .unwrap_or_else(|| panic!("no {name} in {:?}", self.names()));
        data
    }

    fn text(&self, name: &str) -> String {
        String::from_utf8(self.bytes(name).to_vec()).unwrap()
    }

    fn has(&self, name: &str) -> bool {
        self.entries.iter().any(|(n, ..)| n == name)
    }

    fn opf_path(&self) -> String {
        let container = self.text("META-INF/container.xml");
        let doc = parse(&container);
        doc.descendants()
            .find(|n| n.has_tag_name("rootfile"))
            .and_then(|n| n.attribute("full-path"))
            .unwrap()
            .to_string()
    }

    /// Manifest items: id → (href relative to the zip root, media type, properties).
    fn manifest(&self) -> BTreeMap<String, (String, String, String)> {
        let opf_path = self.opf_path();
        let base = folder(&opf_path);
        let opf = self.text(&opf_path);
        let doc = parse(&opf);
        doc.descendants()
            .filter(|n| n.has_tag_name("item"))
            .map(|n| {
                (
                    n.attribute("id").unwrap().to_string(),
                    (
                        format!("{base}{}", n.attribute("href").unwrap()),
                        n.attribute("media-type").unwrap().to_string(),
                        n.attribute("properties").unwrap_or("").to_string(),
                    ),
                )
            })
            .collect()
    }

    /// Spine documents in order (paths from the zip root).
    fn spine(&self) -> Vec<String> {
        let manifest = self.manifest();
        let opf = self.text(&self.opf_path());
        let doc = parse(&opf);
        doc.descendants()
            .filter(|n| n.has_tag_name("itemref"))
            .map(|n| manifest[n.attribute("idref").unwrap()].0.clone())
            .collect()
    }

    fn xhtml_files(&self) -> Vec<String> {
        self.manifest()
            .into_values()
            .filter(|(_, mime, _)| mime == "application/xhtml+xml")
            .map(|(href, ..)| href)
            .collect()
    }
}

fn folder(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..=i])
}

fn parse(xml: &str) -> roxmltree::Document<'_> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    roxmltree::Document::parse_with_options(xml, options)
        .unwrap_or_else(|err| panic!("{err}:\n{xml}"))
}

const XHTML_NS: &str = "http://www.w3.org/1999/xhtml";
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
const EPUB_NS: &str = "http://www.idpf.org/2007/ops";
const DC_NS: &str = "http://purl.org/dc/elements/1.1/";

fn every_construct_epub() -> (Epub, Vec<Diagnostic>, Document) {
    let doc = every_construct();
    let assets = load(&doc);
    let (bytes, warnings) = write("every-construct", &doc, &assets);
    (Epub::open(&bytes), warnings, doc)
}

fn dc<'a>(opf: &'a roxmltree::Document<'a>, name: &str) -> Vec<String> {
    opf.descendants()
        .filter(|n| n.tag_name().namespace() == Some(DC_NS) && n.tag_name().name() == name)
        .map(|n| n.text().unwrap_or("").to_string())
        .collect()
}

fn meta_values(opf: &roxmltree::Document<'_>, property: &str) -> Vec<String> {
    opf.descendants()
        .filter(|n| n.has_tag_name("meta") && n.attribute("property") == Some(property))
        .map(|n| n.text().unwrap_or("").to_string())
        .collect()
}

// ---------------------------------------------------------------------
// The container

#[test]
fn mimetype_is_the_first_entry_and_stored() {
    let (epub, ..) = every_construct_epub();
    let (name, data, method) = &epub.entries[0];
    assert_eq!(name, "mimetype");
    assert_eq!(data, b"application/epub+zip");
    assert_eq!(*method, CompressionMethod::Stored);
    // Text is deflated; compressed images are stored when deflating
    // would not shrink them.
    for (name, _, method) in &epub.entries[1..] {
        let compressed_image = [".png", ".jpg", ".jpeg"].iter().any(|e| name.ends_with(e));
        if !compressed_image {
            assert_eq!(*method, CompressionMethod::Deflated, "{name}");
        }
    }
}

#[test]
fn container_points_to_the_package_document() {
    let (epub, ..) = every_construct_epub();
    let opf_path = epub.opf_path();
    assert_eq!(opf_path, "OEBPS/content.opf");
    let opf = epub.text(&opf_path);
    let opf = parse(&opf);
    assert_eq!(opf.root_element().tag_name().name(), "package");
    assert_eq!(opf.root_element().attribute("version"), Some("3.0"));
}

#[test]
fn manifest_and_zip_hold_the_same_files() {
    let (epub, ..) = every_construct_epub();
    let manifest = epub.manifest();
    let listed: BTreeSet<&str> = manifest.values().map(|(href, ..)| href.as_str()).collect();
    for href in &listed {
        assert!(epub.has(href), "manifest item {href} is not in the zip");
    }
    let opf_path = epub.opf_path();
    for name in epub.names() {
        if name == "mimetype" || name.starts_with("META-INF/") || name == opf_path {
            continue;
        }
        assert!(
            listed.contains(name),
            "zip entry {name} is not in the manifest"
        );
    }
    let names = epub.names();
    let unique: BTreeSet<_> = names.iter().collect();
    assert_eq!(unique.len(), names.len(), "duplicate zip entries");
}

#[test]
fn spine_lists_cover_contents_chapters_and_notes_in_order() {
    let (epub, ..) = every_construct_epub();
    assert_eq!(
        epub.spine(),
        [
            "OEBPS/cover.xhtml",
            "OEBPS/nav.xhtml",
            "OEBPS/chapter-1.xhtml",
            "OEBPS/chapter-2.xhtml",
            "OEBPS/chapter-3.xhtml",
            "OEBPS/notes.xhtml"
        ]
    );
}

// ---------------------------------------------------------------------
// Content documents

#[test]
fn every_xhtml_parses_and_declares_its_language() {
    let (epub, ..) = every_construct_epub();
    let files = epub.xhtml_files();
    assert!(files.len() >= 6, "{files:?}");
    for file in files {
        let text = epub.text(&file);
        let doc = parse(&text);
        let html = doc.root_element();
        assert_eq!(html.tag_name().namespace(), Some(XHTML_NS), "{file}");
        assert_eq!(html.attribute("lang"), Some("sv"), "{file}");
        assert_eq!(html.attribute((XML_NS, "lang")), Some("sv"), "{file}");
        let mut ids = BTreeSet::new();
        for node in doc.descendants() {
            if let Some(id) = node.attribute("id") {
                assert!(ids.insert(id), "{file}: duplicate id {id}");
            }
        }
        assert!(!text.contains("style=\""), "{file} has a style attribute");
    }
}

#[test]
fn every_internal_link_resolves() {
    let (epub, ..) = every_construct_epub();
    let mut checked = 0;
    for file in epub.xhtml_files() {
        let text = epub.text(&file);
        let doc = parse(&text);
        for node in doc.descendants() {
            let Some(href) = node.attribute("href").or_else(|| node.attribute("src")) else {
                continue;
            };
            if href.starts_with("https:")
                || href.starts_with("mailto:")
                || href.starts_with("http:")
            {
                continue;
            }
            let (path, fragment) = href.split_once('#').unwrap_or((href, ""));
            let target = format!("{}{path}", folder(&file));
            assert!(epub.has(&target), "{file}: {href} points to a missing file");
            if !fragment.is_empty() {
                let target_text = epub.text(&target);
                let target_doc = parse(&target_text);
                assert!(
                    target_doc
                        .descendants()
                        .any(|n| n.attribute("id") == Some(fragment)),
                    "{file}: {href} points to a missing id"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 10);
}

#[test]
fn chapters_are_sections_labelled_by_their_heading() {
    let (epub, ..) = every_construct_epub();
    let text = epub.text("OEBPS/chapter-2.xhtml");
    let doc = parse(&text);
    let section = doc
        .descendants()
        .find(|n| n.has_tag_name("section"))
        .unwrap();
    assert_eq!(section.attribute((EPUB_NS, "type")), Some("chapter"));
    assert_eq!(section.attribute("role"), Some("doc-chapter"));
    assert_eq!(section.attribute("aria-labelledby"), Some("toppmotet"));
    let h1 = section.children().find(|n| n.is_element()).unwrap();
    assert_eq!(h1.tag_name().name(), "h1");
    assert_eq!(h1.attribute("id"), Some("toppmotet"));
    // The h2 opens a nested section, the h3 one inside that.
    let h3 = doc.descendants().find(|n| n.has_tag_name("h3")).unwrap();
    let ancestors: Vec<_> = h3
        .ancestors()
        .filter(|n| n.has_tag_name("section"))
        .collect();
    assert_eq!(ancestors.len(), 3);
    assert_eq!(ancestors[1].attribute("aria-labelledby"), Some("delmal"));
}

#[test]
fn every_construct_is_mapped() {
    let (epub, ..) = every_construct_epub();
    let text = epub.text("OEBPS/chapter-2.xhtml");
    for expected in [
        "<em>kursiv</em>",
        "<strong>fet</strong>",
        "<strong><em>fet kursiv</em></strong>",
        "<del>struken</del>",
        "<code>let x = a &lt; b &amp;&amp; c;</code>",
        "</sup>.\nNy rad<br/>\nefter hård",
        "<ul>",
        "<ol start=\"3\">",
        "<ol>\n<li><p>ett</p>",
        "<blockquote>",
        "<pre><code class=\"language-rust\">fn main() {\n    println!(\"&lt;&amp;&gt;\");\n}</code></pre>",
        "<pre><code>ren text</code></pre>",
        "<th scope=\"col\">Mål</th>",
        "<th scope=\"col\" class=\"align-left\">",
        "<td class=\"align-center\"><strong>b</strong></td>",
        "<td class=\"align-right\">3,5</td>",
        "<hr/>",
        "<figcaption>Figur 1. Millenniemålen</figcaption>",
        // The title is the caption; it is not repeated on the image.
        "<img src=\"images/img-1.svg\" alt=\"Banderoll med de åtta målen\"/>",
        "<span class=\"missing-image\">Fjärrbild som inte hämtas</span>",
        "href=\"https://www.un.org/millenniumgoals/?a=1&amp;b=2\"",
        "href=\"mailto:info@example.org\"",
        "href=\"chapter-3.xhtml#bakgrund\"",
        "role=\"img\" aria-label=\"klar\">\u{2611}</span> klar uppgift",
        "aria-label=\"inte klar\">\u{2610}</span>",
    ] {
        assert!(
            text.contains(expected),
            "chapter-2 lacks {expected:?}:\n{text}"
        );
    }
    let preamble = epub.text("OEBPS/chapter-1.xhtml");
    assert!(
        preamble.contains("<img src=\"images/img-2.png\" alt=\"liten logga\"/>"),
        "{preamble}"
    );
    let last = epub.text("OEBPS/chapter-3.xhtml");
    assert!(last.contains("href=\"chapter-2.xhtml#toppmotet\""));
    assert!(last.contains("href=\"chapter-2.xhtml#delmal\""));
    assert!(last.contains("title=\"Loggan\""));
}

#[test]
fn titles_and_text_are_escaped() {
    let (epub, ..) = every_construct_epub();
    let opf = epub.text(&epub.opf_path());
    let opf = parse(&opf);
    assert_eq!(
        dc(&opf, "title"),
        [
            "Toppmötet <&> ”millenniemålen”",
            "FN:s högnivåmöte, New York 20–22 september 2010"
        ]
    );
    assert_eq!(
        dc(&opf, "description"),
        ["Om toppmötet <i>och</i> bakgrunden."]
    );
    assert_eq!(
        dc(&opf, "creator"),
        ["Förenta nationerna", "Ban Ki-moon & medarbetare"]
    );

    let chapter = epub.text("OEBPS/chapter-2.xhtml");
    let doc = parse(&chapter);
    let h1 = doc.descendants().find(|n| n.has_tag_name("h1")).unwrap();
    assert_eq!(h1.text(), Some("Toppmötet <&>"));
    let title = doc.descendants().find(|n| n.has_tag_name("title")).unwrap();
    assert_eq!(title.text(), Some("Toppmötet <&>"));

    let ncx = epub.text("OEBPS/toc.ncx");
    let ncx = parse(&ncx);
    let doc_title = ncx
        .descendants()
        .find(|n| n.has_tag_name("docTitle"))
        .unwrap();
    assert_eq!(
        doc_title
            .descendants()
            .find(|n| n.is_text())
            .and_then(|n| n.text()),
        Some("Toppmötet <&> ”millenniemålen”")
    );
}

#[test]
fn control_characters_are_stripped() {
    let mut doc = every_construct();
    doc.meta.title = vec![t("Bell\u{7}title\u{0}")];
    doc.blocks = vec![
        heading(1, "a", "Nul\u{0}heading"),
        para(vec![t("esc\u{1b}ape \u{fffe}")]),
    ];
    doc.footnotes.clear();
    doc.cover = None;
    let (bytes, _) = write("control", &doc, &Assets::default());
    let epub = Epub::open(&bytes);
    let opf = epub.text(&epub.opf_path());
    assert_eq!(dc(&parse(&opf), "title")[0], "Belltitle");
    let chapter = epub.text("OEBPS/chapter-1.xhtml");
    assert!(chapter.contains("<h1 id=\"a\">Nulheading</h1>"));
    assert!(chapter.contains("<p>escape </p>"));
}

// ---------------------------------------------------------------------
// Navigation

#[test]
fn nav_lists_every_heading_nested_by_level() {
    let (epub, _, doc) = every_construct_epub();
    let nav = epub.text("OEBPS/nav.xhtml");
    let nav_doc = parse(&nav);
    let html = nav_doc.root_element();
    assert_eq!(html.attribute("lang"), Some("sv"));
    assert_eq!(html.attribute((XML_NS, "lang")), Some("sv"));
    let toc = nav_doc
        .descendants()
        .find(|n| n.has_tag_name("nav") && n.attribute((EPUB_NS, "type")) == Some("toc"))
        .unwrap();
    assert_eq!(toc.attribute("role"), Some("doc-toc"));
    let hrefs: Vec<&str> = toc
        .descendants()
        .filter(|n| n.has_tag_name("a"))
        .map(|n| n.attribute("href").unwrap())
        .collect();
    let heading_ids: Vec<&str> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { id, .. } => Some(id.as_str()),
            _ => None,
        })
        .collect();
    for id in &heading_ids {
        assert!(
            hrefs.iter().any(|h| h.ends_with(&format!("#{id}"))),
            "nav lacks #{id}: {hrefs:?}"
        );
    }
    assert_eq!(
        hrefs,
        [
            "chapter-1.xhtml",
            "chapter-2.xhtml#toppmotet",
            "chapter-2.xhtml#delmal",
            "chapter-2.xhtml#tabell",
            "chapter-3.xhtml#bakgrund",
            "chapter-3.xhtml#kallor",
            "notes.xhtml"
        ]
    );
    // "Tabell" (h3) is nested two levels below "Toppmötet" (h1).
    let tabell = toc
        .descendants()
        .find(|n| n.attribute("href") == Some("chapter-2.xhtml#tabell"))
        .unwrap();
    assert_eq!(
        tabell.ancestors().filter(|n| n.has_tag_name("ol")).count(),
        3
    );

    let landmarks: Vec<(&str, &str)> = nav_doc
        .descendants()
        .filter(|n| n.has_tag_name("a") && n.attribute((EPUB_NS, "type")).is_some())
        .map(|n| {
            (
                n.attribute((EPUB_NS, "type")).unwrap(),
                n.attribute("href").unwrap(),
            )
        })
        .collect();
    assert_eq!(
        landmarks,
        [
            ("cover", "cover.xhtml"),
            ("toc", "nav.xhtml#toc"),
            ("bodymatter", "chapter-1.xhtml")
        ]
    );

    let ncx = epub.text("OEBPS/toc.ncx");
    let ncx = parse(&ncx);
    let sources: Vec<&str> = ncx
        .descendants()
        .filter(|n| n.has_tag_name("content"))
        .map(|n| n.attribute("src").unwrap())
        .collect();
    assert_eq!(sources, hrefs);
}

#[test]
fn ncx_carries_the_package_identifier() {
    let (epub, ..) = every_construct_epub();
    let opf = epub.text(&epub.opf_path());
    let opf = parse(&opf);
    let identifier = dc(&opf, "identifier");
    assert_eq!(identifier.len(), 1);
    let ncx = epub.text("OEBPS/toc.ncx");
    let ncx = parse(&ncx);
    let uid = ncx
        .descendants()
        .find(|n| n.attribute("name") == Some("dtb:uid"))
        .and_then(|n| n.attribute("content"));
    assert_eq!(uid, Some(identifier[0].as_str()));
}

// ---------------------------------------------------------------------
// Cover, footnotes, images, fonts

#[test]
fn the_cover_is_a_page_and_the_cover_image() {
    let (epub, ..) = every_construct_epub();
    let manifest = epub.manifest();
    let covers: Vec<_> = manifest
        .values()
        .filter(|(_, _, properties)| properties.split(' ').any(|p| p == "cover-image"))
        .collect();
    assert_eq!(covers.len(), 1);
    // A portrait raster every reading system shows (issue 16).
    assert_eq!(covers[0].0, "OEBPS/images/cover.png");
    assert_eq!(covers[0].1, "image/png");
    let png = png::Decoder::new(std::io::Cursor::new(epub.bytes("OEBPS/images/cover.png")));
    let info = png.read_info().unwrap().info().clone();
    assert!(info.width >= 1000 && info.height > info.width, "{info:?}");

    let page = epub.text("OEBPS/cover.xhtml");
    let doc = parse(&page);
    let body = doc.descendants().find(|n| n.has_tag_name("body")).unwrap();
    assert_eq!(body.attribute((EPUB_NS, "type")), Some("frontmatter"));
    let img = doc.descendants().find(|n| n.has_tag_name("img")).unwrap();
    assert_eq!(img.attribute("role"), Some("doc-cover"));
    assert_eq!(img.attribute("src"), Some("images/cover.png"));
    // The title it shows, then what its banner shows.
    let alt = img.attribute("alt").unwrap();
    assert!(
        alt.ends_with(". Banderoll med rubriken Millenniemålen"),
        "{alt}"
    );
    assert!(
        doc.descendants()
            .any(|n| n.attribute((EPUB_NS, "type")) == Some("cover"))
    );
}

#[test]
fn each_image_goes_in_once() {
    let (epub, ..) = every_construct_epub();
    let images: Vec<_> = epub
        .names()
        .into_iter()
        .filter(|n| n.contains("/images/"))
        .collect();
    // The banner, drawn into the cover raster, is also a figure here.
    assert_eq!(
        images,
        [
            "OEBPS/images/cover.png",
            "OEBPS/images/img-1.svg",
            "OEBPS/images/img-2.png"
        ]
    );
    let manifest = epub.manifest();
    assert!(
        manifest
            .values()
            .any(|(href, mime, _)| href == "OEBPS/images/img-2.png" && mime == "image/png")
    );
}

#[test]
fn footnotes_link_both_ways() {
    let (epub, ..) = every_construct_epub();
    let chapter = epub.text("OEBPS/chapter-2.xhtml");
    assert!(chapter.contains(
        "<sup><a epub:type=\"noteref\" role=\"doc-noteref\" href=\"notes.xhtml#fn-1\" id=\"fnref-1\">1</a></sup>"
    ));
    let later = epub.text("OEBPS/chapter-3.xhtml");
    assert!(
        later.contains("href=\"notes.xhtml#fn-1\" id=\"fnref-1\">1</a>"),
        "{later}"
    );
    assert!(later.contains("href=\"notes.xhtml#fn-2\" id=\"fnref-2\">2</a>"));

    let notes = epub.text("OEBPS/notes.xhtml");
    let doc = parse(&notes);
    let section = doc
        .descendants()
        .find(|n| n.has_tag_name("section"))
        .unwrap();
    assert_eq!(section.attribute((EPUB_NS, "type")), Some("endnotes"));
    assert_eq!(section.attribute("role"), Some("doc-endnotes"));
    let items: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("li")).collect();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].attribute("id"), Some("fn-1"));
    let backlinks: Vec<&str> = doc
        .descendants()
        .filter(|n| n.attribute("role") == Some("doc-backlink"))
        .map(|n| n.attribute("href").unwrap())
        .collect();
    assert_eq!(
        backlinks,
        ["chapter-2.xhtml#fnref-1", "chapter-3.xhtml#fnref-2"]
    );
    // Links inside notes are resolved too.
    assert!(notes.contains("href=\"chapter-3.xhtml#bakgrund\""));
    let body = doc.descendants().find(|n| n.has_tag_name("body")).unwrap();
    assert_eq!(body.attribute((EPUB_NS, "type")), Some("backmatter"));
}

#[test]
fn fonts_are_subset_embedded_and_declared() {
    let (epub, ..) = every_construct_epub();
    let manifest = epub.manifest();
    let fonts: Vec<_> = manifest
        .values()
        .filter(|(_, mime, _)| mime == "font/otf")
        .collect();
    assert_eq!(fonts.len(), 7);
    let css = epub.text("OEBPS/stylesheet.css");
    for (href, ..) in &fonts {
        let file = href.trim_start_matches("OEBPS/");
        assert!(
            css.contains(&format!("url(\"{file}\")")),
            "{file} has no @font-face"
        );
        let (_, data, _) = epub.entries.iter().find(|(n, ..)| n == href).unwrap();
        assert!(data.starts_with(b"OTTO"));
        assert!(
            data.len() < 100_000,
            "{href} is {} bytes: not subset",
            data.len()
        );
    }
    assert!(css.contains("font-family: \"Linux Libertine O\", serif;"));
    assert!(css.contains("hyphens: auto;"));
    assert!(
        !css.contains("color:") && !css.contains("color :"),
        "the style sheet sets a colour"
    );
}

// ---------------------------------------------------------------------
// What is dropped, with warnings

#[test]
fn raw_html_is_kept_without_what_is_unsafe() {
    let (epub, warnings, _) = every_construct_epub();
    let html_warnings: Vec<&Diagnostic> = warnings
        .iter()
        .filter(|w| w.message.contains("raw HTML"))
        .collect();
    let spans: Vec<Span> = html_warnings.iter().map(|w| w.span).collect();
    assert_eq!(spans, [sp(151, 175), sp(200, 235)]);
    assert_eq!(
        html_warnings[0].message,
        "raw HTML in the EPUB: left out the `style` attribute"
    );
    assert_eq!(
        html_warnings[1].message,
        "raw HTML in the EPUB: left out the `class` attribute"
    );
    for warning in html_warnings {
        assert_eq!(warning.severity, Severity::Warning);
        assert!(warning.hints[0].starts_with("write it in Markdown"));
    }
    let chapter = epub.text("OEBPS/chapter-2.xhtml");
    assert!(!chapter.contains("color:red"));
    assert!(chapter.contains("och rå <span>HTML</span>."), "{chapter}");
    assert!(chapter.contains("<div>rå block-HTML</div>"), "{chapter}");
}

#[test]
fn unsafe_and_broken_links_are_dropped_with_a_warning() {
    let (epub, warnings, _) = every_construct_epub();
    let chapter = epub.text("OEBPS/chapter-2.xhtml");
    assert!(!chapter.contains("javascript"));
    assert!(chapter.contains(", en farlig länk, en trasig länk och"));
    let js = warnings
        .iter()
        .find(|w| w.message.contains("javascript:alert(1)"))
        .unwrap();
    assert_eq!(js.span, sp(131, 140));
    assert!(!js.hints.is_empty());
    let broken = warnings
        .iter()
        .find(|w| w.message.contains("#finns-inte"))
        .unwrap();
    assert_eq!(broken.span, sp(141, 150));
    assert!(warnings.iter().all(|w| w.severity == Severity::Warning));
    assert_eq!(warnings.len(), 4, "{warnings:#?}");
}

// ---------------------------------------------------------------------
// Metadata

#[test]
fn package_metadata_is_complete() {
    let (epub, ..) = every_construct_epub();
    let opf_text = epub.text(&epub.opf_path());
    let opf = parse(&opf_text);
    assert_eq!(dc(&opf, "language"), ["sv"]);
    assert_eq!(dc(&opf, "publisher"), ["FN:s informationskontor"]);
    assert_eq!(dc(&opf, "date"), ["2010-09-20"]);
    assert_eq!(dc(&opf, "coverage"), ["New York"]);
    assert_eq!(dc(&opf, "subject"), ["millenniemålen", "FN"]);
    assert_eq!(
        meta_values(&opf, "dcterms:modified"),
        ["2010-09-20T08:30:00Z"]
    );
    let identifier = &dc(&opf, "identifier")[0];
    let uuid = uuid::Uuid::parse_str(identifier.trim_start_matches("urn:uuid:")).unwrap();
    assert_eq!(uuid.get_version_num(), 5);
    assert_eq!(meta_values(&opf, "title-type"), ["main", "subtitle"]);

    // No id is used twice (epub-builder gives dc:language and dc:creator
    // the same one).
    let mut ids = BTreeSet::new();
    for node in opf.descendants() {
        if let Some(id) = node.attribute("id") {
            assert!(ids.insert(id), "duplicate id {id} in the package document");
        }
    }
    for refines in opf.descendants().filter_map(|n| n.attribute("refines")) {
        assert!(
            ids.contains(refines.trim_start_matches('#')),
            "refines {refines} names no element"
        );
    }
    let generator = opf
        .descendants()
        .find(|n| n.attribute("name") == Some("generator"))
        .and_then(|n| n.attribute("content"));
    assert_eq!(generator, Some("mdg-export test"));
}

#[test]
fn accessibility_metadata_is_there_and_in_the_document_language() {
    let (epub, ..) = every_construct_epub();
    let opf = epub.text(&epub.opf_path());
    let opf = parse(&opf);
    assert_eq!(
        meta_values(&opf, "schema:accessMode"),
        ["textual", "visual"]
    );
    assert_eq!(
        meta_values(&opf, "schema:accessModeSufficient"),
        ["textual,visual", "textual"]
    );
    assert_eq!(
        meta_values(&opf, "schema:accessibilityFeature"),
        [
            "structuralNavigation",
            "tableOfContents",
            "readingOrder",
            "alternativeText",
            "displayTransformability"
        ]
    );
    assert_eq!(meta_values(&opf, "schema:accessibilityHazard"), ["none"]);
    assert_eq!(
        meta_values(&opf, "dcterms:conformsTo"),
        ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"]
    );
    let summary = &meta_values(&opf, "schema:accessibilitySummary")[0];
    assert!(summary.starts_with("Publikationen uppfyller"), "{summary}");
    // The metadata's own language (Ace: `epub-lang`).
    assert_eq!(opf.root_element().attribute((XML_NS, "lang")), Some("sv"));
}

#[test]
fn an_english_document_without_images_gets_english_labels() {
    let doc = Document {
        meta: Meta {
            title: vec![t("Report")],
            ..Meta::default()
        },
        blocks: vec![heading(2, "one", "One"), para(vec![t("Text.")])],
        ..Document::default()
    };
    let (bytes, warnings) = write("english", &doc, &Assets::default());
    assert!(warnings.is_empty(), "{warnings:?}");
    let epub = Epub::open(&bytes);
    let opf = epub.text(&epub.opf_path());
    let opf = parse(&opf);
    assert_eq!(dc(&opf, "language"), ["en"]);
    assert_eq!(meta_values(&opf, "schema:accessMode"), ["textual"]);
    assert_eq!(
        meta_values(&opf, "schema:accessModeSufficient"),
        ["textual"]
    );
    assert!(meta_values(&opf, "schema:accessibilitySummary")[0].starts_with("This publication"));
    assert!(!epub.has("OEBPS/notes.xhtml"));
    let nav = epub.text("OEBPS/nav.xhtml");
    assert!(nav.contains(">Contents</h1>"));
    assert!(nav.contains("lang=\"en\" xml:lang=\"en\""));
    // Without a banner, the cover still shows the title.
    assert_eq!(
        epub.spine(),
        [
            "OEBPS/cover.xhtml",
            "OEBPS/nav.xhtml",
            "OEBPS/chapter-1.xhtml"
        ]
    );
}

#[test]
fn only_the_faces_the_text_is_set_in_are_embedded() {
    let doc = Document {
        meta: Meta {
            title: vec![t("Report")],
            ..Meta::default()
        },
        blocks: vec![
            heading(1, "one", "One"),
            para(vec![
                t("Plain text, with "),
                Inline::Emph(vec![t("ÅÄÖ")], sp(1, 2)),
            ]),
        ],
        ..Document::default()
    };
    let (bytes, _) = write("faces", &doc, &Assets::default());
    let epub = Epub::open(&bytes);
    let mut fonts: Vec<String> = epub
        .manifest()
        .into_values()
        .filter(|(_, mime, _)| mime == "font/otf")
        .map(|(href, ..)| href)
        .collect();
    fonts.sort();
    assert_eq!(
        fonts,
        [
            "OEBPS/fonts/heading.otf",
            "OEBPS/fonts/italic.otf",
            "OEBPS/fonts/regular.otf"
        ]
    );
    let css = epub.text("OEBPS/stylesheet.css");
    assert_eq!(css.matches("@font-face").count(), 3);
    assert!(
        css.contains("font-family: monospace;"),
        "code falls back to the reader's font"
    );
    // Each subset holds the characters set in it: Å only in the italic.
    let face = |name: &str| {
        let (_, data, _) = epub.entries.iter().find(|(n, ..)| n == name).unwrap();
        data.clone()
    };
    let italic = face("OEBPS/fonts/italic.otf");
    let regular = face("OEBPS/fonts/regular.otf");
    let glyph = |data: &[u8], c: char| {
        rustybuzz::ttf_parser::Face::parse(data, 0)
            .unwrap()
            .glyph_index(c)
            .is_some()
    };
    assert!(glyph(&italic, 'Å'));
    assert!(!glyph(&regular, 'Å'));
}

#[test]
fn an_empty_document_is_still_a_complete_book() {
    let (bytes, _) = write("empty", &Document::default(), &Assets::default());
    let epub = Epub::open(&bytes);
    assert_eq!(
        epub.spine(),
        [
            "OEBPS/cover.xhtml",
            "OEBPS/nav.xhtml",
            "OEBPS/chapter-1.xhtml"
        ]
    );
    let opf = epub.text(&epub.opf_path());
    assert_eq!(dc(&parse(&opf), "title"), ["Untitled"]);
    let nav = epub.text("OEBPS/nav.xhtml");
    assert!(
        nav.contains("<li><a href=\"chapter-1.xhtml\">Start</a></li>"),
        "{nav}"
    );
}

// ---------------------------------------------------------------------
// Determinism and errors

#[test]
fn the_same_input_gives_the_same_bytes() {
    let doc = every_construct();
    let assets = load(&doc);
    let (first, _) = write("determinism-1", &doc, &assets);
    let (second, _) = write("determinism-2", &doc, &assets);
    assert!(first == second, "two exports of the same document differ");

    let mut changed = doc.clone();
    changed.blocks.push(para(vec![t("Ett stycke till.")]));
    let (third, _) = write("determinism-3", &changed, &assets);
    let id = |bytes: &[u8]| {
        let epub = Epub::open(bytes);
        let opf = epub.text(&epub.opf_path());
        dc(&parse(&opf), "identifier")
    };
    assert_ne!(
        id(&first),
        id(&third),
        "the identifier does not follow the content"
    );
}

#[test]
fn zip_entry_times_come_from_modified() {
    let doc = every_construct();
    let assets = load(&doc);
    let (bytes, _) = write("times", &doc, &assets);
    let mut archive = ZipArchive::new(Cursor::new(&bytes[..])).unwrap();
    for i in 0..archive.len() {
        let file = archive.by_index(i).unwrap();
        let time = file.last_modified().unwrap();
        assert_eq!(
            (
                time.year(),
                time.month(),
                time.day(),
                time.hour(),
                time.minute()
            ),
            (2010, 9, 20, 8, 30),
            "{}",
            file.name()
        );
    }
}

#[test]
fn an_invalid_modification_time_is_an_error() {
    let options = EpubOptions {
        modified: "2010-09-20".into(),
        ..EpubOptions::default()
    };
    let errors = write_epub(
        &Document::default(),
        &Assets::default(),
        &FontSet::built_in(),
        &options,
    )
    .unwrap_err();
    assert_eq!(errors.len(), 1);
    assert!(errors[0].is_error());
    assert!(errors[0].message.contains("2010-09-20"));
}

#[test]
fn default_options_are_valid() {
    let options = EpubOptions::default();
    assert_eq!(options.modified, "2000-01-01T00:00:00Z");
    assert_eq!(
        options.generator,
        format!("mdg-export {}", env!("CARGO_PKG_VERSION"))
    );
    assert!(
        write_epub(
            &Document::default(),
            &Assets::default(),
            &FontSet::built_in(),
            &options
        )
        .is_ok()
    );
}

#[test]
fn a_bad_language_tag_falls_back_to_english_with_a_warning() {
    let doc = Document {
        meta: Meta {
            lang: "svenska".into(),
            ..Meta::default()
        },
        ..Document::default()
    };
    let (bytes, warnings) = write("bad-lang", &doc, &Assets::default());
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].message.contains("svenska"));
    let epub = Epub::open(&bytes);
    let opf = epub.text(&epub.opf_path());
    assert_eq!(dc(&parse(&opf), "language"), ["en"]);
}

/// Odd but possible input: what a parser may hand over at the edges.
fn edge_cases() -> Document {
    let noteref = |number: usize| Inline::FootnoteRef {
        label: format!("n{number}"),
        number,
        span: sp(300, 305),
    };
    Document {
        meta: Meta {
            title: vec![t("حقوق")],
            lang: "ar".into(),
            ..Meta::default()
        },
        cover: None,
        blocks: vec![
            Block::Heading {
                level: 2,
                id: "first".into(),
                content: vec![t("Rubrik"), noteref(1)],
                span: sp(1, 2),
            },
            para(vec![
                Inline::Link {
                    url: "https://example.org/a b".into(),
                    title: "a \"quoted\" title".into(),
                    content: vec![
                        t("link "),
                        noteref(1),
                        Inline::Link {
                            url: "https://nested.example".into(),
                            title: String::new(),
                            content: vec![t("nested")],
                            span: sp(1, 2),
                        },
                    ],
                    span: sp(1, 2),
                },
                noteref(1),
                noteref(9),
            ]),
            Block::Quote {
                alert: None,
                blocks: vec![Block::Heading {
                    level: 4,
                    id: "in quote".into(),
                    content: vec![],
                    span: sp(1, 2),
                }],
                span: sp(1, 2),
            },
            para(vec![link("#in%20quote", "to the quote", sp(1, 2))]),
            para(vec![]),
            Block::Code {
                lang: Some("rust ignore".into()),
                text: "x".into(),
                span: sp(1, 2),
            },
            Block::Table {
                align: vec![Align::Right],
                head: vec![vec![t("only head")]],
                rows: vec![],
                span: sp(1, 2),
            },
            Block::List {
                start: Some(0),
                items: vec![item(
                    vec![Block::Code {
                        lang: None,
                        text: "code first".into(),
                        span: sp(1, 2),
                    }],
                    Some(false),
                )],
                span: sp(1, 2),
            },
            heading(2, "second", ""),
            para(vec![link("relative/file.html", "relative", sp(400, 410))]),
        ],
        footnotes: vec![
            Footnote {
                label: "n1".into(),
                number: 1,
                blocks: vec![para(vec![t("Note one.")])],
                span: sp(1, 2),
            },
            Footnote {
                label: "n2".into(),
                number: 2,
                blocks: vec![],
                span: sp(1, 2),
            },
        ],
    }
}

#[test]
fn edge_cases_give_a_valid_book() {
    let doc = edge_cases();
    let (bytes, warnings) = write("edge-cases", &doc, &Assets::default());
    let epub = Epub::open(&bytes);
    for file in epub.xhtml_files() {
        let text = epub.text(&file);
        let html = parse(&text);
        assert_eq!(html.root_element().attribute("dir"), Some("rtl"), "{file}");
        for node in html.descendants().filter(|n| n.has_tag_name("a")) {
            assert!(
                node.descendants().skip(1).all(|n| !n.has_tag_name("a")),
                "{file}: a link inside a link"
            );
        }
    }
    let opf = epub.text(&epub.opf_path());
    assert!(opf.contains("page-progression-direction=\"rtl\""));

    let chapter = epub.text("OEBPS/chapter-1.xhtml");
    assert!(
        chapter.contains("href=\"https://example.org/a%20b\""),
        "{chapter}"
    );
    assert!(chapter.contains("title=\"a &quot;quoted&quot; title\""));
    // A note referenced three times: three distinct ids, the first
    // (in the heading) gets the back-link.
    assert!(chapter.contains("id=\"fnref-1\""));
    assert!(chapter.contains("id=\"fnref-1-2\""));
    assert!(
        chapter.contains("<sup>1</sup>"),
        "inside the link: no nested link"
    );
    // The h4 after an h2 is written as an h3; having no text, it gets
    // a name, in the book's language (Arabic).
    assert!(chapter.contains("<h3 id=\"in-quote\" aria-label=\"بلا عنوان\"></h3>"));
    assert!(chapter.contains("href=\"chapter-1.xhtml#in-quote\""));
    assert!(chapter.contains("<code class=\"language-rustignore\">"));
    assert!(chapter.contains("<ol start=\"0\">"));
    assert!(chapter.contains("aria-label=\"غير منجز\">\u{2610}</span> <pre>"));
    assert!(!chapter.contains("<tbody>"));

    let notes = epub.text("OEBPS/notes.xhtml");
    let notes = parse(&notes);
    let backlinks: Vec<&str> = notes
        .descendants()
        .filter(|n| n.attribute("role") == Some("doc-backlink"))
        .map(|n| n.attribute("href").unwrap())
        .collect();
    // Note 2 is never referenced, so it has no back-link.
    assert_eq!(backlinks, ["chapter-1.xhtml#fnref-1"]);

    let nav = epub.text("OEBPS/nav.xhtml");
    assert!(
        nav.contains(">Rubrik</a>"),
        "the note number is not in the label"
    );
    assert!(nav.contains("<a href=\"chapter-2.xhtml#second\">بلا عنوان</a>"));

    let messages: Vec<&str> = warnings.iter().map(|w| w.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "footnote `[^n9]` has no definition",
            "heading level skips from 2 to 4; the EPUB makes it level 3",
            "link `relative/file.html` is not copied into the EPUB"
        ]
    );
    assert_eq!(warnings[2].span, sp(400, 410));
}

/// The accessible name a section gets from `aria-labelledby`: the names
/// of the elements it lists, in order, joined by spaces (as accessibility
/// checkers compute it).
fn labelled_name(doc: &roxmltree::Document<'_>, ids: &str) -> String {
    ids.split_whitespace()
        .map(|id| {
            let target = doc
                .descendants()
                .find(|n| n.attribute("id") == Some(id))
                .unwrap_or_else(|| panic!("aria-labelledby names a missing id `{id}`"));
            target.attribute("aria-label").map_or_else(
                || {
                    let text: String = target
                        .descendants()
                        .filter(|n| n.is_text())
                        .filter_map(|n| n.text())
                        .collect();
                    text.split_whitespace().collect::<Vec<_>>().join(" ")
                },
                str::to_string,
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

// Issue 13, item 8: a labelled `<section>` is a region landmark, and
// landmarks of one kind need different names (Ace's `landmark-unique`),
// or a screen reader's list of regions shows two that cannot be told
// apart.
#[test]
fn sections_with_the_same_heading_text_get_different_names() {
    let doc = Document {
        meta: Meta {
            title: vec![t("Handbok")],
            lang: "en".into(),
            ..Meta::default()
        },
        blocks: vec![
            heading(1, "handbok", "Handbok"),
            heading(2, "install", "Install"),
            heading(3, "usage", "Usage"),
            para(vec![t("Install it first.")]),
            heading(2, "run", "Run"),
            heading(3, "usage-1", "Usage"),
            para(vec![t("Then run it.")]),
            heading(2, "notes", "Notes"),
            para(vec![t("A section whose name is already unique.")]),
        ],
        ..Document::default()
    };
    let (bytes, _) = write("same-heading-text", &doc, &Assets::default());
    let epub = Epub::open(&bytes);
    let text = epub.text("OEBPS/chapter-1.xhtml");
    let html = parse(&text);
    let names: Vec<String> = html
        .descendants()
        .filter(|n| n.has_tag_name("section"))
        .filter_map(|n| n.attribute("aria-labelledby"))
        .map(|ids| labelled_name(&html, ids))
        .collect();
    assert_eq!(
        names,
        [
            "Handbok",
            "Install",
            "Install Usage",
            "Run",
            "Run Usage",
            "Notes"
        ]
    );
}
