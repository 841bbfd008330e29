//! Kerning for the EPUB's font subsets, as a GPOS table of their own.
//!
//! `subsetter` keeps outlines, metrics and names but no layout tables, so
//! a subset would be set without kerning: "To", "AV" and "Te" gape. The
//! pair adjustments of the face's GPOS `kern` lookups are read for every
//! pair of glyphs the subset keeps and written as a small GPOS table: one
//! `kern` feature for every script, one pair-adjustment lookup (OpenType
//! 1.9, "GPOS — Glyph Positioning Table", lookup type 2 format 1),
//! built with `write-fonts`. The older `kern` table would be shorter, but
//! browsers' font sanitiser drops it from CFF fonts. Pair kerning is
//! carried; contextual kerning (chained lookups, such as Linux
//! Libertine's wider f before ä) is not.

use super::otl;
use rustybuzz::ttf_parser::{self, GlyphId, gpos::PairAdjustment, gpos::PositioningSubtable};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use write_fonts::tables::gpos::{
    Gpos, PairPos, PairSet, PairValueRecord, PositionLookup, ValueRecord,
};
use write_fonts::tables::layout::{Lookup, LookupFlag, LookupList};
use write_fonts::types::GlyphId16;

/// The horizontal advance adjustments, in font units, of each pair of
/// `glyphs` that the face's GPOS `kern` lookups adjust, by original glyph
/// ids, in pair order.
pub(super) fn pairs(face: &ttf_parser::Face, glyphs: &BTreeSet<u16>) -> Vec<(u16, u16, i16)> {
    let Some(gpos) = face.tables().gpos else {
        return Vec::new();
    };
    let subtables: Vec<Vec<PairAdjustment>> = otl::feature_lookups(&gpos, b"kern")
        .into_iter()
        .map(|lookup| {
            (0..lookup.subtables.len())
                .filter_map(|i| match lookup.subtables.get::<PositioningSubtable>(i) {
                    Some(PositioningSubtable::Pair(pair)) => Some(pair),
                    _ => None,
                })
                .collect()
        })
        .collect();
    let list: Vec<GlyphId> = glyphs.iter().map(|&g| GlyphId(g)).collect();
    // The second glyphs' classes in each class-based subtable, once.
    let second_classes: Vec<Vec<Option<Vec<u16>>>> = subtables
        .iter()
        .map(|lookup| {
            lookup
                .iter()
                .map(|pair| match pair {
                    PairAdjustment::Format2 { classes, .. } => {
                        Some(list.iter().map(|&g| classes.1.get(g)).collect())
                    }
                    PairAdjustment::Format1 { .. } => None,
                })
                .collect()
        })
        .collect();
    // A class-based subtable gives the same row of adjustments to every
    // first glyph of a class: each row is read once, and each class pair
    // in it once.
    let mut rows: HashMap<(usize, usize, u16), Vec<Option<i16>>> = HashMap::new();
    let mut pairs = Vec::new();
    for &first in &list {
        for (l, (lookup, classes)) in subtables.iter().zip(&second_classes).enumerate() {
            for (t, (pair, seconds)) in lookup.iter().zip(classes).enumerate() {
                if let (
                    PairAdjustment::Format2 {
                        coverage,
                        classes,
                        matrix,
                    },
                    Some(seconds),
                ) = (pair, seconds)
                    && coverage.contains(first)
                {
                    let class = classes.0.get(first);
                    rows.entry((l, t, class)).or_insert_with(|| {
                        let mut by_class: HashMap<u16, Option<i16>> = HashMap::new();
                        seconds
                            .iter()
                            .map(|&second| {
                                *by_class.entry(second).or_insert_with(|| {
                                    matrix
                                        .get((class, second))
                                        .map(|(record, _)| record.x_advance)
                                })
                            })
                            .collect()
                    });
                }
            }
        }
        // Per lookup, the subtables that cover the first glyph, ready for
        // the second: a pair set, or a row of adjustments.
        let covering: Vec<Vec<Covering>> = subtables
            .iter()
            .enumerate()
            .map(|(l, lookup)| {
                lookup
                    .iter()
                    .enumerate()
                    .filter_map(|(t, pair)| {
                        let index = pair.coverage().get(first)?;
                        match pair {
                            PairAdjustment::Format1 { sets, .. } => {
                                Some(Covering::Pairs(sets.get(index)?))
                            }
                            PairAdjustment::Format2 { classes, .. } => rows
                                .get(&(l, t, classes.0.get(first)))
                                .map(|row| Covering::Row(row)),
                        }
                    })
                    .collect()
            })
            .collect();
        if covering.iter().all(Vec::is_empty) {
            // Most glyphs start no kerned pair.
            continue;
        }
        for (index, &second) in list.iter().enumerate() {
            // Lookups add up; within one, the first subtable that applies
            // to the pair decides (OpenType, "Lookup table").
            let total: i32 = covering
                .iter()
                .filter_map(|lookup| {
                    lookup.iter().find_map(|covering| match covering {
                        Covering::Pairs(set) => set.get(second).map(|(record, _)| record.x_advance),
                        Covering::Row(row) => row[index],
                    })
                })
                .map(i32::from)
                .sum();
            if total != 0 {
                let clamped = total.clamp(i32::from(i16::MIN), i32::from(i16::MAX)) as i16;
                pairs.push((first.0, second.0, clamped));
            }
        }
    }
    pairs
}

/// A pair subtable that covers a first glyph: its pairs with it (format
/// 1), or its class's adjustments before each second glyph (format 2).
enum Covering<'a, 'r> {
    Pairs(ttf_parser::gpos::PairSet<'a>),
    Row(&'r [Option<i16>]),
}

/// A GPOS table with one `kern` feature whose lookup adjusts the advance
/// of each pair's first glyph: `pairs` by subset glyph ids (lookup type 2,
/// pair adjustment format 1). `write-fonts` splits the subtable when its
/// pair sets would lie beyond 16-bit offsets.
pub(super) fn gpos(pairs: &[(u16, u16, i16)]) -> Gpos {
    let mut by_first: BTreeMap<GlyphId16, BTreeMap<GlyphId16, i16>> = BTreeMap::new();
    for &(first, second, value) in pairs {
        by_first
            .entry(GlyphId16::new(first))
            .or_default()
            .insert(GlyphId16::new(second), value);
    }
    let coverage = by_first.keys().copied().collect();
    let sets = by_first
        .into_values()
        .map(|seconds| {
            let records = seconds.into_iter().map(|(second, value)| {
                PairValueRecord::new(
                    second,
                    ValueRecord::new().with_x_advance(value),
                    ValueRecord::new(),
                )
            });
            PairSet::new(records.collect())
        })
        .collect();
    let subtable = PairPos::format_1(coverage, sets);
    let lookup = PositionLookup::Pair(Lookup::new(LookupFlag::default(), vec![subtable]));
    let (scripts, features) = otl::one_feature(b"kern");
    Gpos::new(scripts, features, LookupList::new(vec![lookup]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::{FaceRole, FontSet};

    /// The advance of the first glyph of `text` set in `data`.
    fn first_advance(data: &[u8], text: &str) -> i32 {
        let face = rustybuzz::Face::from_slice(data, 0).unwrap();
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        rustybuzz::shape(&face, &[], buffer).glyph_positions()[0].x_advance
    }

    #[test]
    fn the_face_kerns_pairs_as_shaping_does() {
        let fonts = FontSet::built_in();
        let data = &fonts.face(FaceRole::Regular).data;
        let face = ttf_parser::Face::parse(data, 0).unwrap();
        let glyph = |c| face.glyph_index(c).unwrap().0;
        let glyphs: BTreeSet<u16> = "ToAVWa.".chars().map(glyph).collect();
        let pairs = pairs(&face, &glyphs);
        let find = |a, b| {
            pairs
                .iter()
                .find(|&&(l, r, _)| (l, r) == (glyph(a), glyph(b)))
                .map(|p| p.2)
        };
        let nominal = i32::from(face.glyph_hor_advance(GlyphId(glyph('T'))).unwrap());
        let kern = find('T', 'o').expect("T and o are kerned");
        assert!(kern < 0);
        assert_eq!(first_advance(data, "To") - nominal, i32::from(kern));
        assert!(find('A', 'V').is_some_and(|v| v < 0));
    }

    /// `data`'s face without its layout tables, with `gpos` if given.
    fn with_gpos(data: &[u8], gpos: Option<&Gpos>) -> Vec<u8> {
        let mut font = write_fonts::FontBuilder::new();
        if let Some(gpos) = gpos {
            font.add_table(gpos).unwrap();
        }
        otl::tests::with_face_tables(font, data)
    }

    #[test]
    fn a_font_with_the_table_is_kerned_by_a_shaper() {
        // The original face's kerning of "To" comes back from a GPOS made
        // of its pairs alone, on a font that has only that table.
        let fonts = FontSet::built_in();
        let data = &fonts.face(FaceRole::Regular).data;
        let face = ttf_parser::Face::parse(data, 0).unwrap();
        let glyphs: BTreeSet<u16> = "To"
            .chars()
            .map(|c| face.glyph_index(c).unwrap().0)
            .collect();
        let kerned = with_gpos(data, Some(&gpos(&pairs(&face, &glyphs))));
        let plain = with_gpos(data, None);
        assert_eq!(first_advance(&kerned, "To"), first_advance(data, "To"));
        assert!(first_advance(&plain, "To") > first_advance(&kerned, "To"));
    }

    #[test]
    fn pairs_beyond_16_bit_offsets_are_all_kept() {
        // 40 000 pairs, each first glyph with a row of its own: some 160 KB
        // of pair sets, more than one subtable's offsets reach.
        let written: Vec<(u16, u16, i16)> = (1..=200)
            .flat_map(|a| (1..=200).map(move |b| (a, b, -(a as i16) - b as i16)))
            .collect();
        let fonts = FontSet::built_in();
        let data = with_gpos(&fonts.face(FaceRole::Regular).data, Some(&gpos(&written)));
        let face = ttf_parser::Face::parse(&data, 0).unwrap();
        let lookup = face.tables().gpos.unwrap().lookups.get(0).unwrap();
        assert!(
            lookup.subtables.len() >= 3,
            "{} subtables",
            lookup.subtables.len()
        );
        assert_eq!(pairs(&face, &(1..=200).collect()), written);
    }
}
