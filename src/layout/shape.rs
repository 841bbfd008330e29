//! Shaping: text in a face → glyphs with advances, kerning and ligatures.
//!
//! The only module that imports `rustybuzz`. Each distinct (face, text)
//! pair is shaped once and cached: running text repeats its words.

use super::text::Hyphenation;
use crate::fonts::{FaceRole, FontBytes, FontSet};
use std::cell::OnceCell;
use std::collections::HashMap;
use std::sync::Arc;

/// Hash maps keyed by words: foldhash is several times quicker than the
/// standard SipHash on short keys, and its per-process random seed keeps
/// crafted input from forcing collisions. Nothing iterates these maps, so
/// the seed never shows in the output.
type WordMap<V> = HashMap<String, V, foldhash::fast::RandomState>;

/// Shaped words of one face in one direction (`true`: right to left).
type ShapeCache = ((FaceRole, bool), WordMap<Arc<Shaped>>);

/// One glyph of a shaped run, at 1 pt font size (multiply by the size).
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    /// Glyph id in the face (before subsetting).
    pub id: u16,
    /// Horizontal advance at 1 pt, kerning included.
    pub advance: f32,
    /// Horizontal offset from the pen position at 1 pt.
    pub x_offset: f32,
    /// Vertical offset at 1 pt (up is positive).
    pub y_offset: f32,
    /// The source text this glyph stands for: a ligature's letters on its
    /// glyph, empty for the second and later glyphs of one cluster.
    /// Shared, as glyphs are copied into every line that uses them.
    pub text: Arc<str>,
}

/// A shaped piece of text at 1 pt.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Shaped {
    /// The glyphs in visual order.
    pub glyphs: Vec<Glyph>,
    /// The sum of the advances at 1 pt.
    pub width: f32,
}

impl Shaped {
    /// The glyphs set at `size` points on one baseline (no vertical
    /// offsets: for labels, numbers and ornaments, not running text).
    pub fn placed(&self, size: f32) -> Vec<super::PlacedGlyph> {
        self.glyphs
            .iter()
            .map(|g| super::PlacedGlyph {
                id: g.id,
                advance: g.advance * size,
                rise: 0.0,
                text: g.text.clone(),
            })
            .collect()
    }
}

/// Font metrics at 1 pt.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Metrics {
    /// Ascender (positive).
    pub ascender: f32,
    /// Descender (negative).
    pub descender: f32,
    /// Height of capitals.
    pub cap_height: f32,
    /// Advance of the space glyph.
    pub space: f32,
}

/// Code points below this (Latin, Latin-1, Latin Extended-A and -B,
/// IPA) have their coverage kept in a bit set per face.
const BASIC: usize = 0x2c0;

/// Shapes text in the faces of a [`FontSet`], with a cache.
pub struct Shaper<'f> {
    /// Faces are parsed on first use: a document may never use some.
    faces: Vec<FaceSlot<'f>>,
    /// Shape plans by face, direction and script: making a plan costs
    /// more than shaping a word, and a document needs only a handful.
    plans: Vec<(
        FaceRole,
        rustybuzz::Direction,
        Option<rustybuzz::Script>,
        rustybuzz::ShapePlan,
    )>,
    /// Shaped text by face and whether it was set right to left, then
    /// text (looked up by `&str`, without making a key string for every
    /// word of every line).
    cache: Vec<ShapeCache>,
    /// Characters no face could show, with the role they were asked of.
    pub missing: Vec<(FaceRole, char)>,
    /// Hyphenation points (byte offsets) of lowercased words by language:
    /// running text repeats its words, and the patterns cost more than
    /// the lookup.
    syllables: Vec<(Hyphenation, WordMap<Arc<[usize]>>)>,
}

/// A face of the set, parsed and measured on first use.
struct FaceSlot<'f> {
    role: FaceRole,
    /// Not unpacked until the face is parsed (see [`FontBytes::Packed`]).
    data: &'f FontBytes,
    face: OnceCell<rustybuzz::Face<'f>>,
    /// What every line asks of a face: its metrics, its space glyph and
    /// its break hyphen.
    info: OnceCell<FaceInfo>,
}

/// Per-face figures looked up for every word and line.
struct FaceInfo {
    /// Which of the first [`BASIC`] code points the face has a glyph for:
    /// every character of running text is looked up, and most are here.
    basic: [u64; BASIC / 64],
    metrics: Metrics,
    hyphen: (u16, &'static str, f32),
    space: Option<(u16, Arc<str>)>,
}

impl<'f> Shaper<'f> {
    /// Prepares every face of the set for shaping.
    pub fn new(fonts: &'f FontSet) -> Self {
        Shaper::for_faces(fonts.faces().iter().map(|face| (face.role, &face.data)))
    }

    /// A shaper for the same faces with empty caches, for another thread.
    pub fn sibling(&self) -> Shaper<'f> {
        Shaper::for_faces(self.faces.iter().map(|slot| (slot.role, slot.data)))
    }

    fn for_faces(faces: impl Iterator<Item = (FaceRole, &'f FontBytes)>) -> Self {
        Shaper {
            faces: faces
                .map(|(role, data)| FaceSlot {
                    role,
                    data,
                    face: OnceCell::new(),
                    info: OnceCell::new(),
                })
                .collect(),
            plans: Vec::new(),
            cache: Vec::new(),
            missing: Vec::new(),
            syllables: Vec::new(),
        }
    }

    /// Whether the set has a face for `role` (only
    /// [`FaceRole::Fallback`] may be missing).
    pub fn has_face(&self, role: FaceRole) -> bool {
        self.faces.iter().any(|slot| slot.role == role)
    }

    /// Whether the face for `role` has a glyph for `c`.
    pub fn covers(&self, role: FaceRole, c: char) -> bool {
        // Script faces serve no character below BASIC (see
        // `FaceRole::serves`), which running Latin text asks most about.
        let code = c as usize;
        if code < BASIC {
            return !role.is_script() && self.info(role).basic[code / 64] & (1 << (code % 64)) != 0;
        }
        role.serves(c) && self.face(role).glyph_index(c).is_some()
    }

    /// The faces a character missing from `role`'s face is looked for in,
    /// in order: the built-in code face for Cyrillic and Greek (for code),
    /// the set's other faces that come closest in design, then the
    /// `--fallback-font`, if there is one (the user's choice comes before
    /// ours), then the built-in faces for scripts the set lacks (see
    /// [`FaceRole::script_faces`]).
    pub fn substitutes(&self, role: FaceRole) -> impl Iterator<Item = FaceRole> + '_ {
        use FaceRole::*;
        let near: &[FaceRole] = match role {
            Regular | Fallback | MonoScripts | Arabic | ArabicBold | Cjk | CjkBold => &[],
            Italic | Bold | Heading | Sans => &[Regular],
            Mono => &[MonoScripts, Regular],
            BoldItalic => &[Bold, Italic, Regular],
        };
        let scripts = role.script_faces().iter().copied();
        near.iter()
            .copied()
            .chain(self.has_face(Fallback).then_some(Fallback))
            .chain(scripts.filter(|&script| script != MonoScripts))
            .filter(|&face| self.has_face(face))
    }

    fn slot(&self, role: FaceRole) -> &FaceSlot<'f> {
        self.faces
            .iter()
            .find(|slot| slot.role == role)
            .expect("every role has a face")
    }

    fn face(&self, role: FaceRole) -> &rustybuzz::Face<'f> {
        let slot = self.slot(role);
        slot.face.get_or_init(|| {
            rustybuzz::Face::from_slice(slot.data.as_ref(), 0)
                .expect("FontSet only holds faces that parse")
        })
    }

    fn info(&self, role: FaceRole) -> &FaceInfo {
        self.slot(role).info.get_or_init(|| {
            let face = self.face(role);
            let upem = face.units_per_em() as f32;
            let advance = |glyph: rustybuzz::ttf_parser::GlyphId| {
                face.glyph_hor_advance(glyph)
                    .map_or(0.0, |a| f32::from(a) / upem)
            };
            let space_glyph = face.glyph_index(' ');
            let metrics = Metrics {
                ascender: f32::from(face.ascender()) / upem,
                descender: f32::from(face.descender()) / upem,
                cap_height: face.capital_height().map_or(0.7, |h| f32::from(h) / upem),
                space: space_glyph.map_or(0.25, advance),
            };
            let (glyph, text) = match face.glyph_index('\u{ad}') {
                Some(glyph) => (glyph, "\u{ad}"),
                None => (face.glyph_index('-').unwrap_or_default(), "-"),
            };
            let mut basic = [0u64; BASIC / 64];
            for code in 0..BASIC {
                let covered = char::from_u32(code as u32)
                    .and_then(|c| face.glyph_index(c))
                    .is_some();
                basic[code / 64] |= u64::from(covered) << (code % 64);
            }
            FaceInfo {
                basic,
                metrics,
                hyphen: (glyph.0, text, advance(glyph)),
                space: space_glyph.map(|g| (g.0, Arc::from(" "))),
            }
        })
    }

    /// The hyphenation points of `word` in `lang` (byte offsets),
    /// computed by `hyphenate` on the first request for the word and
    /// remembered.
    pub fn syllable_breaks(
        &mut self,
        lang: Hyphenation,
        word: &str,
        hyphenate: impl FnOnce(&str) -> Vec<usize>,
    ) -> Arc<[usize]> {
        let index = match self.syllables.iter().position(|(l, _)| *l == lang) {
            Some(index) => index,
            None => {
                self.syllables.push((lang, WordMap::default()));
                self.syllables.len() - 1
            }
        };
        let words = &mut self.syllables[index].1;
        if let Some(breaks) = words.get(word) {
            return Arc::clone(breaks);
        }
        let breaks: Arc<[usize]> = Arc::from(hyphenate(word));
        words.insert(word.to_string(), Arc::clone(&breaks));
        breaks
    }

    /// Metrics of a face at 1 pt.
    pub fn metrics(&self, role: FaceRole) -> Metrics {
        self.info(role).metrics
    }

    /// The glyph set at a line-end hyphenation break and its advance at
    /// 1 pt: the font's soft hyphen (U+00AD) if it has one, so that text
    /// extraction can tell a break from a real hyphen, else `-`.
    pub fn hyphen(&self, role: FaceRole) -> (u16, &'static str, f32) {
        self.info(role).hyphen
    }

    /// The face's space glyph and its text, if it has one: drawn between
    /// words so that text extraction sees them apart.
    pub fn space_glyph(&self, role: FaceRole) -> Option<(u16, Arc<str>)> {
        self.info(role).space.clone()
    }

    /// Shapes `text` in the face for `role`, with kerning and standard
    /// ligatures, in the script and direction the text implies.
    pub fn shape(&mut self, role: FaceRole, text: &str) -> Arc<Shaped> {
        self.shape_in(role, text, false)
    }

    /// Shapes `text` as [`Shaper::shape`] does, right to left when `rtl`:
    /// a run the bidi algorithm put at an odd level (UAX #9) is set right
    /// to left whatever its first letter, so that its brackets mirror and
    /// its neutrals join the Arabic or Hebrew around them. The glyphs are
    /// in visual order either way.
    pub fn shape_in(&mut self, role: FaceRole, text: &str, rtl: bool) -> Arc<Shaped> {
        let slot = match self.cache.iter().position(|(r, _)| *r == (role, rtl)) {
            Some(slot) => slot,
            None => {
                self.cache.push(((role, rtl), WordMap::default()));
                self.cache.len() - 1
            }
        };
        if let Some(shaped) = self.cache[slot].1.get(text) {
            return Arc::clone(shaped);
        }
        let shaped = Arc::new(self.shape_uncached(role, text, rtl));
        self.cache[slot]
            .1
            .insert(text.to_string(), Arc::clone(&shaped));
        shaped
    }

    fn shape_uncached(&mut self, role: FaceRole, text: &str, rtl: bool) -> Shaped {
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        // Each character its own cluster where the font keeps it a glyph
        // of its own: a mark (an Arabic vowel, a combining accent) then
        // carries its own text, not its base letter's. Every glyph has one
        // text in the font's ToUnicode map, and one mark glyph stands
        // beside many letters.
        buffer.set_cluster_level(rustybuzz::BufferClusterLevel::MonotoneCharacters);
        buffer.guess_segment_properties();
        if rtl {
            buffer.set_direction(rustybuzz::Direction::RightToLeft);
        }
        let (direction, script) = (buffer.direction(), Some(buffer.script()));
        let known = self
            .plans
            .iter()
            .position(|(r, d, s, _)| *r == role && *d == direction && *s == script);
        let plan_index = match known {
            Some(index) => index,
            None => {
                let features = [
                    rustybuzz::Feature::new(rustybuzz::ttf_parser::Tag::from_bytes(b"kern"), 1, ..),
                    rustybuzz::Feature::new(rustybuzz::ttf_parser::Tag::from_bytes(b"liga"), 1, ..),
                ];
                let plan =
                    rustybuzz::ShapePlan::new(self.face(role), direction, script, None, &features);
                self.plans.push((role, direction, script, plan));
                self.plans.len() - 1
            }
        };
        let face = self.face(role);
        let upem = face.units_per_em() as f32;
        let output = rustybuzz::shape_with_plan(face, &self.plans[plan_index].3, buffer);
        let infos = output.glyph_infos();
        let positions = output.glyph_positions();

        // Cluster values are byte offsets into `text`; a cluster's text runs
        // to the next larger cluster value.
        let mut starts: Vec<usize> = infos.iter().map(|i| i.cluster as usize).collect();
        starts.sort_unstable();
        starts.dedup();
        let cluster_text = |start: usize| {
            let end = starts
                .iter()
                .copied()
                .find(|&s| s > start)
                .unwrap_or(text.len());
            text.get(start..end).unwrap_or("").to_string()
        };

        let mut glyphs = Vec::with_capacity(infos.len());
        let mut width = 0.0;
        let mut previous_cluster = None;
        let mut missing = Vec::new();
        for (info, pos) in infos.iter().zip(positions) {
            let cluster = info.cluster as usize;
            let first_of_cluster = previous_cluster != Some(cluster);
            previous_cluster = Some(cluster);
            let text: Arc<str> = if first_of_cluster {
                Arc::from(cluster_text(cluster))
            } else {
                Arc::from("")
            };
            if info.glyph_id == 0 {
                missing.extend(text.chars().filter(|c| !c.is_whitespace()));
            }
            let advance = pos.x_advance as f32 / upem;
            width += advance;
            glyphs.push(Glyph {
                id: info.glyph_id as u16,
                advance,
                x_offset: pos.x_offset as f32 / upem,
                y_offset: pos.y_offset as f32 / upem,
                text,
            });
        }
        self.missing.extend(missing.into_iter().map(|c| (role, c)));
        Shaped { glyphs, width }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ligatures_keep_their_letters() {
        let fonts = FontSet::built_in();
        let mut shaper = Shaper::new(&fonts);
        let shaped = shaper.shape(FaceRole::Regular, "officiellt");
        let text: String = shaped.glyphs.iter().map(|g| &*g.text).collect();
        assert_eq!(text, "officiellt");
        assert!(
            shaped.glyphs.len() < "officiellt".len(),
            "Libertine sets ffi as one glyph"
        );
    }

    #[test]
    fn kerning_changes_advances() {
        let fonts = FontSet::built_in();
        let mut shaper = Shaper::new(&fonts);
        let shaped = shaper.shape(FaceRole::Regular, "AV");
        let nominal: f32 = shaped
            .glyphs
            .iter()
            .map(|g| {
                // The advance the font's `hmtx` gives, without kerning.
                let face = shaper.face(FaceRole::Regular);
                let upem = face.units_per_em() as f32;
                face.glyph_hor_advance(rustybuzz::ttf_parser::GlyphId(g.id))
                    .map_or(0.0, |a| f32::from(a) / upem)
            })
            .sum();
        assert!(shaped.width < nominal, "A and V kern together");
    }

    #[test]
    fn swedish_letters_have_glyphs() {
        let fonts = FontSet::built_in();
        let mut shaper = Shaper::new(&fonts);
        shaper.shape(FaceRole::Regular, "Toppmötet om millenniemålen – ”så” …");
        assert!(shaper.missing.is_empty(), "{:?}", shaper.missing);
    }
}
