//! A fast path for the block YAML that manifests are nearly always written in: indented mappings
//! and sequences, plain and quoted one-line scalars, `|` and `>` block scalars, one-line flow
//! lists of scalars, comments and `---` separators.
//!
//! YAML parsing is most of a scan's cost, and a general event parser spends it on machinery
//! (tokens, a queue, a string per token) that this subset does not need. Anything outside the
//! subset — anchors, aliases, tags, escapes, multi-line flow or quoted scalars, tabs, directives,
//! and every error — makes [`parse`] give up with `None`, and the general parser reads the file
//! from the start. The trees are identical either way: a differential test compares them on
//! every YAML file of the test data, the examples, the real-world set and a generated corpus, and
//! a fuzz target compares them on arbitrary input.

use std::cell::RefCell;

use compact_str::CompactString;

use super::super::scalar::resolve_plain;
use super::super::tree::{Entry, Node, NodeKind, Span, Style, Typed};

/// Deeper block nesting than this goes to the general parser (whose depth is bounded by the
/// indentation pre-check), so this parser's recursion stays small.
const MAX_DEPTH: usize = 64;

/// YAML limits an implicit key to 1024 characters; longer ones are errors, for the general parser
/// to report. (Bytes are at least as many as characters.)
const MAX_KEY_BYTES: usize = 1000;

/// Gives up: the general parser decides.
struct GiveUp;

type R<T> = Result<T, GiveUp>;

pub(super) fn parse(text: &str) -> Option<Vec<Node>> {
    if !acceptable_characters(text) {
        return None;
    }
    Reader::new(text).documents().ok()
}

/// Tabs, carriage returns, control characters, a byte-order mark and the Unicode line breaks
/// each have rules of their own; the general parser applies them.
fn acceptable_characters(text: &str) -> bool {
    let plain = text
        .bytes()
        .all(|b| b == b'\n' || (0x20..0x7f).contains(&b) || b >= 0x80);
    plain
        && (text.is_ascii()
            || !text.chars().any(|c| {
                matches!(
                    c,
                    '\u{80}'..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}'
                ) || (!c.is_ascii() && c.is_control())
            }))
}

#[derive(Clone, Copy)]
struct Line {
    start: usize,
    /// The end of the line's text, before its `\n`.
    end: usize,
    /// Leading spaces.
    indent: usize,
}

struct Key {
    node: Node,
    /// Columns of the `:` and of what follows it and its spaces.
    colon: usize,
    value: usize,
}

struct Reader<'t> {
    text: &'t str,
    bytes: &'t [u8],
    lines: Vec<Line>,
    /// The children of open collections, moved into a vector of exactly their number when the
    /// collection closes: no vector per collection keeps the spare capacity of its growth.
    items: RefCell<Vec<Node>>,
    entries: RefCell<Vec<Entry>>,
}

impl<'t> Reader<'t> {
    fn new(text: &'t str) -> Self {
        let bytes = text.as_bytes();
        let mut lines = Vec::with_capacity(text.len() / 24 + 1);
        let mut start = 0;
        while start < bytes.len() {
            let end = memchr_newline(&bytes[start..]).map_or(bytes.len(), |i| start + i);
            let indent = bytes[start..end].iter().take_while(|b| **b == b' ').count();
            lines.push(Line { start, end, indent });
            start = end + 1;
        }
        Reader {
            text,
            bytes,
            lines,
            items: RefCell::default(),
            entries: RefCell::default(),
        }
    }

    /// The line's content from column `col` on.
    fn rest(&self, line: usize, col: usize) -> &'t [u8] {
        let l = self.lines[line];
        &self.bytes[(l.start + col).min(l.end)..l.end]
    }

    /// Blank or comment-only.
    fn is_trivia(&self, line: usize) -> bool {
        let l = self.lines[line];
        l.start + l.indent == l.end || self.bytes[l.start + l.indent] == b'#'
    }

    /// The next line with content, from `line` on.
    fn content(&self, mut line: usize) -> usize {
        while line < self.lines.len() && self.is_trivia(line) {
            line += 1;
        }
        line
    }

    fn is_document_start(&self, line: usize) -> bool {
        let r = self.rest(line, 0);
        r.starts_with(b"---") && r.get(3).is_none_or(|b| *b == b' ')
    }

    fn documents(&self) -> R<Vec<Node>> {
        let mut docs = Vec::new();
        let mut line = self.content(0);
        while line < self.lines.len() {
            let r = self.rest(line, 0);
            if r.starts_with(b"...") || r.starts_with(b"%") {
                return Err(GiveUp);
            }
            if self.is_document_start(line) {
                if !is_trivia_bytes(&r[3..]) {
                    return Err(GiveUp);
                }
                let next = self.content(line + 1);
                if next >= self.lines.len() || self.is_document_start(next) {
                    // An empty document. The general parser places it at the end of the text
                    // when nothing follows; elsewhere its span is irregular.
                    if line + 1 < self.lines.len() {
                        return Err(GiveUp);
                    }
                    docs.push(null(self.bytes.len()));
                    line = next;
                    continue;
                }
                line = next;
            }
            let (node, next) = self.block(line, self.lines[line].indent, 0)?;
            let next = self.content(next);
            if next < self.lines.len() && !self.is_document_start(next) {
                return Err(GiveUp);
            }
            docs.push(node);
            line = next;
        }
        Ok(docs)
    }

    /// A block collection whose first line is `line`, its content starting at `col`. Returns the
    /// node and the first line after it.
    fn block(&self, line: usize, col: usize, depth: usize) -> R<(Node, usize)> {
        if depth > MAX_DEPTH {
            return Err(GiveUp);
        }
        let r = self.rest(line, col);
        if is_dash(r) {
            self.sequence(line, col, depth, false)
        } else {
            self.mapping(line, col, depth)
        }
    }

    /// A block sequence: `-` items at column `col`. An indentless one (a mapping's value at its
    /// key's column) starts, for the general parser, at the first token after its `-`.
    fn sequence(
        &self,
        first: usize,
        col: usize,
        depth: usize,
        indentless: bool,
    ) -> R<(Node, usize)> {
        let from = self.items.borrow().len();
        let mut line = first;
        loop {
            // `line` has a `-` at `col`.
            let after = col + 1;
            let r = self.rest(line, after);
            let skip = r.iter().take_while(|b| **b == b' ').count();
            let (item, next) = if skip == r.len() {
                if indentless {
                    return Err(GiveUp);
                }
                let null_at = self.lines[line].start + after + skip;
                self.nested(line, col, depth, None, null_at)?
            } else {
                let at = after + skip;
                let r = self.rest(line, at);
                if is_dash(r) || matches!(r[0], b'?' | b'#') {
                    return Err(GiveUp);
                }
                if self.key_end(line, at)?.is_some() {
                    self.mapping(line, at, depth + 1)?
                } else {
                    self.value(line, at, col)?
                }
            };
            self.items.borrow_mut().push(item);
            let (next, same) = self.next_entry(next, col)?;
            line = next;
            if !same || !is_dash(self.rest(next, col)) {
                break;
            }
        }
        let start = self.lines[first].start + col;
        let start = if indentless {
            // The first token after the `-` (the header of a block scalar, not its text).
            let after = &self.bytes[start + 1..self.lines[first].end];
            start + 1 + after.iter().take_while(|b| **b == b' ').count()
        } else {
            start
        };
        let items: Vec<Node> = self.items.borrow_mut().drain(from..).collect();
        let end = items.last().map_or(start, |n| n.span.end as usize);
        Ok((
            Node {
                span: Span::new(start, end),
                kind: NodeKind::Seq(items),
            },
            line,
        ))
    }

    /// The next line with content from `after` on, and whether it holds another entry of the
    /// collection at column `col`. A more indented line there is no YAML the fast path reads.
    fn next_entry(&self, after: usize, col: usize) -> R<(usize, bool)> {
        let next = self.content(after);
        if next >= self.lines.len() || self.is_document_start(next) {
            return Ok((next, false));
        }
        let indent = self.lines[next].indent;
        if indent > col {
            return Err(GiveUp);
        }
        Ok((next, indent == col))
    }

    /// A block mapping whose first key starts at `col` of `first`; later keys are at the
    /// indentation `col`.
    fn mapping(&self, first: usize, col: usize, depth: usize) -> R<(Node, usize)> {
        let from = self.entries.borrow().len();
        let mut line = first;
        loop {
            let Some(key) = self.key_end(line, col)? else {
                return Err(GiveUp);
            };
            let r = self.rest(line, key.value);
            let (value, next) = if is_trivia_bytes(r) {
                let null_at = self.lines[line].start + key.colon;
                self.nested(line, col, depth, Some(col), null_at)?
            } else {
                self.value(line, key.value, col)?
            };
            self.entries.borrow_mut().push(Entry {
                key: key.node,
                value,
            });
            let (next, same) = self.next_entry(next, col)?;
            line = next;
            if !same {
                break;
            }
            if is_dash(self.rest(next, col)) {
                // A `-` at a key's column after a scalar value is no YAML.
                return Err(GiveUp);
            }
        }
        let entries: Vec<Entry> = self.entries.borrow_mut().drain(from..).collect();
        let start = self.lines[first].start + col;
        let end = entries.last().map_or(start, |e| e.value.span.end as usize);
        Ok((
            Node {
                span: Span::new(start, end),
                kind: NodeKind::Map(entries),
            },
            line,
        ))
    }

    /// The value of a key (or a `-` item) with nothing after it on its line, at `col`: a more
    /// indented collection below, a sequence at the key's own column (`key_col`, mappings
    /// only), or an empty value at `null_at`.
    fn nested(
        &self,
        line: usize,
        col: usize,
        depth: usize,
        key_col: Option<usize>,
        null_at: usize,
    ) -> R<(Node, usize)> {
        let next = self.content(line + 1);
        if next < self.lines.len() && !self.is_document_start(next) {
            let n = self.lines[next];
            if n.indent > col {
                let r = self.rest(next, n.indent);
                if !is_dash(r) && self.key_end(next, n.indent)?.is_none() {
                    // A scalar on the next line.
                    return Err(GiveUp);
                }
                return self.block(next, n.indent, depth + 1);
            }
            if key_col == Some(n.indent) && is_dash(self.rest(next, n.indent)) {
                return self.sequence(next, n.indent, depth + 1, true);
            }
        }
        Ok((null(null_at), line + 1))
    }

    /// After a one-line value, the next content line must not be more indented than the
    /// collection's column: if it were, the value would continue there.
    fn after_scalar(&self, line: usize, col: usize) -> R<usize> {
        let next = self.content(line + 1);
        if next < self.lines.len() && self.lines[next].indent > col {
            return Err(GiveUp);
        }
        Ok(line + 1)
    }

    /// Reads a key at `col` of `line`; `None` when the line holds no `key:` (a scalar).
    fn key_end(&self, line: usize, col: usize) -> R<Option<Key>> {
        let l = self.lines[line];
        let r = self.rest(line, col);
        let base = l.start + col;
        let (key, after) = match r.first() {
            None => return Ok(None),
            Some(b'"' | b'\'') => {
                let (node, len) = self.quoted(line, base)?;
                (node, len)
            }
            // A block scalar or a flow collection: a value, not a key.
            Some(b'|' | b'>' | b'[' | b'{') => return Ok(None),
            Some(b) if starts_indicator(*b, r.get(1).copied()) => return Err(GiveUp),
            Some(_) => {
                // A plain key ends at `: ` or `:` at the end of the line; ` #` would start a
                // comment, and then there is no key.
                let mut i = 0;
                let found = loop {
                    match r.get(i) {
                        None => break None,
                        Some(b':') if r.get(i + 1).is_none_or(|b| *b == b' ') => break Some(i),
                        Some(b'#') if i > 0 && r[i - 1] == b' ' => break None,
                        _ => i += 1,
                    }
                };
                let Some(colon) = found else {
                    return Ok(None);
                };
                let text = trim_end(&r[..colon]);
                if text.is_empty() {
                    return Err(GiveUp);
                }
                let node = self.plain(base, base + text.len());
                (node, colon)
            }
        };
        // `after` is the offset in `r` past the key.
        let rest = &r[after..];
        let spaces = rest.iter().take_while(|b| **b == b' ').count();
        if rest.get(spaces) != Some(&b':') {
            if matches!(r.first(), Some(b'"' | b'\'')) && is_trivia_bytes(rest) {
                // A quoted scalar alone.
                return Ok(None);
            }
            return Err(GiveUp);
        }
        if spaces > 0 {
            // `"key" :`: legal, but let the general parser place it.
            return Err(GiveUp);
        }
        let colon = after + spaces;
        if r.get(colon + 1).is_some_and(|b| *b != b' ') || colon > MAX_KEY_BYTES {
            return Err(GiveUp);
        }
        let value = colon + 1;
        let skip = r[value..].iter().take_while(|b| **b == b' ').count();
        Ok(Some(Key {
            node: key,
            colon: col + colon,
            value: col + value + skip,
        }))
    }

    /// A scalar or flow value at `at` of `line`, in a collection at column `col`, and the line
    /// after it.
    fn value(&self, line: usize, at: usize, col: usize) -> R<(Node, usize)> {
        if matches!(self.rest(line, at)[0], b'|' | b'>') {
            return self.block_scalar(line, at, col);
        }
        let node = self.inline_value(line, at)?;
        Ok((node, self.after_scalar(line, col)?))
    }

    /// A value that starts and ends on this line at `col`: plain, quoted or a flow list.
    fn inline_value(&self, line: usize, col: usize) -> R<Node> {
        let l = self.lines[line];
        let r = self.rest(line, col);
        let base = l.start + col;
        match r[0] {
            b'"' | b'\'' => {
                let (node, len) = self.quoted(line, base)?;
                if !is_trivia_bytes(&r[len..]) || (len < r.len() && r[len] != b' ') {
                    return Err(GiveUp);
                }
                Ok(node)
            }
            b'[' | b'{' => self.flow(line, col),
            b if starts_indicator(b, r.get(1).copied()) => Err(GiveUp),
            _ => {
                let mut i = 0;
                while i < r.len() {
                    match r[i] {
                        b':' if r.get(i + 1).is_none_or(|b| *b == b' ') => return Err(GiveUp),
                        b'#' if r[i - 1] == b' ' => break,
                        _ => i += 1,
                    }
                }
                let text = trim_end(&r[..i]);
                Ok(self.plain(base, base + text.len()))
            }
        }
    }

    fn plain(&self, start: usize, end: usize) -> Node {
        let text = &self.text[start..end];
        Node::scalar(
            CompactString::new(text),
            Style::Plain,
            resolve_plain(text),
            Span::new(start, end),
        )
    }

    /// A quoted scalar closed on its line, starting at byte `start` of `line`: the node and its
    /// length.
    fn quoted(&self, line: usize, start: usize) -> R<(Node, usize)> {
        let quote = self.bytes[start];
        let line_end = self.lines[line].end;
        let mut text = String::new();
        let mut i = start + 1;
        let mut run = i;
        loop {
            if i >= line_end {
                return Err(GiveUp);
            }
            match self.bytes[i] {
                b'\\' if quote == b'"' => return Err(GiveUp),
                b'\'' if quote == b'\'' && self.bytes.get(i + 1) == Some(&b'\'') => {
                    text.push_str(&self.text[run..=i]);
                    i += 2;
                    run = i;
                }
                b if b == quote => break,
                _ => i += 1,
            }
        }
        text.push_str(&self.text[run..i]);
        let end = i + 1;
        Ok((
            Node::scalar(text, Style::Quoted, Typed::Str, Span::new(start, end)),
            end - start,
        ))
    }

    /// A `|` or `>` scalar whose header is at `at` of `line`, the value of a collection at
    /// column `col`. Explicit indentation, lines of spaces, more-indented folded lines and empty
    /// scalars are left to the general parser (the last because it places them irregularly).
    fn block_scalar(&self, line: usize, at: usize, col: usize) -> R<(Node, usize)> {
        let header = self.rest(line, at);
        let literal = header[0] == b'|';
        let (chomp, rest) = match header.get(1) {
            Some(b'-') => (Chomp::Strip, &header[2..]),
            Some(b'+') => (Chomp::Keep, &header[2..]),
            _ => (Chomp::Clip, &header[1..]),
        };
        if !rest.is_empty() && (rest[0] != b' ' || !is_trivia_bytes(rest)) {
            return Err(GiveUp);
        }
        // The first line with content sets the indentation.
        let mut first = line + 1;
        while first < self.lines.len() && self.lines[first].start == self.lines[first].end {
            first += 1;
        }
        let Some(first_line) = self.lines.get(first) else {
            return Err(GiveUp);
        };
        let indent = first_line.indent;
        if indent <= col || first_line.start + indent == first_line.end {
            return Err(GiveUp);
        }
        let mut text = String::new();
        // Breaks waiting to be written: before the next content line, or as the tail.
        let mut empty = first - line - 1;
        let mut end = first;
        let mut started = false;
        while end < self.lines.len() {
            let l = self.lines[end];
            if l.start == l.end {
                empty += 1;
                end += 1;
                continue;
            }
            if l.start + l.indent == l.end {
                // Spaces only: an empty line or content, by rules of its own.
                return Err(GiveUp);
            }
            if l.indent < indent {
                break;
            }
            let content = &self.text[l.start + indent..l.end];
            if content.starts_with(' ') && !literal {
                return Err(GiveUp);
            }
            if started {
                if literal {
                    text.push('\n');
                    text.extend(std::iter::repeat_n('\n', empty));
                } else if empty == 0 {
                    text.push(' ');
                } else {
                    text.extend(std::iter::repeat_n('\n', empty));
                }
            } else {
                text.extend(std::iter::repeat_n('\n', empty));
            }
            text.push_str(content);
            started = true;
            empty = 0;
            end += 1;
        }
        match chomp {
            Chomp::Strip => {}
            Chomp::Clip => text.push('\n'),
            Chomp::Keep => text.extend(std::iter::repeat_n('\n', empty + 1)),
        }
        let start = first_line.start + indent;
        // It ends where the next token starts.
        let stop = self
            .lines
            .get(end)
            .map_or(self.bytes.len(), |l| l.start + l.indent);
        Ok((
            Node::scalar(text, Style::Block, Typed::Str, Span::new(start, stop)),
            end,
        ))
    }

    /// `[a, "b"]`, `[]` or `{}` on one line.
    fn flow(&self, line: usize, col: usize) -> R<Node> {
        let l = self.lines[line];
        let r = self.rest(line, col);
        let base = l.start + col;
        if r[0] == b'{' {
            if r.get(1) == Some(&b'}') && is_trivia_tail(&r[2..]) {
                return Ok(Node {
                    span: Span::new(base, base + 2),
                    kind: NodeKind::Map(Vec::new()),
                });
            }
            return Err(GiveUp);
        }
        let mut items = Vec::new();
        let mut i = 1;
        let skip = |i: &mut usize| {
            while r.get(*i) == Some(&b' ') {
                *i += 1;
            }
        };
        skip(&mut i);
        if r.get(i) != Some(&b']') {
            loop {
                skip(&mut i);
                match r.get(i) {
                    Some(b'"' | b'\'') => {
                        let (node, len) = self.quoted(line, base + i)?;
                        items.push(node);
                        i += len;
                    }
                    // In a flow, `-`, `?` and `:` start no plain scalar before a flow
                    // indicator either.
                    Some(b'-' | b'?' | b':')
                        if r.get(i + 1).is_none_or(|n| {
                            matches!(n, b' ' | b',' | b'[' | b']' | b'{' | b'}')
                        }) =>
                    {
                        return Err(GiveUp);
                    }
                    Some(b) if starts_indicator(*b, r.get(i + 1).copied()) => {
                        return Err(GiveUp);
                    }
                    Some(_) => {
                        let begin = i;
                        while let Some(b) = r.get(i) {
                            match b {
                                b',' | b']' | b'[' | b'{' | b'}' | b'#' | b':' => break,
                                _ => i += 1,
                            }
                        }
                        if matches!(r.get(i), Some(b'[' | b'{' | b'}' | b'#' | b':')) {
                            return Err(GiveUp);
                        }
                        let text = trim_end(&r[begin..i]);
                        items.push(self.plain(base + begin, base + begin + text.len()));
                    }
                    None => return Err(GiveUp),
                }
                skip(&mut i);
                match r.get(i) {
                    Some(b',') => {
                        i += 1;
                        skip(&mut i);
                        if r.get(i) == Some(&b']') {
                            return Err(GiveUp);
                        }
                    }
                    Some(b']') => break,
                    _ => return Err(GiveUp),
                }
            }
        }
        let end = i + 1;
        if !is_trivia_tail(&r[end..]) {
            return Err(GiveUp);
        }
        Ok(Node {
            span: Span::new(base, base + end),
            kind: NodeKind::Seq(items),
        })
    }
}

/// An empty value, as the general parser gives it: no text, an empty span.
enum Chomp {
    Clip,
    Strip,
    Keep,
}

fn null(at: usize) -> Node {
    Node::scalar("", Style::Plain, Typed::Null, Span::new(at, at))
}

/// `-` followed by a space or the end of the line.
fn is_dash(r: &[u8]) -> bool {
    r.first() == Some(&b'-') && r.get(1).is_none_or(|b| *b == b' ')
}

/// Nothing but spaces and perhaps a comment (callers know a `#` here follows a space).
fn is_trivia_bytes(r: &[u8]) -> bool {
    let spaces = r.iter().take_while(|b| **b == b' ').count();
    r.get(spaces).is_none_or(|b| *b == b'#')
}

/// After a closing bracket: nothing, or spaces and perhaps a comment.
fn is_trivia_tail(r: &[u8]) -> bool {
    r.is_empty() || (r[0] == b' ' && is_trivia_bytes(r))
}

/// Characters that cannot start a plain scalar (or that this parser leaves to the general one).
fn starts_indicator(b: u8, next: Option<u8>) -> bool {
    match b {
        b'-' | b'?' | b':' => next.is_none_or(|n| n == b' '),
        b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\''
        | b'"' | b'%' | b'@' | b'`' => true,
        _ => false,
    }
}

fn trim_end(r: &[u8]) -> &[u8] {
    let n = r.iter().rev().take_while(|b| **b == b' ').count();
    &r[..r.len() - n]
}

fn memchr_newline(r: &[u8]) -> Option<usize> {
    memchr::memchr(b'\n', r)
}
