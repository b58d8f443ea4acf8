"""Import circles among kis-core's modules (#17): prints every strongly connected group
of modules that import each other, and exits non-zero when there is one.

A module is a file under kis-core/src (`sales/quote.rs` is `sales::quote`, a `mod.rs`
its directory). An edge A -> B is a `crate::B...` path used in A, outside its
`#[cfg(test)]` module and its comments. Sibling modules (`super::x`) count too. Parents re-exporting
their children (`pub use child::X` in a mod.rs) are not edges to the child's users:
a path `crate::sales::Quote` is resolved to the module that defines it when the parent
re-exports it.

A facade's `pub use crate::other::Name` is followed to the module defining `Name`.

Usage: python3 scripts/module-cycles.py [--level 1|2]
  --level 1: top-level modules (sales, approval, engine...)
  --level 2 (default): files
CI (scripts/test.sh) checks both levels.
"""

import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1] / "kis-core" / "src"


def module_of(path: pathlib.Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] in ("mod", "lib"):
        parts = parts[:-1]
    return "::".join(parts)


def strip_tests(text: str) -> str:
    """The code of a file: without its test module and without comments (a doc link to a
    module is not an import)."""
    i = text.find("#[cfg(test)]\nmod tests")
    text = text if i < 0 else text[:i]
    return "\n".join(line.split("//")[0] for line in text.splitlines())


def main() -> int:
    level = 2
    if "--level" in sys.argv:
        level = int(sys.argv[sys.argv.index("--level") + 1])
    files = {module_of(p): strip_tests(p.read_text()) for p in ROOT.rglob("*.rs")}
    modules = set(files)
    # Names each module re-exports from a child: parent::Name -> child module.
    reexports = {}
    crate_reexports = {}
    for m, text in files.items():
        for child, names in re.findall(r"pub use (\w+)::\{?([\w\s,:{}]+?)\}?;", text):
            if child == "crate":
                # `pub use crate::facts::{SalesFact, ...}`: a facade re-exporting another
                # module's names; a path through it leads to the module that defines them.
                path, _, names = names.rpartition("::{") if "::{" in names else names.rpartition("::")
                for name in re.findall(r"\w+", names):
                    crate_reexports[f"{m}::{name}" if m else name] = f"{path}::{name}"
                continue
            for name in re.findall(r"\w+", names):
                reexports[f"{m}::{name}" if m else name] = f"{m}::{child}" if m else child

    def resolve(path: str) -> str:
        if path in reexports:
            return reexports[path]
        if path in crate_reexports:
            return resolve(crate_reexports[path])
        parts = path.split("::")
        for n in range(len(parts), 0, -1):
            cand = "::".join(parts[:n])
            if cand in modules:
                # A name re-exported by that module from its child.
                if n < len(parts) and f"{cand}::{parts[n]}" in reexports:
                    return reexports[f"{cand}::{parts[n]}"]
                return cand
        return ""

    edges = {m: set() for m in modules}
    for m, text in files.items():
        for path in re.findall(r"crate::((?:\w+::)*\w+)", text):
            target = resolve(path)
            if target and target != m:
                edges[m].add(target)
        parent = m.rsplit("::", 1)[0] if "::" in m else ""
        for path in re.findall(r"super::((?:\w+::)*\w+)", text):
            target = resolve(f"{parent}::{path}" if parent else path)
            if target and target != m:
                edges[m].add(target)

    def cut(m: str) -> str:
        return "::".join(m.split("::")[:level])

    graph = {}
    for a, bs in edges.items():
        for b in bs:
            ca, cb = cut(a), cut(b)
            if ca and cb and ca != cb and not cb.startswith(ca + "::") and not ca.startswith(cb + "::"):
                graph.setdefault(ca, set()).add(cb)
    # Tarjan's strongly connected components.
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.remove(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    for comp in out:
        print("circle:", " <-> ".join(comp))
        for a in comp:
            print("   ", a, "->", ", ".join(sorted(b for b in graph.get(a, ()) if b in comp)))
    print(f"{len(out)} circle(s) among {len({cut(m) for m in modules})} modules (level {level})")
    return 1 if out else 0


if __name__ == "__main__":
    sys.exit(main())
