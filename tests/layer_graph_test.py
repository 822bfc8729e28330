#!/usr/bin/env python3
"""The include graph keeps the layers one-way (docs/architecture.md):

    codec -> model -> istio -> load / engine -> rules -> fix / report -> plan -> collect -> cli

A file may include its own layer and the layers before it. Layers that share a rank (load and
engine, fix and report) may not include each other: they are siblings. Meson's
link order already refuses some wrong calls; this test refuses the include that makes one, with
the file and line."""
import os
import re
import sys

RANK = {
    "codec": 0, "model": 1, "istio": 2, "load": 3, "engine": 3, "rules": 4,
    "fix": 5, "report": 5, "plan": 6, "collect": 7, "cli": 8,
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def layer_of_file(path):
    parts = path.split("/")
    if parts[0] == "rules":
        return "rules"
    if parts[0] == "src" and len(parts) > 2 and parts[1] in RANK:
        return parts[1]
    return None


def layer_of_include(header):
    first = header.split("/")[0]
    return first if first in RANK else None


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.getcwd()
    bad = []
    checked = 0
    for top in ("src", "rules"):
        for dirpath, _, files in os.walk(os.path.join(root, top)):
            for name in sorted(files):
                if not name.endswith((".cpp", ".hpp", ".inl")) or name.endswith("_test.cpp"):
                    continue   # tests may reach any layer below the one they test
                rel = os.path.relpath(os.path.join(dirpath, name), root)
                layer = layer_of_file(rel)
                if layer is None:
                    continue
                with open(os.path.join(root, rel), encoding="utf-8") as f:
                    for number, line in enumerate(f, 1):
                        m = INCLUDE.match(line)
                        if not m:
                            continue
                        target = layer_of_include(m.group(1))
                        checked += 1
                        if target is None or target == layer:
                            continue
                        if RANK[target] >= RANK[layer]:
                            kind = "sideways" if RANK[target] == RANK[layer] else "upward"
                            bad.append(f"{rel}:{number}: {layer} includes {m.group(1)} ({kind}: {target})")
    for b in bad:
        print(b)
    print(f"{checked} includes checked, {len(bad)} against the layer order")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
