//! The final pass: the package's files → a byte-for-byte reproducible
//! EPUB container.
//!
//! epub-builder's zip stamps every entry with the clock's time. Its
//! entries are read back, some are replaced (the patched package
//! document, our nav and NCX, the stylesheet, documents and images it was
//! given as empty stand-ins), the fonts are added, and everything is
//! written as one zip: `mimetype` first and stored (OCF 3.3 §4.2.4:
//! readers sniff the first bytes of the file), every other entry
//! deflated (stored when deflating would not shrink it: a PNG, a JPEG),
//! every entry with the same time derived from `dcterms:modified` and the
//! same permissions, in a fixed order.
//!
//! The zip is written here, after PKWARE's APPNOTE 6.3.10 (local file
//! headers, central directory, end record; no ZIP64, so no entry or file
//! over 4 GiB and at most 65 535 entries), because its entries are
//! deflated on two threads first, which a streaming zip writer cannot do.

use super::metadata::Timestamp;
use crate::deflate::{Deflated, Format, deflate_each};
use std::io::Read;

/// One file of the container: its path and bytes.
pub(super) type Entry = (String, Vec<u8>);

/// Reads every entry of a zip, in archive order.
pub(super) fn read_entries(zip: &[u8]) -> Result<Vec<Entry>, String> {
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(zip)).map_err(|err| err.to_string())?;
    let mut entries = Vec::with_capacity(archive.len());
    for index in 0..archive.len() {
        let mut file = archive.by_index(index).map_err(|err| err.to_string())?;
        let mut bytes = Vec::with_capacity(usize::try_from(file.size()).unwrap_or(0));
        file.read_to_end(&mut bytes)
            .map_err(|err| err.to_string())?;
        entries.push((file.name().to_string(), bytes));
    }
    Ok(entries)
}

/// Puts `bytes` in place of the entry `name`, which must exist.
pub(super) fn replace_entry(
    entries: &mut [Entry],
    name: &str,
    bytes: Vec<u8>,
) -> Result<(), String> {
    let entry = entries
        .iter_mut()
        .find(|(entry, _)| entry == name)
        .ok_or_else(|| format!("the package has no `{name}`"))?;
    entry.1 = bytes;
    Ok(())
}

/// Writes the entries as an EPUB container (see the module docs).
///
/// `mimetype` is always written first with the EPUB media type, whatever
/// the entries say; then `META-INF/container.xml`, the rest of
/// `META-INF`, the package document, and the other entries in the order
/// given.
pub(super) fn write_container(
    mut entries: Vec<Entry>,
    opf_path: &str,
    time: Timestamp,
) -> Result<Vec<u8>, String> {
    entries.retain(|(name, _)| name != "mimetype");
    // A stable sort: entries of the same rank keep their given order.
    entries.sort_by_key(|(name, _)| match name.as_str() {
        "META-INF/container.xml" => 0,
        name if name.starts_with("META-INF/") => 1,
        name if name == opf_path => 2,
        _ => 3,
    });
    if entries.len() >= usize::from(u16::MAX) {
        return Err(format!(
            "{} files are more than a zip without ZIP64 holds",
            entries.len() + 1
        ));
    }
    let (names, data): (Vec<String>, Vec<Vec<u8>>) = entries.into_iter().unzip();
    let crcs: Vec<u32> = data.iter().map(|bytes| crc32fast::hash(bytes)).collect();
    let sizes: Vec<usize> = data.iter().map(Vec::len).collect();
    let deflated = deflate_each(data, Format::Raw);

    let mut zip = ZipWriter::new(zip_time(time));
    let mimetype = b"application/epub+zip";
    zip.add(
        "mimetype",
        crc32fast::hash(mimetype),
        mimetype.len(),
        &Deflated::Plain(mimetype.to_vec()),
    )?;
    for (((name, crc), size), data) in names.iter().zip(crcs).zip(sizes).zip(&deflated) {
        zip.add(name, crc, size, data)?;
    }
    zip.finish()
}

/// A zip archive being written into memory.
struct ZipWriter {
    bytes: Vec<u8>,
    /// Central directory records, written at the end.
    directory: Vec<u8>,
    entries: u16,
    /// MS-DOS time and date of every entry.
    stamp: (u16, u16),
}

/// Version 2.0: deflate. The high byte of "made by" says Unix, so the
/// external attributes carry permissions.
const VERSION: u16 = 20;
const MADE_BY_UNIX: u16 = 3 << 8 | VERSION;
/// `-rw-r--r--`, a regular file.
const REGULAR_FILE_644: u32 = 0o100_644 << 16;
/// General purpose flag bit 11: the name is UTF-8.
const UTF8_NAME: u16 = 1 << 11;

impl ZipWriter {
    fn new(stamp: (u16, u16)) -> Self {
        ZipWriter {
            bytes: Vec::new(),
            directory: Vec::new(),
            entries: 0,
            stamp,
        }
    }

    /// Adds one entry: its local header and data now, its directory
    /// record for [`ZipWriter::finish`].
    fn add(&mut self, name: &str, crc: u32, size: usize, data: &Deflated) -> Result<(), String> {
        let (method, stored) = match data {
            Deflated::Plain(bytes) => (0u16, bytes),
            Deflated::Flate(bytes) => (8u16, bytes),
        };
        let too_big = || format!("`{name}` is larger than a zip without ZIP64 holds");
        let size = u32::try_from(size).map_err(|_| too_big())?;
        let compressed = u32::try_from(stored.len()).map_err(|_| too_big())?;
        let offset = u32::try_from(self.bytes.len()).map_err(|_| too_big())?;
        let name_length = u16::try_from(name.len()).map_err(|_| too_big())?;
        let flags = if name.is_ascii() { 0 } else { UTF8_NAME };
        let (time, date) = self.stamp;

        let local = &mut self.bytes;
        local.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        for field in [VERSION, flags, method, time, date] {
            local.extend_from_slice(&field.to_le_bytes());
        }
        for field in [crc, compressed, size] {
            local.extend_from_slice(&field.to_le_bytes());
        }
        local.extend_from_slice(&name_length.to_le_bytes());
        local.extend_from_slice(&0u16.to_le_bytes()); // no extra field
        local.extend_from_slice(name.as_bytes());
        local.extend_from_slice(stored);

        let record = &mut self.directory;
        record.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        for field in [MADE_BY_UNIX, VERSION, flags, method, time, date] {
            record.extend_from_slice(&field.to_le_bytes());
        }
        for field in [crc, compressed, size] {
            record.extend_from_slice(&field.to_le_bytes());
        }
        // Name length; extra field, comment, disk number, internal
        // attributes: none.
        for field in [name_length, 0, 0, 0, 0] {
            record.extend_from_slice(&field.to_le_bytes());
        }
        record.extend_from_slice(&REGULAR_FILE_644.to_le_bytes());
        record.extend_from_slice(&offset.to_le_bytes());
        record.extend_from_slice(name.as_bytes());
        self.entries += 1;
        Ok(())
    }

    /// The archive: entries, central directory, end record.
    fn finish(mut self) -> Result<Vec<u8>, String> {
        let too_big = || "the EPUB is larger than a zip without ZIP64 holds".to_string();
        let start = u32::try_from(self.bytes.len()).map_err(|_| too_big())?;
        let length = u32::try_from(self.directory.len()).map_err(|_| too_big())?;
        self.bytes.append(&mut self.directory);
        let end = &mut self.bytes;
        end.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        // This disk, the directory's disk, entries here, entries in all.
        for field in [0, 0, self.entries, self.entries] {
            end.extend_from_slice(&field.to_le_bytes());
        }
        end.extend_from_slice(&length.to_le_bytes());
        end.extend_from_slice(&start.to_le_bytes());
        end.extend_from_slice(&0u16.to_le_bytes()); // no comment
        Ok(self.bytes)
    }
}

/// The MS-DOS (time, date) for `dcterms:modified`, clamped to the years
/// MS-DOS dates can hold (1980–2107); seconds in steps of two.
fn zip_time(t: Timestamp) -> (u16, u16) {
    if t.year < 1980 {
        return (0, 1 << 5 | 1); // 1980-01-01 00:00:00
    }
    let (year, month, day, hour, minute, second) = if t.year > 2107 {
        (2107, 12, 31, 23, 59, 58)
    } else {
        (t.year, t.month, t.day, t.hour, t.minute, t.second)
    };
    let time = (u16::from(hour) << 11) | (u16::from(minute) << 5) | (u16::from(second) / 2);
    let date = ((year - 1980) << 9) | (u16::from(month) << 5) | u16::from(day);
    (time, date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;
    use zip::{CompressionMethod, ZipArchive};

    #[test]
    fn mimetype_comes_first_stored_and_times_are_fixed() {
        let entries = vec![
            ("OEBPS/a.xhtml".to_string(), b"a".to_vec()),
            ("OEBPS/content.opf".to_string(), b"opf".to_vec()),
            ("mimetype".to_string(), b"wrong".to_vec()),
            ("META-INF/x.xml".to_string(), b"x".to_vec()),
            ("META-INF/container.xml".to_string(), b"c".to_vec()),
        ];
        let time = Timestamp::parse("2010-09-20T12:34:56Z").unwrap();
        let zip = write_container(entries.clone(), "OEBPS/content.opf", time).unwrap();
        assert_eq!(
            zip,
            write_container(entries, "OEBPS/content.opf", time).unwrap()
        );
        // OCF: the bytes "mimetype" + "application/epub+zip" at offset 30.
        assert_eq!(&zip[30..38], b"mimetype");
        assert_eq!(&zip[38..58], b"application/epub+zip");

        let mut archive = ZipArchive::new(Cursor::new(&zip[..])).unwrap();
        let names: Vec<_> = archive.file_names().map(str::to_string).collect();
        assert_eq!(names.len(), 5);
        let first = archive.by_index(0).unwrap();
        assert_eq!(first.name(), "mimetype");
        assert_eq!(first.compression(), CompressionMethod::Stored);
        assert!(first.extra_data().is_none_or(|extra| extra.is_empty()));
        drop(first);
        let order: Vec<String> = (0..archive.len())
            .map(|i| archive.by_index(i).unwrap().name().to_string())
            .collect();
        assert_eq!(
            order,
            [
                "mimetype",
                "META-INF/container.xml",
                "META-INF/x.xml",
                "OEBPS/content.opf",
                "OEBPS/a.xhtml"
            ]
        );
        for i in 0..archive.len() {
            let file = archive.by_index(i).unwrap();
            let modified = file.last_modified().unwrap();
            assert_eq!(
                (modified.year(), modified.month(), modified.day()),
                (2010, 9, 20)
            );
            assert_eq!(
                (modified.hour(), modified.minute(), modified.second()),
                (12, 34, 56)
            );
        }
    }

    #[test]
    fn times_outside_the_dos_range_are_clamped() {
        let early = zip_time(Timestamp::parse("1970-01-01T00:00:00Z").unwrap());
        let early = zip::DateTime::try_from_msdos(early.1, early.0).unwrap();
        assert_eq!((early.year(), early.month(), early.day()), (1980, 1, 1));
        let late = zip_time(Timestamp::parse("2200-06-01T00:00:00Z").unwrap());
        let late = zip::DateTime::try_from_msdos(late.1, late.0).unwrap();
        assert_eq!(late.year(), 2107);
    }
}
