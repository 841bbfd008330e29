//! Images: read once, checked, decoded once, shared by both back ends.
//!
//! Goes in: the document's image references and an [`AssetSource`] that
//! can read them. Comes out: [`Assets`], one decoded [`Asset`] per distinct
//! URL. Remote URLs are never fetched: the back ends show the alt text.
//!
//! SVG text is set in the document's fonts before usvg parses the file
//! (`svg_text`); a file that is safe as it is then goes into the EPUB
//! as written (`svg_passthrough`) rather than as usvg writes it back.

mod glyph_path;
mod svg_lift;
mod svg_passthrough;
mod svg_props;
mod svg_text;

pub use svg_lift::{Lifted, LiftedText, concat};

use crate::diag::{Diagnostic, StageResult, Warned};
use crate::fonts::FontSet;
use crate::model::Document;
use percent_encoding::percent_decode_str;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// The largest raster image accepted, in pixels (width × height).
///
/// A PNG header can declare any size; decoding a 100 000 × 100 000 image
/// would need 40 GB. 100 megapixels is a 33 × 33 cm photo at 760 dpi,
/// more than any brochure needs.
pub const MAX_IMAGE_PIXELS: u64 = 100_000_000;

/// The largest image file read, in bytes.
pub const MAX_IMAGE_BYTES: u64 = 64 * 1024 * 1024;

/// Reads the bytes behind an image URL.
pub trait AssetSource {
    /// Reads `url` or says why not, with a hint.
    fn read(&self, url: &str) -> Result<Vec<u8>, (String, String)>;
}

/// Reads images from files relative to a folder (the input file's).
#[derive(Debug, Clone)]
pub struct FolderSource {
    /// The folder relative URLs are resolved against.
    pub base: PathBuf,
    /// Refuse anything outside `base`: no `..`, no absolute paths, no
    /// symbolic links that lead out.
    pub sandbox: bool,
}

impl AssetSource for FolderSource {
    fn read(&self, url: &str) -> Result<Vec<u8>, (String, String)> {
        // CommonMark keeps `%20`-style escapes in the destination.
        let decoded = percent_decode_str(url).decode_utf8_lossy();
        let relative = Path::new(&*decoded);
        if self.sandbox {
            let escapes = relative.components().any(|c| {
                matches!(
                    c,
                    Component::ParentDir | Component::RootDir | Component::Prefix(_)
                )
            });
            if escapes {
                return Err((
                    format!("image `{url}` lies outside the input's folder"),
                    "--sandbox allows only images in the input file's folder or below it".into(),
                ));
            }
        }
        let path = self.base.join(relative);
        if self.sandbox {
            let inside = match (path.canonicalize(), self.base.canonicalize()) {
                (Ok(real), Ok(base)) => real.starts_with(base),
                _ => true, // a missing file is reported below
            };
            if !inside {
                return Err((
                    format!("image `{url}` is a link that leads outside the input's folder"),
                    "--sandbox does not follow symbolic links out of the input's folder".into(),
                ));
            }
        }
        let metadata = std::fs::metadata(&path).map_err(|err| {
            (
                format!(
                    "cannot read image `{}`: {}",
                    path.display(),
                    io_reason(&err)
                ),
                "check the path; it is relative to the Markdown file's folder".into(),
            )
        })?;
        if !metadata.is_file() {
            return Err((
                format!("image `{}` is not a file", path.display()),
                "point the image at a PNG, JPEG or SVG file".into(),
            ));
        }
        if metadata.len() > MAX_IMAGE_BYTES {
            return Err((
                format!(
                    "image `{}` is {} MB, more than the {} MB limit",
                    path.display(),
                    metadata.len() / 1_000_000,
                    MAX_IMAGE_BYTES / 1_000_000
                ),
                "reduce the image before exporting".into(),
            ));
        }
        std::fs::read(&path).map_err(|err| {
            (
                format!(
                    "cannot read image `{}`: {}",
                    path.display(),
                    io_reason(&err)
                ),
                "check that the file is readable".into(),
            )
        })
    }
}

/// Serves files compiled into the binary (the built-in document's banner).
#[derive(Debug, Clone, Default)]
pub struct EmbeddedSource {
    /// File name → bytes.
    pub files: BTreeMap<&'static str, &'static [u8]>,
}

impl AssetSource for EmbeddedSource {
    fn read(&self, url: &str) -> Result<Vec<u8>, (String, String)> {
        self.files
            .get(url)
            .map(|bytes| bytes.to_vec())
            .ok_or_else(|| {
                (
                    format!("the built-in document has no image `{url}`"),
                    "this is a bug in mdg-export; please report it".into(),
                )
            })
    }
}

fn io_reason(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => err.to_string(),
    }
}

/// Whether a URL points off this machine (and so is never fetched).
pub fn is_remote(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.starts_with("http:")
        || lower.starts_with("https:")
        || lower.starts_with("ftp:")
        || lower.starts_with("//")
        || lower.starts_with("data:")
        || lower.starts_with("file:")
}

/// The pixel layout of a decoded raster image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PixelFormat {
    /// One byte a pixel.
    Gray,
    /// Three bytes a pixel.
    Rgb,
}

/// What kind of picture an asset is, with what each back end needs.
#[derive(Debug, Clone)]
pub enum AssetKind {
    /// A vector image, parsed once; its text is already turned into paths
    /// set in the document's fonts, so it looks the same everywhere (by
    /// `svg_text` when the text is plain, else by usvg).
    Svg {
        /// The drawing, parsed when the PDF first needs it.
        drawing: SvgDrawing,
    },
    /// A PNG, decoded losslessly to 8-bit samples.
    Png {
        /// Colour samples, row by row.
        pixels: Vec<u8>,
        /// Gray or RGB.
        format: PixelFormat,
        /// Alpha samples, one byte a pixel, if the image has transparency.
        alpha: Option<Vec<u8>>,
    },
    /// A JPEG, embedded as it is (never re-encoded).
    Jpeg {
        /// Colour components: 1 gray, 3 RGB (YCbCr), 4 CMYK.
        components: u8,
    },
}

/// One decoded image.
#[derive(Debug, Clone)]
pub struct Asset {
    /// The URL as written in the Markdown.
    pub url: String,
    /// The file's bytes; for SVG, the file with its text set as outlines
    /// when that is safe to pass on, else made on first use (see
    /// [`Asset::bytes`]).
    data: Arc<std::sync::OnceLock<Arc<[u8]>>>,
    /// The media type: `image/svg+xml`, `image/png` or `image/jpeg`.
    pub mime: &'static str,
    /// Width in pixels (SVG: CSS pixels).
    pub width_px: u32,
    /// Height in pixels (SVG: CSS pixels).
    pub height_px: u32,
    /// What is needed to draw it.
    pub kind: AssetKind,
}

impl Asset {
    fn new(
        url: &str,
        data: Option<Arc<[u8]>>,
        mime: &'static str,
        size: (u32, u32),
        kind: AssetKind,
    ) -> Asset {
        let cell = std::sync::OnceLock::new();
        if let Some(data) = data {
            let _ = cell.set(data);
        }
        Asset {
            url: url.to_string(),
            data: Arc::new(cell),
            mime,
            width_px: size.0,
            height_px: size.1,
            kind,
        }
    }

    /// The image as a file: PNG and JPEG as they were read; SVG with its
    /// text as paths, either the file as written with its text set by
    /// `svg_text` (when it holds only plain drawing elements, see
    /// `svg_passthrough`) or normalised by usvg's writer. Both are made
    /// on first use when the PDF does not need them: only the EPUB does,
    /// and writing glyph outlines costs more than the rest of the
    /// drawing.
    pub fn bytes(&self) -> &[u8] {
        self.data.get_or_init(|| match &self.kind {
            AssetKind::Svg { drawing } => match &drawing.outlined {
                Some(outlined) => Arc::from(outlined.write().into_bytes()),
                None => match drawing.tree() {
                    Ok(tree) => Arc::from(tree.to_string(&write_options()).into_bytes()),
                    // Not reached: a file usvg must write out was parsed
                    // when it was loaded.
                    Err(_) => Arc::from(Vec::new()),
                },
            },
            // Raster data is set when the asset is made.
            AssetKind::Png { .. } | AssetKind::Jpeg { .. } => Arc::from(Vec::new()),
        })
    }

    /// The file extension that goes with the media type.
    pub fn extension(&self) -> &'static str {
        match self.kind {
            AssetKind::Svg { .. } => "svg",
            AssetKind::Png { .. } => "png",
            AssetKind::Jpeg { .. } => "jpg",
        }
    }

    /// The natural size in points: SVG at 96 CSS pixels an inch, raster
    /// images at 300 pixels an inch (print resolution, so a raster image
    /// is never enlarged past what prints sharply).
    pub fn natural_size_pt(&self) -> (f32, f32) {
        let per_px = match self.kind {
            AssetKind::Svg { .. } => 72.0 / 96.0,
            AssetKind::Png { .. } | AssetKind::Jpeg { .. } => 72.0 / 300.0,
        };
        (
            self.width_px as f32 * per_px,
            self.height_px as f32 * per_px,
        )
    }

    /// The size in points a browser gives it: a pixel is a CSS pixel (96
    /// an inch). Icons and badges are drawn for screens at this size, and
    /// an e-reader shows them so.
    pub fn css_size_pt(&self) -> (f32, f32) {
        (self.width_px as f32 * 0.75, self.height_px as f32 * 0.75)
    }
}

/// An SVG drawing for the PDF, parsed by usvg on first use.
///
/// A file that goes into the EPUB as written needs no parsing for the
/// EPUB (its size is on its root element); for the PDF, the parse can run
/// on another thread while the text is laid out ([`Assets::prepare`]).
/// Files usvg must write out for the EPUB are parsed when loaded.
#[derive(Clone)]
pub struct SvgDrawing {
    tree: Arc<std::sync::OnceLock<Result<Arc<usvg::Tree>, String>>>,
    /// What to parse: the file with its text set, or as read, or its
    /// shapes alone when its texts are `lifted`.
    source: Arc<[u8]>,
    options: Arc<usvg::Options<'static>>,
    /// The texts the PDF draws as text over the tree's shapes.
    lifted: Option<Arc<Lifted>>,
    /// With `lifted`: the file with the texts as outlines, to write when
    /// the EPUB asks for it.
    outlined: Option<Arc<svg_text::Outlined>>,
}

impl SvgDrawing {
    fn parsed(tree: usvg::Tree, options: Arc<usvg::Options<'static>>) -> Self {
        SvgDrawing {
            tree: Arc::new(std::sync::OnceLock::from(Ok(Arc::new(tree)))),
            source: Arc::from(Vec::new()),
            options,
            lifted: None,
            outlined: None,
        }
    }

    fn deferred(source: Arc<[u8]>, options: Arc<usvg::Options<'static>>) -> Self {
        SvgDrawing {
            tree: Arc::new(std::sync::OnceLock::new()),
            source,
            options,
            lifted: None,
            outlined: None,
        }
    }

    /// The texts to draw as text over [`SvgDrawing::tree`], which then
    /// holds only the shapes (see `svg_lift`).
    pub fn lifted(&self) -> Option<&Lifted> {
        self.lifted.as_deref()
    }

    /// The parsed drawing, or why usvg could not read it.
    pub fn tree(&self) -> Result<&usvg::Tree, &str> {
        self.tree
            .get_or_init(|| {
                usvg::Tree::from_data(&self.source, &self.options)
                    .map(Arc::new)
                    .map_err(|err| format!("invalid SVG ({err})"))
            })
            .as_deref()
            .map_err(String::as_str)
    }
}

impl std::fmt::Debug for SvgDrawing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SvgDrawing")
            .field("parsed", &self.tree.get().is_some())
            .field("lifted", &self.lifted.is_some())
            .finish()
    }
}

/// Every image of a document, by URL.
#[derive(Debug, Clone, Default)]
pub struct Assets {
    map: BTreeMap<String, Asset>,
}

impl Assets {
    /// Does ahead the work left for first use (see [`SvgDrawing`] and
    /// [`Asset::bytes`]): parses every drawing for the PDF, writes every
    /// SVG file for the EPUB. Run on a thread of its own beside layout.
    pub fn prepare(&self, pdf: bool, epub: bool) {
        for asset in self.map.values() {
            if let AssetKind::Svg { drawing } = &asset.kind {
                if pdf {
                    let _ = drawing.tree();
                }
                if epub {
                    let _ = asset.bytes();
                }
            }
        }
    }

    /// Whether any image is an SVG drawing (which [`Assets::prepare`]
    /// has work for).
    pub fn has_svg(&self) -> bool {
        self.map
            .values()
            .any(|asset| matches!(asset.kind, AssetKind::Svg { .. }))
    }

    /// The image for a URL, if it was loaded.
    pub fn get(&self, url: &str) -> Option<&Asset> {
        self.map.get(url)
    }

    /// All images, in URL order (deterministic).
    pub fn iter(&self) -> impl Iterator<Item = &Asset> {
        self.map.values()
    }
}

/// Loads and decodes every image the document refers to.
///
/// A missing, unreadable or corrupt image is an error at the image's
/// span; a remote one is a warning (the alt text stands in for it).
pub fn load_assets(
    doc: &Document,
    source: &dyn AssetSource,
    fonts: &FontSet,
) -> StageResult<Assets> {
    let mut images = Vec::new();
    if let Some(cover) = &doc.cover {
        images.push(cover);
    }
    crate::model::collect_images(&doc.blocks, &mut images);
    for note in &doc.footnotes {
        crate::model::collect_images(&note.blocks, &mut images);
    }

    let mut assets = Assets::default();
    let mut warnings = Vec::new();
    let mut errors = Vec::new();
    let mut svg = SvgDecoder { fonts, ready: None };
    for image in images {
        if assets.map.contains_key(&image.url) {
            continue;
        }
        if image.url.trim().is_empty() {
            warnings.push(
                Diagnostic::warning(image.span, "image has no file name")
                    .with_hint("write the image as ![alt text](file.png)"),
            );
            continue;
        }
        if is_remote(&image.url) {
            warnings.push(
                Diagnostic::warning(
                    image.span,
                    format!("remote image `{}` is not fetched", image.url),
                )
                .with_hint(
                    "its alt text is shown instead; download the image and link the local file",
                ),
            );
            continue;
        }
        let bytes = match source.read(&image.url) {
            Ok(bytes) => bytes,
            Err((message, hint)) => {
                errors.push(Diagnostic::error(image.span, message).with_hint(hint));
                continue;
            }
        };
        match decode(&image.url, bytes, &mut svg) {
            Ok(asset) => {
                assets.map.insert(image.url.clone(), asset);
            }
            Err(reason) => errors.push(
                Diagnostic::error(
                    image.span,
                    format!("cannot use image `{}`: {reason}", image.url),
                )
                .with_hint("export it again as PNG, JPEG or SVG"),
            ),
        }
    }
    if errors.is_empty() {
        Ok(Warned {
            output: assets,
            warnings,
        })
    } else {
        Err(errors)
    }
}

/// usvg's options for our drawings: the document's fonts, and no file or
/// network access.
pub(crate) fn svg_options(fonts: &FontSet) -> usvg::Options<'static> {
    let mut options = usvg::Options::default();
    let db = options.fontdb_mut();
    // The script faces stay out: loading them would unpack them for every
    // SVG, and usvg's own fallback would pick them for symbols.
    let faces = fonts.faces().iter();
    for face in faces.filter(|face| !matches!(face.data, crate::fonts::FontBytes::Packed(_))) {
        // Shared, not copied: the fonts are megabytes.
        db.load_font_source(usvg::fontdb::Source::Binary(Arc::new(face.data.clone())));
    }
    let regular = fonts.face(crate::fonts::FaceRole::Regular).family.clone();
    let sans = fonts.face(crate::fonts::FaceRole::Sans).family.clone();
    let mono = fonts.face(crate::fonts::FaceRole::Mono).family.clone();
    db.set_serif_family(regular);
    db.set_sans_serif_family(sans);
    db.set_monospace_family(mono);
    options.font_family = fonts.face(crate::fonts::FaceRole::Regular).family.clone();
    // Never read files or the network on behalf of an SVG: only images
    // embedded as data URLs are drawn.
    options.image_href_resolver = usvg::ImageHrefResolver {
        resolve_data: usvg::ImageHrefResolver::default_data_resolver(),
        resolve_string: Box::new(|_, _| None),
    };
    options
}

/// Decodes an image by its content (not its file name).
fn decode(url: &str, bytes: Vec<u8>, svg: &mut SvgDecoder) -> Result<Asset, String> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        decode_png(url, bytes)
    } else if bytes.starts_with(&[0xFF, 0xD8]) {
        decode_jpeg(url, bytes)
    } else if looks_like_svg(&bytes) {
        svg.decode(url, bytes)
    } else if bytes.is_empty() {
        Err("the file is empty".into())
    } else {
        Err("not a PNG, JPEG or SVG image".into())
    }
}

fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let head = String::from_utf8_lossy(head);
    head.contains("<svg")
}

fn check_pixels(width: u32, height: u32) -> Result<(), String> {
    let pixels = u64::from(width) * u64::from(height);
    if width == 0 || height == 0 {
        return Err("the image has no pixels".into());
    }
    if pixels > MAX_IMAGE_PIXELS {
        return Err(format!(
            "it declares {width} × {height} pixels, more than the limit of {} megapixels",
            MAX_IMAGE_PIXELS / 1_000_000
        ));
    }
    Ok(())
}

fn decode_png(url: &str, bytes: Vec<u8>) -> Result<Asset, String> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(&bytes[..]));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder
        .read_info()
        .map_err(|err| format!("corrupt PNG ({err})"))?;
    let (width, height) = {
        let info = reader.info();
        (info.width, info.height)
    };
    // Checked before a single pixel buffer is allocated.
    check_pixels(width, height)?;
    let mut buffer = vec![0; reader.output_buffer_size()];
    let frame = reader
        .next_frame(&mut buffer)
        .map_err(|err| format!("corrupt or truncated PNG ({err})"))?;
    buffer.truncate(frame.buffer_size());
    let (color, alpha) = match frame.color_type {
        png::ColorType::Grayscale => (buffer, None),
        png::ColorType::Rgb => (buffer, None),
        png::ColorType::GrayscaleAlpha => split_alpha(&buffer, 1),
        png::ColorType::Rgba => split_alpha(&buffer, 3),
        png::ColorType::Indexed => return Err("unexpected palette after expansion".into()),
    };
    let format = match frame.color_type {
        png::ColorType::Grayscale | png::ColorType::GrayscaleAlpha => PixelFormat::Gray,
        _ => PixelFormat::Rgb,
    };
    // An alpha channel that is opaque everywhere is dropped.
    let alpha = alpha.filter(|a| a.iter().any(|&v| v != 255));
    Ok(Asset::new(
        url,
        Some(Arc::from(bytes)),
        "image/png",
        (width, height),
        AssetKind::Png {
            pixels: color,
            format,
            alpha,
        },
    ))
}

fn split_alpha(samples: &[u8], color_channels: usize) -> (Vec<u8>, Option<Vec<u8>>) {
    let stride = color_channels + 1;
    let mut color = Vec::with_capacity(samples.len() / stride * color_channels);
    let mut alpha = Vec::with_capacity(samples.len() / stride);
    for pixel in samples.chunks_exact(stride) {
        color.extend_from_slice(&pixel[..color_channels]);
        alpha.push(pixel[color_channels]);
    }
    (color, Some(alpha))
}

/// Reads a JPEG's size and components from its headers without decoding
/// its pixels (zune-jpeg, the decoder the `image` crate uses): the data
/// goes into the PDF as it is, so it must be a JPEG a PDF reader decodes
/// (DCTDecode, ISO 32000-1 7.4.8): zune-jpeg reads only the Huffman-coded
/// baseline, extended and progressive frames, and refuses the arithmetic
/// and lossless ones, which PDF readers do not decode either.
fn decode_jpeg(url: &str, bytes: Vec<u8>) -> Result<Asset, String> {
    use zune_jpeg::zune_core::{bytestream::ZCursor, options::DecoderOptions};
    // Its own size limits off: ours (`check_pixels`) say what to do.
    let options = DecoderOptions::default()
        .set_max_width(usize::from(u16::MAX))
        .set_max_height(usize::from(u16::MAX));
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(&bytes[..]), options);
    decoder
        .decode_headers()
        .map_err(|e| format!("corrupt or truncated JPEG ({e})"))?;
    let info = decoder
        .info()
        .ok_or("corrupt JPEG (no frame header)")?;
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    let components = info.components;
    check_pixels(width, height)?;
    if !matches!(components, 1 | 3 | 4) {
        return Err(format!("JPEG with {components} colour components"));
    }
    // A JPEG must end with EOI; a missing one means the file was cut short.
    let tail = &bytes[bytes.len().saturating_sub(64)..];
    if !tail.windows(2).any(|w| w == [0xFF, 0xD9]) {
        return Err("truncated JPEG (no end-of-image marker)".into());
    }
    Ok(Asset::new(
        url,
        Some(Arc::from(bytes)),
        "image/jpeg",
        (width, height),
        AssetKind::Jpeg { components },
    ))
}

/// Decodes SVG files with usvg options and a text setter for a font set,
/// both made for the first SVG (most documents have none).
struct SvgDecoder<'f> {
    fonts: &'f FontSet,
    ready: Option<(Arc<usvg::Options<'static>>, svg_text::TextSetter<'f>)>,
}

impl SvgDecoder<'_> {
    /// Sets the file's text in our fonts if it is plain, parses the result
    /// with usvg, and keeps it as the EPUB's file if it is safe to pass on.
    fn decode(&mut self, url: &str, bytes: Vec<u8>) -> Result<Asset, String> {
        let fonts = self.fonts;
        let (options, setter) = self.ready.get_or_insert_with(|| {
            (
                Arc::new(svg_options(fonts)),
                svg_text::TextSetter::new(fonts),
            )
        });
        // usvg reads a DTD's entities too; files it cannot read as UTF-8
        // text (SVGZ) go to usvg untouched, which reports what is wrong.
        let xml_options = roxmltree::ParsingOptions {
            allow_dtd: true,
            ..roxmltree::ParsingOptions::default()
        };
        let source = std::str::from_utf8(&bytes).ok();
        let doc = source.and_then(|s| roxmltree::Document::parse_with_options(s, xml_options).ok());
        // The source with its text set, if it was, and whether that (or
        // the file as read) may go into the EPUB as it is.
        // With it, the shapes alone and the texts to draw over them, when
        // the PDF may draw the texts as text.
        let (rewritten, lifted, pass_through) = match (source, &doc) {
            (Some(source), Some(doc)) => {
                match setter.rewrite(source, doc, &svg_text::UsvgText::of(options)) {
                    svg_text::Rewrite::NoText => (
                        None,
                        None,
                        svg_passthrough::may_pass_through(source, doc, false),
                    ),
                    svg_text::Rewrite::Rewritten { outlined, lifted } => (
                        Some(outlined),
                        lifted,
                        svg_passthrough::may_pass_through(source, doc, true),
                    ),
                    svg_text::Rewrite::Unsupported(_) => (None, None, false),
                }
            }
            _ => (None, None, false),
        };
        // A file that passes through has a size of its own on its root
        // (see `svg_passthrough`): usvg parses it only for the PDF.
        let size = doc.as_ref().and_then(|doc| {
            let root = doc.root_element();
            let length = |name| root.attribute(name).and_then(svg_props::parse_px);
            Some((length("width")?, length("height")?)).filter(|&(w, h)| w > 0.0 && h > 0.0)
        });
        // The parsed XML borrows `bytes`, which may become the file.
        drop(doc);
        if let (true, Some(size)) = (pass_through, size) {
            return Ok(match (rewritten, lifted) {
                (Some(outlined), Some((shapes, texts))) => {
                    // The PDF draws the shapes with usvg and the texts
                    // itself; the file with outlines is written if the
                    // EPUB asks for it.
                    let drawing = SvgDrawing {
                        lifted: Some(Arc::new(texts)),
                        outlined: Some(Arc::from(outlined)),
                        ..SvgDrawing::deferred(Arc::from(shapes.into_bytes()), Arc::clone(options))
                    };
                    svg_asset(url, size, drawing, None)
                }
                (rewritten, _) => {
                    let file: Arc<[u8]> = match rewritten {
                        Some(outlined) => Arc::from(outlined.write().into_bytes()),
                        None => Arc::from(bytes),
                    };
                    let drawing = SvgDrawing::deferred(Arc::clone(&file), Arc::clone(options));
                    svg_asset(url, size, drawing, Some(file))
                }
            });
        }
        let rewritten = rewritten.map(|outlined| outlined.write().into_bytes());
        let tree = usvg::Tree::from_data(rewritten.as_deref().unwrap_or(&bytes), options)
            .map_err(|err| format!("invalid SVG ({err})"))?;
        let file = pass_through.then(|| Arc::from(rewritten.unwrap_or(bytes)));
        if file.is_none() && has_text(tree.root()) {
            // Text `svg_text` could not set: usvg has set it as outlines,
            // but svg2pdf (built without its own text support) would
            // leave text nodes out of the PDF. Written out and read back,
            // the outlines are plain paths; that normalised file is also
            // what the EPUB gets.
            let written = tree.to_string(&write_options());
            let tree = usvg::Tree::from_str(&written, options)
                .map_err(|err| format!("invalid SVG ({err})"))?;
            let size = (tree.size().width(), tree.size().height());
            let drawing = SvgDrawing::parsed(tree, Arc::clone(options));
            return Ok(svg_asset(
                url,
                size,
                drawing,
                Some(Arc::from(written.into_bytes())),
            ));
        }
        let size = (tree.size().width(), tree.size().height());
        let drawing = SvgDrawing::parsed(tree, Arc::clone(options));
        Ok(svg_asset(url, size, drawing, file))
    }
}

/// How usvg writes a drawing back: text as outlines; a tenth of a CSS
/// pixel is finer than any printer dot at the sizes images are set, and
/// the default eight digits make the file three times larger for nothing.
fn write_options() -> usvg::WriteOptions {
    usvg::WriteOptions {
        preserve_text: false,
        coordinates_precision: 1,
        transforms_precision: 4,
        ..usvg::WriteOptions::default()
    }
}

/// Whether a drawing still holds text nodes (in groups, clip paths,
/// masks or patterns).
fn has_text(group: &usvg::Group) -> bool {
    group.children().iter().any(|node| match node {
        usvg::Node::Text(_) => true,
        usvg::Node::Group(group) => {
            has_text(group)
                || group.clip_path().is_some_and(|clip| has_text(clip.root()))
                || group.mask().is_some_and(|mask| has_text(mask.root()))
        }
        usvg::Node::Path(_) | usvg::Node::Image(_) => false,
    })
}

fn svg_asset(
    url: &str,
    (width, height): (f32, f32),
    drawing: SvgDrawing,
    file: Option<Arc<[u8]>>,
) -> Asset {
    Asset::new(
        url,
        file,
        "image/svg+xml",
        (width.ceil().max(1.0) as u32, height.ceil().max(1.0) as u32),
        AssetKind::Svg { drawing },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_usvg_sets_reaches_the_pdf_as_outlines() {
        // Letter spacing is beyond svg_text: usvg sets this text, and the
        // tree svg2pdf gets must hold it as paths, not as a text node
        // svg2pdf would leave out.
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><text x="4" y="30" font-size="20" letter-spacing="2">Millenniemålen</text></svg>"#;
        let fonts = FontSet::built_in();
        let mut decoder = SvgDecoder {
            fonts: &fonts,
            ready: None,
        };
        let asset = decoder
            .decode("b.svg", svg.as_bytes().to_vec())
            .expect("decodes");
        let AssetKind::Svg { drawing } = &asset.kind else {
            panic!("an SVG")
        };
        let tree = drawing.tree().expect("parses");
        assert!(!has_text(tree.root()), "a text node is left");
        fn paths(group: &usvg::Group) -> usize {
            group
                .children()
                .iter()
                .map(|node| match node {
                    usvg::Node::Path(_) => 1,
                    usvg::Node::Group(group) => paths(group),
                    _ => 0,
                })
                .sum()
        }
        assert!(paths(tree.root()) > 0, "the letters are drawn");
        assert!(!String::from_utf8_lossy(asset.bytes()).contains("<text"));
    }

    #[test]
    fn remote_urls_are_recognised() {
        assert!(is_remote("https://example.org/a.png"));
        assert!(is_remote("//cdn/a.png"));
        assert!(!is_remote("bilder/a.png"));
    }

    fn decode_svg(svg: &str) -> Asset {
        let fonts = FontSet::built_in();
        let mut decoder = SvgDecoder {
            fonts: &fonts,
            ready: None,
        };
        decoder
            .decode("image.svg", svg.as_bytes().to_vec())
            .unwrap()
    }

    const SVG_HEAD: &str = r#"<svg xmlns="http://www.w3.org/2000/svg" width="300" height="100" viewBox="0 0 300 100">"#;

    #[test]
    fn a_safe_svg_goes_into_the_epub_with_its_text_set() {
        let svg = format!(
            "{SVG_HEAD}<rect width=\"300\" height=\"100\" fill=\"#1a5fa0\"/>\
             <text x=\"20\" y=\"60\" font-size=\"36\" fill=\"#fff\">Millenniemålen</text></svg>"
        );
        let asset = decode_svg(&svg);
        let file = std::str::from_utf8(asset.bytes()).unwrap();
        assert!(file.starts_with("<svg xmlns:xlink="), "{file}");
        assert!(file.contains(
            "<rect width=\"300\" height=\"100\" fill=\"#1a5fa0\"/><g fill=\"#fff\"><use "
        ));
        assert!(!file.contains("<text"));
        assert_eq!((asset.width_px, asset.height_px), (300, 100));
        let AssetKind::Svg { drawing } = &asset.kind else {
            panic!("not an SVG asset");
        };
        // The text is painted last: the PDF draws it as text over the
        // shapes, which are all usvg parses.
        let lifted = drawing.lifted().expect("the text is lifted");
        assert_eq!(lifted.viewport, (300.0, 100.0));
        let [text] = &lifted.texts[..] else {
            panic!("one text")
        };
        assert_eq!(text.fill, Some([255, 255, 255]));
        assert_eq!(text.size, 36.0);
        assert_eq!(text.matrix, [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);
        let letters: String = text.glyphs.iter().map(|g| &*g.text).collect();
        // A space ends it, so that the next text reads as a new word.
        assert_eq!(letters, "Millenniemålen ");
        assert_eq!((text.glyphs[0].x, text.glyphs[0].y), (20.0, 60.0));
        assert_eq!(paths_of(drawing), 1);

        // A shape painted over the text keeps it in the drawing: usvg
        // draws glyph outlines, not text of its own.
        let covered = svg.replace("</svg>", "<rect width=\"5\" height=\"5\"/></svg>");
        let asset = decode_svg(&covered);
        let AssetKind::Svg { drawing } = &asset.kind else {
            panic!("not an SVG asset");
        };
        assert!(drawing.lifted().is_none());
        assert_eq!(paths_of(drawing), 2 + "Millenniemålen".chars().count());
    }

    /// How many paths usvg draws; panics on a text node it would set.
    fn paths_of(drawing: &SvgDrawing) -> usize {
        let tree = drawing.tree().expect("parses");
        let mut paths = 0;
        count_nodes(tree.root(), &mut |node| match node {
            usvg::Node::Text(_) => panic!("usvg laid out text"),
            usvg::Node::Path(_) => paths += 1,
            _ => {}
        });
        paths
    }

    fn count_nodes(group: &usvg::Group, visit: &mut dyn FnMut(&usvg::Node)) {
        for node in group.children() {
            visit(node);
            if let usvg::Node::Group(inner) = node {
                count_nodes(inner, visit);
            }
        }
    }

    #[test]
    fn an_unsafe_svg_is_written_anew_by_usvg() {
        for extra in [
            "<script>alert(1)</script>",
            "<rect width=\"1\" height=\"1\" onclick=\"alert(1)\"/>",
            "<image width=\"1\" height=\"1\" href=\"https://example.org/track.png\"/>",
        ] {
            let svg = format!(
                "{SVG_HEAD}{extra}<text x=\"20\" y=\"60\" font-size=\"36\">Mål</text></svg>"
            );
            let asset = decode_svg(&svg);
            let file = std::str::from_utf8(asset.bytes()).unwrap();
            // usvg's writer: only what it drew, the glyphs as plain paths.
            assert!(
                !file.contains("script") && !file.contains("onclick"),
                "{file}"
            );
            assert!(
                !file.contains("example.org") && !file.contains("<use"),
                "{file}"
            );
            assert!(file.contains("<path"), "{file}");
        }
    }

    #[test]
    fn text_usvg_must_lay_out_is_not_passed_through() {
        let svg = format!(
            "{SVG_HEAD}<text x=\"20\" y=\"60\" stroke=\"#000\" font-size=\"36\">Mål</text></svg>"
        );
        let file = std::str::from_utf8(decode_svg(&svg).bytes())
            .unwrap()
            .to_string();
        assert!(!file.contains("<text") && file.contains("<path"), "{file}");
    }

    #[test]
    fn huge_declared_dimensions_are_refused() {
        assert!(check_pixels(20_000, 20_000).is_err());
        assert!(check_pixels(4_000, 3_000).is_ok());
    }
}
