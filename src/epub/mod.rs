//! EPUB back end: model → XHTML chapters → EPUB 3 package.
//!
//! EPUB is reflowable, so this back end starts from the [`Document`], not
//! from the laid-out pages.
//!
//! # Steps
//! 1. `outline` cuts the body into one file per top-level heading and
//!    builds the table of contents.
//! 2. `page_list` places the print edition's page breaks; `render`
//!    writes each file's XHTML with them; `pages` wraps it, `nav` writes
//!    `nav.xhtml` (contents, landmarks, page list) and the NCX.
//! 3. `font_subset` cuts the fonts down to the characters used;
//!    `style` writes the style sheet.
//! 4. `package` hands every file and the metadata to epub-builder, which
//!    writes the package document and zips the book through `container`,
//!    so that the same input always gives the same bytes.
//!
//! The output is EPUB 3.3 with an NCX for EPUB 2 reading systems, and
//! carries EPUB Accessibility 1.1 metadata.

mod container;
mod cover;
mod font_subset;
mod images;
mod metadata;
mod nav;
mod outline;
mod package;
mod page_list;
mod pages;
mod render;
mod sanitize;
mod style;
mod xml;

use crate::assets::Assets;
use crate::diag::{Diagnostic, Span, Warned};
use crate::fonts::{FaceRole, FontSet};
use crate::model::{Document, plain_text};
use images::Images;
use metadata::Timestamp;
use outline::{NOTES_FILE, Outline};
use package::{ContentDoc, GuideType, PackageInput, internal_error};
use page_list::{PageList, PagePlan};
use pages::PageLang;
use render::Renderer;
use std::collections::{BTreeMap, BTreeSet};
use crate::strings::Strings;

/// Options for the EPUB back end.
#[derive(Debug, Clone)]
pub struct EpubOptions {
    /// `dcterms:modified`, ISO 8601 UTC `YYYY-MM-DDThh:mm:ssZ` (the caller
    /// derives it from the front-matter date or `SOURCE_DATE_EPOCH`; never
    /// the clock). It also dates every entry of the zip.
    pub modified: String,
    /// Generator string, e.g. "mdg-export 0.1.0".
    pub generator: String,
    /// Where each page of the print edition begins (printed page number
    /// and place in the document), from the PDF's pagination; empty when
    /// there is no print edition to follow.
    pub page_starts: Vec<(usize, crate::layout::PageAnchor)>,
    /// The print edition the page list follows, for `pageBreakSource`
    /// (e.g. `toppmotet.pdf, A5`).
    pub page_source: Option<String>,
    /// The document fails a condition of the accessibility claim (see
    /// [`crate::conformance`]): the package does not say it conforms to
    /// WCAG 2.2 AA.
    pub unclaimed: bool,
}

impl Default for EpubOptions {
    fn default() -> Self {
        EpubOptions {
            modified: "2000-01-01T00:00:00Z".into(),
            generator: concat!("mdg-export ", env!("CARGO_PKG_VERSION")).into(),
            page_starts: Vec::new(),
            page_source: None,
            unclaimed: false,
        }
    }
}

/// What the book's metadata and files are called, worked out from the
/// document alone, once.
struct Naming<'a> {
    modified: Timestamp,
    /// The identifier: a hash of the whole text.
    uuid: uuid::Uuid,
    lang: String,
    strings: Strings,
    title: String,
    subtitle: Option<String>,
    images: Images<'a>,
    outline: Outline<'a>,
    /// Warnings about the language and the date, said once.
    warnings: Vec<Diagnostic>,
    date: Option<String>,
}

impl<'a> Naming<'a> {
    /// Works out the names of `doc`'s book. The error is a bug: an
    /// `options.modified` not of the form `YYYY-MM-DDThh:mm:ssZ`.
    fn of(
        doc: &'a Document,
        assets: &'a Assets,
        options: &EpubOptions,
    ) -> Result<Self, Diagnostic> {
        let modified = Timestamp::parse(&options.modified)
            .filter(|&stamp| package::is_calendar_date(stamp))
            .ok_or_else(|| {
                Diagnostic::error(
                    Span::DETACHED,
                    format!(
                        "the modification time `{}` is not of the form YYYY-MM-DDThh:mm:ssZ",
                        options.modified
                    ),
                )
                .with_hint("this is a bug in mdg-export; please report it")
            })?;
        let mut warnings = Vec::new();
        let (lang, warning) = metadata::book_language(&doc.meta.lang);
        warnings.extend(warning);
        let (date, warning) = metadata::publication_date(doc.meta.date.as_deref());
        warnings.extend(warning);
        let strings = Strings::for_lang(&lang);
        let title = first_non_empty([plain_text(&doc.meta.title), doc.meta.name.clone()])
            .unwrap_or_else(|| strings.untitled.to_string());
        let subtitle = first_non_empty([plain_text(&doc.meta.subtitle)]);
        let images = Images::collect(doc, assets);
        let outline = outline::build_outline(doc, &strings);
        Ok(Naming {
            modified,
            uuid: metadata::book_uuid(doc),
            lang,
            strings,
            title,
            subtitle,
            images,
            outline,
            warnings,
            date,
        })
    }

    /// The spine's content documents in reading order: the one rule
    /// for which there are, read by the package and by `write_documents`.
    fn parts(&self, doc: &Document) -> Vec<Part> {
        let chapters = (0..self.outline.chapters.len()).map(Part::Chapter);
        let notes = (!doc.footnotes.is_empty()).then_some(Part::Notes);
        std::iter::once(Part::Cover)
            .chain(chapters)
            .chain(notes)
            .collect()
    }

    /// A part's file, title and guide entry, with its XHTML.
    fn content_doc(&self, part: Part, xhtml: String) -> ContentDoc {
        let (file, title, guide) = match part {
            Part::Cover => (
                COVER_FILE.into(),
                self.strings.cover.into(),
                Some(GuideType::Cover),
            ),
            Part::Chapter(index) => (
                self.outline.chapters[index].file.clone(),
                self.outline.chapters[index].title.clone(),
                (index == 0).then_some(GuideType::Text),
            ),
            Part::Notes => (
                NOTES_FILE.into(),
                self.strings.notes.into(),
                Some(GuideType::Notes),
            ),
        };
        ContentDoc {
            file,
            title,
            guide,
            xhtml,
        }
    }
}

/// A content document of the spine (see [`Naming::parts`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// The cover page, showing the cover raster (every book has one).
    Cover,
    /// The chapter of this index in the outline.
    Chapter(usize),
    /// The endnotes, when there are footnotes.
    Notes,
}

/// The cover page's file.
const COVER_FILE: &str = "cover.xhtml";

/// The cover raster's file (see [`cover`]).
const COVER_IMAGE: &str = "images/cover.png";

/// Runs the raw-HTML sanitizer alone on `html`, as a block (`true`) or in
/// a paragraph, and returns the XHTML it writes with its warning. For the
/// fuzz target that runs the sanitizer directly, thousands of times
/// faster than through a whole export.
#[cfg(feature = "internals")]
pub fn sanitize_html(html: &str, block: bool) -> (String, Option<String>) {
    use sanitize::{HtmlWriter, Place, Report};
    let place = if block { Place::Block } else { Place::Inline };
    let mut writer = HtmlWriter::new(place);
    let (mut out, mut report) = (String::new(), Report::default());
    writer.write(
        html,
        &|url| Some(format!("images/{url}")),
        &mut out,
        &mut report,
    );
    writer.finish(&mut out);
    (out, report.message())
}

/// Writes `doc` as an EPUB 3 file and returns its bytes.
///
/// The same document, assets, fonts and options always give the same
/// bytes. What cannot be carried into the EPUB (raw HTML, links that
/// would not work in a reading system) is left out with a warning; an
/// error means a bug, or an invalid `options.modified`.
pub fn write_epub(
    doc: &Document,
    assets: &Assets,
    fonts: &FontSet,
    options: &EpubOptions,
) -> Result<Warned<Vec<u8>>, Vec<Diagnostic>> {
    let naming = Naming::of(doc, assets, options).map_err(|err| vec![err])?;
    let naming = &naming;
    let mut warnings = naming.warnings.clone();
    let Naming {
        lang,
        strings,
        title,
        images,
        outline,
        ..
    } = naming;
    let page_lang = PageLang {
        lang: lang.clone(),
        rtl: metadata::is_rtl(lang),
    };
    let plan = plan_pages(doc, naming, &options.page_starts);
    let written = write_documents(doc, naming, &page_lang, &plan).map_err(|err| vec![err])?;
    warnings.extend(written.warnings);
    let documents = written.documents;
    let page_list = PageList {
        pages: written.pages,
        source: options.page_source.clone(),
    };
    let landmarks = landmarks(&documents, outline, strings);
    let uid = naming.uuid.urn().to_string();
    let nav = nav::write_nav(
        &page_lang,
        strings,
        &outline.toc,
        &landmarks,
        &plan.front,
        &page_list,
    );
    let ncx = nav::write_ncx(
        &nav::NcxInput {
            lang,
            uid: &uid,
            title,
            toc: &outline.toc,
            pages: &page_list,
            pages_label: strings.pages,
        },
        &spine_texts(&documents, &nav),
    );

    let sans_bold_is_heading = font_subset::css_family(fonts.face(FaceRole::Heading))
        == font_subset::css_family(fonts.face(FaceRole::Sans));
    let used_chars = check_and_collect_chars(&documents, &nav, &ncx, sans_bold_is_heading)
        .map_err(|err| vec![err])?;
    let banner = doc.cover.as_ref().and_then(|image| assets.get(&image.url));
    let cover_text = cover::CoverText {
        title,
        subtitle: naming.subtitle.as_deref(),
    };
    let cover = cover::cover_png(doc, &cover_text, banner, fonts).map_err(|err| {
        vec![internal_error(&format!(
            "the cover could not be drawn ({err})"
        ))]
    })?;
    let plans = font_subset::plan_fonts(fonts, &used_chars);
    let cut = font_subset::cut_fonts(fonts, plans);
    // The cover raster shows the banner (its alt text describes it) and
    // otherwise only words the book holds.
    let banner_alt = doc.cover.as_ref().map(|image| !image.alt.trim().is_empty());
    let has_images = !images.files().is_empty() || banner_alt.is_some();
    let described = images.all_described && banner_alt != Some(false);
    let input = PackageInput {
        title,
        subtitle: naming.subtitle.as_deref(),
        lang,
        rtl: page_lang.rtl,
        authors: non_empty(&doc.meta.authors),
        description: non_empty_str(doc.meta.description.as_deref()),
        keywords: non_empty(&doc.meta.keywords),
        publisher: non_empty_str(doc.meta.publisher.as_deref()),
        place: non_empty_str(doc.meta.place.as_deref()),
        date: naming.date.as_deref(),
        uuid: naming.uuid,
        modified: naming.modified,
        generator: &options.generator,
        toc_name: strings.contents,
        accessibility: metadata::accessibility_metadata(
            has_images,
            described,
            !page_list.is_empty(),
            strings.accessibility_summary(has_images && described, !options.unclaimed),
            !options.unclaimed,
        ),
        page_source: page_list.source.clone().filter(|_| !page_list.is_empty()),
        stylesheet: style::stylesheet(&cut),
        fonts: cut,
        cover,
        images,
        documents,
        nav,
        ncx,
    };
    let output = package::write_package(input).map_err(|err| vec![err])?;
    Ok(Warned { output, warnings })
}

/// Places the print edition's pages in the book (see [`page_list`]).
fn plan_pages(
    doc: &Document,
    naming: &Naming<'_>,
    starts: &[(usize, crate::layout::PageAnchor)],
) -> PagePlan {
    // The same order the renderer writes blocks in: chapters, then notes.
    let mut order = Vec::new();
    for chapter in &naming.outline.chapters {
        page_list::collect_block_starts(chapter.blocks, &mut order);
    }
    for note in &doc.footnotes {
        page_list::collect_block_starts(&note.blocks, &mut order);
    }
    let has_cover = naming.parts(doc).first() == Some(&Part::Cover);
    page_list::plan_pages(starts, &order, has_cover)
}

/// The spine's XHTML files and what was found writing them.
struct Written {
    /// Cover page, chapters, endnotes.
    documents: Vec<ContentDoc>,
    /// Where each page-break marker stands: page → (file, id).
    pages: BTreeMap<usize, (String, String)>,
    warnings: Vec<Diagnostic>,
}

/// Writes the spine's XHTML files, the parts `naming` lists (cover
/// page, chapters, endnotes), with the page-break markers of `plan`
/// (those of `plan.front` go into the nav, written later).
fn write_documents(
    doc: &Document,
    naming: &Naming<'_>,
    page_lang: &PageLang,
    plan: &PagePlan,
) -> Result<Written, Diagnostic> {
    let Naming {
        strings,
        images,
        outline,
        title,
        ..
    } = naming;
    let mut renderer = Renderer::new(strings, &outline.anchors, images, &doc.footnotes);
    renderer.set_page_markers(plan.blocks.clone());
    let mut placed = BTreeMap::new();
    let mut documents = Vec::new();
    for part in naming.parts(doc) {
        let xhtml = match part {
            Part::Cover => {
                let marker = plan.cover.map(|page| {
                    let id = format!("page-{page}");
                    let html = page_list::marker_html(page, &id);
                    placed.insert(page, (COVER_FILE.to_string(), id));
                    html
                });
                pages::cover_page(
                    page_lang,
                    strings.cover,
                    COVER_IMAGE,
                    &cover_alt(doc, title),
                    marker.as_deref(),
                )
            }
            Part::Chapter(index) => {
                let chapter = &outline.chapters[index];
                renderer.begin_file(&chapter.file, [chapter.blocks]);
                let mut body = String::new();
                renderer.write_chapter(chapter.blocks, outline.top_level, &mut body);
                pages::xhtml_page(page_lang, &chapter.title, "bodymatter", &body)
            }
            Part::Notes => {
                let note_blocks = doc.footnotes.iter().map(|note| note.blocks.as_slice());
                renderer.begin_file(NOTES_FILE, note_blocks);
                let mut body = String::new();
                renderer.write_notes(&doc.footnotes, outline.top_level, &mut body);
                pages::xhtml_page(page_lang, strings.notes, "backmatter", &body)
            }
        };
        documents.push(naming.content_doc(part, xhtml));
    }
    let unwritten = renderer.unwritten_pages();
    if !unwritten.is_empty() {
        return Err(internal_error(&format!(
            "no place was found for the page-break markers of pages {unwritten:?}"
        )));
    }
    placed.extend(std::mem::take(&mut renderer.pages));
    for &page in &plan.front {
        placed.insert(page, (NAV_FILE.to_string(), format!("page-{page}")));
    }
    Ok(Written {
        documents,
        pages: placed,
        warnings: renderer.warnings,
    })
}

/// The cover raster's alt text: the title it shows, then what the banner
/// on it shows, if its alt text says.
fn cover_alt(doc: &Document, title: &str) -> String {
    match doc.cover.as_ref().map(|image| image.alt.trim()) {
        Some(banner) if !banner.is_empty() => format!("{title}. {banner}"),
        _ => title.to_string(),
    }
}

/// The nav document's name inside the package folder.
const NAV_FILE: &str = "nav.xhtml";

/// The spine's files with their XHTML, in reading order: what NCX play
/// orders are worked out from.
fn spine_texts<'a>(documents: &'a [ContentDoc], nav: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut spine: Vec<(&str, &str)> = Vec::new();
    let mut documents = documents.iter().peekable();
    // The package puts the nav after the cover (see `package`).
    if let Some(cover) = documents.next_if(|doc| doc.guide == Some(GuideType::Cover)) {
        spine.push((&cover.file, &cover.xhtml));
    }
    spine.push((NAV_FILE, nav));
    spine.extend(documents.map(|doc| (doc.file.as_str(), doc.xhtml.as_str())));
    spine
}

/// The landmarks: cover, table of contents, start of the text.
fn landmarks(
    documents: &[ContentDoc],
    outline: &Outline<'_>,
    strings: &Strings,
) -> Vec<nav::Landmark> {
    let mut landmarks: Vec<nav::Landmark> = Vec::new();
    if documents
        .first()
        .is_some_and(|doc| doc.guide == Some(GuideType::Cover))
    {
        landmarks.push(("cover", "cover.xhtml".into(), strings.cover.into()));
    }
    landmarks.push(("toc", format!("{NAV_FILE}#toc"), strings.contents.into()));
    if let Some(first) = outline.chapters.first() {
        landmarks.push(("bodymatter", first.file.clone(), strings.start.into()));
    }
    landmarks
}

/// Parses every XHTML file we wrote (a cheap guard against a bug that
/// would make the EPUB unreadable) and collects the characters their
/// text shows in each face, which decide what faces are embedded and what
/// each subset keeps.
fn check_and_collect_chars(
    documents: &[ContentDoc],
    nav: &str,
    ncx: &str,
    sans_bold_is_heading: bool,
) -> Result<BTreeMap<FaceRole, BTreeSet<char>>, Diagnostic> {
    let mut chars = BTreeMap::new();
    let files = documents
        .iter()
        .map(|doc| (doc.file.as_str(), doc.xhtml.as_str()))
        .chain([(NAV_FILE, nav), ("toc.ncx", ncx)]);
    for (name, text) in files {
        let parsed = xml::parse(text)
            .map_err(|err| internal_error(&format!("`{name}` is not well-formed XML ({err})")))?;
        // The NCX is never drawn with the book's fonts.
        if let Some(body) = parsed.descendants().find(|node| node.has_tag_name("body")) {
            style::collect_face_chars(body, sans_bold_is_heading, &mut chars);
        }
    }
    Ok(chars)
}

/// The trimmed strings that are not empty (EPUB forbids empty `dc:`
/// elements).
fn non_empty(values: &[String]) -> Vec<String> {
    values
        .iter()
        .map(|value| value.trim())
        .filter(|value| !value.is_empty())
        .map(str::to_string)
        .collect()
}

fn non_empty_str(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|value| !value.is_empty())
}

fn first_non_empty<const N: usize>(candidates: [String; N]) -> Option<String> {
    candidates
        .into_iter()
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .find(|s| !s.is_empty())
}
