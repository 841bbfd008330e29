//! What Send to Kindle turns away, or converts badly, checked on the
//! summit and on a corpus document: one test per rule, each reading the
//! EPUB (zip) back. The rules come from Amazon's Send to Kindle and KDP
//! help pages and from reports of its generic E999 rejection (see
//! docs/reading-systems.md): a missing or invalid `dc:language`, a book
//! over the 50 MB mail limit, obfuscated (encrypted) fonts or DRM, fixed
//! layout, no NCX, a cover that is absent, SVG or small, scripts and
//! media, nested links, links to ids that do not exist, XML comments in
//! the markup.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read};
use std::sync::OnceLock;

/// An EPUB's entries by name.
type Files = BTreeMap<String, Vec<u8>>;

/// The two books every rule is checked on: the summit and a corpus
/// document (Swedish, headings, lists, links, a table).
fn books() -> &'static [(&'static str, Files)] {
    static BOOKS: OnceLock<Vec<(&'static str, Files)>> = OnceLock::new();
    BOOKS.get_or_init(|| {
        let summit = common::export_summit(false, true).epub.unwrap();
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/fk-riktlinje");
        let text = std::fs::read_to_string(dir.join("riktlinje.md")).unwrap();
        let corpus = common::export_text(&text, &dir)
            .expect("the corpus document exports")
            .output
            .epub
            .unwrap();
        assert!(summit.len() < 50 << 20 && corpus.len() < 50 << 20);
        vec![("summit", unzip(&summit)), ("fk-riktlinje", unzip(&corpus))]
    })
}

fn unzip(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut files = BTreeMap::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let mut data = Vec::new();
        file.read_to_end(&mut data).unwrap();
        files.insert(file.name().to_string(), data);
    }
    files
}

/// Parses XHTML (its `<!DOCTYPE html>` allowed).
fn parse(text: &str) -> roxmltree::Document<'_> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    roxmltree::Document::parse_with_options(text, options).unwrap()
}

fn text(files: &BTreeMap<String, Vec<u8>>, name: &str) -> String {
    String::from_utf8(files[name].clone()).unwrap()
}

/// The package document's path and text.
fn opf(files: &BTreeMap<String, Vec<u8>>) -> (String, String) {
    let container = text(files, "META-INF/container.xml");
    let doc = roxmltree::Document::parse(&container).unwrap();
    let path = doc
        .descendants()
        .find(|n| n.has_tag_name("rootfile"))
        .and_then(|n| n.attribute("full-path"))
        .unwrap()
        .to_string();
    let opf = text(files, &path);
    (path, opf)
}

/// The manifest: id → (path in the zip, media type, properties).
fn manifest(files: &BTreeMap<String, Vec<u8>>) -> BTreeMap<String, (String, String, String)> {
    let (path, opf) = opf(files);
    let folder = path.rsplit_once('/').map_or("", |(dir, _)| dir);
    let doc = roxmltree::Document::parse(&opf).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("item"))
        .map(|n| {
            let href = n.attribute("href").unwrap();
            (
                n.attribute("id").unwrap().to_string(),
                (
                    format!("{folder}/{href}"),
                    n.attribute("media-type").unwrap().to_string(),
                    n.attribute("properties").unwrap_or("").to_string(),
                ),
            )
        })
        .collect()
}

/// The XHTML content documents (spine pages and the nav).
fn xhtml_files(files: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    manifest(files)
        .into_values()
        .filter(|(_, mime, _)| mime == "application/xhtml+xml")
        .map(|(path, ..)| path)
        .collect()
}

#[test]
fn the_language_is_declared_and_well_formed() {
    for (name, files) in books() {
        let (_, opf) = opf(files);
        let doc = roxmltree::Document::parse(&opf).unwrap();
        let langs: Vec<&str> = doc
            .descendants()
            .filter(|n| n.tag_name().name() == "language")
            .filter_map(|n| n.text())
            .collect();
        assert_eq!(langs.len(), 1, "{name}: {langs:?}");
        let lang = langs[0];
        let primary = lang.split('-').next().unwrap();
        assert!(
            (2..=3).contains(&primary.len()) && primary.chars().all(|c| c.is_ascii_lowercase()),
            "{name}: `{lang}` is not a BCP 47 tag Kindle knows"
        );
    }
}

#[test]
fn no_xml_comments_in_the_markup() {
    for (name, files) in books() {
        for (path, data) in files.iter() {
            if [".xhtml", ".opf", ".ncx", ".xml"]
                .iter()
                .any(|ext| path.ends_with(ext))
            {
                let text = String::from_utf8_lossy(data);
                assert!(!text.contains("<!--"), "{name}: a comment in {path}");
            }
        }
    }
}

#[test]
fn fonts_are_opentype_or_woff_and_never_obfuscated() {
    for (name, files) in books() {
        assert!(
            !files.contains_key("META-INF/encryption.xml")
                && !files.contains_key("META-INF/rights.xml"),
            "{name}: obfuscated fonts or DRM"
        );
        for (path, mime, _) in manifest(files).into_values() {
            if !mime.starts_with("font/") && !mime.contains("opentype") && !mime.contains("woff") {
                continue;
            }
            assert!(
                ["font/otf", "font/ttf", "font/woff", "font/woff2"].contains(&mime.as_str()),
                "{name}: {path} is {mime}"
            );
            let data = &files[&path];
            // The font file's own signature: TrueType, CFF or WOFF, so
            // nothing was scrambled (obfuscation XORs the first bytes).
            let tag = &data[..4];
            assert!(
                [b"\0\x01\0\0", b"OTTO", b"true", b"wOFF", b"wOF2"]
                    .contains(&tag.try_into().unwrap()),
                "{name}: {path} starts with {tag:?}"
            );
        }
    }
}

#[test]
fn the_book_is_reflowable_with_an_ncx() {
    for (name, files) in books() {
        let (_, opf) = opf(files);
        assert!(!opf.contains("pre-paginated"), "{name}: fixed layout");
        let doc = roxmltree::Document::parse(&opf).unwrap();
        let spine = doc.descendants().find(|n| n.has_tag_name("spine")).unwrap();
        let ncx_id = spine.attribute("toc").expect("the spine names the NCX");
        let (path, mime, _) = &manifest(files)[ncx_id];
        assert_eq!(mime, "application/x-dtbncx+xml", "{name}");
        roxmltree::Document::parse(&text(files, path)).unwrap();
    }
}

#[test]
fn the_cover_is_a_large_portrait_png_or_jpeg() {
    for (name, files) in books() {
        let covers: Vec<_> = manifest(files)
            .into_values()
            .filter(|(.., properties)| properties.split(' ').any(|p| p == "cover-image"))
            .collect();
        assert_eq!(covers.len(), 1, "{name}");
        let (path, mime, _) = &covers[0];
        assert_eq!(mime, "image/png", "{name}");
        let decoder = png::Decoder::new(Cursor::new(files[path].as_slice()));
        let reader = decoder.read_info().unwrap();
        let (w, h) = (reader.info().width, reader.info().height);
        // Amazon asks for at least 1000 px on the long side and a
        // portrait picture; ours is 1600 × 2400.
        assert!(w >= 1000 && h > w, "{name}: {w}×{h}");
        // EPUB 2 readers and Kindle's converter find it by the meta.
        let (_, opf) = opf(files);
        assert!(opf.contains("name=\"cover\""), "{name}");
    }
}

#[test]
fn no_scripts_media_or_forms() {
    for (name, files) in books() {
        for path in xhtml_files(files) {
            let text = text(files, &path);
            let doc = parse(&text);
            for element in [
                "script", "video", "audio", "iframe", "form", "object", "embed",
            ] {
                assert!(
                    !doc.descendants().any(|n| n.has_tag_name(element)),
                    "{name}: <{element}> in {path}"
                );
            }
        }
    }
}

#[test]
fn no_link_inside_a_link() {
    for (name, files) in books() {
        for path in xhtml_files(files) {
            let text = text(files, &path);
            let doc = parse(&text);
            for a in doc.descendants().filter(|n| n.has_tag_name("a")) {
                assert!(
                    !a.ancestors().skip(1).any(|n| n.has_tag_name("a")),
                    "{name}: nested <a> in {path}"
                );
            }
        }
    }
}

#[test]
fn every_internal_link_finds_its_target() {
    for (name, files) in books() {
        let pages = xhtml_files(files);
        let mut ids: BTreeSet<(String, String)> = BTreeSet::new();
        let mut links = Vec::new();
        for path in &pages {
            let text = text(files, path);
            let doc = parse(&text);
            let file = path.rsplit('/').next().unwrap().to_string();
            for node in doc.descendants() {
                if let Some(id) = node.attribute("id") {
                    ids.insert((file.clone(), id.to_string()));
                }
                if node.has_tag_name("a")
                    && let Some(href) = node.attribute("href")
                    && !href.contains(':')
                {
                    links.push((file.clone(), href.to_string()));
                }
            }
        }
        let files_here: BTreeSet<String> = pages
            .iter()
            .map(|p| p.rsplit('/').next().unwrap().to_string())
            .collect();
        for (from, href) in links {
            let (target, fragment) = href.split_once('#').unwrap_or((&href, ""));
            let target = if target.is_empty() {
                from.clone()
            } else {
                target.to_string()
            };
            assert!(files_here.contains(&target), "{name}: {from} → {href}");
            if !fragment.is_empty() {
                assert!(
                    ids.contains(&(target.clone(), fragment.to_string())),
                    "{name}: {from} → {href}: no such id"
                );
            }
        }
    }
}

#[test]
fn images_are_formats_kindle_converts() {
    for (name, files) in books() {
        for (path, mime, _) in manifest(files).into_values() {
            if mime.starts_with("image/") {
                assert!(
                    ["image/png", "image/jpeg", "image/gif", "image/svg+xml"]
                        .contains(&mime.as_str()),
                    "{name}: {path} is {mime}"
                );
            }
        }
    }
}

/// Readers that ignore the embedded fonts (Kindle's "Publisher font"
/// off, Kobo's and KOReader's own font choices) still get the right kind
/// of face and real italics and bold: every `font-family` list outside
/// `@font-face` ends in a generic family, and the emphasis rules set
/// `font-style` and `font-weight`, not only an italic or bold family.
#[test]
fn the_style_sheet_falls_back_to_generic_families_and_real_italics() {
    for (name, files) in books() {
        let css = text(files, "OEBPS/stylesheet.css");
        let rules = css.split("@font-face").last().unwrap();
        let rules = &rules[rules.find('}').unwrap() + 1..];
        let families: Vec<&str> = rules
            .split("font-family:")
            .skip(1)
            .map(|rest| rest[..rest.find(';').unwrap()].trim())
            .collect();
        assert!(!families.is_empty(), "{name}");
        for family in families {
            let generic = family.rsplit(',').next().unwrap().trim();
            assert!(
                ["serif", "sans-serif", "monospace"].contains(&generic),
                "{name}: `{family}` has no generic family last"
            );
        }
        let rule = |selector: &str| {
            let start = css
                .find(selector)
                .unwrap_or_else(|| panic!("{name}: {selector}"));
            &css[start..start + css[start..].find('}').unwrap()]
        };
        assert!(rule("em, i {").contains("font-style: italic"), "{name}");
        assert!(rule("strong, b {").contains("font-weight: bold"), "{name}");
        // The faces are declared with the style and weight they have, so
        // a reader that uses them never synthesises a slanted roman.
        for face in css.split("@font-face").skip(1) {
            assert!(face.contains("font-style:") && face.contains("font-weight:"));
        }
    }
}
