//! Finding where a key is in the policy text, so that every error names its line.

use std::ops::Range;

use toml_edit::{Document, Item, Value};

/// One step of a key path: a table key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    /// A key in a table.
    Key(String),
    /// An index in an array (of tables or values).
    Index(usize),
}

/// Renders a path as `a.b[2].c`.
pub fn path_text(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// Where each line of a text starts, so that many problems are placed in one pass over
/// the text rather than one pass each (10,000 lints, #16).
pub struct Lines<'a> {
    text: &'a str,
    /// Byte offset of each line's first byte; the first line starts at 0.
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    /// Indexes `text`'s lines.
    pub fn of(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i.saturating_add(1)))
            .collect();
        Lines { text, starts }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn at(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        // Lines starting at or before `offset`: at least the first.
        let line = self.starts.partition_point(|s| *s <= offset).max(1);
        let start = self
            .starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(0);
        let col = self
            .text
            .get(start..offset)
            .map_or(0, |l| l.chars().count())
            .saturating_add(1);
        (line, col)
    }
}

/// Where the key at `path` is written (the key itself, or the value for array items).
/// Falls back to the nearest ancestor that has a position.
pub fn span_of(doc: &Document<String>, path: &[Seg]) -> Option<Range<usize>> {
    let mut best = None;
    let mut node = Node::Item(doc.as_item());
    for seg in path {
        let (next, span) = match (node, seg) {
            (Node::Item(item), Seg::Key(k)) => match item {
                Item::Table(t) => match t.get_key_value(k) {
                    Some((key, item)) => (Node::Item(item), key.span().or(item.span())),
                    None => break,
                },
                Item::Value(Value::InlineTable(t)) => match t.get_key_value(k) {
                    Some((key, item)) => (Node::Item(item), key.span().or(item.span())),
                    None => break,
                },
                _ => break,
            },
            (Node::Item(item), Seg::Index(i)) => match item {
                Item::ArrayOfTables(a) => match a.get(*i) {
                    Some(t) => (Node::Table(t), t.span()),
                    None => break,
                },
                Item::Value(Value::Array(a)) => match a.get(*i) {
                    Some(v) => (Node::Value(v), v.span()),
                    None => break,
                },
                _ => break,
            },
            (Node::Table(t), Seg::Key(k)) => match t.get_key_value(k) {
                Some((key, item)) => (Node::Item(item), key.span().or(item.span())),
                None => break,
            },
            (Node::Value(Value::InlineTable(t)), Seg::Key(k)) => match t.get_key_value(k) {
                Some((key, item)) => (Node::Item(item), key.span().or(item.span())),
                None => break,
            },
            (Node::Value(Value::Array(a)), Seg::Index(i)) => match a.get(*i) {
                Some(v) => (Node::Value(v), v.span()),
                None => break,
            },
            _ => break,
        };
        if span.is_some() {
            best = span;
        }
        node = next;
    }
    best
}

/// The innermost key path whose text contains `offset` (for parser errors).
pub fn path_at(doc: &Document<String>, offset: usize) -> Vec<Seg> {
    let mut path = Vec::new();
    descend_item(doc.as_item(), offset, &mut path);
    path
}

#[derive(Clone, Copy)]
enum Node<'a> {
    Item(&'a Item),
    Table(&'a toml_edit::Table),
    Value(&'a Value),
}

fn contains(span: Option<Range<usize>>, offset: usize) -> bool {
    span.is_some_and(|s| s.start <= offset && offset <= s.end)
}

fn descend_item(item: &Item, offset: usize, path: &mut Vec<Seg>) {
    match item {
        Item::Table(t) => descend_table(t, offset, path),
        Item::ArrayOfTables(a) => {
            // An array-of-tables entry spans from its header to its last key.
            for (i, t) in a.iter().enumerate() {
                let start = t.span().map(|s| s.start).unwrap_or(usize::MAX);
                let end = table_end(t).unwrap_or(start);
                if start <= offset && offset <= end {
                    path.push(Seg::Index(i));
                    descend_table(t, offset, path);
                    return;
                }
            }
        }
        Item::Value(v) => descend_value(v, offset, path),
        Item::None => {}
    }
}

fn table_end(t: &toml_edit::Table) -> Option<usize> {
    t.iter()
        .map(|(_, item)| {
            let nested = match item {
                Item::Table(t) => table_end(t),
                Item::ArrayOfTables(a) => a.iter().filter_map(table_end).max(),
                _ => None,
            };
            item.span().map(|s| s.end).max(nested)
        })
        .max()
        .flatten()
}

fn descend_table(t: &toml_edit::Table, offset: usize, path: &mut Vec<Seg>) {
    for (name, _) in t.iter() {
        let Some((key, item)) = t.get_key_value(name) else {
            continue;
        };
        let start = key.span().map(|s| s.start);
        // A table's own span is its header; its body runs to its last key.
        let body_end = match item {
            Item::Table(t) => table_end(t),
            Item::ArrayOfTables(a) => a.iter().filter_map(table_end).max(),
            _ => None,
        };
        let end = item.span().map(|s| s.end).max(body_end);
        let hit = match (start, end) {
            (Some(s), Some(e)) => s <= offset && offset <= e,
            (None, _) => matches!(item, Item::Table(_) | Item::ArrayOfTables(_)),
            _ => false,
        };
        if hit {
            let before = path.len();
            path.push(Seg::Key(name.to_string()));
            descend_item(item, offset, path);
            // A table without a span of its own matched only if something inside did.
            if start.is_none() && path.len() == before.saturating_add(1) {
                path.truncate(before);
                continue;
            }
            return;
        }
    }
}

fn descend_value(v: &Value, offset: usize, path: &mut Vec<Seg>) {
    match v {
        Value::InlineTable(t) => {
            for (name, _) in t.iter() {
                if let Some((key, item)) = t.get_key_value(name) {
                    let span = match (key.span(), item.span()) {
                        (Some(k), Some(i)) => Some(k.start..i.end),
                        (k, i) => k.or(i),
                    };
                    if contains(span, offset) {
                        path.push(Seg::Key(name.to_string()));
                        descend_item(item, offset, path);
                        return;
                    }
                }
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                if contains(v.span(), offset) {
                    path.push(Seg::Index(i));
                    descend_value(v, offset, path);
                    return;
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines and columns agree with counting newlines and characters before the offset,
    /// at every offset of a text with multi-byte characters and an empty last line.
    #[test]
    fn lines_agree_with_counting() {
        let text = "a = 1\n名称 = \"长城\"\n\n[x]\nb = 2\n";
        let lines = Lines::of(text);
        for offset in (0..=text.len()).filter(|o| text.is_char_boundary(*o)) {
            let before = &text[..offset];
            let line = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().unwrap().chars().count() + 1;
            assert_eq!(lines.at(offset), (line, col), "offset {offset}");
        }
        assert_eq!(lines.at(text.len() + 10), lines.at(text.len()));
    }
}
