#!/usr/bin/env python3
"""Writes a corpus of large files that hold few facts: each a ConfigMap of 20,000 keys (about
1.2 MB) and a ServiceAccount. A streamed scan keeps only the ServiceAccounts, so its peak memory
stays near that of its largest files (one per thread) while the corpus grows.

usage: large_corpus.py OUT_DIR [FILES]
"""
import os
import sys


def main():
    out = sys.argv[1]
    files = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    os.makedirs(out, exist_ok=True)
    for i in range(files):
        lines = [
            "apiVersion: v1",
            "kind: ConfigMap",
            "metadata:",
            f"  name: settings-{i}",
            f"  namespace: team-{i % 10}",
            "data:",
        ]
        lines += [f'  key-{k:05d}: "value {k} of file {i} padding padding padding"' for k in range(20000)]
        lines += [
            "---",
            "apiVersion: v1",
            "kind: ServiceAccount",
            "metadata:",
            f"  name: app-{i}",
            f"  namespace: team-{i % 10}",
            "  annotations:",
            '    azure.workload.identity/client-id: "3a870abd-5d5c-4f52-9f3c-2b0d1c1e7a11"',
            "",
        ]
        with open(os.path.join(out, f"large-{i:03d}.yaml"), "w") as f:
            f.write("\n".join(lines))


if __name__ == "__main__":
    main()
