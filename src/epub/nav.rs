//! The navigation documents: the EPUB 3 `nav.xhtml` and the EPUB 2 NCX.
//!
//! Both are written here from the same [`TocEntry`] tree, so they list the
//! same entries. epub-builder renders its own versions of both files;
//! [`super::repack`] puts these in their place. Writing them ourselves is
//! simpler than patching epub-builder's: its nav has no `lang`, no
//! `role="doc-toc"` and landmark labels taken from the guide, and its NCX
//! has no `dtb:uid` and uses the TOC name as the book title.

use super::outline::TocEntry;
use super::pages::{PageLang, xhtml_page};
use super::strings::Strings;
use super::xml::{attr, text};

/// One entry of the landmarks list: `epub:type`, target, label.
pub(super) type Landmark = (&'static str, String, String);

/// Writes `nav.xhtml`: the table of contents and the landmarks.
///
/// The landmarks nav is `hidden`: reading systems use it for their "go to"
/// menus, and it would only repeat the table of contents on a page.
pub(super) fn write_nav(
    lang: &PageLang,
    strings: &Strings,
    toc: &[TocEntry],
    landmarks: &[Landmark],
) -> String {
    let mut body = String::new();
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

/// Writes `toc.ncx` for EPUB 2 reading systems.
///
/// `uid` must be the package's `dc:identifier` (EPUB 2 requires them to
/// match); `title` is the book title.
pub(super) fn write_ncx(lang: &str, uid: &str, title: &str, toc: &[TocEntry]) -> String {
    let mut points = String::new();
    let mut order = 0;
    write_nav_points(toc, 1, &mut order, &mut points);
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <ncx xmlns=\"http://www.daisy.org/z3986/2005/ncx/\" version=\"2005-1\" xml:lang=\"{lang}\">\n\
         <head>\n\
         <meta name=\"dtb:uid\" content=\"{uid}\"/>\n\
         <meta name=\"dtb:depth\" content=\"{depth}\"/>\n\
         <meta name=\"dtb:totalPageCount\" content=\"0\"/>\n\
         <meta name=\"dtb:maxPageNumber\" content=\"0\"/>\n\
         </head>\n\
         <docTitle><text>{title}</text></docTitle>\n\
         <navMap>\n{points}</navMap>\n</ncx>\n",
        lang = attr(lang),
        uid = attr(uid),
        depth = depth(toc).max(1),
        title = text(title),
    )
}

fn write_nav_points(entries: &[TocEntry], level: usize, order: &mut usize, out: &mut String) {
    for entry in entries {
        *order += 1;
        let indent = "  ".repeat(level);
        out.push_str(&format!(
            "{indent}<navPoint id=\"navpoint-{order}\" playOrder=\"{order}\">\n\
             {indent}  <navLabel><text>{}</text></navLabel>\n\
             {indent}  <content src=\"{}\"/>\n",
            text(&entry.label),
            attr(&entry.href),
        ));
        write_nav_points(&entry.children, level + 1, order, out);
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

        let ncx = write_ncx("sv", "urn:uuid:x", "Bok", &toc);
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
}
