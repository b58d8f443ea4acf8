//! `swift-syntax-check FILE...`: parses each Swift file with tree-sitter's Swift grammar
//! and prints every syntax error as `file:line:column: ...`; exits 1 when there is one.
//!
//! This machine has no Swift compiler, so the generated Swift API (kis-ffi/swift) is
//! checked for syntax here; type errors need `swift build` on a Mac (README).

use std::process::ExitCode;

use tree_sitter::{Node, Parser};

fn errors(node: Node, source: &str, file: &str, found: &mut usize) {
    if node.is_error() || node.is_missing() {
        *found += 1;
        let p = node.start_position();
        let text: String = source[node.byte_range()].chars().take(60).collect();
        let what = if node.is_missing() {
            format!("missing {}", node.kind())
        } else {
            format!("cannot parse {text:?}")
        };
        println!("{file}:{}:{}: {what}", p.row + 1, p.column + 1);
        return;
    }
    if !node.has_error() {
        return;
    }
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        errors(child, source, file, found);
    }
}

fn main() -> ExitCode {
    let mut parser = Parser::new();
    if let Err(e) = parser.set_language(&tree_sitter_swift::LANGUAGE.into()) {
        eprintln!("swift-syntax-check: {e}");
        return ExitCode::from(2);
    }
    let mut found = 0;
    for file in std::env::args().skip(1) {
        let source = match std::fs::read_to_string(&file) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("{file}: {e}");
                return ExitCode::from(2);
            }
        };
        match parser.parse(&source, None) {
            Some(tree) => errors(tree.root_node(), &source, &file, &mut found),
            None => {
                eprintln!("{file}: the parser gave up");
                return ExitCode::from(2);
            }
        }
    }
    if found > 0 {
        println!("{found} syntax error(s)");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
