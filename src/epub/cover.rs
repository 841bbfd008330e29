//! The book's cover as a portrait PNG: the banner, title, subtitle, place
//! and date, and publisher, placed as on the PDF's cover page.
//!
//! Why a raster: libraries and shops show the `cover-image` as a
//! thumbnail, and a wide SVG banner there is a thin strip; several
//! reading systems show SVG covers badly or not at all, and Send to
//! Kindle wants a JPEG or PNG cover. The picture is composed as an SVG
//! (the texts as `<text>`, set by usvg in the document's own fonts) and
//! drawn by resvg, over the banner drawn by resvg too (or, for a PNG or
//! JPEG banner, scaled by tiny-skia). Nothing depends on the clock or the
//! machine, so the bytes are the same at every run.

use super::xml::attr;
use crate::assets::{Asset, AssetKind};
use crate::fonts::{FaceRole, FontSet};
use crate::layout::shape::Shaper;
use crate::model::Document;
use resvg::tiny_skia::{self, FilterQuality, Pixmap, PixmapPaint, Transform};

/// The picture's size in pixels: 2:3, what Apple Books and Kobo ask for
/// (Kindle's 1.6 ratio is fine with it), large enough for a shop's page.
const WIDTH: u32 = 1600;
const HEIGHT: u32 = 2400;
/// Space at the top and the sides.
const MARGIN: f32 = 120.0;

/// The cover's texts, in plain text.
pub(super) struct CoverText<'a> {
    pub title: &'a str,
    pub subtitle: Option<&'a str>,
}

/// Draws the cover of `doc` and returns it as a PNG file; `banner` is the
/// document's cover image, if it was loaded. The error says why usvg or
/// the encoder failed (a bug: the SVG is our own).
pub(super) fn cover_png(
    doc: &Document,
    text: &CoverText<'_>,
    banner: Option<&Asset>,
    fonts: &FontSet,
) -> Result<Vec<u8>, String> {
    let options = crate::assets::svg_options(fonts);
    let mut pixmap = Pixmap::new(WIDTH, HEIGHT).ok_or("the cover size is zero")?;
    pixmap.fill(tiny_skia::Color::WHITE);
    let page_w = WIDTH as f32;
    let mut y = MARGIN;
    match banner {
        Some(banner) => {
            let (w, h) = (banner.width_px as f32, banner.height_px as f32);
            let scale = ((page_w - MARGIN) / w).min(HEIGHT as f32 * 0.45 / h);
            let place = Transform::from_row(scale, 0.0, 0.0, scale, (page_w - w * scale) / 2.0, y);
            draw_banner(banner, place, &options, &mut pixmap)?;
            y += h * scale + 100.0;
        }
        None => y += HEIGHT as f32 * 0.2,
    }

    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\">\n"
    );
    let mut lines = Lines {
        shaper: Shaper::new(fonts),
        fonts,
        svg: &mut svg,
    };
    y = lines.centred(text.title, FaceRole::Heading, 120.0, 1.15, y);
    if let Some(subtitle) = text.subtitle {
        y = lines.centred(subtitle, FaceRole::Sans, 64.0, 1.3, y + 32.0);
    }
    let date = doc
        .meta
        .date
        .as_deref()
        .map(|date| crate::layout::format_date(date, &doc.meta.lang));
    let place_date: Vec<&str> = [doc.meta.place.as_deref(), date.as_deref()]
        .into_iter()
        .flatten()
        .filter(|part| !part.trim().is_empty())
        .collect();
    if !place_date.is_empty() {
        lines.centred(
            &place_date.join(" · "),
            FaceRole::Italic,
            56.0,
            1.3,
            y + 56.0,
        );
    }
    if let Some(publisher) = doc.meta.publisher.as_deref() {
        lines.centred(
            publisher,
            FaceRole::Sans,
            52.0,
            1.3,
            HEIGHT as f32 - 2.0 * MARGIN,
        );
    }
    svg.push_str("</svg>\n");
    let mut options = options;
    add_script_faces(&mut options, fonts, &svg);
    let tree = usvg::Tree::from_str(&svg, &options).map_err(|err| err.to_string())?;
    resvg::render(&tree, Transform::identity(), &mut pixmap.as_mut());
    encode_png(&pixmap)
}

/// Draws the banner at `place`: an SVG by resvg, from the file the EPUB
/// would carry (its text already outlines); a PNG or JPEG scaled by
/// tiny-skia.
fn draw_banner(
    banner: &Asset,
    place: Transform,
    options: &usvg::Options<'_>,
    pixmap: &mut Pixmap,
) -> Result<(), String> {
    match banner.kind {
        AssetKind::Svg { .. } => {
            let tree = usvg::Tree::from_data(banner.bytes(), options)
                .map_err(|err| format!("the banner could not be read again ({err})"))?;
            // The drawing's own size may differ from its view box.
            let size = tree.size();
            let fit = Transform::from_scale(
                banner.width_px as f32 / size.width(),
                banner.height_px as f32 / size.height(),
            );
            resvg::render(&tree, place.pre_concat(fit), &mut pixmap.as_mut());
        }
        AssetKind::Png { .. } | AssetKind::Jpeg { .. } => {
            let image = image::load_from_memory(banner.bytes())
                .map_err(|err| format!("the banner could not be decoded again ({err})"))?
                .into_rgba8();
            let size = tiny_skia::IntSize::from_wh(image.width(), image.height())
                .ok_or("the banner is empty")?;
            let mut data = image.into_raw();
            // tiny-skia works in premultiplied alpha.
            for pixel in data.chunks_exact_mut(4) {
                let alpha = u16::from(pixel[3]);
                for channel in &mut pixel[..3] {
                    *channel = ((u16::from(*channel) * alpha + 127) / 255) as u8;
                }
            }
            let image = Pixmap::from_vec(data, size).ok_or("the banner is empty")?;
            let paint = PixmapPaint {
                quality: FilterQuality::Bicubic,
                ..PixmapPaint::default()
            };
            pixmap.draw_pixmap(0, 0, image.as_ref(), &paint, place, None);
        }
    }
    Ok(())
}

/// Writes centred lines of text into the cover's SVG.
struct Lines<'a, 'f> {
    shaper: Shaper<'f>,
    fonts: &'f FontSet,
    svg: &'a mut String,
}

impl Lines<'_, '_> {
    /// Sets `text` in the face of `role` at `size` pixels, broken at
    /// spaces into lines that fit between the margins, the first baseline
    /// one line below `y`; returns the last baseline.
    fn centred(&mut self, text: &str, role: FaceRole, size: f32, leading: f32, y: f32) -> f32 {
        let measure = WIDTH as f32 - 2.0 * MARGIN;
        let mut lines: Vec<String> = Vec::new();
        for word in text.split_whitespace() {
            let joined = lines.last().map(|line| format!("{line} {word}"));
            match joined {
                Some(joined) if self.shaper.shape(role, &joined).width * size <= measure => {
                    *lines.last_mut().expect("a line to join") = joined;
                }
                _ => lines.push(word.to_string()),
            }
        }
        let face = self.fonts.face(role);
        let mut y = y;
        for line in lines {
            y += size * leading;
            // One line too wide (one long word) is narrowed to fit.
            let width = self.shaper.shape(role, &line).width * size;
            let fit = if width > measure {
                format!(" textLength=\"{measure}\" lengthAdjust=\"spacingAndGlyphs\"")
            } else {
                String::new()
            };
            self.svg.push_str(&format!(
                "<text x=\"{}\" y=\"{y}\" text-anchor=\"middle\" font-family=\"{}\" \
                 font-size=\"{size}\" font-weight=\"{}\" font-style=\"{}\"{fit}>{}</text>\n",
                WIDTH / 2,
                attr(&format!("'{}'", face.family)),
                if role.is_bold() { 700 } else { 400 },
                if role.is_italic() { "italic" } else { "normal" },
                attr(&line),
            ));
        }
        y
    }
}

/// Loads the built-in Arabic and Chinese faces into usvg's font database
/// when the cover's text has characters of their scripts (a Chinese or
/// Arabic title): usvg falls back to them for what our faces lack. They
/// stay packed for every other cover.
fn add_script_faces(options: &mut usvg::Options<'_>, fonts: &FontSet, text: &str) {
    let wanted = fonts.faces().iter().filter(|face| {
        matches!(
            face.role,
            FaceRole::Arabic | FaceRole::ArabicBold | FaceRole::Cjk | FaceRole::CjkBold
        ) && text.chars().any(|c| face.role.serves(c))
    });
    for face in wanted {
        options
            .fontdb_mut()
            .load_font_source(usvg::fontdb::Source::Binary(std::sync::Arc::new(
                face.data.clone(),
            )));
    }
}

/// The picture as an opaque 8-bit RGB PNG (the background is white, so
/// the alpha channel says nothing), at the encoder's default compression:
/// its best level made the summit's cover 8 % smaller (147 against 161 KB)
/// and its whole EPUB export four times as slow (0.14 s against 0.035 s).
/// Every row with the Sub filter (ISO/IEC 15948, 9.2), not the adaptive
/// choice among all five: on a cover of flat colours and type that is
/// both faster and smaller (the summit's EPUB export 430 M → 350 M
/// instructions, its cover 161 → 155 KB; Up gave 167 KB, Paeth 167 KB).
fn encode_png(pixmap: &Pixmap) -> Result<Vec<u8>, String> {
    let rgb: Vec<u8> = pixmap
        .data()
        .chunks_exact(4)
        .flat_map(|pixel| [pixel[0], pixel[1], pixel[2]])
        .collect();
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Default);
    encoder.set_adaptive_filter(png::AdaptiveFilterType::NonAdaptive);
    encoder.set_filter(png::FilterType::Sub);
    let mut writer = encoder.write_header().map_err(|err| err.to_string())?;
    writer
        .write_image_data(&rgb)
        .map_err(|err| err.to_string())?;
    writer.finish().map_err(|err| err.to_string())?;
    Ok(out)
}
