//! Ligatures for the EPUB's font subsets, as a GSUB table of their own.
//!
//! `subsetter` keeps no layout tables, so a subset would be set without
//! the face's standard ligatures (fi, fl, ff, ffi …) that the PDF uses.
//! The ligatures of the face's GSUB `liga` lookups whose letters the
//! subset keeps are collected, their ligature glyphs join the subset, and
//! a GSUB with one `liga` feature and one ligature lookup is written
//! (OpenType 1.9, "GSUB — Glyph Substitution Table", lookup type 4).

use super::otl::{self, Writer};
use rustybuzz::ttf_parser::{self, GlyphId, gsub::SubstitutionSubtable};
use std::collections::{BTreeMap, BTreeSet};

/// One ligature: the glyphs it replaces and the glyph it becomes.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Ligature {
    /// The first glyph and the ones after it.
    pub components: Vec<u16>,
    /// The ligature glyph.
    pub glyph: u16,
}

/// The face's standard ligatures made only of `glyphs`, by original ids,
/// for each first glyph in the order the face tries them (longest first,
/// as fonts list them).
pub(super) fn ligatures(face: &ttf_parser::Face, glyphs: &BTreeSet<u16>) -> Vec<Ligature> {
    let Some(gsub) = face.tables().gsub else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for lookup in otl::feature_lookups(&gsub, b"liga") {
        for i in 0..lookup.subtables.len() {
            let Some(SubstitutionSubtable::Ligature(subtable)) = lookup.subtables.get(i) else {
                continue;
            };
            for &first in glyphs {
                let Some(set) = subtable
                    .coverage
                    .get(GlyphId(first))
                    .and_then(|index| subtable.ligature_sets.get(index))
                else {
                    continue;
                };
                for ligature in set {
                    let rest: Vec<u16> = ligature.components.into_iter().map(|g| g.0).collect();
                    if rest.iter().all(|g| glyphs.contains(g)) {
                        let mut components = vec![first];
                        components.extend(rest);
                        found.push(Ligature {
                            components,
                            glyph: ligature.glyph.0,
                        });
                    }
                }
            }
        }
    }
    found
}

/// A GSUB table with one `liga` feature whose lookup makes `ligatures`
/// (by subset glyph ids), tried in the order given for each first glyph.
pub(super) fn gsub_table(ligatures: &[Ligature]) -> Vec<u8> {
    let mut by_first: BTreeMap<u16, Vec<&Ligature>> = BTreeMap::new();
    for ligature in ligatures {
        by_first
            .entry(ligature.components[0])
            .or_default()
            .push(ligature);
    }
    let mut groups: Vec<Vec<(u16, Vec<&Ligature>)>> = vec![Vec::new()];
    let mut size = 0;
    for (first, set) in by_first {
        let grows: usize = 6 + set
            .iter()
            .map(|l| 6 + 2 * l.components.len())
            .sum::<usize>();
        if size + grows > otl::MAX_SUBTABLE_BYTES && !groups.last().is_some_and(Vec::is_empty) {
            groups.push(Vec::new());
            size = 0;
        }
        size += grows;
        groups.last_mut().expect("one is there").push((first, set));
    }
    let subtables: Vec<Vec<u8>> = groups
        .iter()
        .map(|group| {
            let mut w = Writer::default();
            w.u16(1); // format 1
            let coverage = w.offset_slot();
            w.u16(group.len() as u16);
            let set_slots: Vec<usize> = group.iter().map(|_| w.offset_slot()).collect();
            w.point(coverage, 0);
            w.coverage(group.iter().map(|(first, _)| *first));
            for (slot, (_, set)) in set_slots.into_iter().zip(group) {
                w.point(slot, 0);
                let set_start = w.bytes.len();
                w.u16(set.len() as u16);
                let ligature_slots: Vec<usize> = set.iter().map(|_| w.offset_slot()).collect();
                for (slot, ligature) in ligature_slots.into_iter().zip(set) {
                    w.point(slot, set_start);
                    w.u16(ligature.glyph);
                    w.u16(ligature.components.len() as u16);
                    for &component in &ligature.components[1..] {
                        w.u16(component);
                    }
                }
            }
            w.bytes
        })
        .collect();
    otl::table(b"liga", otl::Lookup::Substitution(4), &subtables)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::{FaceRole, FontSet};

    #[test]
    fn the_face_ligatures_are_found_only_for_kept_letters() {
        let fonts = FontSet::built_in();
        let data = &fonts.face(FaceRole::Regular).data;
        let face = ttf_parser::Face::parse(data, 0).unwrap();
        let glyph = |c| face.glyph_index(c).unwrap().0;
        let with_i: BTreeSet<u16> = "offic".chars().map(glyph).collect();
        let found = ligatures(&face, &with_i);
        let makes = |text: &str| {
            let wanted: Vec<u16> = text.chars().map(glyph).collect();
            found.iter().any(|l| l.components == wanted)
        };
        assert!(makes("ffi") && makes("ff") && makes("fi"), "{found:?}");
        // Longer ligatures are tried first.
        let ffi = found.iter().position(|l| l.components.len() == 3).unwrap();
        let ff = found
            .iter()
            .position(|l| l.components.len() == 2 && l.components[1] == glyph('f'));
        assert!(ff.is_none_or(|ff| ffi < ff));
        // Without an l, no ligature needs one.
        assert!(!makes("fl"));
    }
}
