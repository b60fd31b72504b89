//! Parsed files: their text, their span trees, and byte ↔ line:column conversion.

pub mod hcl;
pub mod json;
pub mod path;
pub mod query;
pub mod scalar;
pub mod tree;
pub mod yaml;

pub use path::{Part, Path, Seg};
pub use tree::{Entry, Node, NodeKind, Span, Style, Typed};

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
}

/// One input file's text with a line index. Line and column are computed only when rendering.
#[derive(Debug)]
pub struct Source {
    /// The path as the user gave it (or relative to the scanned directory); `-` for stdin.
    pub path: String,
    pub text: String,
    line_starts: Vec<u32>,
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
                text.match_indices('\n')
                    .map(|(i, _)| u32::try_from(i + 1).unwrap_or(u32::MAX)),
            )
            .collect();
        Self {
            path,
            text,
            line_starts,
        }
    }

    pub fn line_col(&self, offset: u32) -> LineCol {
        let offset = offset.min(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
        let line = self.line_starts.partition_point(|&s| s <= offset).max(1);
        let start = self.line_starts[line - 1] as usize;
        let end = (offset as usize).max(start);
        let column = self
            .text
            .get(start..end)
            .map_or(end - start, |s| s.chars().count())
            + 1;
        LineCol { line, column }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_code_points_and_handles_crlf() {
        let src = Source::new("x".into(), "é: ü\r\nkey: v\n".into());
        assert_eq!(src.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(src.line_col(4), LineCol { line: 1, column: 4 });
        assert_eq!(src.line_col(8), LineCol { line: 2, column: 1 });
        assert_eq!(src.line_col(13), LineCol { line: 2, column: 6 });
    }
}
