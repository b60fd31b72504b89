//! Reading a candidate's bytes into text, or saying precisely why not.

use std::io::Read;

use super::discover::{Candidate, Origin};

/// Files larger than this are not parsed: a linter's memory must not grow with hostile input.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

#[derive(Debug)]
pub enum Loaded {
    Text(String),
    /// Not an input at all (binary, empty, a device): listed as skipped.
    Skip(String),
    /// Looks like an input but cannot be read as one: reported as `unparseable-input`.
    Fail {
        message: String,
        offset: usize,
        /// What could be decoded (empty for oversized input), to show the error in context.
        text: String,
    },
    /// The operating system refused: an I/O error for the whole run.
    Io(String),
}

pub fn load(candidate: &Candidate, max_size: u64) -> Loaded {
    let bytes = match &candidate.origin {
        Origin::NotRead(reason) => return Loaded::Skip(reason.clone()),
        Origin::Memory(bytes) => bytes.to_vec(),
        Origin::Stdin => {
            let mut buf = Vec::new();
            match std::io::stdin().take(max_size + 1).read_to_end(&mut buf) {
                Ok(_) => buf,
                Err(e) => return Loaded::Io(format!("cannot read standard input: {e}")),
            }
        }
        Origin::File(path) => {
            let meta = match std::fs::metadata(path) {
                Ok(m) => m,
                Err(e) => return Loaded::Io(format!("cannot read: {e}")),
            };
            if !meta.is_file() {
                // Reading a FIFO would block forever; a device could be endless.
                return Loaded::Skip("not a regular file (FIFO, socket or device)".into());
            }
            if meta.len() > max_size {
                return Loaded::Fail {
                    message: format!(
                        "file is {} bytes, over the {max_size}-byte limit",
                        meta.len()
                    ),
                    offset: 0,
                    text: String::new(),
                };
            }
            match std::fs::File::open(path).and_then(|f| {
                let mut buf = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
                f.take(max_size + 1).read_to_end(&mut buf).map(|_| buf)
            }) {
                Ok(b) => b,
                Err(e) => return Loaded::Io(format!("cannot read: {e}")),
            }
        }
    };
    decode(bytes, max_size)
}

fn decode(bytes: Vec<u8>, max_size: u64) -> Loaded {
    if bytes.len() as u64 > max_size {
        return Loaded::Fail {
            message: format!("input is over the {max_size}-byte limit"),
            offset: 0,
            text: String::new(),
        };
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Loaded::Skip("empty file".into());
    }
    if bytes.contains(&0) {
        return Loaded::Skip("binary file (contains NUL bytes)".into());
    }
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..3);
            }
            Loaded::Text(text)
        }
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            Loaded::Fail {
                message: format!("not valid UTF-8 (invalid byte at offset {offset})"),
                offset,
                text: String::from_utf8_lossy(e.as_bytes()).into_owned(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_classifies_bad_bytes() {
        assert!(matches!(decode(b"  \n".to_vec(), 100), Loaded::Skip(_)));
        assert!(matches!(decode(b"a\0b".to_vec(), 100), Loaded::Skip(_)));
        assert!(matches!(
            decode(b"a: \xff".to_vec(), 100),
            Loaded::Fail { offset: 3, .. }
        ));
        assert!(matches!(decode(b"abc".to_vec(), 2), Loaded::Fail { .. }));
        match decode("\u{feff}a: 1".as_bytes().to_vec(), 100) {
            Loaded::Text(t) => assert_eq!(t, "a: 1"),
            other => panic!("{other:?}"),
        }
    }
}
