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
//! A subset keeps the face's OpenType layout for the glyphs it keeps
//! (kerning, ligatures, joining forms, marks), so the text shapes as in
//! the whole face. A face that cannot be cut, or whose cut fails the check
//! below, goes in whole.

use crate::fonts::{Face, FaceRole, FontSet};
use rustybuzz::ttf_parser;
use skera::{Plan, SubsetFlags};
use std::collections::{BTreeMap, BTreeSet};
use write_fonts::FontBuilder;
use write_fonts::read::collections::IntSet;
use write_fonts::read::{FontRef, TableProvider as _};
use write_fonts::types::{GlyphId, NameId, Tag};

/// The table of CFF outlines, which skera does not cut.
const CFF: Tag = Tag::new(b"CFF ");

/// The layout features of vertical text (OpenType feature registry).
const VERTICAL: [Tag; 7] = [
    Tag::new(b"valt"),
    Tag::new(b"vert"),
    Tag::new(b"vkrn"),
    Tag::new(b"vpal"),
    Tag::new(b"vrt2"),
    Tag::new(b"vchw"),
    Tag::new(b"vhal"),
];

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
        // CFF outlines make an OpenType file, also when the face comes
        // from a collection (which starts `ttcf`).
        let cff = FontRef::from_index(&face.data, 0).is_ok_and(|f| f.data_for_tag(CFF).is_some());
        let (ext, mime, format) = if cff {
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

/// Cuts `face` down to `chars` and the glyphs its layout reaches from
/// them, or `None` if that fails or the result does not map every
/// character the original mapped.
///
/// skera, Google Fonts' port of HarfBuzz's subsetter, cuts the tables and
/// keeps the face's GSUB, GPOS and GDEF for the glyphs kept, with their
/// closure: ligatures, contextual kerning, Arabic joining forms and mark
/// positions work in the subset as in the whole face. It does not cut CFF
/// outlines (it would drop them): for an OpenType face with CFF,
/// `subsetter` cuts them, given skera's glyphs in skera's order, and its
/// `CFF ` table goes into skera's font in place of the dropped one.
fn subset_face(face: &Face, chars: &BTreeSet<char>) -> Option<Vec<u8>> {
    // The first face of a collection (`.ttc`), as everywhere else.
    let font = FontRef::from_index(&face.data, 0).ok()?;
    let unicodes: IntSet<u32> = chars.iter().map(|&c| u32::from(c)).collect();
    let mut drop: IntSet<Tag> = skera::DEFAULT_DROP_TABLES.iter().copied().collect();
    drop.insert(CFF);
    let mut scripts = IntSet::empty();
    scripts.invert();
    // HarfBuzz's default features but the vertical ones: the style sheet
    // sets text horizontally, and a CJK face's vertical forms would double
    // its glyphs.
    let features = skera::DEFAULT_LAYOUT_FEATURES
        .iter()
        .copied()
        .filter(|tag| !VERTICAL.contains(tag))
        .collect();
    // The names a reading system may show (family, style, full name), in
    // English, as HarfBuzz keeps by default.
    let names = (0..=6).map(NameId::new).collect();
    let plan = Plan::new(
        &IntSet::empty(),
        &unicodes,
        &font,
        SubsetFlags::default(),
        &drop,
        &scripts,
        &features,
        &names,
        &[0x0409].into_iter().collect(),
    );
    let mut data = skera::subset_font(&font, &plan).ok()?;
    if font.data_for_tag(CFF).is_some() {
        let mut order: Vec<(GlyphId, GlyphId)> = plan.old_to_new_glyph_mapping().collect();
        order.sort_unstable_by_key(|&(_, new)| new);
        let mut remapper = subsetter::GlyphRemapper::new();
        for (old, new) in order {
            let old = u16::try_from(old.to_u32()).ok()?;
            if u32::from(remapper.remap(old)) != new.to_u32() {
                return None;
            }
        }
        let outlines = subsetter::subset(&face.data, 0, &remapper).ok()?;
        let cff = FontRef::new(&outlines).ok()?.data_for_tag(CFF)?;
        let mut with_outlines = FontBuilder::new();
        with_outlines.add_raw(CFF, cff.as_bytes());
        data = with_outlines
            .copy_missing_tables(FontRef::new(&data).ok()?)
            .build();
    }

    let original = ttf_parser::Face::parse(&face.data, 0).ok()?;
    let cut = ttf_parser::Face::parse(&data, 0).ok()?;
    let complete = chars
        .iter()
        .filter(|&&c| original.glyph_index(c).is_some_and(|g| g.0 != 0))
        .all(|&c| {
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

    /// The glyphs' advances and offsets when `data` shapes `text`: the
    /// same in a subset as in the whole face means the same ligatures,
    /// joining forms, kerning and mark positions.
    fn positions(data: &[u8], text: &str) -> Vec<(i32, i32, i32)> {
        let face = rustybuzz::Face::from_slice(data, 0).unwrap();
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        let shaped = rustybuzz::shape(&face, &[], buffer);
        shaped
            .glyph_positions()
            .iter()
            .map(|p| (p.x_advance, p.x_offset, p.y_offset))
            .collect()
    }

    #[test]
    fn subsets_shape_as_the_whole_face_does() {
        let fonts = FontSet::built_in();
        let latin = ["Toppmötet", "AVATAR", "To", "officiellt", "flygplats", "fä"];
        // بِسْمِ اللَّهِ: joining forms, vowel marks on their letters and
        // the font's ligature of لله.
        let arabic = ["بِسْمِ اللَّهِ", "عبدالله"];
        for (role, texts) in [(FaceRole::Regular, &latin[..]), (FaceRole::Arabic, &arabic)] {
            let used = [(role, texts.concat().chars().collect())].into();
            let embedded = embed_fonts(&fonts, &used);
            let whole = &fonts.face(role).data;
            assert!(embedded[0].data.len() * 4 < whole.len(), "{role:?} is cut");
            for text in texts {
                assert_eq!(
                    positions(&embedded[0].data, text),
                    positions(whole, text),
                    "{text}"
                );
            }
        }
        let whole = &fonts.face(FaceRole::Regular).data;
        // A ligature is one glyph, and To is kerned.
        assert_eq!(positions(whole, "officiellt").len(), "officiellt".len() - 2);
        let face = ttf_parser::Face::parse(whole, 0).unwrap();
        let t = face.glyph_index('T').unwrap();
        assert!(positions(whole, "To")[0].0 < i32::from(face.glyph_hor_advance(t).unwrap()));
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
    fn a_face_from_a_collection_is_cut_to_an_opentype_font() {
        // Libertine's regular and bold, cut to a few letters, as one
        // `.ttc` (tests/fonts/README.md): its first face serves.
        let dir = tempfile::tempdir().unwrap();
        let ttc = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fonts/libertine-pair.ttc");
        std::fs::copy(ttc, dir.path().join("regular.otf")).unwrap();
        let fonts = FontSet::with_dir(dir.path()).unwrap();
        let used = [(FaceRole::Regular, "Vårt språk".chars().collect())].into();
        let embedded = embed_fonts(&fonts, &used);
        assert_eq!(
            (embedded[0].href.as_str(), embedded[0].format),
            ("fonts/regular.otf", "opentype")
        );
        assert!(embedded[0].data.starts_with(b"OTTO"), "one font, not the collection");
        assert!(embedded[0].data.len() * 2 < fonts.face(FaceRole::Regular).data.len());
        let face = ttf_parser::Face::parse(&embedded[0].data, 0).unwrap();
        assert!(face.glyph_index('å').is_some());
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
