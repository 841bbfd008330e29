//! The final pass: epub-builder's zip → a byte-for-byte reproducible EPUB
//! container.
//!
//! epub-builder's zip stamps every entry with the clock's time. Here the
//! entries are read back, some are replaced (the patched package
//! document, our nav and NCX), and everything is written again:
//! `mimetype` first and stored (OCF 3.3 §4.2.4: readers sniff the first
//! bytes of the file), every other entry deflated, every entry with the
//! same time derived from `dcterms:modified` and the same permissions, in
//! a fixed order.

use super::metadata::Timestamp;
use std::io::{Cursor, Read, Write};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

/// One file of the container: its path and bytes.
pub(super) type Entry = (String, Vec<u8>);

/// Reads every entry of a zip, in archive order.
pub(super) fn read_entries(zip: &[u8]) -> Result<Vec<Entry>, String> {
    let mut archive = ZipArchive::new(Cursor::new(zip)).map_err(|err| err.to_string())?;
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

    let stamp = zip_time(time);
    let stored = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(stamp)
        .unix_permissions(0o644);
    let deflated = stored
        .compression_method(CompressionMethod::Deflated)
        // The default level: 1 % larger than 9 for half the time.
        .compression_level(Some(6));

    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file("mimetype", stored)
        .map_err(|err| err.to_string())?;
    zip.write_all(b"application/epub+zip")
        .map_err(|err| err.to_string())?;
    for (name, bytes) in &entries {
        zip.start_file(name.as_str(), deflated)
            .map_err(|err| err.to_string())?;
        zip.write_all(bytes).map_err(|err| err.to_string())?;
    }
    let cursor = zip.finish().map_err(|err| err.to_string())?;
    Ok(cursor.into_inner())
}

/// The zip (MS-DOS) time for `dcterms:modified`, clamped to the years
/// MS-DOS times can hold (1980–2107).
fn zip_time(t: Timestamp) -> DateTime {
    if t.year < 1980 {
        return DateTime::default(); // 1980-01-01 00:00:00
    }
    let (year, month, day, hour, minute, second) = if t.year > 2107 {
        (2107, 12, 31, 23, 59, 58)
    } else {
        (t.year, t.month, t.day, t.hour, t.minute, t.second)
    };
    DateTime::from_date_and_time(year, month, day, hour, minute, second).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!((early.year(), early.month(), early.day()), (1980, 1, 1));
        let late = zip_time(Timestamp::parse("2200-06-01T00:00:00Z").unwrap());
        assert_eq!(late.year(), 2107);
    }
}
