//! Page items → printpdf operations.
//!
//! Every item of a laid-out page becomes printpdf [`Op`]s: text as glyph
//! ids of the font subsets, each glyph with the text it stands for (from
//! which printpdf writes the fonts' widths and ToUnicode maps), rules
//! and boxes as paths, images as XObjects, and around each item the
//! marked content the structure tree refers to.

use super::fonts::Subset;
use crate::assets::Lifted;
use printpdf::{
    Codepoint, Color, CurTransMat, DictItem, Greyscale, Line, LineCapStyle, LinePoint, Op,
    PdfFontHandle, Point, Pt, Rgb, TextItem, TextMatrix, XObjectId, XObjectTransform,
};
use std::sync::Arc;

/// The operations of one page (or of the texts over a drawing) being
/// built, with the text every subset glyph stands for.
pub struct Ops<'a> {
    /// The document's font subsets.
    subsets: &'a [Subset],
    /// By subset and new glyph id: the text a glyph was first drawn with
    /// (empty for a cluster's second glyph), `None` before its first use.
    texts: &'a mut [Vec<Option<Arc<str>>>],
    /// The operations so far.
    pub ops: Vec<Op>,
    /// The font (subset index) and size, the fill gray and the horizontal
    /// scaling (`Tz`, percent) in effect: each is set only when it changes
    /// (all outlast `ET`; a page starts at 100 %).
    state: (Option<(usize, f32)>, Option<f32>, f32),
    /// Where the current text line starts, in hundredths of a point, when
    /// known: an upright run moves there from it with `Td`.
    line: Option<(i64, i64)>,
}

impl<'a> Ops<'a> {
    /// Starts a page in `subsets`, noting glyph texts in `texts` (one
    /// list a subset, [`Subset::len`] long).
    pub fn new(subsets: &'a [Subset], texts: &'a mut [Vec<Option<Arc<str>>>]) -> Self {
        Ops {
            subsets,
            texts,
            ops: Vec::new(),
            state: (None, None, 100.0),
            line: None,
        }
    }

    /// The subset of a face and its index.
    fn subset(&self, face: crate::fonts::FaceRole) -> Option<(usize, &'a Subset)> {
        let subsets: &'a [Subset] = self.subsets;
        subsets.iter().enumerate().find(|(_, s)| s.role == face)
    }

    /// `BT`
    pub fn begin_text(&mut self) {
        self.ops.push(Op::StartTextSection);
        // BT starts the line at the origin (ISO 32000-1, 9.4.1).
        self.line = Some((0, 0));
    }

    /// `ET`
    pub fn end_text(&mut self) {
        self.ops.push(Op::EndTextSection);
    }

    /// `/Tag <</MCID n>> BDC`
    pub fn begin_tagged(&mut self, tag: &str, mcid: usize) {
        self.ops.push(Op::BeginMarkedContentWithMcid {
            tag: tag.into(),
            mcid: mcid as i64,
        });
    }

    /// `/Artifact BMC`
    pub fn begin_artifact(&mut self) {
        self.ops.push(Op::BeginMarkedContent {
            tag: "Artifact".into(),
        });
    }

    /// `EMC`
    pub fn end_marked(&mut self) {
        self.ops.push(Op::EndMarkedContent);
    }

    /// Shows glyphs of `face` at `size` from the text matrix `matrix`,
    /// each glyph `(original id, pen advance, text)`: the TJ number after
    /// a glyph makes up the difference between the font's own advance
    /// (scaled by `hscale`, set as `Tz` when it changes) and the one it is set
    /// with.
    pub fn show_glyphs<'g>(
        &mut self,
        (face, size, hscale): (crate::fonts::FaceRole, f32, f32),
        matrix: [f32; 6],
        glyphs: impl IntoIterator<Item = (u16, f32, &'g Arc<str>)>,
    ) {
        let Some((index, subset)) = self.subset(face) else {
            return;
        };
        let texts = &mut self.texts[index];
        // The `.notdef` glyphs that stand for a character, by position.
        let mut notdefs = Vec::new();
        let codepoints = glyphs
            .into_iter()
            .enumerate()
            .map(|(k, (id, advance, text))| {
                let gid = subset.new_id(id);
                if id == 0 && !text.is_empty() {
                    notdefs.push((k, text.clone()));
                }
                // The text goes with a glyph's first use, and again if it
                // had none then (a cluster's second glyph): printpdf keeps
                // it for later uses.
                let cid = match texts.get_mut(usize::from(gid)) {
                    Some(slot)
                        if slot
                            .as_deref()
                            .is_none_or(|t| t.is_empty() && !text.is_empty()) =>
                    {
                        *slot = Some(text.clone());
                        Some(text.to_string())
                    }
                    _ => None,
                };
                Codepoint {
                    gid,
                    offset: round2(subset.adjustment(id, advance / hscale, size)),
                    cid,
                }
            })
            .collect();
        let percent = round2(hscale * 100.0);
        if self.state.2 != percent {
            self.state.2 = percent;
            self.ops.push(Op::SetHorizontalScaling { percent });
        }
        if self.state.0 != Some((index, size)) {
            self.state.0 = Some((index, size));
            self.ops.push(Op::SetFont {
                font: PdfFontHandle::External(subset.id.clone()),
                size: Pt(size),
            });
        }
        let hundredths = |v: f32| (f64::from(v) * 100.0).round() as i64;
        let to = (hundredths(matrix[4]), hundredths(matrix[5]));
        match self.line {
            // An upright run moves from the line's start with `Td`: two
            // numbers, not six, and exactly the rounded position.
            Some(from) if matrix[..4] == [1.0, 0.0, 0.0, 1.0] => {
                let step = |a: i64, b: i64| Pt(((b - a) as f32) / 100.0);
                self.ops.push(Op::SetTextCursor {
                    pos: Point {
                        x: step(from.0, to.0),
                        y: step(from.1, to.1),
                    },
                });
                self.line = Some(to);
            }
            _ => {
                self.ops.push(Op::SetTextMatrix {
                    matrix: TextMatrix::Raw(round_matrix(matrix)),
                });
                // Tm starts a line where it places the text.
                self.line = (matrix[..4] == [1.0, 0.0, 0.0, 1.0]).then_some(to);
            }
        }
        self.show(codepoints, notdefs);
    }

    /// `TJ` for the glyphs; each `.notdef` glyph (a character no face
    /// has, drawn as a box) in a span of its own with the text it stands
    /// for as `/ActualText` (ISO 32000-1, 14.9.4): a font's ToUnicode map
    /// gives one text per glyph, and every missing character shares the
    /// one `.notdef`, so without it they all copied out as the first.
    fn show(&mut self, codepoints: Vec<Codepoint>, notdefs: Vec<(usize, Arc<str>)>) {
        if notdefs.is_empty() {
            self.ops.push(Op::ShowText {
                items: vec![TextItem::GlyphIds(codepoints)],
            });
            return;
        }
        let mut run = Vec::new();
        let mut notdefs = notdefs.into_iter().peekable();
        for (k, codepoint) in codepoints.into_iter().enumerate() {
            let Some((_, text)) = notdefs.next_if(|(at, _)| *at == k) else {
                run.push(codepoint);
                continue;
            };
            if !run.is_empty() {
                self.ops.push(Op::ShowText {
                    items: vec![TextItem::GlyphIds(std::mem::take(&mut run))],
                });
            }
            let utf16: Vec<u8> = [0xFEFF_u16]
                .into_iter()
                .chain(text.encode_utf16())
                .flat_map(u16::to_be_bytes)
                .collect();
            self.ops.push(Op::BeginMarkedContentWithProperties {
                tag: "Span".into(),
                properties: DictItem::Dict {
                    map: [(
                        "ActualText".to_string(),
                        DictItem::String {
                            data: utf16,
                            literal: false,
                        },
                    )]
                    .into(),
                },
            });
            self.ops.push(Op::ShowText {
                items: vec![TextItem::GlyphIds(vec![codepoint])],
            });
            self.ops.push(Op::EndMarkedContent);
        }
        if !run.is_empty() {
            self.ops.push(Op::ShowText {
                items: vec![TextItem::GlyphIds(run)],
            });
        }
    }

    /// `0.3 g`: the fill colour for text and boxes.
    pub fn fill_gray(&mut self, level: f32) {
        if self.state.1 != Some(level) {
            self.state.1 = Some(level);
            self.ops.push(Op::SetFillColor {
                col: Color::Greyscale(Greyscale::new(level, None)),
            });
        }
    }

    /// A stroked straight line in gray.
    pub fn line(&mut self, from: (f32, f32), to: (f32, f32), width: f32, level: f32) {
        let point = |(x, y): (f32, f32)| LinePoint {
            p: Point {
                x: Pt(round2(x)),
                y: Pt(round2(y)),
            },
            bezier: false,
        };
        self.ops.extend([
            Op::SaveGraphicsState,
            Op::SetOutlineColor {
                col: Color::Greyscale(Greyscale::new(level, None)),
            },
            Op::SetOutlineThickness { pt: Pt(width) },
            Op::SetLineCapStyle {
                cap: LineCapStyle::Butt,
            },
            Op::DrawLine {
                line: Line {
                    points: vec![point(from), point(to)],
                    is_closed: false,
                },
            },
            Op::RestoreGraphicsState,
        ]);
    }

    /// Draws an XObject scaled from the unit square to `w` × `h` at (x, y).
    pub fn xobject(&mut self, id: &XObjectId, (x, y, w, h): (f32, f32, f32, f32)) {
        self.ops.push(Op::UseXobject {
            id: id.clone(),
            transform: XObjectTransform {
                translate_x: Some(Pt(round2(x))),
                translate_y: Some(Pt(round2(y))),
                scale_x: Some(round2(w)),
                scale_y: Some(round2(h)),
                // The unit square is the placement (images and our SVG
                // forms alike), not the pixel size.
                no_auto_scale: true,
                ..XObjectTransform::default()
            },
        });
    }

    /// Draws a drawing's lifted texts as text over it: the drawing is
    /// drawn from the unit square to `w` × `h` at (x, y), and its texts
    /// are placed in its viewport (y down).
    pub fn lifted_texts(&mut self, lifted: &Lifted, (x, y, w, h): (f32, f32, f32, f32)) {
        let (sx, sy) = (w / lifted.viewport.0, h / lifted.viewport.1);
        // Each text's font and colour go with its `Q`.
        let state = self.state;
        for text in &lifted.texts {
            let Some(fill) = text.fill else { continue };
            self.ops.extend([
                Op::SaveGraphicsState,
                Op::SetTransformationMatrix {
                    matrix: CurTransMat::Raw(round_matrix(crate::assets::concat(
                        [sx, 0.0, 0.0, -sy, x, y + h],
                        text.matrix,
                    ))),
                },
                Op::SetFillColor {
                    col: Color::Rgb(Rgb::new(
                        f32::from(fill[0]) / 255.0,
                        f32::from(fill[1]) / 255.0,
                        f32::from(fill[2]) / 255.0,
                        None,
                    )),
                },
            ]);
            // Glyphs on one baseline share a TJ in a text object of their
            // own, so that extraction ends a line where the drawing does.
            let glyphs = &text.glyphs;
            let mut start = 0;
            while start < glyphs.len() {
                let baseline = glyphs[start].y;
                let end = (start + 1..glyphs.len())
                    .find(|&i| (glyphs[i].y - baseline).abs() > 0.001)
                    .unwrap_or(glyphs.len());
                self.begin_text();
                // The text matrix turns the glyphs upright again in the
                // y-down space.
                self.show_glyphs(
                    (text.face, text.size, 1.0),
                    [1.0, 0.0, 0.0, -1.0, glyphs[start].x, baseline],
                    (start..end).map(|i| {
                        let glyph = &glyphs[i];
                        // The pen moves to where the next glyph stands.
                        let advance = match glyphs.get(i + 1).filter(|_| i + 1 < end) {
                            Some(next) => next.x - glyph.x,
                            None => 0.0,
                        };
                        (glyph.id, advance, &glyph.text)
                    }),
                );
                self.end_text();
                start = end;
            }
            self.ops.push(Op::RestoreGraphicsState);
            self.state = state;
        }
    }
}

/// Rounds to 1/100 pt: finer than any printer, and it keeps the content
/// streams short and free of float noise.
pub fn round2(value: f32) -> f32 {
    let scaled = value * 100.0;
    // `f32::round` is a libm call on baseline x86-64 (no SSE4.1), made for
    // every glyph placed. Below 2^23 the same rounding (half away from
    // zero) is exact in f64 and a truncating conversion; above, every f32
    // is a whole number already.
    if scaled.abs() < 8_388_608.0 {
        ((f64::from(scaled.abs()) + 0.5) as i64 as f32).copysign(scaled) / 100.0
    } else {
        scaled.round() / 100.0
    }
}

/// A matrix's scale and rotation to 1/10 000 (a rounding there moves far
/// points by more than a hundredth), its translation to 1/100.
fn round_matrix(m: [f32; 6]) -> [f32; 6] {
    let fine = |v: f32| (v * 10_000.0).round() / 10_000.0;
    [
        fine(m[0]),
        fine(m[1]),
        fine(m[2]),
        fine(m[3]),
        round2(m[4]),
        round2(m[5]),
    ]
}

#[cfg(test)]
mod tests {
    use super::round2;

    #[test]
    fn round2_rounds_as_f32_round_does() {
        let mut values = vec![
            0.0f32, -0.0, 0.005, -0.005, f32::from_bits(0x3ba3_d709), 0.015, 2.675, -2.675, 1e-9, -1e-9,
            83_886.07, 83_886.08, -83_886.08, 1e7, -3.4e38, 595.275_6, 0.125, -0.125,
        ];
        values.extend((0..200_000).map(|i| (i as f32 - 100_000.0) * 0.003_7 + 0.000_5));
        values.extend((0..2_000).map(|i| f32::from_bits(0x3c00_0000 + i * 97_531)));
        for v in values {
            let expected = (v * 100.0).round() / 100.0;
            assert_eq!(round2(v).to_bits(), expected.to_bits(), "{v}");
        }
    }
}
