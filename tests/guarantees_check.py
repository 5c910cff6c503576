#!/usr/bin/env python3
"""Checks that every statement in the README's Guarantees section names a
test, and that every test it names exists: `test_name` for a Python
integration test (def test_name), "case name" for a doctest TEST_CASE.

usage: guarantees_check.py SOURCE_DIR
"""
import pathlib
import re
import sys


def section(readme):
    text = readme.read_text()
    start = text.index("\n## Guarantees\n")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def statements(text):
    """The bullet points, each joined into one line."""
    items, current = [], None
    for line in text.splitlines():
        if line.startswith("- "):
            current = [line[2:]]
            items.append(current)
        elif current is not None and line.startswith("  "):
            current.append(line.strip())
        else:
            current = None
    return [" ".join(i) for i in items]


def main():
    root = pathlib.Path(sys.argv[1])
    tests = root / "tests"
    python_defs, doctest_cases = set(), set()
    for f in tests.rglob("*.py"):
        python_defs.update(re.findall(r"^\s*def (test_\w+)\(", f.read_text(), re.M))
    for f in tests.rglob("*.cpp"):
        doctest_cases.update(re.findall(r'TEST_CASE\("((?:[^"\\]|\\.)*)"', f.read_text()))

    problems, named = [], 0
    items = statements(section(root / "README.md"))
    if not items:
        problems.append("the Guarantees section has no statements")
    for item in items:
        if item.startswith("Without `persistence true`"):
            continue  # states the absence of a promise
        refs = re.findall(r"\(([^()]*(?:\([^()]*\)[^()]*)*)\)\s*$", item)
        py = re.findall(r"`(test_\w+)`", refs[0]) if refs else []
        dt = re.findall(r'"([^"]+)"', refs[0]) if refs else []
        if not py and not dt:
            problems.append(f"no test named for: {item[:70]}...")
        for name in py:
            named += 1
            if name not in python_defs:
                problems.append(f"no Python test {name}")
        for name in dt:
            named += 1
            if name not in doctest_cases:
                problems.append(f'no doctest case "{name}"')
    for p in problems:
        print(f"guarantees_check: {p}", file=sys.stderr)
    if problems:
        return 1
    print(f"guarantees_check: {len(items)} statements, {named} tests named, all present")
    return 0


if __name__ == "__main__":
    sys.exit(main())
