#!/usr/bin/env python3
"""Prints the README's side-by-side conformance table from the --json results
of `mqbench conform` against two or more brokers.

usage: conform_table.py NAME=RESULTS.json NAME=RESULTS.json ...
"""

import json
import sys


def cell(result):
    if result is None:
        return "-"
    text = {"pass": "pass", "fail": "**FAIL**", "not_applicable": "n/a"}[result["result"]]
    if result["choices"]:
        text += " (" + ", ".join(result["choices"]) + ")"
    return text


def main():
    runs = []
    for arg in sys.argv[1:]:
        name, path = arg.split("=", 1)
        with open(path) as f:
            runs.append((name, {(r["check"], r["mqtt"]): r for r in json.load(f)["results"]}))
    checks = []
    for _, results in runs:
        for check, _ in results:
            if check not in checks:
                checks.append(check)
    versions = ["3.1.1", "5.0"]
    head = ["check"] + [f"{name} {v}" for name, _ in runs for v in versions]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for check in checks:
        row = [f"`{check}`"] + [cell(results.get((check, v))) for _, results in runs for v in versions]
        print("| " + " | ".join(row) + " |")
    for name, results in runs:
        counts = {}
        for r in results.values():
            counts[r["result"]] = counts.get(r["result"], 0) + 1
        print(f"\n{name}: {counts.get('pass', 0)} passed, {counts.get('fail', 0)} failed, "
              f"{counts.get('not_applicable', 0)} not applicable.", end="")
    print()


if __name__ == "__main__":
    main()
