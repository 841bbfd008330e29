//! The package: hands every file's name and the metadata to epub-builder,
//! then repairs the package document it writes and adds what depends on
//! the rendered book (the fonts, the accessibility metadata).
//!
//! Everything epub-builder is given ([`PackageInput`]) is known from the
//! document before it is laid out, so packaging can run beside layout;
//! what is known only later ([`Finishing`]) is added by [`patch_opf`].
//!
//! This is the only module that names epub-builder. epub-builder 0.8
//! writes the manifest, spine, guide and most metadata well; what it gets
//! wrong or cannot say is fixed in [`patch_opf`], with exact string edits
//! that fail loudly (as an internal error) if epub-builder's output ever
//! changes shape:
//!
//! - it gives `dc:language` and `dc:creator` the same ids
//!   (`epub-creator-0`), a duplicate-id error: languages are renamed to
//!   `language-N`;
//! - it has no way to write `dc:publisher`, `dc:coverage`, a `dc:date` as
//!   written (its `set_publication_date` writes a UTC timestamp, which
//!   readers west of Greenwich show as the day before), a subtitle, or a
//!   generator, and its `dc:title` has no id to refine: those are added;
//! - it never puts the nav document in the spine, but the `toc` landmark
//!   may only point to a spine item: the nav is added after the cover;
//! - `MetadataOpfV3::add_refines` sets `id` instead of `refines`, so the
//!   `refines` field is set directly;
//! - `epub_direction` is never written; the `direction` metadata key is.
//!
//! Without `set_uuid` and `set_modified_date` it would use a random UUID
//! and the clock; both are always set here. Its zip (clock times) and its
//! nav and NCX are replaced in [`super::repack`].

use super::font_subset::EmbeddedFont;
use super::images::Images;
use super::metadata::Timestamp;
use super::repack::Entry;
use super::xml::{attr, clean, text};
use crate::diag::{Diagnostic, Span};
use epub_builder::{
    EpubBuilder, EpubContent, EpubVersion, MetadataOpfV3, ReferenceType, ZipLibrary,
};

/// Where the package document is in the container.
pub(super) const OPF_PATH: &str = "OEBPS/content.opf";
/// Where epub-builder writes the EPUB 3 navigation document.
pub(super) const NAV_PATH: &str = "OEBPS/nav.xhtml";
/// Where epub-builder writes the NCX.
pub(super) const NCX_PATH: &str = "OEBPS/toc.ncx";

/// Where epub-builder puts the stylesheet.
const STYLESHEET_PATH: &str = "OEBPS/stylesheet.css";

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
    /// The XHTML.
    pub xhtml: String,
    /// Its guide entry, if any.
    pub guide: Option<GuideType>,
}

/// A content document as the manifest, spine and guide list it.
#[derive(Debug, Clone)]
pub(super) struct SpineEntry {
    /// File name inside the package folder.
    pub file: String,
    /// Its title (used by the guide).
    pub title: String,
    /// Its guide entry, if any.
    pub guide: Option<GuideType>,
}

/// What epub-builder is given: all known from the document alone.
#[derive(Debug)]
pub(super) struct PackageInput<'a> {
    /// Plain-text title.
    pub title: String,
    /// Whether there is a subtitle (its `dc:title` is added later).
    pub has_subtitle: bool,
    /// BCP 47 language.
    pub lang: String,
    /// Right-to-left page progression.
    pub rtl: bool,
    /// `dc:creator`s, none empty.
    pub authors: Vec<String>,
    /// `dc:description`.
    pub description: Option<&'a str>,
    /// `dc:subject`s, none empty.
    pub keywords: Vec<String>,
    /// The identifier.
    pub uuid: uuid::Uuid,
    /// `dcterms:modified`.
    pub modified: Timestamp,
    /// The generator `<meta>`.
    pub generator: &'a str,
    /// Name of the table of contents (guide entry).
    pub toc_name: &'a str,
    /// Image files.
    pub images: &'a Images<'a>,
    /// The spine, in reading order.
    pub spine: Vec<SpineEntry>,
}

/// What the final pass adds to epub-builder's package: what depends on
/// the rendered book, and what epub-builder cannot write.
#[derive(Debug)]
pub(super) struct Finishing<'a> {
    /// BCP 47 language (of the metadata).
    pub lang: &'a str,
    /// `dcterms:modified`, which also dates every zip entry.
    pub modified: Timestamp,
    /// Plain-text subtitle, if any.
    pub subtitle: Option<String>,
    /// `dc:publisher`.
    pub publisher: Option<&'a str>,
    /// `dc:coverage`: where the event takes place.
    pub place: Option<&'a str>,
    /// `dc:date`, already checked.
    pub date: Option<String>,
    /// The generator `<meta>`.
    pub generator: &'a str,
    /// Accessibility `<meta property>`s.
    pub accessibility: Vec<(&'static str, String)>,
    /// The print edition the page list follows (`pageBreakSource`); only
    /// when there is a page list.
    pub page_source: Option<String>,
    /// `stylesheet.css`.
    pub stylesheet: String,
    /// Font files.
    pub fonts: Vec<EmbeddedFont>,
    /// Image files.
    pub images: &'a Images<'a>,
    /// The spine's documents, in reading order.
    pub documents: Vec<ContentDoc>,
}

impl Finishing<'_> {
    /// The files it carries, as zip paths and bytes, moved rather than
    /// copied: those that take the place of the empty stand-ins
    /// epub-builder was given (the stylesheet, the content documents, the
    /// images), and the fonts, which it never saw (see
    /// [`add_font_items`]).
    pub(super) fn into_files(self) -> (Vec<Entry>, Vec<Entry>) {
        let stylesheet = (STYLESHEET_PATH.to_string(), self.stylesheet.into_bytes());
        let documents = self
            .documents
            .into_iter()
            .map(|doc| (format!("OEBPS/{}", doc.file), doc.xhtml.into_bytes()));
        let images = self.images.files().iter().map(|image| {
            (
                format!("OEBPS/{}", image.href),
                image.asset.bytes().to_vec(),
            )
        });
        let own = std::iter::once(stylesheet)
            .chain(documents)
            .chain(images)
            .collect();
        let fonts = self
            .fonts
            .into_iter()
            .map(|font| (format!("OEBPS/{}", font.href), font.data))
            .collect();
        (own, fonts)
    }
}

/// Builds the package with epub-builder and returns its zip.
pub(super) fn build_package(input: &PackageInput<'_>) -> Result<Vec<u8>, Diagnostic> {
    generate(input).map_err(|err| internal_error(&err.to_string()))
}

fn generate(input: &PackageInput<'_>) -> Result<Vec<u8>, epub_builder::Error> {
    let mut builder = EpubBuilder::new(ZipLibrary::new()?)?;
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
    builder.set_title(clean(&input.title));
    builder.add_language(clean(&input.lang));
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

    builder.add_metadata_opf(Box::new(refining("#title", "title-type", "main")));
    if input.has_subtitle {
        builder.add_metadata_opf(Box::new(refining("#subtitle", "title-type", "subtitle")));
    }

    // Of the files we write, epub-builder needs only the names, for the
    // manifest and the spine: it would deflate their bytes into a zip
    // that the final pass reads back and deflates again. It gets empty
    // stand-ins and the final pass puts the real bytes in (see
    // `Finishing::into_files`). Which fonts are embedded depends on the rendered
    // text: their manifest items are added by `patch_opf`.
    builder.stylesheet(&[][..])?;
    for (index, image) in input.images.files().iter().enumerate() {
        if input.images.is_cover(index) {
            builder.add_cover_image(&image.href, &[][..], image.asset.mime)?;
        } else {
            builder.add_resource(&image.href, &[][..], image.asset.mime)?;
        }
    }
    for doc in &input.spine {
        let mut content = EpubContent::new(doc.file.as_str(), &[][..]).title(clean(&doc.title));
        if let Some(guide) = doc.guide {
            content = content.reftype(match guide {
                GuideType::Cover => ReferenceType::Cover,
                GuideType::Text => ReferenceType::Text,
                GuideType::Notes => ReferenceType::Notes,
            });
        }
        builder.add_content(content)?;
    }

    let mut zip = Vec::new();
    builder.generate(&mut zip)?;
    Ok(zip)
}

/// A `<meta refines=… property=…>`; built field by field because
/// `MetadataOpfV3::add_refines` sets the id instead.
fn refining(refines: &str, property: &str, value: &str) -> MetadataOpfV3 {
    let mut meta = MetadataOpfV3::new(property.to_string(), text(value));
    meta.refines = Some(refines.to_string());
    meta
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

/// Repairs epub-builder's package document and adds what it was not
/// given (see the module docs).
pub(super) fn patch_opf(opf: &str, input: &Finishing<'_>) -> Result<String, Diagnostic> {
    let opf = fix_ids(opf, input.lang)?;
    let opf = add_nav_to_spine(&opf, input)?;
    let opf = add_font_items(&opf, &input.fonts)?;
    add_metadata(&opf, input)
}

/// Lists the embedded fonts in the manifest after the stylesheet, in the
/// form epub-builder writes its items.
fn add_font_items(opf: &str, fonts: &[EmbeddedFont]) -> Result<String, Diagnostic> {
    let stylesheet =
        "<item media-type=\"text/css\" id=\"id_stylesheet.css\" href=\"stylesheet.css\"/>";
    let mut items = stylesheet.to_string();
    for font in fonts {
        items.push_str(&format!(
            "\n    <item media-type=\"{}\" id=\"id_{}\" href=\"{}\"/>",
            attr(font.mime),
            attr(&font.href.replace('/', "_")),
            attr(&font.href)
        ));
    }
    replace_exactly(opf, stylesheet, &items, 1)
}

fn fix_ids(opf: &str, lang: &str) -> Result<String, Diagnostic> {
    // One language, renamed away from the creators' ids.
    let opf = replace_exactly(
        opf,
        "<dc:language id=\"epub-creator-",
        "<dc:language id=\"language-",
        1,
    )?;
    let opf = replace_exactly(&opf, "<dc:title>", "<dc:title id=\"title\">", 1)?;
    // The language of the metadata itself (title, description …).
    replace_exactly(
        &opf,
        "unique-identifier=\"epub-id-1\">",
        &format!(
            "unique-identifier=\"epub-id-1\" xml:lang=\"{}\">",
            attr(lang)
        ),
        1,
    )
}

/// Puts the nav document into the spine, after the cover: the `toc`
/// landmark may only point to a spine item (EPUBCheck RSC-011), and a
/// visible table of contents helps readers whose reading system hides
/// its own.
fn add_nav_to_spine(opf: &str, input: &Finishing<'_>) -> Result<String, Diagnostic> {
    let has_cover = input
        .documents
        .first()
        .is_some_and(|doc| doc.guide == Some(GuideType::Cover));
    if has_cover {
        let cover = "<itemref idref=\"id_cover.xhtml\"/>";
        let with_nav = format!("{cover}\n    <itemref idref=\"nav\"/>");
        return replace_exactly(opf, cover, &with_nav, 1);
    }
    let spine_start = opf
        .find("<spine ")
        .and_then(|start| opf[start..].find('>').map(|end| start + end + 1))
        .ok_or_else(|| internal_error("the package document has no spine"))?;
    Ok(format!(
        "{}\n    <itemref idref=\"nav\"/>{}",
        &opf[..spine_start],
        &opf[spine_start..]
    ))
}

/// Adds the metadata epub-builder cannot write, and the accessibility
/// metadata, which depends on the rendered book.
fn add_metadata(opf: &str, input: &Finishing<'_>) -> Result<String, Diagnostic> {
    let mut added = String::new();
    for (property, value) in &input.accessibility {
        added.push_str(&format!(
            "    <meta property=\"{}\">{}</meta>\n",
            attr(property),
            text(value)
        ));
    }
    let mut element = |name: &str, attrs: &str, value: &str| {
        added.push_str(&format!("    <{name}{attrs}>{}</{name}>\n", text(value)));
    };
    if let Some(subtitle) = &input.subtitle {
        element("dc:title", " id=\"subtitle\"", subtitle);
    }
    if let Some(publisher) = input.publisher {
        element("dc:publisher", "", publisher);
    }
    if let Some(date) = &input.date {
        element("dc:date", "", date);
    }
    if let Some(place) = input.place {
        element("dc:coverage", "", place);
    }
    if let Some(source) = &input.page_source {
        // EPUB Accessibility 1.1 §6: which edition the page breaks follow.
        // Not yet in the EPUB 3.3 vocabulary, but EPUBCheck 5 accepts it.
        element("meta", " property=\"pageBreakSource\"", source);
    }
    added.push_str(&format!(
        "    <meta name=\"generator\" content=\"{}\"/>\n  </metadata>",
        attr(input.generator)
    ));
    replace_exactly(opf, "  </metadata>", &added, 1)
}

/// Replaces `from` by `to`, insisting that `from` occurs exactly `count`
/// times: an edit that misses is a bug, not something to skip silently.
fn replace_exactly(
    haystack: &str,
    from: &str,
    to: &str,
    count: usize,
) -> Result<String, Diagnostic> {
    let found = haystack.matches(from).count();
    if found != count {
        return Err(internal_error(&format!(
            "the package document has {found} × `{from}`, expected {count}"
        )));
    }
    Ok(haystack.replace(from, to))
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
    fn replacing_insists_on_the_count() {
        assert_eq!(replace_exactly("a-b", "-", "+", 1).unwrap(), "a+b");
        assert!(replace_exactly("a-b-c", "-", "+", 1).is_err());
        assert!(replace_exactly("abc", "-", "+", 1).is_err());
    }

    #[test]
    fn calendar_dates_are_checked() {
        let stamp = Timestamp::parse("2011-02-29T00:00:00Z").unwrap();
        assert!(!is_calendar_date(stamp));
        let stamp = Timestamp::parse("2012-02-29T00:00:00Z").unwrap();
        assert!(is_calendar_date(stamp));
        assert_eq!(chrono_time(stamp).timestamp(), 1_330_473_600);
    }
}
