//! The XHTML files of the package: the frame every page shares, and the
//! cover page.

use super::images::ImageFile;
use super::xml::{attr, push_attr, push_text};

/// The language and direction every page declares.
#[derive(Debug, Clone)]
pub(super) struct PageLang {
    /// BCP 47 tag, e.g. `sv`.
    pub lang: String,
    /// Right-to-left script (Arabic, Hebrew …).
    pub rtl: bool,
}

impl PageLang {
    /// The attributes for `<html>`: `lang` for HTML reading systems,
    /// `xml:lang` for XML ones (EPUB requires both to agree), and `dir`
    /// for right-to-left languages.
    fn html_attrs(&self) -> String {
        let lang = attr(&self.lang);
        let dir = if self.rtl { " dir=\"rtl\"" } else { "" };
        format!("lang=\"{lang}\" xml:lang=\"{lang}\"{dir}")
    }
}

/// Wraps a body in a complete XHTML5 content document.
///
/// `body_type` is the `epub:type` of `<body>` (e.g. `bodymatter`).
pub(super) fn xhtml_page(lang: &PageLang, title: &str, body_type: &str, body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 512);
    out.push_str(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n\
         <html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" ",
    );
    out.push_str(&lang.html_attrs());
    out.push_str(">\n<head>\n<meta charset=\"UTF-8\"/>\n<title>");
    push_text(&mut out, title);
    out.push_str(
        "</title>\n<link rel=\"stylesheet\" type=\"text/css\" href=\"stylesheet.css\"/>\n</head>\n",
    );
    out.push_str("<body epub:type=\"");
    push_attr(&mut out, body_type);
    out.push_str("\">\n");
    out.push_str(body);
    out.push_str("</body>\n</html>\n");
    out
}

/// The cover page: the cover image alone, marked as the cover for both
/// reading systems (`epub:type`) and assistive technology (`doc-cover`).
///
/// An image with the `doc-cover` role must have a name, so an empty alt
/// text falls back to the document title. `marker` is the page-break
/// marker of the print edition's cover, if there is a page list.
pub(super) fn cover_page(
    lang: &PageLang,
    page_title: &str,
    image: &ImageFile<'_>,
    alt: &str,
    doc_title: &str,
    marker: Option<&str>,
) -> String {
    let alt = if alt.trim().is_empty() {
        doc_title.trim()
    } else {
        alt.trim()
    };
    let body = format!(
        "<section class=\"cover\" epub:type=\"cover\">\n{}\
         <img role=\"doc-cover\" src=\"{}\" alt=\"{}\"/>\n</section>\n",
        marker.map(|m| format!("{m}\n")).unwrap_or_default(),
        attr(&image.href),
        attr(alt)
    );
    xhtml_page(lang, page_title, "frontmatter", &body)
}
