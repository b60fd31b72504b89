//! YAML text to span trees, one per document.
//!
//! Built on `saphyr-parser`'s event stream rather than a DOM crate because it is the fastest
//! parser that reports a span for every key and value, keeps duplicate keys, and leaves aliases
//! unexpanded (so we expand them ourselves under a budget). Two of its traps are handled here:
//! its markers count characters, not bytes, and deep block nesting overflows its stack.

use compact_str::CompactString;
use saphyr_parser::{Event, Marker, Parser, ScalarStyle};

use super::scalar::resolve_plain;
use super::tree::{Entry, Node, NodeKind, Span, Style, Typed};
use super::{CharIndex, ParseError};

/// Deepest leading indentation (spaces and block indicators) accepted before parsing. Block
/// nesting depth can never exceed the column its content starts at, so this bounds the parser's
/// recursion; 100,000 nested `- ` on one line aborts every Rust YAML parser with a stack overflow.
pub const MAX_INDENT_COLUMNS: usize = 1000;

/// Nodes that alias expansion may add to one file. A billion-laughs file hits it quickly; real
/// manifests with anchors stay orders of magnitude below.
pub const ALIAS_EXPANSION_BUDGET: usize = 100_000;

mod fast;

pub fn parse(text: &str) -> Result<Vec<Node>, ParseError> {
    if let Some(err) = check_nesting(text) {
        return Err(err);
    }
    match fast::parse(text) {
        Some(docs) => Ok(docs),
        None => events(text),
    }
}

/// The fast path alone: `None` where it leaves the text to the general parser. Public for the
/// differential tests and the fuzz target, which hold it to [`parse_general`].
pub fn parse_fast(text: &str) -> Option<Vec<Node>> {
    if check_nesting(text).is_some() {
        return None;
    }
    fast::parse(text)
}

/// Every YAML text through `saphyr-parser`'s events.
pub fn parse_general(text: &str) -> Result<Vec<Node>, ParseError> {
    match check_nesting(text) {
        Some(err) => Err(err),
        None => events(text),
    }
}

/// The general parser, on text whose nesting has been checked.
fn events(text: &str) -> Result<Vec<Node>, ParseError> {
    let conv = Offsets::new(text);
    let mut builder = Builder::default();
    for item in Parser::new_from_str(text) {
        let (event, span) = item.map_err(|e| {
            let at = conv.byte(e.marker());
            ParseError {
                message: e.info().to_string(),
                span: Span::new(at, at),
            }
        })?;
        let mut span = Span::new(conv.byte(&span.start), conv.byte(&span.end));
        if let Event::Scalar(_, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted, ..) = event {
            span.end = span.start.max(quoted_end(text, span));
        }
        // The same trap as for quoted scalars: a closing bracket followed by spaces or a comment
        // gets a span to the end of the line.
        if matches!(event, Event::SequenceEnd | Event::MappingEnd)
            && matches!(text.as_bytes().get(span.start as usize), Some(b']' | b'}'))
        {
            span.end = span.start + 1;
        }
        builder.event(event, span)?;
    }
    Ok(builder.docs)
}

fn check_nesting(text: &str) -> Option<ParseError> {
    let bytes = text.as_bytes();
    let mut start = 0;
    let ends = memchr::memchr_iter(b'\n', bytes).chain(std::iter::once(bytes.len()));
    for end in ends {
        // Only a line longer than the limit can hold a run over it.
        if end - start > MAX_INDENT_COLUMNS {
            let indent = bytes[start..end]
                .iter()
                .take(MAX_INDENT_COLUMNS + 1)
                .take_while(|b| matches!(b, b' ' | b'-' | b'?' | b':' | b'\t'))
                .count();
            if indent > MAX_INDENT_COLUMNS {
                return Some(ParseError {
                    message: format!(
                        "nesting too deep: more than {MAX_INDENT_COLUMNS} columns of indentation and block indicators on one line"
                    ),
                    span: Span::new(start, start + indent),
                });
            }
        }
        start = end + 1;
    }
    None
}

/// Converts saphyr's character positions to byte offsets: the line's start, then `col` code
/// points on. Far into a long line (minified or flow-style YAML), a checkpoint index built on
/// first use bounds the walk, so one long line costs no more than many short ones.
struct Offsets<'a> {
    text: &'a str,
    ascii: bool,
    line_starts: Vec<usize>,
    chars: std::cell::OnceCell<CharIndex>,
}

/// Columns up to this are walked from the line's start; further ones go through the index.
const SHORT_WALK: usize = 256;

impl<'a> Offsets<'a> {
    fn new(text: &'a str) -> Self {
        let ascii = text.is_ascii();
        let line_starts = if ascii {
            Vec::new()
        } else {
            std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        };
        Self {
            text,
            ascii,
            line_starts,
            chars: std::cell::OnceCell::new(),
        }
    }

    fn byte(&self, m: &Marker) -> usize {
        if self.ascii {
            return m.index().min(self.text.len());
        }
        let Some(&start) = self.line_starts.get(m.line().saturating_sub(1)) else {
            return self.text.len();
        };
        if m.col() <= SHORT_WALK {
            let line = &self.text[start..];
            return start
                + line
                    .char_indices()
                    .nth(m.col())
                    .map_or(line.len(), |(i, _)| i);
        }
        let chars = self.chars.get_or_init(|| CharIndex::new(self.text));
        let first = chars.char_at(self.text, start);
        chars.byte_at(self.text, first + m.col())
    }
}

/// An open collection. Its children wait on the builder's shared scratch stacks from `first`
/// on, and move into a vector of exactly their number when it closes: no vector per collection
/// grows (and reallocates, and keeps spare capacity) while children arrive.
enum Frame {
    Seq {
        start: Span,
        anchor: usize,
        first: usize,
        count: usize,
    },
    Map {
        start: Span,
        anchor: usize,
        first: usize,
        key: Option<Node>,
        count: usize,
    },
}

#[derive(Default)]
struct Builder {
    docs: Vec<Node>,
    stack: Vec<Frame>,
    items: Vec<Node>,
    entries: Vec<Entry>,
    anchors: std::collections::HashMap<usize, (Node, usize)>,
    expanded: usize,
}

impl Builder {
    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), ParseError> {
        match event {
            Event::Scalar(value, style, anchor, tag) => {
                let (style, typed) = match style {
                    ScalarStyle::Plain => {
                        let typed = if tag.is_some() {
                            Typed::Str
                        } else {
                            resolve_plain(&value)
                        };
                        (Style::Plain, typed)
                    }
                    ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                        (Style::Quoted, Typed::Str)
                    }
                    _ => (Style::Block, Typed::Str),
                };
                // Short text is copied inline; long text keeps the parser's allocation.
                let text = if value.len() <= 24 {
                    CompactString::new(&value)
                } else {
                    CompactString::from(value.into_owned())
                };
                let node = Node::scalar(text, style, typed, span);
                self.complete(node, 1, anchor);
            }
            Event::SequenceStart(anchor, _) => self.stack.push(Frame::Seq {
                start: span,
                anchor,
                first: self.items.len(),
                count: 1,
            }),
            Event::MappingStart(anchor, _) => self.stack.push(Frame::Map {
                start: span,
                anchor,
                first: self.entries.len(),
                key: None,
                count: 1,
            }),
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Ok(());
                };
                let (node, count, anchor) = match frame {
                    Frame::Seq {
                        start,
                        anchor,
                        first,
                        count,
                    } => {
                        let items: Vec<Node> = self.items.drain(first..).collect();
                        let last = items.last().map(|n| n.span);
                        (
                            collection(start, span, last, NodeKind::Seq(items)),
                            count,
                            anchor,
                        )
                    }
                    Frame::Map {
                        start,
                        anchor,
                        first,
                        count,
                        ..
                    } => {
                        let entries: Vec<Entry> = self.entries.drain(first..).collect();
                        let last = entries.last().map(|e| e.value.span);
                        (
                            collection(start, span, last, NodeKind::Map(entries)),
                            count,
                            anchor,
                        )
                    }
                };
                self.complete(node, count, anchor);
            }
            Event::Alias(id) => {
                let Some((node, count)) = self.anchors.get(&id) else {
                    return Err(ParseError {
                        message: "alias refers to an unknown anchor".into(),
                        span,
                    });
                };
                self.expanded += count;
                if self.expanded > ALIAS_EXPANSION_BUDGET {
                    return Err(ParseError {
                        message: format!(
                            "alias expansion exceeds {ALIAS_EXPANSION_BUDGET} nodes (an alias bomb?)"
                        ),
                        span,
                    });
                }
                let (node, count) = (node.clone(), *count);
                self.complete(node, count, 0);
            }
            Event::DocumentStart(_) => self.anchors.clear(),
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
        Ok(())
    }

    fn complete(&mut self, node: Node, count: usize, anchor: usize) {
        if anchor != 0 {
            self.anchors.insert(anchor, (node.clone(), count));
        }
        match self.stack.last_mut() {
            None => self.docs.push(node),
            Some(Frame::Seq { count: c, .. }) => {
                *c += count;
                self.items.push(node);
            }
            Some(Frame::Map { key, count: c, .. }) => {
                *c += count;
                match key.take() {
                    None => *key = Some(node),
                    Some(k) => self.entries.push(Entry {
                        key: k,
                        value: node,
                    }),
                }
            }
        }
    }
}

/// Where a quoted scalar really ends: the parser's span of a quoted scalar followed by a comment
/// runs to the end of the line, comment included, which would put a finding's underline (and a
/// suppression comment) inside the value.
fn quoted_end(text: &str, span: Span) -> u32 {
    let bytes = text.as_bytes();
    let start = span.start as usize;
    let Some(&quote) = bytes.get(start).filter(|b| matches!(b, b'"' | b'\'')) else {
        return span.end;
    };
    let mut i = start + 1;
    while i < bytes.len().min(span.end as usize + 1) {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b if b == quote => return u32::try_from(i + 1).unwrap_or(span.end),
            _ => i += 1,
        }
    }
    span.end
}

/// A collection spans from its start to its closing bracket (flow style) or to the end of its
/// last child (block style, whose end event is an empty marker at the next token).
fn collection(start: Span, end: Span, last_child: Option<Span>, kind: NodeKind) -> Node {
    let end = if end.end > end.start {
        end.end
    } else {
        last_child.map_or(start.end, |s| s.end)
    };
    Node {
        span: Span {
            start: start.start,
            end: end.max(start.start),
        },
        kind,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Node {
        let mut docs = parse(text).unwrap_or_else(|e| panic!("{}", e.message));
        assert_eq!(docs.len(), 1);
        docs.remove(0)
    }

    #[test]
    fn spans_are_bytes_even_after_multibyte_characters() {
        let text = "é: ü\nkey: \"value\"\n";
        let doc = one(text);
        let entry = doc.entry("key").unwrap_or_else(|| panic!("no key"));
        assert_eq!(&text[entry.key.span.range()], "key");
        assert_eq!(&text[entry.value.span.range()], "\"value\"");
    }

    #[test]
    fn duplicates_kept_and_typed_by_yaml_1_1() {
        let doc = one("a: yes\na: '0755'\nb: 0755\n");
        let entries = doc.as_map().unwrap_or_default();
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[0].value.as_bool(), Some(true));
        assert_eq!(doc.get_str("a"), Some("0755"));
        assert!(matches!(
            doc.get("b").and_then(Node::as_scalar).map(|s| s.typed),
            Some(Typed::Int(493))
        ));
    }

    #[test]
    fn block_collection_span_ends_at_last_child() {
        let text = "spec:\n  a: 1\n  b: [x, y]\n\n# trailing\n";
        let doc = one(text);
        let spec = doc.get("spec").unwrap_or_else(|| panic!("no spec"));
        assert_eq!(&text[spec.span.range()], "a: 1\n  b: [x, y]");
    }

    #[test]
    fn aliases_expand_and_merge_keys_resolve() {
        let doc = one("base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n");
        assert!(doc.get_path(&["other", "x"]).is_some());
    }

    #[test]
    fn alias_bomb_is_an_error() {
        let mut text = String::from("a: &a [x,x,x,x,x,x,x,x,x]\n");
        for i in 1..9 {
            let prev = (b'a' + i - 1) as char;
            let cur = (b'a' + i) as char;
            text.push_str(&format!("{cur}: &{cur} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
        }
        let err = parse(&text).err().unwrap_or_else(|| panic!("no error"));
        assert!(err.message.contains("alias"));
    }

    #[test]
    fn pathological_nesting_is_rejected_before_parsing() {
        let text = format!("{}x", "- ".repeat(100_000));
        let err = parse(&text).err().unwrap_or_else(|| panic!("no error"));
        assert!(err.message.contains("nesting too deep"));
    }

    #[test]
    fn multi_document() {
        let docs = parse("a: 1\n---\nb: 2\n---\n").unwrap_or_default();
        assert_eq!(docs.len(), 3);
        assert!(docs[2].is_null());
    }
}

#[cfg(test)]
mod comment_span_tests {
    use super::*;

    #[test]
    fn a_trailing_comment_is_not_part_of_the_value() {
        let text = "a:\n  b: \"True\"  # wiflint: ignore[x] r\n  c: plain  # comment\n  d: [x]  # c\n  e: {}  # c\n";
        for docs in [parse(text), parse_general(text)] {
            let docs = docs.unwrap_or_default();
            let a = docs.first().and_then(|d| d.get("a"));
            let at = |key| a.and_then(|a| a.get(key)).map(|n| &text[n.span.range()]);
            assert_eq!(
                [at("b"), at("c"), at("d"), at("e")],
                [Some("\"True\""), Some("plain"), Some("[x]"), Some("{}")]
            );
        }
    }
}
