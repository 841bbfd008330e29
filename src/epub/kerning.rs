//! Kerning for the EPUB's font subsets, as a GPOS table of their own.
//!
//! `subsetter` keeps outlines, metrics and names but no layout tables, so
//! a subset would be set without kerning: "To", "AV" and "Te" gape. The
//! pair adjustments of the face's GPOS `kern` lookups are read for every
//! pair of glyphs the subset keeps and written as a small GPOS table: one
//! `kern` feature for every script, one pair-adjustment lookup (OpenType
//! 1.9, "GPOS — Glyph Positioning Table", lookup type 2 format 1; the
//! frame in `otl`). The older `kern` table would be shorter, but
//! browsers' font sanitiser drops it from CFF fonts. Pair kerning is
//! carried; contextual kerning (chained lookups, such as Linux
//! Libertine's wider f before ä) is not.

use super::otl::{self, Writer};
use rustybuzz::ttf_parser::{self, GlyphId, gpos::PairAdjustment, gpos::PositioningSubtable};
use std::collections::{BTreeMap, BTreeSet, HashMap};

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

/// A first glyph and its seconds with their adjustments.
type PairSetOf = (u16, Vec<(u16, i16)>);

/// A GPOS table with one `kern` feature whose lookup adjusts the advance
/// of each pair's first glyph: `pairs` by subset glyph ids, in pair order
/// (lookup type 2, pair adjustment format 1).
pub(super) fn gpos_table(pairs: &[(u16, u16, i16)]) -> Vec<u8> {
    let mut by_first: BTreeMap<u16, Vec<(u16, i16)>> = BTreeMap::new();
    for &(first, second, value) in pairs {
        by_first.entry(first).or_default().push((second, value));
    }
    // Each subtable: a coverage of its first glyphs and a pair set each.
    let mut groups: Vec<Vec<PairSetOf>> = vec![Vec::new()];
    let mut size = 0;
    for (first, seconds) in by_first {
        let grows = 2 + 2 + 2 + seconds.len() * 4;
        if size + grows > otl::MAX_SUBTABLE_BYTES && !groups.last().is_some_and(Vec::is_empty) {
            groups.push(Vec::new());
            size = 0;
        }
        size += grows;
        groups
            .last_mut()
            .expect("one is there")
            .push((first, seconds));
    }
    let subtables: Vec<Vec<u8>> = groups
        .iter()
        .map(|group| {
            let mut w = Writer::default();
            w.u16(1); // format 1: pairs listed
            let coverage = w.offset_slot();
            w.u16(0x0004); // the first glyph's X advance
            w.u16(0); // nothing for the second
            w.u16(group.len() as u16);
            let set_slots: Vec<usize> = group.iter().map(|_| w.offset_slot()).collect();
            w.point(coverage, 0);
            w.coverage(group.iter().map(|(first, _)| *first));
            for (slot, (_, seconds)) in set_slots.into_iter().zip(group) {
                w.point(slot, 0);
                w.u16(seconds.len() as u16);
                for &(second, value) in seconds {
                    w.u16(second);
                    w.u16(value as u16);
                }
            }
            w.bytes
        })
        .collect();
    otl::table(b"kern", otl::Lookup::Positioning(2), &subtables)
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
        let pairs = pairs(&face, &glyphs);
        let (_, mut tables) = super::super::sfnt::read_tables(data).unwrap();
        for tag in [b"GPOS", b"GSUB", b"GDEF"] {
            tables.remove(tag);
        }
        let plain = super::super::sfnt::write_font(*b"OTTO", tables.clone());
        tables.insert(*b"GPOS", gpos_table(&pairs));
        let kerned = super::super::sfnt::write_font(*b"OTTO", tables);
        assert_eq!(first_advance(&kerned, "To"), first_advance(data, "To"));
        assert!(first_advance(&plain, "To") > first_advance(&kerned, "To"));
    }

    #[test]
    fn large_sets_of_pairs_are_split_into_subtables() {
        let pairs: Vec<(u16, u16, i16)> = (0..200)
            .flat_map(|a| (0..200).map(move |b| (a, b, -10)))
            .collect();
        let table = gpos_table(&pairs);
        // The lookup's subtable count, after the header, script, feature
        // and lookup lists (see `gpos_table`).
        let lookup_subtables = u16::from_be_bytes([table[70], table[71]]);
        assert!(table.len() > 2 * otl::MAX_SUBTABLE_BYTES);
        assert!(lookup_subtables >= 3, "{lookup_subtables} subtables");
    }
}
