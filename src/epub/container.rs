//! The EPUB container, byte for byte reproducible: epub-builder's `Zip`
//! on the `zip` crate.
//!
//! epub-builder's own `ZipLibrary` stamps every entry with the clock's
//! time. Here every entry gets the time of `dcterms:modified` and the same
//! permissions, and `mimetype` comes first and stored (OCF 3.3 §4.2.4:
//! readers sniff the file's first bytes). epub-builder adds the files in
//! the order it is given them, so the same book always gives the same
//! bytes.

use super::metadata::Timestamp;
use epub_builder::{Error, Result, Zip};
use std::io::{Cursor, Read, Write};
use std::path::Path;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

/// An EPUB being zipped into memory.
pub(super) struct ReproducibleZip {
    writer: ZipWriter<Cursor<Vec<u8>>>,
    /// The options of every entry but `mimetype`.
    options: SimpleFileOptions,
}

/// Raw deflate level 2: the book's XHTML, CSS and fonts lose little
/// against the default level (the summit 50.5 → 52.0 KB) for much less
/// work.
const LEVEL: i64 = 2;

impl ReproducibleZip {
    /// Starts the container, with the `mimetype` entry.
    pub fn new(modified: Timestamp) -> Result<Self> {
        let options = SimpleFileOptions::default()
            .last_modified_time(zip_time(modified))
            .unix_permissions(0o644);
        let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
        writer.start_file(
            "mimetype",
            options.compression_method(CompressionMethod::Stored),
        )?;
        writer.write_all(b"application/epub+zip")?;
        Ok(ReproducibleZip { writer, options })
    }
}

impl Zip for ReproducibleZip {
    fn write_file<P: AsRef<Path>, R: Read>(&mut self, path: P, mut content: R) -> Result<()> {
        // Zip names use `/`, whatever the platform's separator.
        let name = path
            .as_ref()
            .components()
            .map(|part| part.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        // PNG and JPEG are compressed already: deflating them again costs
        // time and gains nothing.
        let compressed = [".png", ".jpg", ".jpeg"]
            .iter()
            .any(|extension| name.to_ascii_lowercase().ends_with(extension));
        let options = if compressed {
            self.options.compression_method(CompressionMethod::Stored)
        } else {
            self.options
                .compression_method(CompressionMethod::Deflated)
                .compression_level(Some(LEVEL))
        };
        self.writer.start_file(name, options)?;
        std::io::copy(&mut content, &mut self.writer)?;
        Ok(())
    }

    fn generate<W: Write>(self, mut to: W) -> Result<()> {
        let zip = self.writer.finish().map_err(Error::from)?.into_inner();
        to.write_all(&zip)?;
        Ok(())
    }
}

/// The zip time for `dcterms:modified`, clamped to the years MS-DOS dates
/// can hold (1980–2107).
fn zip_time(t: Timestamp) -> DateTime {
    let (year, month, day, hour, minute, second) = if t.year < 1980 {
        (1980, 1, 1, 0, 0, 0)
    } else if t.year > 2107 {
        (2107, 12, 31, 23, 59, 58)
    } else {
        (t.year, t.month, t.day, t.hour, t.minute, t.second)
    };
    // The caller checked the date is a calendar date.
    DateTime::from_date_and_time(year, month, day, hour, minute, second).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }

    #[test]
    fn times_outside_the_dos_range_are_clamped() {
        let early = zip_time(stamp("1970-01-01T00:00:00Z"));
        assert_eq!((early.year(), early.month(), early.day()), (1980, 1, 1));
        let late = zip_time(stamp("2200-06-01T00:00:00Z"));
        assert_eq!(late.year(), 2107);
        let exact = zip_time(stamp("2010-09-20T12:34:56Z"));
        assert_eq!((exact.hour(), exact.minute(), exact.second()), (12, 34, 56));
    }
}
