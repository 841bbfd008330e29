//! The fonts embedded in the EPUB: each face cut down to the characters
//! the book uses.
//!
//! A whole Linux Libertine face is about 400 KB; seven of them would make
//! a short brochure a 3 MB download. Only the faces the book's text is set
//! in go in, and each holds only the glyphs of the characters set in it
//! (plus a fixed set a reading system may add itself: ASCII, list
//! numbers, hyphens, quotes); a Unicode `cmap` is kept, so a reading
//! system can still find the glyph for each character.
//!
//! What a subset keeps of the face's layout: its pair kerning and its
//! standard ligatures (see `kerning` and `ligatures`). A face that cannot
//! be cut, or whose cut fails the check below, goes in whole.

use super::{kerning, ligatures};
use crate::fonts::{Face, FaceRole, FontSet};
use read_fonts::FontRef;
use rustybuzz::ttf_parser;
use std::collections::{BTreeMap, BTreeSet};
use write_fonts::FontBuilder;
use write_fonts::tables::cmap::Cmap;
use write_fonts::types::{GlyphId, Tag};

/// One font file of the package and how the style sheet names it.
#[derive(Debug, Clone)]
pub(super) struct EmbeddedFont {
    /// The roles it serves (several, when the style sheet would declare
    /// their faces identically).
    pub roles: Vec<FaceRole>,
    /// Path inside the package folder, e.g. `fonts/regular.otf`.
    pub href: String,
    /// `font/otf` or `font/ttf`.
    pub mime: &'static str,
    /// The CSS `format()` hint: `opentype` or `truetype`.
    pub format: &'static str,
    /// The font family name for `@font-face`.
    pub family: String,
    /// CSS weight: 400 or 700.
    pub weight: u16,
    /// CSS style italic.
    pub italic: bool,
    /// The font program: a subset, or the whole font if cutting failed.
    pub data: Vec<u8>,
}

/// Characters a reading system may draw although they are not in the
/// text: list markers and numbers, hyphens from `hyphens: auto`, quotes,
/// dashes and the ellipsis from smart typography, the non-breaking space.
const ALWAYS: &str = "\u{A0}\u{AD}\u{2010}\u{2011}\u{2013}\u{2014}\u{2018}\u{2019}\u{201A}\
                      \u{201C}\u{201D}\u{201E}\u{2022}\u{2026}\u{2039}\u{203A}\u{AB}\u{BB}\u{25E6}\u{25AA}";

/// Picks and cuts the faces the book uses (see [`plan_fonts`] and
/// [`cut_fonts`]).
#[cfg(test)]
pub(super) fn embed_fonts(
    fonts: &FontSet,
    used: &BTreeMap<FaceRole, BTreeSet<char>>,
) -> Vec<EmbeddedFont> {
    cut_fonts(fonts, plan_fonts(fonts, used))
}

/// A face to embed, not cut yet, with the characters it must keep.
pub(super) type FontPlan = (EmbeddedFont, BTreeSet<char>);

/// Picks the faces the book uses: `used` holds, for each face, the
/// characters drawn in it (see `style::collect_face_chars`); a face with
/// none is left out. Faces that the style sheet would declare identically
/// (same family, weight and style) go in once, as the first role's face,
/// to be cut to all their characters. The fonts' data is empty until
/// [`cut_fonts`].
pub(super) fn plan_fonts(
    fonts: &FontSet,
    used: &BTreeMap<FaceRole, BTreeSet<char>>,
) -> Vec<FontPlan> {
    let used = &with_script_faces(fonts, used);
    let mut embedded: Vec<(EmbeddedFont, BTreeSet<char>)> = Vec::new();
    let script_roles = FaceRole::ALL.iter().flat_map(|role| role.script_faces());
    let mut roles: Vec<FaceRole> = FaceRole::ALL.to_vec();
    for &role in script_roles {
        if !roles.contains(&role) {
            roles.push(role);
        }
    }
    for role in roles {
        let Some(chars) = used
            .get(&role)
            .filter(|c| c.iter().any(|c| !c.is_whitespace()))
        else {
            continue;
        };
        let face = fonts.face(role);
        let family = css_family(face);
        let weight = if role.is_bold() { 700 } else { 400 };
        let italic = role.is_italic();
        let same = embedded
            .iter_mut()
            .find(|(e, _)| e.family == family && e.weight == weight && e.italic == italic);
        if let Some((same, same_chars)) = same {
            same.roles.push(role);
            same_chars.extend(chars);
            continue;
        }
        let (ext, mime, format) = if face.data.starts_with(b"OTTO") {
            ("otf", "font/otf", "opentype")
        } else {
            ("ttf", "font/ttf", "truetype")
        };
        let font = EmbeddedFont {
            roles: vec![role],
            href: format!("fonts/{}.{ext}", role.file_stem()),
            mime,
            format,
            family,
            weight,
            italic,
            data: Vec::new(),
        };
        embedded.push((font, chars.clone()));
    }
    embedded
}

/// `used` with each character a face lacks moved to the first of its
/// built-in script faces that serves and has it (the style sheet lists
/// them after the face's family, so a reading system falls back on them
/// as the PDF does).
fn with_script_faces(
    fonts: &FontSet,
    used: &BTreeMap<FaceRole, BTreeSet<char>>,
) -> BTreeMap<FaceRole, BTreeSet<char>> {
    let mut out: BTreeMap<FaceRole, BTreeSet<char>> = BTreeMap::new();
    let mut parsed: BTreeMap<FaceRole, Option<ttf_parser::Face<'_>>> = BTreeMap::new();
    let mut covers = |role: FaceRole, c: char| {
        role.serves(c)
            && parsed
                .entry(role)
                .or_insert_with(|| ttf_parser::Face::parse(&fonts.face(role).data, 0).ok())
                .as_ref()
                .is_some_and(|face| face.glyph_index(c).is_some())
    };
    for (&role, chars) in used {
        for &c in chars {
            let scripts = role.script_faces();
            let target = if !scripts.iter().any(|script| script.serves(c)) || covers(role, c) {
                role
            } else {
                scripts
                    .iter()
                    .copied()
                    .find(|&script| covers(script, c))
                    .unwrap_or(role)
            };
            out.entry(target).or_default().insert(c);
        }
    }
    out
}

/// Cuts the planned faces down to their characters. Each face is cut on
/// a thread of its own: they share nothing, and the result keeps the
/// plan's order.
pub(super) fn cut_fonts(fonts: &FontSet, embedded: Vec<FontPlan>) -> Vec<EmbeddedFont> {
    let cut = |(mut font, mut chars): (EmbeddedFont, BTreeSet<char>)| {
        chars.extend((' '..='~').chain(ALWAYS.chars()));
        let face = fonts.face(font.roles[0]);
        // Arabic letters take their joining forms from the font's GSUB,
        // which a subset does not keep (it keeps the characters' own
        // glyphs and their ligatures): the Arabic faces go in whole.
        if matches!(font.roles[0], FaceRole::Arabic | FaceRole::ArabicBold) {
            font.data = face.data.to_vec();
            return font;
        }
        font.data = subset_face(face, &chars).unwrap_or_else(|| face.data.to_vec());
        font
    };
    let mut embedded = embedded.into_iter();
    let Some(first) = embedded.next() else {
        return Vec::new();
    };
    std::thread::scope(|scope| {
        let others: Vec<_> = embedded
            .map(|font| scope.spawn(move || cut(font)))
            .collect();
        let mut all = vec![cut(first)];
        all.extend(others.into_iter().map(|handle| {
            handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        }));
        all
    })
}

/// The family name as the style sheet writes it: the font's own name with
/// anything that would need CSS escaping removed.
pub(super) fn css_family(face: &Face) -> String {
    let family: String = face
        .family
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.'))
        .collect();
    let family = family.trim();
    if family.is_empty() {
        format!("mdg {}", face.role.file_stem())
    } else {
        family.to_string()
    }
}

/// Cuts `face` down to the glyphs of `chars` and of the standard
/// ligatures made of them, or `None` if that fails or the result does not
/// map every character the original mapped.
///
/// `subsetter` cuts the outlines and metrics (it makes the PDF's subsets
/// too, and its CFF subsets are half the size allsorts made); it writes
/// no character map, as a PDF needs none, so a `cmap` for the new glyph
/// ids and the original `OS/2` are added here; and no layout tables, so
/// the face's kerning and ligatures among the kept glyphs get a GPOS and
/// a GSUB of their own (`kerning`, `ligatures`). `write-fonts` builds
/// these tables and the file around them (directory, checksums).
fn subset_face(face: &Face, chars: &BTreeSet<char>) -> Option<Vec<u8>> {
    let original = ttf_parser::Face::parse(&face.data, 0).ok()?;
    let mapped: Vec<(char, u16)> = chars
        .iter()
        .filter_map(|&c| Some((c, original.glyph_index(c)?.0)))
        .filter(|&(_, g)| g != 0)
        .collect();
    // Glyph 0 (.notdef) stays first; the rest in id order, so the new ids
    // do not depend on the order of the characters.
    let mut remapper = subsetter::GlyphRemapper::new();
    remapper.remap(0);
    let mut glyphs: BTreeSet<u16> = mapped.iter().map(|&(_, g)| g).collect();
    // The ligatures of the kept letters keep their glyphs too.
    let ligatures = ligatures::ligatures(&original, &glyphs);
    glyphs.extend(ligatures.iter().map(|ligature| ligature.glyph));
    for &glyph in &glyphs {
        remapper.remap(glyph);
    }
    let cut = subsetter::subset(&face.data, 0, &remapper).ok()?;
    let mut font = FontBuilder::new();
    let map = mapped
        .iter()
        .filter_map(|&(c, g)| Some((c, GlyphId::new(remapper.get(g)?.into()))));
    font.add_table(&Cmap::from_mappings(map).ok()?).ok()?;
    // The subset has no layout tables: its kerning gets a GPOS of its own
    // and its ligatures a GSUB.
    let kerned: Vec<(u16, u16, i16)> = kerning::pairs(&original, &glyphs)
        .into_iter()
        .filter_map(|(left, right, value)| Some((remapper.get(left)?, remapper.get(right)?, value)))
        .collect();
    if !kerned.is_empty() {
        font.add_table(&kerning::gpos(&kerned)).ok()?;
    }
    let ligatures: Vec<ligatures::Ligature> = ligatures
        .iter()
        .filter_map(|ligature| {
            Some(ligatures::Ligature {
                components: ligature
                    .components
                    .iter()
                    .map(|&g| remapper.get(g))
                    .collect::<Option<_>>()?,
                glyph: remapper.get(ligature.glyph)?,
            })
        })
        .collect();
    if !ligatures.is_empty() {
        font.add_table(&ligatures::gsub(&ligatures)).ok()?;
    }
    if let Some(os2) = original
        .raw_face()
        .table(ttf_parser::Tag::from_bytes(b"OS/2"))
    {
        font.add_raw(Tag::new(b"OS/2"), os2);
    }
    let data = font.copy_missing_tables(FontRef::new(&cut).ok()?).build();

    let cut = ttf_parser::Face::parse(&data, 0).ok()?;
    let complete = mapped.iter().all(|&(c, _)| {
        cut.glyph_index(c)
            .is_some_and(|g| g.0 != 0 && cut.glyph_hor_advance(g).is_some())
    });
    complete.then_some(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_faces_are_cut_and_keep_their_characters() {
        let fonts = FontSet::built_in();
        let used: BTreeSet<char> = "Toppmötet ”Åäö” – 2010…".chars().collect();
        let all = FaceRole::ALL.map(|role| (role, used.clone())).into();
        let embedded = embed_fonts(&fonts, &all);
        // Seven roles, all with distinct family/weight/style.
        assert_eq!(embedded.len(), 7);
        for font in &embedded {
            let whole = fonts.face(font.roles[0]).data.len();
            assert!(
                font.data.len() * 4 < whole,
                "{:?}: subset {} of {whole} bytes",
                font.roles,
                font.data.len()
            );
            let face = ttf_parser::Face::parse(&font.data, 0).unwrap();
            for c in used.iter().chain(['A', '9', '\u{2010}'].iter()) {
                assert!(
                    face.glyph_index(*c).is_some(),
                    "{:?} lost {c:?}",
                    font.roles
                );
            }
            assert!(face.glyph_index('Ж').is_none());
        }
        assert_eq!(embedded[0].href, "fonts/regular.otf");
        assert_eq!(embedded[0].mime, "font/otf");
    }

    #[test]
    fn subsets_kern_and_ligate_as_the_whole_face_does() {
        let fonts = FontSet::built_in();
        let used: BTreeSet<char> = "Toppmötet AVATAR officiellt flygplats".chars().collect();
        let all = [(FaceRole::Regular, used)].into();
        let embedded = embed_fonts(&fonts, &all);
        let advances = |data: &[u8], text: &str| -> Vec<i32> {
            let face = rustybuzz::Face::from_slice(data, 0).unwrap();
            let mut buffer = rustybuzz::UnicodeBuffer::new();
            buffer.push_str(text);
            let shaped = rustybuzz::shape(&face, &[], buffer);
            shaped
                .glyph_positions()
                .iter()
                .map(|p| p.x_advance)
                .collect()
        };
        let whole = &fonts.face(FaceRole::Regular).data;
        // A ligature is one glyph: the same advances mean the same
        // ligatures and the same kerning. (Only pair kerning is carried:
        // the face's contextual kerning, such as f before ä, is not.)
        assert_eq!(advances(whole, "officiellt").len(), "officiellt".len() - 2);
        for text in ["Toppmötet", "AVATAR", "To", "officiellt", "flygplats"] {
            assert_eq!(
                advances(&embedded[0].data, text),
                advances(whole, text),
                "{text}"
            );
        }
        let kerned = advances(whole, "To")[0];
        let face = ttf_parser::Face::parse(whole, 0).unwrap();
        let t = face.glyph_index('T').unwrap();
        assert!(
            kerned < i32::from(face.glyph_hor_advance(t).unwrap()),
            "To is kerned"
        );
    }

    #[test]
    fn more_than_255_glyphs_still_give_a_subset() {
        // A CFF subset of that many glyphs may be CID-keyed; the cmap must
        // still reach every glyph.
        let fonts = FontSet::built_in();
        let used: BTreeSet<char> = ('\u{20}'..='\u{52F}').collect();
        let face = fonts.face(FaceRole::Regular);
        let data = subset_face(face, &used).expect("the subset is made");
        assert!(data.len() < face.data.len());
        let cut = ttf_parser::Face::parse(&data, 0).unwrap();
        assert!(cut.number_of_glyphs() > 255);
        for c in ['Ж', 'Ω', 'ő'] {
            assert!(cut.glyph_index(c).is_some(), "lost {c:?}");
        }
    }

    #[test]
    fn only_used_faces_go_in_each_with_its_own_characters() {
        let fonts = FontSet::built_in();
        let used = BTreeMap::from([
            (FaceRole::Regular, "Vårt språk".chars().collect()),
            (FaceRole::Mono, "fn main()".chars().collect()),
            (FaceRole::Italic, " \n".chars().collect()),
        ]);
        let embedded = embed_fonts(&fonts, &used);
        let roles: Vec<FaceRole> = embedded.iter().flat_map(|f| f.roles.clone()).collect();
        assert_eq!(roles, [FaceRole::Regular, FaceRole::Mono]);
        let mono = ttf_parser::Face::parse(&embedded[1].data, 0).unwrap();
        assert!(mono.glyph_index('å').is_none(), "å is not set in code");
        assert!(mono.glyph_index('m').is_some());
        let regular = ttf_parser::Face::parse(&embedded[0].data, 0).unwrap();
        assert!(regular.glyph_index('å').is_some());
    }
}
