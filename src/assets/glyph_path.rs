//! Glyph outlines as short SVG path data.
//!
//! Goes in: one glyph of a parsed font and a font size. Comes out: the
//! `d` attribute of a `<path>` in tenths of a user unit (the path is drawn
//! with `transform="scale(.1)"`), y pointing down, every coordinate a
//! whole number written relative to the last, with no separator the
//! grammar does not need (SVG 1.1 §8.3.1 and §8.3.9: a minus sign ends a
//! number, and a repeated command letter may be left out).
//!
//! Whole numbers because usvg adds relative offsets up in floating point:
//! tenths written as decimals (`12.3`) add up to noise like `2.8e-15` where
//! a point lies on the baseline, which svg2pdf then writes into the PDF
//! digit by digit. Whole numbers add up exactly, and are shorter too.

use rustybuzz::ttf_parser;

/// The outline of `glyph` at `size` user units to the em, in tenths of a
/// user unit relative to the glyph origin, or `None` for a glyph with no
/// outline (a space).
pub(super) fn glyph_path_data(face: &ttf_parser::Face, glyph: u16, size: f32) -> Option<String> {
    let mut writer = PathWriter::new(size / f32::from(face.units_per_em().max(1)));
    face.outline_glyph(ttf_parser::GlyphId(glyph), &mut writer)?;
    Some(writer.out)
}

/// Collects path data; positions are kept in whole tenths of a unit, so
/// rounding errors never add up along a contour.
struct PathWriter {
    out: String,
    /// User units per font unit.
    scale: f32,
    /// The current point, in tenths.
    current: (i64, i64),
    /// Where the open contour began (where `z` returns to), in tenths.
    contour_start: (i64, i64),
    /// The command a following segment may leave out: after `m` the
    /// implied command is `l` (SVG 1.1 §8.3.2).
    implied: Option<char>,
    /// Whether the last thing written was a number (not a letter).
    after_number: bool,
}

impl PathWriter {
    fn new(scale: f32) -> PathWriter {
        PathWriter {
            out: String::new(),
            scale,
            current: (0, 0),
            contour_start: (0, 0),
            implied: None,
            after_number: false,
        }
    }

    /// A font point (y up) in tenths of a user unit (y down).
    fn tenths(&self, x: f32, y: f32) -> (i64, i64) {
        (
            (x * self.scale * 10.0).round() as i64,
            (-y * self.scale * 10.0).round() as i64,
        )
    }

    fn command(&mut self, letter: char) {
        if self.implied != Some(letter) {
            self.out.push(letter);
            self.after_number = false;
        }
        self.implied = match letter {
            'm' => Some('l'),
            'z' => None,
            other => Some(other),
        };
    }

    fn number(&mut self, tenths: i64) {
        if self.after_number && tenths >= 0 {
            self.out.push(' ');
        }
        self.after_number = true;
        push_integer(&mut self.out, tenths);
    }

    /// Writes the offset from the current point to `to` and moves there.
    fn relative(&mut self, to: (i64, i64)) {
        self.number(to.0 - self.current.0);
        self.number(to.1 - self.current.1);
    }
}

impl ttf_parser::OutlineBuilder for PathWriter {
    fn move_to(&mut self, x: f32, y: f32) {
        let to = self.tenths(x, y);
        self.command('m');
        self.relative(to);
        self.current = to;
        self.contour_start = to;
    }

    fn line_to(&mut self, x: f32, y: f32) {
        let to = self.tenths(x, y);
        let (dx, dy) = (to.0 - self.current.0, to.1 - self.current.1);
        match (dx, dy) {
            // A line that rounds to nothing changes no filled area.
            (0, 0) => return,
            (_, 0) => {
                self.command('h');
                self.number(dx);
            }
            (0, _) => {
                self.command('v');
                self.number(dy);
            }
            _ => {
                self.command('l');
                self.relative(to);
            }
        }
        self.current = to;
    }

    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let control = self.tenths(x1, y1);
        let to = self.tenths(x, y);
        self.command('q');
        self.relative(control);
        self.relative(to);
        self.current = to;
    }

    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let first = self.tenths(x1, y1);
        let second = self.tenths(x2, y2);
        let to = self.tenths(x, y);
        self.command('c');
        self.relative(first);
        self.relative(second);
        self.relative(to);
        self.current = to;
    }

    fn close(&mut self) {
        self.command('z');
        self.current = self.contour_start;
    }
}

/// Writes a whole number: several thousand a banner, where `write!`
/// spends more on formatting machinery than on digits (itoa writes them
/// into a buffer on the stack).
fn push_integer(out: &mut String, value: i64) {
    out.push_str(itoa::Buffer::new().format(value));
}

/// A length in tenths written in user units, as short as it goes (for
/// the positions of glyphs, which are read one by one):
/// `123` → `12.3`, `-40` → `-4`, `5` → `.5`.
pub(super) fn format_tenths(tenths: i64) -> String {
    let sign = if tenths < 0 { "-" } else { "" };
    let whole = tenths.unsigned_abs() / 10;
    let tenth = tenths.unsigned_abs() % 10;
    match (whole, tenth) {
        (0, 0) => "0".into(),
        (0, t) => format!("{sign}.{t}"),
        (w, 0) => format!("{sign}{w}"),
        (w, t) => format!("{sign}{w}.{t}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustybuzz::ttf_parser::OutlineBuilder;

    #[test]
    fn tenths_are_written_without_needless_digits() {
        assert_eq!(format_tenths(123), "12.3");
        assert_eq!(format_tenths(-40), "-4");
        assert_eq!(format_tenths(5), ".5");
        assert_eq!(format_tenths(-5), "-.5");
        assert_eq!(format_tenths(0), "0");
    }

    #[test]
    fn contours_are_relative_and_compact() {
        // Scale 1: font units are user units; y is flipped.
        let mut writer = PathWriter::new(1.0);
        writer.move_to(12.3, 4.0);
        writer.line_to(12.3, 10.0);
        writer.line_to(20.0, 10.0);
        writer.line_to(22.5, 12.55);
        writer.line_to(23.0, 13.05);
        writer.close();
        writer.move_to(30.0, 4.0);
        writer.curve_to(30.5, 4.5, 31.0, 4.0, 31.0, 3.0);
        writer.close();
        assert_eq!(
            writer.out,
            "m123-40v-60h77l25-26 5-5zm177 0c5-5 10 0 10 10z"
        );
    }

    #[test]
    fn whole_numbers_are_written_as_they_are() {
        for value in [0, 7, -7, 10, 1234, -90210, i64::MIN + 1] {
            let mut out = String::new();
            push_integer(&mut out, value);
            assert_eq!(out, value.to_string());
        }
    }

    #[test]
    fn rounding_does_not_drift_along_a_contour() {
        let mut writer = PathWriter::new(1.0);
        writer.move_to(0.0, 0.0);
        for i in 1..=30 {
            writer.line_to(i as f32 * 0.033, 0.0);
        }
        // 30 × 0.033 = 0.99 → 1.0 in all, not 30 × 0.0.
        assert_eq!(writer.current, (10, 0));
    }

    #[test]
    fn a_space_has_no_outline() {
        let fonts = crate::fonts::FontSet::built_in();
        let face = ttf_parser::Face::parse(&fonts.faces()[0].data, 0).unwrap();
        let space = face.glyph_index(' ').unwrap();
        assert_eq!(glyph_path_data(&face, space.0, 30.0), None);
        let a = face.glyph_index('a').unwrap();
        let data = glyph_path_data(&face, a.0, 30.0).unwrap();
        assert!(data.starts_with('m') && data.ends_with('z'), "{data}");
    }
}
