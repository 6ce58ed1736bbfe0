#!/usr/bin/env python3
"""Checks the shape of the source tree (the restructuring issue's rules):

  - no source file (.c/.h outside tests/) over MAX_FILE lines;
  - no function over MAX_FUNC lines (kernel style: a body opens with '{' in
    column 0 and closes with '}' in column 0);
  - no circle between source files: file A depends on file B when an object
    built from A uses a symbol that B's object defines (from `nm` on the
    build's objects), or when A includes B's header (a header belongs to the
    .c file of the same name). A strongly connected group of more than one
    file is a circle.

Usage: structure.py BUILD_DIR [--allow-func NAME ...]
Prints every finding; exits 1 if there is any.
"""
import os
import re
import subprocess
import sys

MAX_FILE = 900
MAX_FUNC = 100
SRC_DIRS = ["common", "interposer", "policyd", "wrappers"]


def sources():
    out = []
    for d in SRC_DIRS:
        for root, _, files in os.walk(d):
            for f in files:
                if f.endswith((".c", ".h")):
                    out.append(os.path.join(root, f))
    return sorted(out)


def long_functions(path):
    lines = open(path, errors="replace").read().split("\n")
    start, name, res = None, "?", []
    for i, l in enumerate(lines):
        if l.startswith("{"):
            start = i
            j = i - 1
            while j >= 0 and "(" not in lines[j]:
                j -= 1
            m = re.search(r"(\w+)\s*\(", lines[j]) if j >= 0 else None
            name = m.group(1) if m else "?"
        elif l.startswith("}") and start is not None:
            n = i - start + 1
            if n > MAX_FUNC:
                res.append((name, n))
            start = None
    return res


def nm_symbols(obj):
    out = subprocess.run(["nm", obj], capture_output=True, text=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TDBRC":
            defined.add(parts[2])
        elif len(parts) == 2 and parts[0] == "U":
            undefined.add(parts[1])
    return defined, undefined


def sccs(graph):
    index, low, stack, on, res = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(10000)

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
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            res.append(comp)

    for v in list(graph):
        if v not in index:
            visit(v)
    return res


def main():
    build = sys.argv[1]
    allow = set()
    if "--allow-func" in sys.argv:
        allow = set(sys.argv[sys.argv.index("--allow-func") + 1:])
    findings = []
    srcs = sources()
    for s in srcs:
        n = sum(1 for _ in open(s, errors="replace"))
        if n > MAX_FILE:
            findings.append(f"{s}: {n} lines (more than {MAX_FILE})")
        for name, n in long_functions(s):
            if name not in allow:
                findings.append(f"{s}: function {name} has {n} lines (more than {MAX_FUNC})")

    # module = path without extension; a header belongs to its .c
    mod = lambda p: os.path.splitext(p)[0]
    by_base = {}
    for s in srcs:
        by_base.setdefault(os.path.basename(s), s)
    graph = {}
    for s in srcs:
        m = mod(s)
        graph.setdefault(m, set())
        for inc in re.findall(r'^#include "([^"]+)"', open(s, errors="replace").read(), re.M):
            t = by_base.get(os.path.basename(inc))
            if t and mod(t) != m and os.path.exists(mod(t) + ".c"):
                graph[m].add(mod(t))
    defs, uses = {}, {}
    for s in srcs:
        if not s.endswith(".c"):
            continue
        obj = os.path.join(build, s[:-2] + ".o")
        if s.startswith("interposer/"):
            obj = os.path.join(build, "pic", s[:-2] + ".o")
        if not os.path.exists(obj):
            continue
        d, u = nm_symbols(obj)
        defs[mod(s)] = d
        uses[mod(s)] = u
    owner = {}
    for m, d in defs.items():
        for sym in d:
            owner.setdefault(sym, m)
    for m, u in uses.items():
        for sym in u:
            t = owner.get(sym)
            if t and t != m:
                graph.setdefault(m, set()).add(t)
    for comp in sccs(graph):
        if len(comp) > 1:
            findings.append("circle between: " + " ".join(sorted(comp)))
    for f in findings:
        print("structure: " + f)
    print(f"structure: {len(srcs)} files, {len(findings)} findings")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
