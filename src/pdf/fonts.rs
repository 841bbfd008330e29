//! Font subsets for the PDF: only the glyphs the pages use.
//!
//! printpdf subsets fonts only with its heavy `text_layout` feature, and
//! then renumbers glyphs itself; we subset with `subsetter` instead, keep
//! the renumbering in our hands, and name each subset with the `ABCDEF+`
//! tag ISO 32000-1 (9.6.4) asks for, derived from the glyph set so the
//! same document always gets the same tag.

use crate::fonts::{FaceRole, FontSet};
use crate::layout::Pages;
use printpdf::{FontId, ParsedFont};

/// A face's subset as planned: its glyphs' new ids and advances, which
/// the pages are written with; the font program is cut afterwards
/// ([`Subset::cut`]).
pub struct Subset {
    /// Which role it plays.
    pub role: FaceRole,
    /// Its resource id (`F1`, `F2` … in role order).
    pub id: FontId,
    /// By original glyph id: the new glyph id and the font's own advance
    /// at 1 pt. Indexed, not searched: every glyph on every page is
    /// looked up here.
    glyphs: Vec<(u16, f32)>,
    /// The old → new glyph ids, for `subsetter`.
    remapper: subsetter::GlyphRemapper,
    /// The subset's PostScript name, with its tag.
    name: String,
}

impl Subset {
    /// The subset's id for an original glyph id.
    pub fn new_id(&self, old: u16) -> u16 {
        self.glyphs.get(usize::from(old)).map_or(0, |g| g.0)
    }

    /// The TJ number after an original glyph set at `size` that moves
    /// the pen on by `advance` instead of the font's own advance: in
    /// thousandths of an em, positive moving left (ISO 32000-1, 9.4.3);
    /// zero below a twentieth of a thousandth.
    pub fn adjustment(&self, old: u16, advance: f32, size: f32) -> f32 {
        let nominal = self.glyphs.get(usize::from(old)).map_or(0.0, |g| g.1) * size;
        let adjustment = (nominal - advance) / size * 1000.0;
        if adjustment.abs() < 0.05 {
            0.0
        } else {
            adjustment
        }
    }

    /// How many glyphs the subset has (new ids are below this).
    pub fn len(&self) -> usize {
        self.glyphs
            .iter()
            .map(|g| usize::from(g.0) + 1)
            .max()
            .unwrap_or(1)
    }

    /// Cuts the font program down to the planned glyphs, parsed for
    /// printpdf.
    pub fn cut(&self, fonts: &FontSet) -> Result<ParsedFont, String> {
        let face = fonts.face(self.role);
        let data = subsetter::subset(&face.data, 0, &self.remapper)
            .map_err(|err| format!("cannot subset font {}: {err:?}", face.origin))?;
        let mut warnings = Vec::new();
        let mut font = ParsedFont::from_bytes(&data, 0, &mut warnings)
            .ok_or_else(|| format!("the subset of font {} does not parse", face.origin))?;
        font.font_name = Some(self.name.clone());
        Ok(font)
    }
}

/// Plans a subset of every face the pages and the texts of their drawings
/// use.
pub fn plan_subsets(
    pages: &Pages,
    lifted: &[&crate::assets::LiftedText],
    fonts: &FontSet,
) -> Result<Vec<Subset>, String> {
    let mut subsets = Vec::new();
    for (n, (role, glyphs)) in super::used_faces(pages, lifted).into_iter().enumerate() {
        let face = fonts.face(role);
        let mut remapper = subsetter::GlyphRemapper::new();
        // Glyph 0 (.notdef) stays glyph 0.
        remapper.remap(0);
        let table = face
            .advances()
            .ok_or_else(|| format!("font {} has no advance widths", face.origin))?;
        let last = glyphs.last().copied().unwrap_or(0);
        let mut map = vec![(0, 0.0); usize::from(last) + 1];
        for &glyph in &glyphs {
            map[usize::from(glyph)] = (remapper.remap(glyph), table.get(glyph));
        }
        subsets.push(Subset {
            role,
            id: FontId(format!("F{}", n + 1)),
            glyphs: map,
            remapper,
            name: format!(
                "{}+{}",
                subset_tag(&face.postscript_name, &glyphs),
                face.postscript_name
            ),
        });
    }
    Ok(subsets)
}

/// Six capital letters from an FNV-1a hash of the font name and glyphs.
fn subset_tag(name: &str, glyphs: &std::collections::BTreeSet<u16>) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |byte: u8| {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    };
    name.bytes().for_each(&mut feed);
    for glyph in glyphs {
        glyph.to_be_bytes().into_iter().for_each(&mut feed);
    }
    (0..6)
        .map(|i| char::from(b'A' + ((hash >> (i * 5)) % 26) as u8))
        .collect()
}
