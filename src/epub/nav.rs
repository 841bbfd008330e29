//! The navigation documents: the EPUB 3 `nav.xhtml` and the EPUB 2 NCX.
//!
//! Both are written here from the same [`TocEntry`] tree, so they list the
//! same entries. epub-builder is given them in place of the ones it would
//! render (`nav_document`, `ncx_document`: hooks of the vendored copy).
//! Writing them ourselves is simpler than rewriting its templates: its
//! nav has no page list, no `lang`, no `role="doc-toc"` and landmark
//! labels taken from the guide, and its NCX has no `pageList`, no
//! `dtb:uid` and uses the TOC name as the book title.

use super::outline::TocEntry;
use super::page_list::{PageList, marker_html};
use super::pages::{PageLang, xhtml_page};
use crate::strings::Strings;
use super::xml::{attr, clean};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use std::collections::BTreeMap;
use std::io;

/// One entry of the landmarks list: `epub:type`, target, label.
pub(super) type Landmark = (&'static str, String, String);

/// Writing into a `Vec` cannot fail; the writer's `io::Result`s are for
/// other sinks.
const INFALLIBLE: &str = "writing XML into memory cannot fail";

/// Writes `nav.xhtml`: the table of contents, the landmarks and, if
/// the book follows a print edition, the page list.
///
/// `front` are the print pages that stand before the text (the PDF's own
/// table of contents, or its title page when there is no cover): their
/// markers open this page, which holds the EPUB's table of contents.
///
/// The landmarks and page-list navs are `hidden`: reading systems use
/// them for their "go to" menus, and on a page they would only be noise.
pub(super) fn write_nav(
    lang: &PageLang,
    strings: &Strings,
    toc: &[TocEntry],
    landmarks: &[Landmark],
    front: &[usize],
    pages: &PageList,
) -> String {
    let mut w = Writer::new(Vec::new());
    for &page in front {
        let marker = marker_html(page, &format!("page-{page}"));
        w.get_mut().extend_from_slice(marker.as_bytes());
    }
    write_navs(&mut w, strings, toc, landmarks, pages).expect(INFALLIBLE);
    w.get_mut().push(b'\n');
    let body = String::from_utf8(w.into_inner()).expect("the writer is given UTF-8 only");
    xhtml_page(lang, strings.contents, "frontmatter", &body)
}

fn write_navs(
    w: &mut Writer<Vec<u8>>,
    strings: &Strings,
    toc: &[TocEntry],
    landmarks: &[Landmark],
    pages: &PageList,
) -> io::Result<()> {
    w.create_element("nav")
        .with_attributes([
            ("epub:type", "toc"),
            ("role", "doc-toc"),
            ("id", "toc"),
            ("aria-labelledby", "toc-title"),
        ])
        .write_inner_content(|w| {
            w.create_element("h1")
                .with_attribute(("id", "toc-title"))
                .write_text_content(BytesText::new(&clean(strings.contents)))?;
            write_toc_list(toc, w)
        })?;
    w.create_element("nav")
        .with_attributes([
            ("epub:type", "landmarks"),
            ("id", "landmarks"),
            ("aria-labelledby", "landmarks-title"),
            ("hidden", "hidden"),
        ])
        .write_inner_content(|w| {
            w.create_element("h2")
                .with_attribute(("id", "landmarks-title"))
                .write_text_content(BytesText::new(&clean(strings.landmarks)))?;
            w.create_element("ol").write_inner_content(|w| {
                for (epub_type, href, label) in landmarks {
                    w.create_element("li").write_inner_content(|w| {
                        w.create_element("a")
                            .with_attributes([("epub:type", *epub_type), ("href", href)])
                            .write_text_content(BytesText::new(&clean(label)))?;
                        Ok(())
                    })?;
                }
                Ok(())
            })?;
            Ok(())
        })?;
    if !pages.is_empty() {
        w.create_element("nav")
            .with_attributes([
                ("epub:type", "page-list"),
                ("role", "doc-pagelist"),
                ("id", "page-list"),
                ("aria-labelledby", "page-list-title"),
                ("hidden", "hidden"),
            ])
            .write_inner_content(|w| {
                w.create_element("h2")
                    .with_attribute(("id", "page-list-title"))
                    .write_text_content(BytesText::new(&clean(strings.pages)))?;
                w.create_element("ol").write_inner_content(|w| {
                    for (page, href) in pages.entries() {
                        w.create_element("li").write_inner_content(|w| {
                            w.create_element("a")
                                .with_attribute(("href", href.as_str()))
                                .write_text_content(BytesText::new(&page.to_string()))?;
                            Ok(())
                        })?;
                    }
                    Ok(())
                })?;
                Ok(())
            })?;
    }
    Ok(())
}

fn write_toc_list(entries: &[TocEntry], w: &mut Writer<Vec<u8>>) -> io::Result<()> {
    w.create_element("ol").write_inner_content(|w| {
        for entry in entries {
            w.create_element("li").write_inner_content(|w| {
                w.create_element("a")
                    .with_attribute(("href", entry.href.as_str()))
                    .write_text_content(BytesText::new(&clean(&entry.label)))?;
                if !entry.children.is_empty() {
                    write_toc_list(&entry.children, w)?;
                }
                Ok(())
            })?;
        }
        Ok(())
    })?;
    Ok(())
}

/// What the NCX says.
pub(super) struct NcxInput<'a> {
    /// The book's language.
    pub lang: &'a str,
    /// The package's `dc:identifier` (EPUB 2 requires them to match).
    pub uid: &'a str,
    /// The book title.
    pub title: &'a str,
    /// The table of contents.
    pub toc: &'a [TocEntry],
    /// The print edition's pages, if any.
    pub pages: &'a PageList,
    /// The page list's label.
    pub pages_label: &'a str,
}

/// Writes `toc.ncx` for EPUB 2 reading systems.
///
/// `spine` holds the spine's files and their XHTML in reading order: the
/// NCX numbers every target in reading order (`playOrder`), table of
/// contents and page list alike, and gives one target one number.
pub(super) fn write_ncx(input: &NcxInput<'_>, spine: &[(&str, &str)]) -> String {
    let mut hrefs = Vec::new();
    collect_hrefs(input.toc, &mut hrefs);
    hrefs.extend(input.pages.entries().map(|(_, href)| href));
    let play_order = play_order(&hrefs, spine);
    let mut w = Writer::new(Vec::new());
    write_ncx_document(&mut w, input, &play_order).expect(INFALLIBLE);
    w.get_mut().push(b'\n');
    String::from_utf8(w.into_inner()).expect("the writer is given UTF-8 only")
}

fn write_ncx_document(
    w: &mut Writer<Vec<u8>>,
    input: &NcxInput<'_>,
    play_order: &BTreeMap<String, usize>,
) -> io::Result<()> {
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let (total, max) = match input.pages.pages.keys().max() {
        Some(&max) => (input.pages.pages.len(), max),
        None => (0, 0),
    };
    w.create_element("ncx")
        .with_attributes([
            ("xmlns", "http://www.daisy.org/z3986/2005/ncx/"),
            ("version", "2005-1"),
            ("xml:lang", &clean(input.lang)),
        ])
        .write_inner_content(|w| {
            w.create_element("head").write_inner_content(|w| {
                let depth = depth(input.toc).max(1).to_string();
                let (total, max) = (total.to_string(), max.to_string());
                for (name, content) in [
                    ("dtb:uid", input.uid),
                    ("dtb:depth", &depth),
                    ("dtb:totalPageCount", &total),
                    ("dtb:maxPageNumber", &max),
                ] {
                    w.create_element("meta")
                        .with_attributes([("name", name), ("content", content)])
                        .write_empty()?;
                }
                Ok(())
            })?;
            w.create_element("docTitle").write_inner_content(|w| {
                w.create_element("text")
                    .write_text_content(BytesText::new(&clean(input.title)))?;
                Ok(())
            })?;
            w.create_element("navMap")
                .write_inner_content(|w| write_nav_points(input.toc, &mut 0, play_order, w))?;
            if !input.pages.is_empty() {
                w.create_element("pageList").write_inner_content(|w| {
                    write_nav_label(w, input.pages_label)?;
                    for (page, href) in input.pages.entries() {
                        w.create_element("pageTarget")
                            .with_attributes([
                                ("id", format!("pagetarget-{page}").as_str()),
                                ("type", "normal"),
                                ("value", &page.to_string()),
                                ("playOrder", &play_order[&href].to_string()),
                            ])
                            .write_inner_content(|w| {
                                write_nav_label(w, &page.to_string())?;
                                w.create_element("content")
                                    .with_attribute(("src", href.as_str()))
                                    .write_empty()?;
                                Ok(())
                            })?;
                    }
                    Ok(())
                })?;
            }
            Ok(())
        })?;
    Ok(())
}

/// `<navLabel><text>label</text></navLabel>`.
fn write_nav_label(w: &mut Writer<Vec<u8>>, label: &str) -> io::Result<()> {
    w.create_element("navLabel").write_inner_content(|w| {
        w.create_element("text")
            .write_text_content(BytesText::new(&clean(label)))?;
        Ok(())
    })?;
    Ok(())
}

fn collect_hrefs(entries: &[TocEntry], out: &mut Vec<String>) {
    for entry in entries {
        out.push(entry.href.clone());
        collect_hrefs(&entry.children, out);
    }
}

/// The offset of each `id="…"` attribute in an XHTML file, by its value
/// as written (escaped); the first, if an id were written twice.
fn id_offsets(xhtml: &str) -> std::collections::HashMap<&str, usize> {
    let mut ids = std::collections::HashMap::new();
    let mut from = 0;
    while let Some(found) = xhtml[from..].find(" id=\"") {
        let start = from + found + 1;
        let value_start = start + 4;
        let Some(length) = xhtml[value_start..].find('"') else {
            break;
        };
        ids.entry(&xhtml[value_start..value_start + length])
            .or_insert(start);
        from = value_start + length;
    }
    ids
}

/// Numbers the targets in reading order, from 1: by spine position, then
/// by where the `id` stands in the file (a whole file counts as its
/// start). The same target gets the same number (the NCX requires both).
fn play_order(hrefs: &[String], spine: &[(&str, &str)]) -> BTreeMap<String, usize> {
    // Where each id stands in each file, from one pass over the file: a
    // search of the file for each target made a book of 8 000 headings
    // take seconds.
    let files: std::collections::HashMap<&str, (usize, std::collections::HashMap<&str, usize>)> =
        spine
            .iter()
            .enumerate()
            .map(|(index, (name, xhtml))| (*name, (index, id_offsets(xhtml))))
            .collect();
    let position = |href: &str| {
        let (file, fragment) = href.split_once('#').unwrap_or((href, ""));
        let Some((index, ids)) = files.get(file) else {
            // Not in the spine (cannot happen for our own targets): last.
            return (usize::MAX, 0);
        };
        let offset = if fragment.is_empty() {
            0
        } else {
            let escaped = attr(fragment);
            ids.get(&*escaped).copied().unwrap_or(usize::MAX)
        };
        (*index, offset)
    };
    let mut targets: Vec<((usize, usize), &String)> =
        hrefs.iter().map(|href| (position(href), href)).collect();
    targets.sort();
    let mut order = BTreeMap::new();
    let mut number = 0;
    let mut last = None;
    for (place, href) in targets {
        if last != Some(place) {
            number += 1;
            last = Some(place);
        }
        order.insert(href.clone(), number);
    }
    order
}

fn write_nav_points(
    entries: &[TocEntry],
    count: &mut usize,
    play_order: &BTreeMap<String, usize>,
    w: &mut Writer<Vec<u8>>,
) -> io::Result<()> {
    for entry in entries {
        *count += 1;
        w.create_element("navPoint")
            .with_attributes([
                ("id", format!("navpoint-{count}").as_str()),
                ("playOrder", &play_order[&entry.href].to_string()),
            ])
            .write_inner_content(|w| {
                write_nav_label(w, &entry.label)?;
                w.create_element("content")
                    .with_attribute(("src", entry.href.as_str()))
                    .write_empty()?;
                write_nav_points(&entry.children, count, play_order, w)
            })?;
    }
    Ok(())
}

fn depth(entries: &[TocEntry]) -> usize {
    entries
        .iter()
        .map(|entry| 1 + depth(&entry.children))
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::epub::xml::parse;

    fn entry(label: &str, href: &str, children: Vec<TocEntry>) -> TocEntry {
        TocEntry {
            label: label.into(),
            href: href.into(),
            children,
        }
    }

    #[test]
    fn nav_and_ncx_list_the_same_nested_entries() {
        let toc = vec![
            entry(
                "A & B",
                "chapter-1.xhtml#a",
                vec![entry("<c>", "chapter-1.xhtml#c", vec![])],
            ),
            entry("D", "chapter-2.xhtml#d", vec![]),
        ];
        let lang = PageLang {
            lang: "sv".into(),
            rtl: false,
        };
        let nav = write_nav(
            &lang,
            &Strings::for_lang("sv"),
            &toc,
            &[("bodymatter", "chapter-1.xhtml".into(), "Början".into())],
            &[],
            &PageList::default(),
        );
        let nav = parse(&nav).unwrap();
        let links: Vec<_> = nav
            .descendants()
            .filter(|n| n.has_tag_name("a"))
            .map(|n| (n.attribute("href").unwrap(), n.text().unwrap()))
            .collect();
        assert_eq!(
            links,
            [
                ("chapter-1.xhtml#a", "A & B"),
                ("chapter-1.xhtml#c", "<c>"),
                ("chapter-2.xhtml#d", "D"),
                ("chapter-1.xhtml", "Början"),
            ]
        );

        let pages = PageList::default();
        let input = NcxInput {
            lang: "sv",
            uid: "urn:uuid:x",
            title: "Bok",
            toc: &toc,
            pages: &pages,
            pages_label: "Sidor",
        };
        let ncx = write_ncx(&input, &[]);
        assert!(!ncx.contains("<pageList>"));
        let ncx = parse(&ncx).unwrap();
        let sources: Vec<_> = ncx
            .descendants()
            .filter(|n| n.has_tag_name("content"))
            .map(|n| n.attribute("src").unwrap())
            .collect();
        assert_eq!(
            sources,
            [
                "chapter-1.xhtml#a",
                "chapter-1.xhtml#c",
                "chapter-2.xhtml#d"
            ]
        );
        let depth = ncx
            .descendants()
            .find(|n| n.attribute("name") == Some("dtb:depth"))
            .and_then(|n| n.attribute("content"));
        assert_eq!(depth, Some("2"));
    }

    #[test]
    fn play_order_follows_reading_order_and_pages_share_the_count() {
        let toc = vec![
            entry("Two", "chapter-2.xhtml", vec![]),
            entry("One", "chapter-1.xhtml#one", vec![]),
        ];
        let pages = PageList {
            pages: BTreeMap::from([
                (1, ("cover.xhtml".into(), "page-1".into())),
                (2, ("chapter-1.xhtml".into(), "page-2".into())),
                (3, ("chapter-2.xhtml".into(), "page-3".into())),
            ]),
            source: Some("bok.pdf, A5".into()),
        };
        let spine = [
            ("cover.xhtml", "<span id=\"page-1\"/>"),
            (
                "chapter-1.xhtml",
                "<h1 id=\"one\">One</h1><p>x<span id=\"page-2\"/></p>",
            ),
            (
                "chapter-2.xhtml",
                "<span id=\"page-3\"/><h1 id=\"two\">Two</h1>",
            ),
        ];
        let input = NcxInput {
            lang: "en",
            uid: "urn:uuid:x",
            title: "Book",
            toc: &toc,
            pages: &pages,
            pages_label: "Pages",
        };
        let ncx = write_ncx(&input, &spine);
        let ncx = parse(&ncx).unwrap();
        let orders: Vec<(&str, &str)> = ncx
            .descendants()
            .filter(|n| n.has_tag_name("navPoint") || n.has_tag_name("pageTarget"))
            .map(|n| {
                let src = n
                    .children()
                    .find(|c| c.has_tag_name("content"))
                    .and_then(|c| c.attribute("src"))
                    .unwrap();
                (src, n.attribute("playOrder").unwrap())
            })
            .collect();
        assert_eq!(
            orders,
            [
                ("chapter-2.xhtml", "4"),
                ("chapter-1.xhtml#one", "2"),
                ("cover.xhtml#page-1", "1"),
                ("chapter-1.xhtml#page-2", "3"),
                ("chapter-2.xhtml#page-3", "5"),
            ]
        );
        let meta = |name: &str| {
            ncx.descendants()
                .find(|n| n.attribute("name") == Some(name))
                .and_then(|n| n.attribute("content"))
        };
        assert_eq!(meta("dtb:totalPageCount"), Some("3"));
        assert_eq!(meta("dtb:maxPageNumber"), Some("3"));
    }
}
