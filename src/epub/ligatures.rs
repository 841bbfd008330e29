//! Ligatures for the EPUB's font subsets, as a GSUB table of their own.
//!
//! `subsetter` keeps no layout tables, so a subset would be set without
//! the face's standard ligatures (fi, fl, ff, ffi …) that the PDF uses.
//! The ligatures of the face's GSUB `liga` lookups whose letters the
//! subset keeps are collected, their ligature glyphs join the subset, and
//! a GSUB with one `liga` feature and one ligature lookup is built with
//! `write-fonts` (OpenType 1.9, "GSUB — Glyph Substitution Table", lookup
//! type 4).

use super::otl;
use rustybuzz::ttf_parser::{self, GlyphId, gsub::SubstitutionSubtable};
use std::collections::BTreeSet;
use write_fonts::tables::gsub::builders::LigatureSubBuilder;
use write_fonts::tables::gsub::{Gsub, SubstitutionLookup};
use write_fonts::tables::layout::builders::Builder;
use write_fonts::tables::layout::{Lookup, LookupFlag, LookupList};
use write_fonts::tables::variations::ivs_builder::VariationStoreBuilder;
use write_fonts::types::GlyphId16;

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
/// `write-fonts` splits the subtable when it outgrows 16-bit offsets.
pub(super) fn gsub(ligatures: &[Ligature]) -> Gsub {
    let mut builder = LigatureSubBuilder::default();
    for ligature in ligatures {
        let components = ligature.components.iter().map(|&g| GlyphId16::new(g));
        builder.insert(components.collect(), GlyphId16::new(ligature.glyph));
    }
    // Ligature lookups carry no variations: the store stays empty.
    let subtables = builder.build(&mut VariationStoreBuilder::new(0));
    let lookup = SubstitutionLookup::Ligature(Lookup::new(LookupFlag::default(), subtables));
    let (scripts, features) = otl::one_feature(b"liga");
    Gsub::new(scripts, features, LookupList::new(vec![lookup]))
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

    #[test]
    fn ligatures_beyond_16_bit_offsets_are_all_kept() {
        // 22 500 two-letter ligatures: some 180 KB, more than one
        // subtable's offsets reach.
        let written: Vec<Ligature> = (1..=150)
            .flat_map(|a| {
                (1..=150).map(move |b| Ligature {
                    components: vec![a, b],
                    glyph: 1000 + b,
                })
            })
            .collect();
        let mut font = write_fonts::FontBuilder::new();
        font.add_table(&gsub(&written)).unwrap();
        let fonts = FontSet::built_in();
        let data = otl::tests::with_face_tables(font, &fonts.face(FaceRole::Regular).data);
        let face = ttf_parser::Face::parse(&data, 0).unwrap();
        let lookup = face.tables().gsub.unwrap().lookups.get(0).unwrap();
        assert!(
            lookup.subtables.len() >= 3,
            "{} subtables",
            lookup.subtables.len()
        );
        assert_eq!(ligatures(&face, &(1..=150).collect()), written);
    }
}
