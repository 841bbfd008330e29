//! The XHTML files of the package: the frame every page shares, and the
//! cover page.

use super::xml::clean;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use std::io;

/// The language and direction every page declares.
#[derive(Debug, Clone)]
pub(super) struct PageLang {
    /// BCP 47 tag, e.g. `sv`.
    pub lang: String,
    /// Right-to-left script (Arabic, Hebrew …).
    pub rtl: bool,
}

/// Wraps a body in a complete XHTML5 content document.
///
/// `body_type` is the `epub:type` of `<body>` (e.g. `bodymatter`);
/// `body` is markup, written as it is.
pub(super) fn xhtml_page(lang: &PageLang, title: &str, body_type: &str, body: &str) -> String {
    let mut w = Writer::new(Vec::with_capacity(body.len() + 512));
    write_page(&mut w, lang, title, body_type, body).expect("writing XML into memory cannot fail");
    String::from_utf8(w.into_inner()).expect("the writer is given UTF-8 only")
}

fn write_page(
    w: &mut Writer<Vec<u8>>,
    lang: &PageLang,
    title: &str,
    body_type: &str,
    body: &str,
) -> io::Result<()> {
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    w.get_mut().push(b'\n');
    w.write_event(Event::DocType(BytesText::from_escaped("html")))?;
    w.get_mut().push(b'\n');
    // `lang` for HTML reading systems, `xml:lang` for XML ones (EPUB
    // requires both to agree), and `dir` for right-to-left languages.
    let tag = clean(&lang.lang);
    let mut html = BytesStart::new("html").with_attributes([
        ("xmlns", "http://www.w3.org/1999/xhtml"),
        ("xmlns:epub", "http://www.idpf.org/2007/ops"),
        ("lang", &tag),
        ("xml:lang", &tag),
    ]);
    if lang.rtl {
        html.push_attribute(("dir", "rtl"));
    }
    w.write_event(Event::Start(html))?;
    w.create_element("head").write_inner_content(|w| {
        w.create_element("meta")
            .with_attribute(("charset", "UTF-8"))
            .write_empty()?;
        w.create_element("title")
            .write_text_content(BytesText::new(&clean(title)))?;
        w.create_element("link")
            .with_attributes([
                ("rel", "stylesheet"),
                ("type", "text/css"),
                ("href", "stylesheet.css"),
            ])
            .write_empty()?;
        Ok(())
    })?;
    w.get_mut().push(b'\n');
    w.write_event(Event::Start(
        BytesStart::new("body").with_attributes([("epub:type", body_type)]),
    ))?;
    w.get_mut().push(b'\n');
    w.get_mut().extend_from_slice(body.as_bytes());
    w.write_event(Event::End(BytesEnd::new("body")))?;
    w.write_event(Event::End(BytesEnd::new("html")))?;
    w.get_mut().push(b'\n');
    Ok(())
}

/// The cover page: the cover image `href` alone, marked as the cover for
/// both reading systems (`epub:type`) and assistive technology
/// (`doc-cover`, which needs a name: `alt`). `marker` is the page-break
/// marker of the print edition's cover, if there is a page list.
pub(super) fn cover_page(
    lang: &PageLang,
    page_title: &str,
    href: &str,
    alt: &str,
    marker: Option<&str>,
) -> String {
    let mut w = Writer::new(Vec::new());
    w.create_element("section")
        .with_attributes([("class", "cover"), ("epub:type", "cover")])
        .write_inner_content(|w| {
            if let Some(marker) = marker {
                w.get_mut().extend_from_slice(marker.as_bytes());
            }
            w.create_element("img")
                .with_attributes([
                    ("role", "doc-cover"),
                    ("src", href),
                    ("alt", &clean(alt.trim())),
                ])
                .write_empty()?;
            Ok(())
        })
        .expect("writing XML into memory cannot fail");
    w.get_mut().push(b'\n');
    let body = String::from_utf8(w.into_inner()).expect("the writer is given UTF-8 only");
    xhtml_page(lang, page_title, "frontmatter", &body)
}
