//! Parsed files: their text, their span trees, and byte ↔ line:column conversion.

pub mod hcl;
pub mod json;
pub mod path;
pub mod query;
pub mod scalar;
pub mod sitter;
pub mod tree;
pub mod yaml;

pub use path::{Part, Path, Seg};
pub use tree::{Entry, Node, NodeKind, Piece, Span, Style, Typed};

/// A syntax error with its position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    Yaml,
    Json,
    /// A Vault server configuration.
    Hcl,
    /// Terraform (`.tf`, `.tfvars`), lowered by the `terraform` front-end.
    Terraform,
    /// Bicep (`.bicep`, `.bicepparam`), lowered by the `bicep` front-end.
    Bicep,
    /// A shell script (`.sh`, `.bash`, a sh/bash shebang), lowered by the `script` front-end.
    Shell,
    /// Markdown, whose shell blocks the `script` front-end reads.
    Markdown,
}

/// One input file's text with a line index. Line and column are computed only when rendering.
#[derive(Debug)]
pub struct Source {
    /// The path as the user gave it (or relative to the scanned directory); `-` for stdin.
    pub path: String,
    pub text: String,
    line_starts: Vec<u32>,
    /// Code-point positions, built the first time a column is asked of non-ASCII text.
    chars: std::sync::OnceLock<CharIndex>,
}

/// A 1-based position. Columns count Unicode code points (SARIF `unicodeCodePoints`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl Source {
    pub fn new(path: String, text: String) -> Self {
        let line_starts = std::iter::once(0)
            .chain(
                memchr::memchr_iter(b'\n', text.as_bytes())
                    .map(|i| u32::try_from(i + 1).unwrap_or(u32::MAX)),
            )
            .collect();
        Self {
            path,
            text,
            line_starts,
            chars: std::sync::OnceLock::new(),
        }
    }

    /// Line by binary search over the line starts; column by code points counted from a nearby
    /// checkpoint, never from the start of a (possibly megabytes long) line.
    pub fn line_col(&self, offset: u32) -> LineCol {
        let offset = offset.min(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
        let line = self.line_starts.partition_point(|&s| s <= offset).max(1);
        let start = self.line_starts[line - 1] as usize;
        let end = (offset as usize).max(start);
        let column = if self.text.get(start..end).is_none() {
            end - start
        } else {
            let chars = self.chars.get_or_init(|| CharIndex::new(&self.text));
            chars.char_at(&self.text, end) - chars.char_at(&self.text, start)
        } + 1;
        LineCol { line, column }
    }

    /// The bytes of lines `first..=last` (1-based), without the last line's line break (`\n`
    /// or `\r\n`).
    pub fn lines(&self, first: usize, last: usize) -> std::ops::Range<usize> {
        let start = self
            .line_starts
            .get(first.saturating_sub(1))
            .map_or(self.text.len(), |&s| s as usize);
        let mut end = self
            .line_starts
            .get(last)
            .map_or(self.text.len(), |&s| (s as usize).saturating_sub(1));
        if end > start && self.text.as_bytes().get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        start..end.max(start)
    }

    /// The start and end of a span; an empty span still covers one column so that every
    /// consumer (SARIF viewers, GitHub annotations) can show it.
    pub fn range(&self, span: Span) -> (LineCol, LineCol) {
        let start = self.line_col(span.start);
        let mut end = self.line_col(span.end);
        if end <= start {
            end = LineCol {
                line: start.line,
                column: start.column + 1,
            };
        }
        (start, end)
    }
}

/// Converts between byte offsets and code-point indices of one text in O(log n + 256): a
/// checkpoint (byte, code points before it) every 256 bytes or so, on character boundaries.
/// ASCII text needs none: bytes are code points.
#[derive(Debug, Default)]
pub struct CharIndex {
    ascii: bool,
    /// (byte offset, code points before it), both increasing.
    checkpoints: Vec<(usize, usize)>,
}

const CHECKPOINT_BYTES: usize = 256;

impl CharIndex {
    pub fn new(text: &str) -> Self {
        if text.is_ascii() {
            return CharIndex {
                ascii: true,
                checkpoints: Vec::new(),
            };
        }
        let mut checkpoints = vec![(0, 0)];
        let (mut byte, mut chars) = (0, 0);
        while byte < text.len() {
            let mut next = (byte + CHECKPOINT_BYTES).min(text.len());
            while !text.is_char_boundary(next) {
                next += 1;
            }
            chars += text[byte..next].chars().count();
            byte = next;
            checkpoints.push((byte, chars));
        }
        CharIndex {
            ascii: false,
            checkpoints,
        }
    }

    /// Code points before byte `offset` (clamped to the text, rounded down to a boundary).
    pub fn char_at(&self, text: &str, offset: usize) -> usize {
        let mut offset = offset.min(text.len());
        if self.ascii {
            return offset;
        }
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let i = self.checkpoints.partition_point(|&(b, _)| b <= offset) - 1;
        let (b, c) = self.checkpoints[i];
        c + text[b..offset].chars().count()
    }

    /// The byte offset of code point `index` (the text's length past its end).
    pub fn byte_at(&self, text: &str, index: usize) -> usize {
        if self.ascii {
            return index.min(text.len());
        }
        let i = self.checkpoints.partition_point(|&(_, c)| c <= index) - 1;
        let (b, c) = self.checkpoints[i];
        text[b..]
            .char_indices()
            .nth(index - c)
            .map_or(text.len(), |(j, _)| b + j)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_index_round_trips_on_long_mixed_text() {
        let text: String = (0..5000)
            .map(|i| if i % 7 == 0 { "é😀" } else { "ab" })
            .collect();
        let index = CharIndex::new(&text);
        for (n, (b, _)) in text.char_indices().enumerate().step_by(37) {
            assert_eq!(index.char_at(&text, b), n);
            assert_eq!(index.byte_at(&text, n), b);
        }
        assert_eq!(index.char_at(&text, text.len()), text.chars().count());
        assert_eq!(index.byte_at(&text, text.chars().count() + 5), text.len());
        // Inside a character (`é` at 0..2): the code points before it.
        assert_eq!(index.char_at(&text, 1), 0);
    }

    #[test]
    fn lines_leave_out_the_last_line_break() {
        let src = Source::new("x".into(), "a: 1\r\nb: 2\nc: 3".into());
        assert_eq!(&src.text[src.lines(1, 1)], "a: 1");
        assert_eq!(&src.text[src.lines(1, 2)], "a: 1\r\nb: 2");
        assert_eq!(&src.text[src.lines(3, 3)], "c: 3");
        assert_eq!(&src.text[src.lines(4, 9)], "");
    }

    #[test]
    fn line_col_counts_code_points_and_handles_crlf() {
        let src = Source::new("x".into(), "é: ü\r\nkey: v\n".into());
        assert_eq!(src.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(src.line_col(4), LineCol { line: 1, column: 4 });
        assert_eq!(src.line_col(8), LineCol { line: 2, column: 1 });
        assert_eq!(src.line_col(13), LineCol { line: 2, column: 6 });
    }
}
