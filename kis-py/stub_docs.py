"""Puts the native module's docstrings into its type stubs (``python/kis/_native.pyi``).

IDEs show the docstrings of the stub, not of the compiled module, so without them a
hover on ``Engine.open`` shows nothing (#20). The text is the Rust doc comment that pyo3
compiled into ``kis._native``: one source, written once beside the code. This script
copies it into every class, function, method and property of the stub that the module
documents; ``--check`` exits non-zero when the stub's docstrings are not the module's,
or when a public item of the stub has none (tests/test_stubs.py runs it).

    python kis-py/stub_docs.py           # rewrite the stub
    python kis-py/stub_docs.py --check   # fail when it is not current
"""

from __future__ import annotations

import ast
import inspect
import pathlib
import sys
from typing import Any, List, Optional, Tuple

STUB = pathlib.Path(__file__).resolve().parent / "python" / "kis" / "_native.pyi"


def runtime_doc(module: Any, path: Tuple[str, ...]) -> Optional[str]:
    """The native item's docstring at `path` (class, or class and member), if any."""
    obj = getattr(module, path[0], None)
    if obj is None:
        return None
    if len(path) == 2:
        member = inspect.getattr_static(obj, path[1], None)
        if member is None:
            return None
        # A property's or method's own __doc__; pyo3 puts the Rust doc comment there.
        doc = getattr(member, "__doc__", None)
        if isinstance(member, staticmethod):
            doc = member.__func__.__doc__
    else:
        doc = obj.__doc__
    if not doc:
        return None
    # A signature line pyo3 may prepend ("open(location, policy, *, clock=None)\n--\n\n").
    if "\n--\n\n" in doc:
        doc = doc.split("\n--\n\n", 1)[1]
    doc = inspect.cleandoc(doc)
    return doc or None


def docstring_lines(doc: str, indent: str) -> List[str]:
    text = doc.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    if text.endswith('"'):
        text = text[:-1] + '\\"'  # a closing quote would run into the docstring's own
    lines = text.splitlines()
    if len(lines) == 1:
        return [f'{indent}"""{lines[0]}"""']
    return [f'{indent}"""{lines[0]}'] + [f"{indent}{l}".rstrip() for l in lines[1:]] + [f'{indent}"""']


def documented(node: ast.AST) -> Optional[ast.Expr]:
    body = getattr(node, "body", [])
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        return body[0]
    return None


def is_setter(node: ast.AST) -> bool:
    return any(isinstance(d, ast.Attribute) and d.attr == "setter" for d in getattr(node, "decorator_list", []))


def items(tree: ast.Module):
    """(path, node) of every class, function, method and property the stub declares
    (dunders are the class's: its docstring says what `Money(...)` or `+` does)."""
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)) and not node.name.startswith("_"):
            yield (node.name,), node
            if isinstance(node, ast.ClassDef):
                for member in node.body:
                    if isinstance(member, ast.FunctionDef) and not is_setter(member) \
                            and not member.name.startswith("__"):
                        yield (node.name, member.name), member


def rewrite(text: str, module: Any) -> Tuple[str, List[str]]:
    """The stub with the module's docstrings, and the items left without one."""
    tree = ast.parse(text)
    lines = text.splitlines()
    edits = []  # (first line index, last line index, replacement lines), applied bottom-up
    missing = []
    for path, node in items(tree):
        doc = runtime_doc(module, path)
        existing = documented(node)
        if doc is None:
            if existing is None:
                missing.append(".".join(path))
            continue
        indent = " " * (node.col_offset + 4)
        if existing is not None:
            edits.append((existing.lineno - 1, existing.end_lineno - 1, docstring_lines(doc, indent)))
            continue
        first = node.body[0]
        ellipsis = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
            and first.value.value is Ellipsis
        if len(node.body) == 1 and ellipsis and lines[first.lineno - 1][: first.col_offset].rstrip().endswith(":"):
            # `def f(...) -> T: ...` or `class E(KisError): ...` (perhaps with a comment):
            # the `...` becomes the docstring.
            at = first.lineno - 1
            line = lines[at]
            head, _, comment = line[: first.col_offset].rstrip(), None, line[first.end_col_offset:]
            replacement = [head + comment] + docstring_lines(doc, indent)
            edits.append((at, at, replacement))
        else:
            # Before the first member, above its decorators (`@property`).
            at = min([d.lineno for d in getattr(first, "decorator_list", [])] + [first.lineno]) - 1
            edits.append((at, at - 1, docstring_lines(doc, indent)))
    for start, end, replacement in sorted(edits, key=lambda e: e[0], reverse=True):
        lines[start: end + 1] = replacement
    return "\n".join(lines) + "\n", missing


def main() -> int:
    import kis._native as native  # the built module (maturin develop)

    text = STUB.read_text()
    new, missing = rewrite(text, native)
    if missing:
        print("the native module documents none of: " + ", ".join(missing) +
              " (add a Rust doc comment, or a docstring in the stub)")
    if "--check" in sys.argv:
        if new != text:
            print(f"{STUB} lacks the native module's docstrings: run python kis-py/stub_docs.py")
            return 1
        return 1 if missing else 0
    STUB.write_text(new)
    print(f"wrote {STUB}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
