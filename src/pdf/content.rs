//! Page content streams written straight to bytes.
//!
//! A brochure page holds thousands of glyphs. Going through printpdf's
//! operation list and lopdf's operand objects costs an allocation or two
//! per glyph and a formatted hex string each; writing the operators
//! (ISO 32000-1, 8 and 9: `BT`, `Tf`, `Tm`, `TJ`, `m`/`l`/`S`, `re`/`f`,
//! `cm`/`Do`, `BDC`/`EMC`) into one buffer does the same in a fraction of
//! the time. printpdf still builds the document around these streams: the
//! page tree, the fonts with their widths and ToUnicode maps, and the
//! link annotations.

/// A content stream being written.
#[derive(Debug, Default)]
pub struct Content {
    bytes: Vec<u8>,
}

impl Content {
    /// How many bytes are written.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// The finished stream.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    fn raw(&mut self, text: &str) {
        self.bytes.extend_from_slice(text.as_bytes());
    }

    /// Writes a number rounded to 1/100 (finer than any printer needs),
    /// without trailing zeros: `12`, `12.5`, `-0.25`.
    pub fn number(&mut self, value: f32) {
        self.decimal(value, 2);
    }

    /// Writes a number rounded to `places` decimal places, without
    /// trailing zeros.
    fn decimal(&mut self, value: f32, places: u32) {
        let unit = 10i64.pow(places);
        let scaled = (f64::from(value) * unit as f64).round() as i64;
        if scaled < 0 {
            self.bytes.push(b'-');
        }
        let magnitude = scaled.unsigned_abs();
        let (whole, mut fraction) = (magnitude / unit as u64, magnitude % unit as u64);
        self.integer(whole);
        if fraction != 0 {
            self.bytes.push(b'.');
            let mut digit = unit as u64 / 10;
            while fraction != 0 {
                self.bytes.push(b'0' + (fraction / digit) as u8);
                fraction %= digit;
                digit /= 10;
            }
        }
    }

    /// Writes digits without making a string: a page has thousands of
    /// numbers.
    fn integer(&mut self, value: u64) {
        self.bytes
            .extend_from_slice(crate::digits::digits(value, &mut [0; 20]));
    }

    /// Six matrix entries and an operator (`cm`, `Tm`): the scale and
    /// rotation entries to 1/10 000, as a rounding there moves far points
    /// by more than a hundredth; the translation to 1/100.
    fn matrix(&mut self, m: [f32; 6], operator: &str) {
        let places = |i: usize| if i < 4 { 4 } else { 2 };
        self.operation(m.iter().enumerate().map(|(i, &v)| (v, places(i))), operator);
    }

    /// Operands, each rounded to its number of decimal places, then the
    /// operator, on a line of their own.
    fn operation(&mut self, operands: impl IntoIterator<Item = (f32, u32)>, operator: &str) {
        for (value, places) in operands {
            self.decimal(value, places);
            self.bytes.push(b' ');
        }
        self.raw(operator);
        self.bytes.push(b'\n');
    }

    /// `q`
    pub fn save(&mut self) {
        self.raw("q\n");
    }

    /// `Q`
    pub fn restore(&mut self) {
        self.raw("Q\n");
    }

    /// `a b c d e f cm`
    pub fn concat(&mut self, m: [f32; 6]) {
        self.matrix(m, "cm");
    }

    /// `a b c d e f Tm`
    pub fn text_matrix(&mut self, m: [f32; 6]) {
        self.matrix(m, "Tm");
    }

    /// `r g b rg`: a fill colour in 8-bit sRGB components.
    pub fn fill_rgb(&mut self, rgb: [u8; 3]) {
        self.operation(rgb.map(|c| (f32::from(c) / 255.0, 4)), "rg");
    }

    fn numbers(&mut self, values: &[f32], operator: &str) {
        self.operation(values.iter().map(|&v| (v, 2)), operator);
    }

    /// `BT`
    pub fn begin_text(&mut self) {
        self.raw("BT\n");
    }

    /// `ET`
    pub fn end_text(&mut self) {
        self.raw("ET\n");
    }

    /// `/Tag <</MCID n>> BDC`
    pub fn begin_tagged(&mut self, tag: &str, mcid: usize) {
        self.bytes.push(b'/');
        self.raw(tag);
        self.raw(" <</MCID ");
        self.integer(mcid as u64);
        self.raw(">> BDC\n");
    }

    /// `/Artifact BMC`
    pub fn begin_artifact(&mut self) {
        self.raw("/Artifact BMC\n");
    }

    /// `EMC`
    pub fn end_marked(&mut self) {
        self.raw("EMC\n");
    }

    /// `/F1 10 Tf`
    pub fn font(&mut self, name: &str, size: f32) {
        self.bytes.push(b'/');
        self.raw(name);
        self.bytes.push(b' ');
        self.numbers(&[size], "Tf");
    }

    /// `0.3 g` (text and fills) or `0.3 G` (strokes).
    pub fn gray(&mut self, level: f32, stroke: bool) {
        self.numbers(&[level], if stroke { "G" } else { "g" });
    }

    /// The initial text state (ISO 32000-1, 9.3, table 104) bar the font:
    /// no character or word spacing, no scaling, no rise, filled glyphs.
    pub fn plain_text_state(&mut self) {
        self.raw("0 Tc 0 Tw 100 Tz 0 Ts 0 Tr\n");
    }

    /// `102 Tz`
    pub fn horizontal_scaling(&mut self, percent: f32) {
        self.numbers(&[percent], "Tz");
    }

    /// `1 0 0 1 x y Tm`
    pub fn text_position(&mut self, x: f32, y: f32) {
        self.numbers(&[1.0, 0.0, 0.0, 1.0, x, y], "Tm");
    }

    /// `[(..)-25(.)] TJ`: two-byte glyph codes, each followed by its
    /// adjustment in thousandths of an em when it is not zero. Glyphs
    /// between adjustments share one string. The strings are literal, the
    /// codes' bytes as they are (see [`literal_byte`]): half the bytes of
    /// hexadecimal ones, which on the summit text ×100 made the deflated
    /// PDF 2.4 % smaller and the whole export 6 % fewer instructions.
    pub fn show_glyphs(&mut self, glyphs: impl IntoIterator<Item = (u16, f32)>) {
        self.bytes.push(b'[');
        let mut open = false;
        for (code, adjustment) in glyphs {
            if !open {
                self.bytes.push(b'(');
                open = true;
            }
            for byte in code.to_be_bytes() {
                literal_byte(&mut self.bytes, byte);
            }
            if adjustment != 0.0 {
                self.bytes.push(b')');
                open = false;
                self.number(adjustment);
            }
        }
        if open {
            self.bytes.push(b')');
        }
        self.raw("] TJ\n");
    }

    /// A stroked straight line in gray.
    pub fn line(&mut self, from: (f32, f32), to: (f32, f32), width: f32, level: f32) {
        self.raw("q\n");
        self.gray(level, true);
        self.numbers(&[width], "w");
        self.raw("0 J\n");
        self.numbers(&[from.0, from.1], "m");
        self.numbers(&[to.0, to.1], "l");
        self.raw("S\nQ\n");
    }

    /// A filled rectangle in gray (x, y of the lower left corner).
    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, level: f32) {
        self.raw("q\n");
        self.gray(level, false);
        self.numbers(&[x, y, w, h], "re");
        self.raw("f\nQ\n");
    }

    /// Draws an XObject scaled from the unit square to `w` × `h` at (x, y).
    pub fn xobject(&mut self, name: &str, x: f32, y: f32, w: f32, h: f32) {
        self.raw("q\n");
        self.numbers(&[w, 0.0, 0.0, h, x, y], "cm");
        self.bytes.push(b'/');
        self.raw(name);
        self.raw(" Do\nQ\n");
    }
}

/// One byte of a literal string (ISO 32000-1, 7.3.4.2): the delimiters
/// and the backslash escaped, and a carriage return, which a reader
/// would take for a line feed.
fn literal_byte(out: &mut Vec<u8>, byte: u8) {
    match byte {
        b'(' | b')' | b'\\' | b'\r' => super::serialize::escape(out, byte),
        _ => out.push(byte),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_exact_to_a_hundredth() {
        let mut c = Content::default();
        for v in [12.0, 12.5, -0.25, 0.004, 419.5276, -3.1] {
            c.number(v);
            c.raw(" ");
        }
        assert_eq!(
            String::from_utf8(c.into_bytes()).unwrap(),
            "12 12.5 -0.25 0 419.53 -3.1 "
        );
    }

    #[test]
    fn matrices_keep_their_angles_and_colours_their_shades() {
        let mut c = Content::default();
        let (sin, cos) = 30f32.to_radians().sin_cos();
        c.concat([cos, sin, -sin, cos, 10.004, -0.5]);
        c.fill_rgb([0x14, 0x32, 0x5A]);
        assert_eq!(
            String::from_utf8(c.into_bytes()).unwrap(),
            "0.866 0.5 -0.5 0.866 10 -0.5 cm\n0.0784 0.1961 0.3529 rg\n"
        );
    }

    #[test]
    fn glyphs_are_two_byte_codes_in_literal_strings_with_adjustments() {
        let mut c = Content::default();
        c.show_glyphs([(0x12, 0.0), (0xABCD, -25.5), (0x1, 0.0), (0x2, 3.0)]);
        assert_eq!(
            c.into_bytes(),
            b"[(\x00\x12\xAB\xCD)-25.5(\x00\x01\x00\x02)3] TJ\n"
        );
    }

    #[test]
    fn delimiters_backslashes_and_carriage_returns_are_escaped() {
        let mut c = Content::default();
        c.show_glyphs([(0x2829, 0.0), (0x5C0D, 0.0), (0x0A41, 0.0)]);
        let bytes = c.into_bytes();
        assert_eq!(bytes, b"[(\\(\\)\\\\\\r\nA)] TJ\n");
        // A PDF reader reads the same codes back.
        let ops = lopdf::content::Content::decode(&bytes).unwrap().operations;
        let lopdf::Object::Array(parts) = &ops[0].operands[0] else {
            panic!("TJ takes an array")
        };
        assert_eq!(
            parts[0],
            lopdf::Object::String(
                vec![0x28, 0x29, 0x5C, 0x0D, 0x0A, 0x41],
                lopdf::StringFormat::Literal
            )
        );
    }
}
