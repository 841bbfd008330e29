//! OpenType files put together from tables: what turns `subsetter`'s
//! PDF-oriented subset (outlines and metrics, no character map) into a
//! font a reading system can use.
//!
//! Layouts after the OpenType specification 1.9: the table directory
//! ("Organization of an OpenType font"), checksums and `head`'s
//! `checksumAdjustment`, and the `cmap` subtables of formats 4 and 12.

use std::collections::BTreeMap;

/// The tables of an OpenType file, by tag.
pub(super) type Tables = BTreeMap<[u8; 4], Vec<u8>>;

/// Reads an OpenType file's version tag and tables (a single font, not a
/// collection).
pub(super) fn read_tables(data: &[u8]) -> Option<([u8; 4], Tables)> {
    let version: [u8; 4] = data.get(0..4)?.try_into().ok()?;
    let count = usize::from(u16::from_be_bytes(data.get(4..6)?.try_into().ok()?));
    let mut tables = Tables::new();
    for i in 0..count {
        let record = data.get(12 + 16 * i..12 + 16 * (i + 1))?;
        let tag: [u8; 4] = record[0..4].try_into().ok()?;
        let offset = u32::from_be_bytes(record[8..12].try_into().ok()?) as usize;
        let length = u32::from_be_bytes(record[12..16].try_into().ok()?) as usize;
        tables.insert(tag, data.get(offset..offset.checked_add(length)?)?.to_vec());
    }
    Some((version, tables))
}

/// Writes tables as an OpenType file: records sorted by tag, each table
/// on a four-byte boundary, checksums and `head.checksumAdjustment` set.
pub(super) fn write_font(version: [u8; 4], mut tables: Tables) -> Vec<u8> {
    // The adjustment is computed with the field zeroed.
    if let Some(head) = tables.get_mut(b"head")
        && head.len() >= 12
    {
        head[8..12].fill(0);
    }
    let count = tables.len() as u16;
    // searchRange: the largest power of two ≤ count, times 16.
    let power = if count == 0 {
        0
    } else {
        15 - count.leading_zeros() as u16
    };
    let search_range = (1u16 << power) * 16;
    let mut out = Vec::new();
    out.extend_from_slice(&version);
    for field in [count, search_range, power, count * 16 - search_range] {
        out.extend_from_slice(&field.to_be_bytes());
    }
    let mut offset = 12 + 16 * tables.len();
    for (tag, table) in &tables {
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum(table).to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(table.len() as u32).to_be_bytes());
        offset += table.len().next_multiple_of(4);
    }
    let mut head_at = None;
    for (tag, table) in &tables {
        if tag == b"head" {
            head_at = Some(out.len());
        }
        out.extend_from_slice(table);
        out.resize(out.len().next_multiple_of(4), 0);
    }
    if let Some(at) = head_at
        && tables[b"head"].len() >= 12
    {
        let adjustment = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[at + 8..at + 12].copy_from_slice(&adjustment.to_be_bytes());
    }
    out
}

/// The sum of big-endian 32-bit words, the last one padded with zeros.
fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, chunk| {
        let mut word = [0; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

/// A `cmap` table for `map` (character → glyph id): format 4 for the
/// Basic Multilingual Plane under Unicode (0, 3) and Windows (3, 1), and
/// format 12 for every character under (0, 4) and (3, 10) when some lie
/// beyond it.
pub(super) fn cmap(map: &BTreeMap<char, u16>) -> Vec<u8> {
    let bmp: Vec<(u32, u16)> = map
        .iter()
        .map(|(&c, &g)| (u32::from(c), g))
        .filter(|&(c, _)| c <= 0xFFFF)
        .collect();
    let wide = map.keys().any(|&c| u32::from(c) > 0xFFFF);
    let format4 = format4(&bmp);
    let format12 = wide.then(|| format12(map));
    let mut records: Vec<(u16, u16, usize)> = vec![(0, 3, 0), (3, 1, 0)];
    if wide {
        records = vec![(0, 3, 0), (0, 4, 1), (3, 1, 0), (3, 10, 1)];
    }
    let header = 4 + 8 * records.len();
    let mut out = Vec::new();
    out.extend_from_slice(&0u16.to_be_bytes());
    out.extend_from_slice(&(records.len() as u16).to_be_bytes());
    for (platform, encoding, subtable) in records {
        let offset = if subtable == 0 {
            header
        } else {
            header + format4.len()
        };
        out.extend_from_slice(&platform.to_be_bytes());
        out.extend_from_slice(&encoding.to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
    }
    out.extend_from_slice(&format4);
    if let Some(format12) = format12 {
        out.extend_from_slice(&format12);
    }
    out
}

/// Format 4: segments of consecutive characters with consecutive glyphs
/// (an `idDelta` each), closed by the required 0xFFFF segment.
fn format4(map: &[(u32, u16)]) -> Vec<u8> {
    let mut segments: Vec<(u16, u16, u16)> = Vec::new(); // start, end, first glyph
    for &(c, g) in map {
        let c = c as u16;
        match segments.last_mut() {
            Some((start, end, first))
                if c == end.wrapping_add(1) && g == first.wrapping_add(c - *start) =>
            {
                *end = c;
            }
            _ => segments.push((c, c, g)),
        }
    }
    if segments.last().is_none_or(|&(_, end, _)| end != 0xFFFF) {
        segments.push((0xFFFF, 0xFFFF, 1));
    }
    let count = segments.len() as u16;
    let power = 15 - count.leading_zeros() as u16;
    let search_range = (1u16 << power) * 2;
    let length = 16 + 8 * segments.len();
    let mut out = Vec::with_capacity(length);
    for field in [
        4,
        length as u16,
        0, // language
        count * 2,
        search_range,
        power,
        count * 2 - search_range,
    ] {
        out.extend_from_slice(&field.to_be_bytes());
    }
    for &(_, end, _) in &segments {
        out.extend_from_slice(&end.to_be_bytes());
    }
    out.extend_from_slice(&0u16.to_be_bytes()); // reservedPad
    for &(start, _, _) in &segments {
        out.extend_from_slice(&start.to_be_bytes());
    }
    for &(start, _, first) in &segments {
        // glyph = (c + idDelta) mod 65536
        out.extend_from_slice(&first.wrapping_sub(start).to_be_bytes());
    }
    for _ in &segments {
        out.extend_from_slice(&0u16.to_be_bytes()); // idRangeOffset
    }
    out
}

/// Format 12: groups of consecutive characters with consecutive glyphs.
fn format12(map: &BTreeMap<char, u16>) -> Vec<u8> {
    let mut groups: Vec<(u32, u32, u32)> = Vec::new();
    for (&c, &g) in map {
        let (c, g) = (u32::from(c), u32::from(g));
        match groups.last_mut() {
            Some((start, end, first)) if c == *end + 1 && g == *first + (c - *start) => *end = c,
            _ => groups.push((c, c, g)),
        }
    }
    let mut out = Vec::with_capacity(16 + 12 * groups.len());
    out.extend_from_slice(&12u16.to_be_bytes());
    out.extend_from_slice(&0u16.to_be_bytes());
    out.extend_from_slice(&((16 + 12 * groups.len()) as u32).to_be_bytes());
    out.extend_from_slice(&0u32.to_be_bytes()); // language
    out.extend_from_slice(&(groups.len() as u32).to_be_bytes());
    for (start, end, first) in groups {
        for field in [start, end, first] {
            out.extend_from_slice(&field.to_be_bytes());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustybuzz::ttf_parser;

    #[test]
    fn tables_survive_a_round_trip_and_the_checksums_hold() {
        let font = crate::fonts::FontSet::built_in();
        let data = &font.face(crate::fonts::FaceRole::Regular).data;
        let (version, tables) = read_tables(data).expect("reads");
        assert_eq!(&version, b"OTTO");
        let written = write_font(version, tables.clone());
        let (_, again) = read_tables(&written).expect("reads back");
        assert_eq!(
            again.keys().collect::<Vec<_>>(),
            tables.keys().collect::<Vec<_>>()
        );
        assert_eq!(again[b"CFF "], tables[b"CFF "]);
        // The whole file sums to the magic number (OpenType, `head`).
        assert_eq!(checksum(&written), 0xB1B0_AFBA);
        assert!(ttf_parser::Face::parse(&written, 0).is_ok());
    }

    #[test]
    fn cmap_maps_every_character_it_was_given() {
        let map: BTreeMap<char, u16> =
            [('A', 1), ('B', 2), ('C', 3), ('å', 7), ('€', 4), ('😀', 9)]
                .into_iter()
                .collect();
        let (version, mut tables) = read_tables(
            &crate::fonts::FontSet::built_in()
                .face(crate::fonts::FaceRole::Regular)
                .data,
        )
        .unwrap();
        tables.insert(*b"cmap", cmap(&map));
        let font = write_font(version, tables);
        let face = ttf_parser::Face::parse(&font, 0).unwrap();
        for (&c, &g) in &map {
            assert_eq!(face.glyph_index(c).map(|g| g.0), Some(g), "{c:?}");
        }
        assert_eq!(face.glyph_index('D'), None);
    }
}
