//! The brochure's design: paper, margins, sizes and spacing, in one place.

/// Millimetres to points.
pub fn mm(value: f32) -> f32 {
    value * 72.0 / 25.4
}

/// A paper size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Paper {
    /// 148 × 210 mm, the brochure default.
    #[default]
    A5,
    /// 210 × 297 mm.
    A4,
    /// 8.5 × 11 in.
    Letter,
}

impl Paper {
    /// The paper's name as printers say it.
    pub fn name(self) -> &'static str {
        match self {
            Paper::A5 => "A5",
            Paper::A4 => "A4",
            Paper::Letter => "US Letter",
        }
    }

    /// Width and height in points.
    pub fn size(self) -> (f32, f32) {
        match self {
            Paper::A5 => (mm(148.0), mm(210.0)),
            Paper::A4 => (mm(210.0), mm(297.0)),
            Paper::Letter => (612.0, 792.0),
        }
    }
}

/// Sizes and spacing for one paper size.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    /// Page width.
    pub page_width: f32,
    /// Page height.
    pub page_height: f32,
    /// Left margin (the text block's left edge).
    pub margin_left: f32,
    /// Top margin: the top of the first line's ascenders.
    pub margin_top: f32,
    /// Width of the text block.
    pub measure: f32,
    /// Height of the text block.
    pub block_height: f32,
    /// Body text size.
    pub body_size: f32,
    /// Body line spacing, baseline to baseline.
    pub leading: f32,
    /// First-line indent of paragraphs that follow a paragraph.
    pub indent: f32,
    /// Heading sizes for levels 1 to 6.
    pub heading_sizes: [f32; 6],
    /// Code size.
    pub code_size: f32,
    /// Size of footers, captions and footnotes.
    pub small_size: f32,
    /// Baseline of the page number, from the page top.
    pub footer_baseline: f32,
}

impl Theme {
    /// The design for a paper size. The measure gives 60–70 characters a
    /// line in the body face, the comfortable range for reading.
    pub fn for_paper(paper: Paper) -> Theme {
        let (page_width, page_height) = paper.size();
        let (body_size, leading, margin_side) = match paper {
            Paper::A5 => (10.0, 13.0, mm(19.0)),
            Paper::A4 | Paper::Letter => (11.0, 14.5, mm(36.0)),
        };
        let margin_top = mm(18.0);
        let margin_bottom = mm(24.0);
        let block_height = page_height - margin_top - margin_bottom;
        // Whole lines fill the text block, so pages end on the same baseline.
        let block_height = (block_height / leading).floor() * leading;
        Theme {
            page_width,
            page_height,
            margin_left: margin_side,
            margin_top,
            measure: page_width - 2.0 * margin_side,
            block_height,
            body_size,
            leading,
            indent: body_size * 1.2,
            heading_sizes: [
                body_size * 1.6,
                body_size * 1.3,
                body_size * 1.1,
                body_size,
                body_size,
                body_size,
            ],
            code_size: body_size * 0.85,
            small_size: body_size * 0.8,
            footer_baseline: page_height - mm(13.0),
        }
    }

    /// Bottom of the text block.
    pub fn block_bottom(&self) -> f32 {
        self.margin_top + self.block_height
    }
}
