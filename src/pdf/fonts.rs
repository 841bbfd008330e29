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
use std::collections::BTreeMap;

/// A subset face ready for printpdf.
pub struct Subset {
    /// Which role it plays.
    pub role: FaceRole,
    /// Its resource id (`F1`, `F2` … in role order).
    pub id: FontId,
    /// The parsed subset.
    pub font: ParsedFont,
    /// Old glyph id → new glyph id.
    map: BTreeMap<u16, u16>,
    /// Advance widths of the new glyphs at 1 pt.
    advances: BTreeMap<u16, f32>,
}

impl Subset {
    /// The subset's id for an original glyph id.
    pub fn new_id(&self, old: u16) -> u16 {
        self.map.get(&old).copied().unwrap_or(0)
    }

    /// The font's own advance for an original glyph, at 1 pt.
    pub fn nominal_advance(&self, old: u16) -> f32 {
        self.advances.get(&old).copied().unwrap_or(0.0)
    }
}

/// Subsets every face the pages use.
pub fn subset_faces(pages: &Pages, fonts: &FontSet) -> Result<Vec<Subset>, String> {
    let mut subsets = Vec::new();
    for (n, (role, glyphs)) in super::used_faces(pages).into_iter().enumerate() {
        let face = fonts.face(role);
        let mut remapper = subsetter::GlyphRemapper::new();
        // Glyph 0 (.notdef) stays glyph 0.
        remapper.remap(0);
        let mut map = BTreeMap::new();
        for &glyph in &glyphs {
            map.insert(glyph, remapper.remap(glyph));
        }
        let data = subsetter::subset(&face.data, 0, &remapper)
            .map_err(|err| format!("cannot subset font {}: {err:?}", face.origin))?;
        let mut warnings = Vec::new();
        let mut font = ParsedFont::from_bytes(&data, 0, &mut warnings)
            .ok_or_else(|| format!("the subset of font {} does not parse", face.origin))?;
        font.font_name = Some(format!(
            "{}+{}",
            subset_tag(&face.postscript_name, &glyphs),
            face.postscript_name
        ));

        let table = face
            .advances()
            .ok_or_else(|| format!("font {} has no advance widths", face.origin))?;
        let advances = glyphs.iter().map(|&g| (g, table.get(g))).collect();
        subsets.push(Subset {
            role,
            id: FontId(format!("F{}", n + 1)),
            font,
            map,
            advances,
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
