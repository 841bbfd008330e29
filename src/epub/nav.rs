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
use super::strings::Strings;
use super::xml::{attr, text};
use std::collections::BTreeMap;

/// One entry of the landmarks list: `epub:type`, target, label.
pub(super) type Landmark = (&'static str, String, String);

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
    let mut body = String::new();
    for &page in front {
        body.push_str(&marker_html(page, &format!("page-{page}")));
        body.push('\n');
    }
    body.push_str(
        "<nav epub:type=\"toc\" role=\"doc-toc\" id=\"toc\" aria-labelledby=\"toc-title\">\n",
    );
    body.push_str(&format!(
        "<h1 id=\"toc-title\">{}</h1>\n",
        text(strings.contents)
    ));
    write_toc_list(toc, &mut body);
    body.push_str("</nav>\n");
    body.push_str(
        "<nav epub:type=\"landmarks\" id=\"landmarks\" aria-labelledby=\"landmarks-title\" \
         hidden=\"hidden\">\n",
    );
    body.push_str(&format!(
        "<h2 id=\"landmarks-title\">{}</h2>\n<ol>\n",
        text(strings.landmarks)
    ));
    for (epub_type, href, label) in landmarks {
        body.push_str(&format!(
            "<li><a epub:type=\"{}\" href=\"{}\">{}</a></li>\n",
            attr(epub_type),
            attr(href),
            text(label)
        ));
    }
    body.push_str("</ol>\n</nav>\n");
    if !pages.is_empty() {
        body.push_str(
            "<nav epub:type=\"page-list\" role=\"doc-pagelist\" id=\"page-list\" \
             aria-labelledby=\"page-list-title\" hidden=\"hidden\">\n",
        );
        body.push_str(&format!(
            "<h2 id=\"page-list-title\">{}</h2>\n<ol>\n",
            text(strings.pages)
        ));
        for (page, href) in pages.entries() {
            body.push_str(&format!(
                "<li><a href=\"{}\">{page}</a></li>\n",
                attr(&href)
            ));
        }
        body.push_str("</ol>\n</nav>\n");
    }
    xhtml_page(lang, strings.contents, "frontmatter", &body)
}

fn write_toc_list(entries: &[TocEntry], out: &mut String) {
    out.push_str("<ol>\n");
    for entry in entries {
        out.push_str(&format!(
            "<li><a href=\"{}\">{}</a>",
            attr(&entry.href),
            text(&entry.label)
        ));
        if !entry.children.is_empty() {
            out.push('\n');
            write_toc_list(&entry.children, out);
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ol>\n");
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

    let mut points = String::new();
    let mut count = 0;
    write_nav_points(input.toc, 1, &mut count, &play_order, &mut points);
    let mut page_list = String::new();
    let (total, max) = if input.pages.is_empty() {
        (0, 0)
    } else {
        page_list.push_str(&format!(
            "<pageList>\n  <navLabel><text>{}</text></navLabel>\n",
            text(input.pages_label)
        ));
        for (page, href) in input.pages.entries() {
            page_list.push_str(&format!(
                "  <pageTarget id=\"pagetarget-{page}\" type=\"normal\" value=\"{page}\" \
                 playOrder=\"{}\">\n    <navLabel><text>{page}</text></navLabel>\n    \
                 <content src=\"{}\"/>\n  </pageTarget>\n",
                play_order[&href],
                attr(&href),
            ));
        }
        page_list.push_str("</pageList>\n");
        let max = input.pages.pages.keys().max().copied().unwrap_or(0);
        (input.pages.pages.len(), max)
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <ncx xmlns=\"http://www.daisy.org/z3986/2005/ncx/\" version=\"2005-1\" xml:lang=\"{lang}\">\n\
         <head>\n\
         <meta name=\"dtb:uid\" content=\"{uid}\"/>\n\
         <meta name=\"dtb:depth\" content=\"{depth}\"/>\n\
         <meta name=\"dtb:totalPageCount\" content=\"{total}\"/>\n\
         <meta name=\"dtb:maxPageNumber\" content=\"{max}\"/>\n\
         </head>\n\
         <docTitle><text>{title}</text></docTitle>\n\
         <navMap>\n{points}</navMap>\n{page_list}</ncx>\n",
        lang = attr(input.lang),
        uid = attr(input.uid),
        depth = depth(input.toc).max(1),
        title = text(input.title),
    )
}

fn collect_hrefs(entries: &[TocEntry], out: &mut Vec<String>) {
    for entry in entries {
        out.push(entry.href.clone());
        collect_hrefs(&entry.children, out);
    }
}

/// Numbers the targets in reading order, from 1: by spine position, then
/// by where the `id` stands in the file (a whole file counts as its
/// start). The same target gets the same number (the NCX requires both).
fn play_order(hrefs: &[String], spine: &[(&str, &str)]) -> BTreeMap<String, usize> {
    let position = |href: &str| {
        let (file, fragment) = href.split_once('#').unwrap_or((href, ""));
        let Some(index) = spine.iter().position(|(name, _)| *name == file) else {
            // Not in the spine (cannot happen for our own targets): last.
            return (usize::MAX, 0);
        };
        let offset = if fragment.is_empty() {
            0
        } else {
            let xhtml = spine[index].1;
            xhtml
                .find(&format!("id=\"{}\"", attr(fragment)))
                .unwrap_or(xhtml.len())
        };
        (index, offset)
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
    level: usize,
    count: &mut usize,
    play_order: &BTreeMap<String, usize>,
    out: &mut String,
) {
    for entry in entries {
        *count += 1;
        let indent = "  ".repeat(level);
        out.push_str(&format!(
            "{indent}<navPoint id=\"navpoint-{count}\" playOrder=\"{}\">\n\
             {indent}  <navLabel><text>{}</text></navLabel>\n\
             {indent}  <content src=\"{}\"/>\n",
            play_order[&entry.href],
            text(&entry.label),
            attr(&entry.href),
        ));
        write_nav_points(&entry.children, level + 1, count, play_order, out);
        out.push_str(&format!("{indent}</navPoint>\n"));
    }
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
