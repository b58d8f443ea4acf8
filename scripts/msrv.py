#!/usr/bin/env python3
"""Checks the workspace's `rust-version` (the MSRV) against its dependencies: it must be
the newest `rust-version` any normal or build dependency of a published crate declares,
since cargo refuses to build a dependency on an older toolchain. (The language features
kis uses need less: edition 2024 is 1.85, let-chains 1.88; clippy, told the MSRV, flags
any newer API it sees.) Only one toolchain is installed here, so this is how the MSRV is
derived and kept true. Prints the dependency that sets it."""
import json
import subprocess
import sys

meta = json.loads(subprocess.run(
    ["cargo", "metadata", "--format-version", "1", "--features", "kis/postgres"],
    check=True, capture_output=True, text=True).stdout)
packages = {p["id"]: p for p in meta["packages"]}
nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
members = [packages[i] for i in meta["workspace_members"]]
published = [p for p in members if p.get("publish") is None or p["publish"]]
claimed = {p["rust_version"] for p in published}
if len(claimed) != 1:
    sys.exit(f"msrv: the published crates claim different rust-versions: {sorted(claimed)}")
claimed = claimed.pop()

seen, stack = set(), [p["id"] for p in published]
while stack:
    node = nodes[stack.pop()]
    for dep in node["deps"]:
        kinds = {k["kind"] for k in dep["dep_kinds"]}
        if kinds & {None, "build"} and dep["pkg"] not in seen:
            seen.add(dep["pkg"])
            stack.append(dep["pkg"])

def version(v):
    return tuple(int(x) for x in v.split("."))[:3] + (0,) * (3 - len(v.split(".")))

needed = max(((version(packages[i]["rust_version"]), packages[i]["name"], packages[i]["version"])
              for i in seen if packages[i].get("rust_version")), default=((0, 0, 0), "", ""))
need = ".".join(str(x) for x in needed[0][:2])
print(f"msrv: rust-version {claimed}; the newest a dependency needs is {need} "
      f"({needed[1]} {needed[2]}), over {len(seen)} dependencies")
if version(claimed) != needed[0][:2] + (0,) and version(claimed) != needed[0]:
    sys.exit(f"msrv: rust-version {claimed} should be {need}: set it in the workspace Cargo.toml")
