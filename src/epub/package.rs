//! The package: every file of the book and its metadata handed to
//! epub-builder, which writes the package document and the container.
//!
//! With `container`, this is the only module that names epub-builder (the
//! vendored 0.8.3, see `vendor/epub-builder/PATCHES.md`). It writes the
//! manifest, spine, guide, the Dublin Core metadata it has setters for,
//! and the zip, into [`ReproducibleZip`]. What it has no setter for goes
//! through its `MetadataRenderer` hook ([`BookMetadata`]); our own
//! `nav.xhtml` and `toc.ncx` (with the page list, see [`super::nav`])
//! replace the ones it would render, and the nav goes into the spine
//! after the cover.
//!
//! Without `set_uuid` and `set_modified_date` it would use a random UUID
//! and the clock; both are always set here.

use super::container::ReproducibleZip;
use super::font_subset::EmbeddedFont;
use super::images::Images;
use super::metadata::Timestamp;
use super::xml::clean;
use crate::diag::{Diagnostic, Span};
use epub_builder::{EpubBuilder, EpubContent, EpubVersion, MetadataRenderer, ReferenceType};
use quick_xml::Writer;
use quick_xml::events::BytesText;

/// What a content document is, for the OPF `<guide>` (EPUB 2 readers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum GuideType {
    /// The cover page.
    Cover,
    /// Where the text starts.
    Text,
    /// The endnotes.
    Notes,
}

/// One XHTML file of the spine.
#[derive(Debug)]
pub(super) struct ContentDoc {
    /// File name inside the package folder.
    pub file: String,
    /// Its title (used by the guide).
    pub title: String,
    /// Its guide entry, if any.
    pub guide: Option<GuideType>,
    /// The XHTML.
    pub xhtml: String,
}

/// Everything the package holds.
#[derive(Debug)]
pub(super) struct PackageInput<'a> {
    /// Plain-text title.
    pub title: &'a str,
    /// Plain-text subtitle, if any.
    pub subtitle: Option<&'a str>,
    /// BCP 47 language.
    pub lang: &'a str,
    /// Right-to-left page progression.
    pub rtl: bool,
    /// `dc:creator`s, none empty.
    pub authors: Vec<String>,
    /// `dc:description`.
    pub description: Option<&'a str>,
    /// `dc:subject`s, none empty.
    pub keywords: Vec<String>,
    /// `dc:publisher`.
    pub publisher: Option<&'a str>,
    /// `dc:coverage`: where the event takes place.
    pub place: Option<&'a str>,
    /// `dc:date`, already checked.
    pub date: Option<&'a str>,
    /// The identifier.
    pub uuid: uuid::Uuid,
    /// `dcterms:modified`, which also dates every zip entry.
    pub modified: Timestamp,
    /// The generator `<meta>`.
    pub generator: &'a str,
    /// Name of the table of contents (guide entry).
    pub toc_name: &'a str,
    /// Accessibility `<meta property>`s.
    pub accessibility: Vec<(&'static str, String)>,
    /// The print edition the page list follows (`pageBreakSource`); only
    /// when there is a page list.
    pub page_source: Option<String>,
    /// `stylesheet.css`.
    pub stylesheet: String,
    /// Font files.
    pub fonts: Vec<EmbeddedFont>,
    /// The cover raster, a PNG (see `cover`).
    pub cover: Vec<u8>,
    /// Image files.
    pub images: &'a Images<'a>,
    /// The spine's documents, in reading order.
    pub documents: Vec<ContentDoc>,
    /// `nav.xhtml`.
    pub nav: String,
    /// `toc.ncx`.
    pub ncx: String,
}

/// Builds the package with epub-builder and returns the EPUB file.
pub(super) fn write_package(input: PackageInput<'_>) -> Result<Vec<u8>, Diagnostic> {
    generate(input).map_err(|err| internal_error(&err.to_string()))
}

fn generate(input: PackageInput<'_>) -> Result<Vec<u8>, epub_builder::Error> {
    let mut builder = EpubBuilder::new(ReproducibleZip::new(input.modified)?)?;
    builder.epub_version(EpubVersion::V33);
    // `epub_direction` sets a field the package template never reads;
    // the `direction` metadata key is what reaches the spine's
    // `page-progression-direction`.
    builder.metadata("direction", if input.rtl { "rtl" } else { "ltr" })?;
    // Never a random UUID or the clock.
    builder.set_uuid(input.uuid);
    builder.set_modified_date(chrono_time(input.modified));

    // epub-builder escapes these itself (`&`, `<`, `>`); `clean` removes
    // what XML cannot hold at all.
    builder.set_title(clean(input.title));
    builder.add_language(clean(input.lang));
    for author in &input.authors {
        builder.add_author(clean(author));
    }
    if let Some(description) = input.description {
        builder.add_description(clean(description));
    }
    for keyword in &input.keywords {
        builder.add_subject(clean(keyword));
    }
    builder.set_generator(clean(input.generator));
    builder.set_toc_name(clean(input.toc_name));
    builder.add_metadata_opf(Box::new(BookMetadata::of(&input)));

    builder.stylesheet(input.stylesheet.as_bytes())?;
    for font in &input.fonts {
        builder.add_resource(&font.href, font.data.as_slice(), font.mime)?;
    }
    builder.add_cover_image(super::COVER_IMAGE, input.cover.as_slice(), "image/png")?;
    for image in input.images.files() {
        builder.add_resource(&image.href, image.asset.bytes(), image.asset.mime)?;
    }
    // The nav follows the cover in the reading order: the `toc` landmark
    // may only point to a spine item, and a visible table of contents
    // helps readers whose reading system hides its own.
    let has_cover = input
        .documents
        .first()
        .is_some_and(|doc| doc.guide == Some(GuideType::Cover));
    if !has_cover {
        builder.nav_in_spine();
    }
    for doc in &input.documents {
        let mut content =
            EpubContent::new(doc.file.as_str(), doc.xhtml.as_bytes()).title(clean(&doc.title));
        if let Some(guide) = doc.guide {
            content = content.reftype(match guide {
                GuideType::Cover => ReferenceType::Cover,
                GuideType::Text => ReferenceType::Text,
                GuideType::Notes => ReferenceType::Notes,
            });
        }
        builder.add_content(content)?;
        if doc.guide == Some(GuideType::Cover) {
            builder.nav_in_spine();
        }
    }
    builder.nav_document(input.nav.as_bytes())?;
    builder.ncx_document(input.ncx.as_bytes())?;

    let mut epub = Vec::new();
    builder.generate(&mut epub)?;
    Ok(epub)
}

/// The metadata epub-builder has no setter for, written into its
/// `<metadata>` through its `MetadataRenderer` hook: the main title's
/// type, the subtitle, publisher, date as written (its
/// `set_publication_date` writes a UTC timestamp, which readers west of
/// Greenwich show as the day before), coverage, the print edition the
/// page list follows, the generator and the accessibility metadata.
struct BookMetadata {
    /// The `<meta>` and `dc:` elements, ready to insert.
    xml: String,
}

impl BookMetadata {
    fn of(input: &PackageInput<'_>) -> Self {
        let mut w = Writer::new_with_indent(Vec::new(), b' ', 0);
        write_metadata(&mut w, input).expect("writing XML into memory cannot fail");
        let xml = String::from_utf8(w.into_inner()).expect("the writer is given UTF-8 only");
        BookMetadata { xml }
    }
}

fn write_metadata(w: &mut Writer<Vec<u8>>, input: &PackageInput<'_>) -> std::io::Result<()> {
    let mut element = |name: &str, attrs: &[(&str, &str)], value: &str| {
        w.create_element(name)
            .with_attributes(attrs.iter().copied())
            .write_text_content(BytesText::new(&clean(value)))
            .map(|_| ())
    };
    // `epub-title` is the id the vendored epub-builder gives the title.
    let title_type = |id| [("refines", id), ("property", "title-type")];
    element("meta", &title_type("#epub-title"), "main")?;
    if let Some(subtitle) = input.subtitle {
        element("dc:title", &[("id", "subtitle")], subtitle)?;
        element("meta", &title_type("#subtitle"), "subtitle")?;
    }
    if let Some(publisher) = input.publisher {
        element("dc:publisher", &[], publisher)?;
    }
    if let Some(date) = input.date {
        element("dc:date", &[], date)?;
    }
    if let Some(place) = input.place {
        element("dc:coverage", &[], place)?;
    }
    for (property, value) in &input.accessibility {
        element("meta", &[("property", property)], value)?;
    }
    if let Some(source) = &input.page_source {
        // EPUB Accessibility 1.1 §6: which edition the page breaks follow.
        // Not yet in the EPUB 3.3 vocabulary, but EPUBCheck 5 accepts it.
        element("meta", &[("property", "pageBreakSource")], source)?;
    }
    w.create_element("meta")
        .with_attributes([("name", "generator"), ("content", &clean(input.generator))])
        .write_empty()?;
    Ok(())
}

impl MetadataRenderer for BookMetadata {
    /// Always escaped: epub-builder's `escape_html` setting is for the
    /// fields it is given, and ours is never turned off.
    fn render_opf(&self, _escape_html: bool) -> String {
        self.xml.clone()
    }
}

fn chrono_time(t: Timestamp) -> chrono::DateTime<chrono::Utc> {
    chrono::NaiveDate::from_ymd_opt(i32::from(t.year), u32::from(t.month), u32::from(t.day))
        .and_then(|date| {
            date.and_hms_opt(u32::from(t.hour), u32::from(t.minute), u32::from(t.second))
        })
        .map(|time| time.and_utc())
        // The caller checked the date with `is_calendar_date`.
        .unwrap_or_default()
}

/// Whether the timestamp names a real day (30 February does not exist).
pub(super) fn is_calendar_date(t: Timestamp) -> bool {
    chrono::NaiveDate::from_ymd_opt(i32::from(t.year), u32::from(t.month), u32::from(t.day))
        .is_some()
}

/// An error that can only be a bug in mdg-export (or in epub-builder).
pub(super) fn internal_error(reason: &str) -> Diagnostic {
    Diagnostic::error(Span::DETACHED, format!("cannot build the EPUB: {reason}"))
        .with_hint("this is a bug in mdg-export; please report it")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_dates_are_checked() {
        let stamp = Timestamp::parse("2011-02-29T00:00:00Z").unwrap();
        assert!(!is_calendar_date(stamp));
        let stamp = Timestamp::parse("2012-02-29T00:00:00Z").unwrap();
        assert!(is_calendar_date(stamp));
        assert_eq!(chrono_time(stamp).timestamp(), 1_330_473_600);
    }
}
