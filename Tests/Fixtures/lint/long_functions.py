#!/usr/bin/env python3
"""List Swift functions and initialisers longer than a limit (issue #12, item 7).

    python3 Tests/Fixtures/lint/long_functions.py [--max 80] [--exclude PATH ...] [ROOT ...]

ROOT is a folder (searched recursively) or a .swift file.

Counts the lines from a declaration's first line (`func`, `init`, `deinit`, `subscript`) to the
line of its closing brace, and prints `path:line: Name.function is N lines (max M)` for each one
over the limit, longest first. ROOT defaults to Sources/. Exits 1 when anything is listed, so it
can gate CI, 0 otherwise.

A small lexer skips comments and string literals (plain, multi-line and raw `#"…"#`, with
interpolations), so braces inside them don't count. Declarations without a body (protocol
requirements) are ignored. A nested function is listed on its own and also counts towards the
function around it. Standard library only: CI and developers' machines need nothing installed.
"""

import argparse
import os
import sys

DECLARATIONS = {"func", "init", "deinit", "subscript"}
TYPES = {"struct", "class", "enum", "extension", "actor", "protocol"}
ENDS = {"var", "let", "case", "typealias", "associatedtype"}


def tokens(text):
    """Yield (kind, value, line) for identifiers and the punctuation that matters: { } ( ) ; .

    Strings and comments are skipped; an interpolation `\\( … )` inside a string is lexed as
    code, so a closure inside it still balances.
    """
    i, line, n = 0, 1, len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if text.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif text.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    line += text[i] == "\n"
                    i += 1
        elif c == "#" or c == '"':
            hashes = 0
            j = i
            while j < n and text[j] == "#":
                hashes, j = hashes + 1, j + 1
            if j < n and text[j] == '"':
                i, line = skip_string(text, j, hashes, line)
            else:
                i += 1
        elif c.isalpha() or c == "_":
            j = i
            while j < n and (text[j].isalnum() or text[j] == "_"):
                j += 1
            yield ("word", text[i:j], line)
            i = j
        elif c == "`":
            j = text.find("`", i + 1)
            j = n if j < 0 else j
            yield ("word", text[i + 1 : j], line)
            i = j + 1
        elif c in "{}();.":
            yield ("punct", c, line)
            i += 1
        else:
            i += 1


def skip_string(text, i, hashes, line):
    """Skip a string literal starting at its opening quote; return (index after it, line)."""
    n = len(text)
    multi = text.startswith('"""', i)
    quote = '"""' if multi else '"'
    close = quote + "#" * hashes
    escape = "\\" + "#" * hashes
    i += len(quote)
    while i < n:
        if text.startswith(escape, i):
            k = i + len(escape)
            if k < n and text[k] == "(":
                # Interpolation: skip to the balancing parenthesis, strings inside included.
                depth, k = 1, k + 1
                while k < n and depth:
                    if text[k] == '"' or (text[k] == "#" and text[k:].lstrip("#").startswith('"')):
                        h = 0
                        while text[k] == "#":
                            h, k = h + 1, k + 1
                        k, line = skip_string(text, k, h, line)
                        continue
                    depth += {"(": 1, ")": -1}.get(text[k], 0)
                    line += text[k] == "\n"
                    k += 1
                i = k
            else:
                line += k < n and text[k] == "\n"
                i = k + 1
        elif text.startswith(close, i):
            return i + len(close), line
        else:
            line += text[i] == "\n"
            i += 1
    return i, line


def long_functions(path, limit):
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    found = []
    stack = []  # one entry per open brace: (kind, name, first line)
    pending = None  # a declaration waiting for its body: (kind, name, first line, paren depth)
    parens = 0
    previous = None
    words = list(tokens(text))
    for index, (kind, value, line) in enumerate(words):
        if kind == "word" and value in DECLARATIONS and previous != ".":
            name = value
            if value == "func" and index + 1 < len(words):
                name = words[index + 1][1]
            pending = ("function", name, line, parens)
        elif kind == "word" and value in ENDS and pending is not None and pending[3] == parens:
            pending = None  # a body-less requirement followed by a property or case
        elif kind == "word" and value in TYPES and pending is None and index + 1 < len(words):
            pending = ("type", words[index + 1][1], line, parens)
        elif value == "(":
            parens += 1
        elif value == ")":
            parens -= 1
        elif value == "{":
            if pending is not None and pending[3] == parens:
                stack.append(pending[:3])
                pending = None
            else:
                stack.append(("block", None, line))
        elif value == "}":
            if stack:
                what, name, first = stack.pop()
                if what == "function" and line - first + 1 > limit:
                    owner = ".".join(n for w, n, _ in stack if w in ("type", "function"))
                    found.append((line - first + 1, path, first, f"{owner}.{name}" if owner else name))
            # A body-less declaration (protocol requirement) never sees its brace.
            if pending is not None and pending[3] == parens:
                pending = None
        previous = value
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("roots", nargs="*", default=["Sources"])
    parser.add_argument("--max", type=int, default=80, help="longest allowed, in lines (default 80)")
    parser.add_argument("--exclude", action="append", default=[], help="a path prefix to skip")
    args = parser.parse_args()
    found = []
    for root in args.roots:
        if os.path.isfile(root):
            found.extend(long_functions(root, args.max))
        for folder, subfolders, files in os.walk(root):
            subfolders.sort()
            for name in sorted(files):
                path = os.path.join(folder, name)
                if name.endswith(".swift") and not any(path.startswith(e) for e in args.exclude):
                    found.extend(long_functions(path, args.max))
    for length, path, line, name in sorted(found, key=lambda f: (-f[0], f[1], f[2])):
        print(f"{path}:{line}: {name} is {length} lines (max {args.max})")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
