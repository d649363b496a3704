#!/usr/bin/env python3
"""The layers of src/, checked against the calls the code makes.

Builds the file-level call graph of the library from gcc's own call graph
(-fcallgraph-info, one .ci file per translation unit, every direct call
with the file and line of caller and callee), gives every file the layer
of its folder (src/LAYER/file.c, LAYER one of the table below), and fails
if any call runs from a file of a lower layer up into a file of a higher
one, except inside the page-cache family
(Linux's mm/filemap.c, readahead, writeback and the fault path call each
other in both directions; mmkit's do too).

A function defined in a header (a static inline) belongs to the header's
file, and so to the header's folder: frame.h's helpers are frame's (lib),
pages.h's are pages' (page).  Calls through a
function pointer are not edges: a hook (frame_pool_set_release, the reclaim
policy's operations) is how a lower layer reaches a higher one.

  scripts/callgraph.py            check; print the layers and any upward call
  scripts/callgraph.py --edges    also print every file-level edge
  scripts/callgraph.py --dot      the file graph as Graphviz
  scripts/callgraph.py --root DIR check the tree at DIR instead

Exit status 0 when no call goes up, 1 when one does, 2 on a build error, a
file of src/ outside the layer folders (directly in src/, or in a folder the
table does not name) or a file name used in two folders.  The Makefile's
SRC_DIRS lists the same folders; docs/ARCHITECTURE.md draws the layers.
"""

import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

# The layers, lowest first: each is the folder src/NAME.  A file may call
# its own layer and every layer below it.
LAYERS = [
    ("base", "locks, allocation and its failure injection, BUG, the text buffer, tables"),
    ("lib", "standalone data structures"),
    ("page", "the system's types, pages and their allocation, the LRU, counters"),
    ("pagecache", "the page-cache family: inodes and files, page cache, swap, rmap, PTEs"),
    ("reclaim", "reclaim and the OOM killer"),
    ("mm", "address spaces: VMAs, faults, loads and stores, the memory system calls"),
    ("sys", "processes, the file system calls, the views, the system"),
]

# The one layer whose files call each other in both directions, as Linux's
# mm/filemap.c, swap_state.c, shmem.c, rmap.c and memory.c do.  Anywhere
# else a circle of calls between files is an error too.
FAMILY = "pagecache"

NODE = re.compile(r'node: \{ title: "([^"]+)" label: "([^"\\]+)\\n([^"]+):(\d+):(\d+)"( shape : ellipse)?')
EDGE = re.compile(r'edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)" label: "([^"]+)"')


def stem(path):
    return os.path.splitext(os.path.basename(path))[0]


def layer_files(root):
    """{stem: layer index} of every .c and .h under src/, and the .c files
    (relative to root, sorted); exits 2 on a file outside the layer folders
    or a stem used twice."""
    index = {name: i for i, (name, _) in enumerate(LAYERS)}
    layer_of, where, srcs, bad = {}, {}, [], []
    top = os.path.join(root, "src")
    for d, dirs, files in os.walk(top):
        dirs.sort()
        for f in sorted(files):
            if not f.endswith((".c", ".h")):
                continue
            rel = os.path.relpath(os.path.join(d, f), root)
            folder = os.path.relpath(d, top)
            if folder not in index:
                bad.append("callgraph: %s: not in a layer folder (src/%s)"
                           % (rel, ", src/".join(n for n, _ in LAYERS)))
                continue
            s = stem(f)
            if s in layer_of and where[s] != folder:
                bad.append("callgraph: %s: %s also in src/%s" % (rel, s, where[s]))
                continue
            layer_of[s], where[s] = index[folder], folder
            if f.endswith(".c"):
                srcs.append(rel)
    if bad:
        print("\n".join(bad))
        sys.exit(2)
    return layer_of, sorted(srcs)


def compile_all(root, srcs, tmp):
    flags = ["-std=c11", "-D_GNU_SOURCE", "-Iinclude"] + \
        ["-Isrc/" + name for name, _ in LAYERS] + \
        ["-pthread", "-O0", "-DMMK_DEBUG=1", "-fcallgraph-info", "-w"]
    cc = os.environ.get("CALLGRAPH_CC", "gcc")  # -fcallgraph-info is gcc's

    def one(src):
        out = os.path.join(tmp, src.replace("/", "_") + ".o")
        r = subprocess.run([cc] + flags + ["-c", src, "-o", out], cwd=root,
                           capture_output=True, text=True)
        if r.returncode != 0:
            sys.stderr.write(r.stderr)
            return None
        return os.path.splitext(out)[0] + ".ci"

    jobs = int(os.environ.get("JOBS", "2"))
    with ThreadPoolExecutor(max_workers=jobs) as ex:
        return list(ex.map(one, srcs))


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    args = sys.argv[1:]
    if "--root" in args:        # another tree (the self-test's)
        root = os.path.abspath(args[args.index("--root") + 1])
    layer_of, srcs = layer_files(root)

    with tempfile.TemporaryDirectory() as tmp:
        cis = compile_all(root, srcs, tmp)
        if None in cis:
            sys.exit(2)
        defined = {}     # global function -> file that defines it
        nodes = {}       # (tu, title) -> (name, file)
        edges = []       # (tu, caller title, callee title, where)
        for src, ci in zip(srcs, cis):
            with open(ci) as fh:
                for line in fh:
                    m = NODE.match(line)
                    if m:
                        title, name, loc, ext = m.group(1), m.group(2), m.group(3), m.group(6)
                        nodes[(src, title)] = (name, loc)
                        if not ext and ":" not in title:
                            defined[title] = loc
                        continue
                    m = EDGE.match(line)
                    if m:
                        edges.append((src, m.group(1), m.group(2), m.group(3)))

    def file_of(tu, title):
        name, loc = nodes.get((tu, title), (title, None))
        if ":" in title:        # a static function: defined where its label says
            return name, loc
        if title in defined:
            return name, defined[title]
        return name, None       # libc, pthreads, the sanitizers

    fedges = {}                 # (caller file, callee file) -> set of (caller, callee, where)
    for tu, a, b, where in edges:
        an, af = file_of(tu, a)
        bn, bf = file_of(tu, b)
        if af is None or bf is None:
            continue
        fa, fb = stem(af), stem(bf)
        if fa == fb:
            continue
        fedges.setdefault((fa, fb), set()).add((an, bn, os.path.relpath(where, root) if where.startswith("/") else where))

    files = sorted({f for e in fedges for f in e} | {stem(s) for s in srcs})
    missing = [f for f in files if f not in layer_of]
    if missing:
        print("callgraph: no layer for: " + " ".join(missing))
        sys.exit(2)

    up = []
    for (fa, fb), calls in sorted(fedges.items()):
        if layer_of[fa] < layer_of[fb]:
            for c in sorted(calls):
                up.append((fa, fb) + c)

    # Circles (strongly connected components of more than one file), Tarjan.
    succ = {}
    for (fa, fb) in fedges:
        succ.setdefault(fa, []).append(fb)
    index, low, stack, onstack, sccs = {}, {}, [], set(), []

    def strong(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        onstack.add(v)
        for w in succ.get(v, []):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in onstack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                onstack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                sccs.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in files:
        if v not in index:
            strong(v)
    family = [n for n, _ in LAYERS].index(FAMILY)
    bad_circles = [c for c in sccs if not all(layer_of[f] == family for f in c)]

    if "--dot" in args:
        print("digraph src {")
        for (fa, fb) in sorted(fedges):
            print('  "%s" -> "%s";' % (fa, fb))
        print("}")
        return 0

    for i in reversed(range(len(LAYERS))):
        name, what = LAYERS[i]
        present = [f for f in files if layer_of[f] == i]
        print("%-10s %s" % (name, " ".join(present)))
    if "--edges" in args:
        for (fa, fb), calls in sorted(fedges.items()):
            print("  %s -> %s (%d)" % (fa, fb, len(calls)))
    for fa, fb, an, bn, where in up:
        print("callgraph: upward call %s -> %s: %s() calls %s() at %s" % (fa, fb, an, bn, where))
    for c in sccs:
        print("callgraph: circle of %d files%s: %s" % (len(c), "" if c in bad_circles else " (the page-cache family)", " ".join(c)))
    print("callgraph: %d files, %d file-level edges, %d upward calls, %d circles outside the page-cache family"
          % (len(files), len(fedges), len(up), len(bad_circles)))
    return 1 if up or bad_circles else 0


if __name__ == "__main__":
    sys.exit(main())
