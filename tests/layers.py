#!/usr/bin/env python3
"""The layer rules of docs/ARCHITECTURE.md, checked on the tree and the build.

  layers.py SRCDIR [BUILDDIR]

Prints TAP.  From the sources: every `#include "folder/file.h"` in lib/ and
src/ names a folder its own folder may use (LAYERS below), mm/internal.h is
included from lib/mm alone, and no header includes itself round a cycle.
From the objects in BUILDDIR (nm): every call or data reference between two
files of lib/ and src/ runs to a folder the caller may use, and no two
files call each other round a cycle.
"""
import os
import re
import subprocess
import sys

# Each folder and the folders it may use besides itself, lowest first.
LAYERS = {
    "lib/base": [],
    "lib/abi": ["lib/base"],
    "lib/machine": ["lib/base", "lib/abi"],
    "lib/fault": ["lib/base", "lib/abi"],
    "lib/mm": ["lib/base", "lib/abi", "lib/machine"],
    "lib/report": ["lib/base", "lib/abi", "lib/machine", "lib/mm"],
    "lib/diagnose": ["lib/base", "lib/abi", "lib/machine", "lib/mm",
                     "lib/report"],
    "lib/options": ["lib/base", "lib/abi", "lib/machine", "lib/fault",
                    "lib/mm", "lib/report"],
}
LIB = [f for f in LAYERS]
LAYERS["src/shim"] = LIB
LAYERS["src/cmd"] = LIB
PRIVATE = {"mm/internal.h": "lib/mm"}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)

_n = 0
_failed = 0


def ok(good, desc, problems=()):
    global _n, _failed
    _n += 1
    if not good:
        _failed += 1
    print(("ok" if good else "not ok") + " %d - %s" % (_n, desc))
    for p in problems:
        print("#   " + p)


def folder_of(path):
    d = os.path.dirname(path)
    return d if d in LAYERS else None


def sources(srcdir):
    out = []
    for top in ("lib", "src"):
        for d, _, fs in os.walk(os.path.join(srcdir, top)):
            for f in fs:
                if f.endswith((".c", ".h")):
                    out.append(os.path.relpath(os.path.join(d, f), srcdir))
    return sorted(out)


def resolve(srcdir, name):
    """The tree path of an include name: lib/ and src/ are on the path."""
    for top in ("lib", "src"):
        p = os.path.join(top, name)
        if os.path.isfile(os.path.join(srcdir, p)):
            return p
    return None


def sccs(graph):
    """Tarjan's strongly connected components of more than one node."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
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
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def may_use(src, dst):
    a, b = folder_of(src), folder_of(dst)
    if a is None or b is None:
        return False
    return a == b or b in LAYERS[a]


def check_includes(srcdir):
    files = sources(srcdir)
    up, private, unplaced, graph = [], [], [], {}
    for f in files:
        if folder_of(f) is None:
            unplaced.append(f + ": not in a layer folder")
            continue
        text = open(os.path.join(srcdir, f), encoding="utf-8").read()
        for name in INCLUDE.findall(text):
            if name == "config.h":
                continue
            dst = resolve(srcdir, name)
            if dst is None:
                # a bare name is a file of the same folder, spelt wrong
                up.append('%s: #include "%s" names no folder' % (f, name))
                continue
            graph.setdefault(f, set()).add(dst)
            if name in PRIVATE and folder_of(f) != PRIVATE[name]:
                private.append('%s: #include "%s" is for %s alone'
                               % (f, name, PRIVATE[name]))
            elif not may_use(f, dst):
                up.append('%s (%s) includes "%s" (%s)'
                          % (f, folder_of(f), name, folder_of(dst)))
    ok(not unplaced, "every file of lib/ and src/ is in a layer folder",
       unplaced)
    ok(not up, "includes run only to the own folder or a lower one", up)
    ok(not private, "private headers are included by their folder alone",
       private)
    cyc = [" -> ".join(c) for c in sccs(graph)]
    ok(not cyc, "no include cycle", cyc)


def objects(builddir):
    """Map each object of lib/ and src/ to the tree path of its source."""
    out = {}
    for top in ("lib", "src"):
        for d, _, fs in os.walk(os.path.join(builddir, top)):
            for f in fs:
                if not f.endswith(".o"):
                    continue
                rel = os.path.relpath(d, builddir)
                if os.path.basename(rel) == ".libs":
                    rel = os.path.dirname(rel)
                base = f[:-2].split("-", 1)[-1]
                out[os.path.join(rel, base + ".c")] = os.path.join(d, f)
    return out


def symbols(obj):
    defined, undefined = set(), set()
    nm = subprocess.run(["nm", "-P", obj], capture_output=True, text=True,
                        check=True).stdout
    for line in nm.splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        name, kind = parts[0], parts[1]
        if kind == "U":
            undefined.add(name)
        elif kind in "TDBRVWGS" and kind.isupper():
            defined.add(name)
    return defined, undefined


def linked_definer(user, definers):
    """The definer a file links against: lib/ is in every program, each
    src/ folder is a program of its own (the preload library, the command)."""
    for d in definers:
        if d.startswith("lib/") or folder_of(d) == folder_of(user):
            return d
    return None


def check_calls(builddir):
    objs = objects(builddir)
    if not objs:
        ok(False, "objects of lib/ and src/ are built", [builddir])
        return
    owner, uses = {}, {}
    for src, obj in sorted(objs.items()):
        d, u = symbols(obj)
        uses[src] = u
        for s in d:
            owner.setdefault(s, []).append(src)
    graph, up = {}, []
    for src, u in sorted(uses.items()):
        for s in sorted(u):
            dst = linked_definer(src, owner.get(s, ()))
            if dst is None or dst == src:
                continue
            graph.setdefault(src, set()).add(dst)
            if not may_use(src, dst):
                up.append("%s uses %s of %s" % (src, s, dst))
    ok(not up, "calls run only to the own folder or a lower one", up)
    cyc = [" <-> ".join(c) for c in sccs(graph)]
    ok(not cyc, "no call cycle between files", cyc)


def main():
    srcdir = sys.argv[1]
    builddir = sys.argv[2] if len(sys.argv) > 2 else None
    check_includes(srcdir)
    if builddir:
        check_calls(builddir)
    print("1..%d" % _n)
    return 1 if _failed else 0


if __name__ == "__main__":
    sys.exit(main())
