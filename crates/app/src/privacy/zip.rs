//! A ZIP archive written in memory (PKWARE APPNOTE 6.3, deflate, UTF-8
//! names, no ZIP64): all a subject export needs, without a ZIP crate's
//! dependencies. Nothing is written to disk, so an export never lingers
//! there after the subject is erased.

use custodian_core::time::Timestamp;
use flate2::write::DeflateEncoder;
use flate2::{Compression, Crc};
use std::io::Write;

const LOCAL_HEADER: u32 = 0x0403_4b50;
const CENTRAL_HEADER: u32 = 0x0201_4b50;
const END_OF_CENTRAL: u32 = 0x0605_4b50;
const VERSION: u16 = 20;
/// Bit 11: names are UTF-8.
const UTF8_NAMES: u16 = 0x0800;
const DEFLATE: u16 = 8;

#[derive(Debug, thiserror::Error)]
pub enum ZipError {
    #[error("the archive is larger than 4 GiB or has more than 65,535 files")]
    TooLarge,
    #[error("compression failed")]
    Compression(#[from] std::io::Error),
}

struct Entry {
    name: String,
    crc: u32,
    compressed: u32,
    size: u32,
    offset: u32,
}

pub struct ZipWriter {
    out: Vec<u8>,
    entries: Vec<Entry>,
    dos_time: u16,
    dos_date: u16,
}

fn u16_le(out: &mut Vec<u8>, value: u16) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn u32_le(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn small(value: usize) -> Result<u32, ZipError> {
    u32::try_from(value).map_err(|_| ZipError::TooLarge)
}

impl ZipWriter {
    /// Every file gets `modified` as its time (UTC).
    pub fn new(modified: Timestamp) -> ZipWriter {
        let at = modified.to_offset_date_time();
        let year = u16::try_from(at.year().clamp(1980, 2107) - 1980).unwrap_or(0);
        ZipWriter {
            out: Vec::new(),
            entries: Vec::new(),
            dos_time: (u16::from(at.hour()) << 11)
                | (u16::from(at.minute()) << 5)
                | (u16::from(at.second()) / 2),
            dos_date: (year << 9) | ((at.month() as u16) << 5) | u16::from(at.day()),
        }
    }

    pub fn add(&mut self, name: &str, data: &[u8]) -> Result<(), ZipError> {
        let mut encoder = DeflateEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(data)?;
        let compressed = encoder.finish()?;
        let mut crc = Crc::new();
        crc.update(data);
        let entry = Entry {
            name: name.to_string(),
            crc: crc.sum(),
            compressed: small(compressed.len())?,
            size: small(data.len())?,
            offset: small(self.out.len())?,
        };
        let name_length = u16::try_from(name.len()).map_err(|_| ZipError::TooLarge)?;
        let out = &mut self.out;
        u32_le(out, LOCAL_HEADER);
        u16_le(out, VERSION);
        u16_le(out, UTF8_NAMES);
        u16_le(out, DEFLATE);
        u16_le(out, self.dos_time);
        u16_le(out, self.dos_date);
        u32_le(out, entry.crc);
        u32_le(out, entry.compressed);
        u32_le(out, entry.size);
        u16_le(out, name_length);
        u16_le(out, 0);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&compressed);
        small(out.len())?;
        self.entries.push(entry);
        Ok(())
    }

    pub fn finish(mut self) -> Result<Vec<u8>, ZipError> {
        let count = u16::try_from(self.entries.len()).map_err(|_| ZipError::TooLarge)?;
        let directory_start = small(self.out.len())?;
        for entry in &self.entries {
            let out = &mut self.out;
            u32_le(out, CENTRAL_HEADER);
            u16_le(out, VERSION);
            u16_le(out, VERSION);
            u16_le(out, UTF8_NAMES);
            u16_le(out, DEFLATE);
            u16_le(out, self.dos_time);
            u16_le(out, self.dos_date);
            u32_le(out, entry.crc);
            u32_le(out, entry.compressed);
            u32_le(out, entry.size);
            // The name fit into the local header's u16 already.
            u16_le(out, entry.name.len() as u16);
            u16_le(out, 0); // extra field
            u16_le(out, 0); // comment
            u16_le(out, 0); // disk
            u16_le(out, 0); // internal attributes
            u32_le(out, 0); // external attributes
            u32_le(out, entry.offset);
            out.extend_from_slice(entry.name.as_bytes());
        }
        let directory_size = small(self.out.len())? - directory_start;
        let out = &mut self.out;
        u32_le(out, END_OF_CENTRAL);
        u16_le(out, 0);
        u16_le(out, 0);
        u16_le(out, count);
        u16_le(out, count);
        u32_le(out, directory_size);
        u32_le(out, directory_start);
        u16_le(out, 0);
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Python's zipfile, an implementation of its own, reads the archive
    /// back; skipped where no python3 is installed.
    #[test]
    fn another_implementation_reads_the_archive_back() {
        let mut zip = ZipWriter::new(Timestamp(1_780_000_000_000));
        zip.add("summary.html", "<p>Grüße</p>".as_bytes()).unwrap();
        zip.add("data/contacts.json", &b"{\"rows\":[]}".repeat(500))
            .unwrap();
        let bytes = zip.finish().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.zip");
        std::fs::write(&path, &bytes).unwrap();
        let script = "import sys, zipfile\n\
             z = zipfile.ZipFile(sys.argv[1])\n\
             assert z.testzip() is None\n\
             print(z.read('summary.html').decode())\n\
             print(len(z.read('data/contacts.json')))\n\
             print(z.getinfo('summary.html').date_time[0])";
        let Ok(output) = std::process::Command::new("python3")
            .args(["-c", script])
            .arg(&path)
            .output()
        else {
            eprintln!("skipped: python3 is not installed");
            return;
        };
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let text = String::from_utf8(output.stdout).unwrap();
        assert_eq!(text, "<p>Grüße</p>\n5500\n2026\n");
        assert!(bytes.len() < 1_000, "deflated: {} bytes", bytes.len());
    }
}
