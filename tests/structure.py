"""The tree's size bars: no Python or JavaScript source file over 400 lines, no function over 60
lines (benchmarks aside). `python -m tests.structure` lists what breaks them; tests/test_structure.py
enforces them.

Python functions come from `ast` (a function's span runs from its `def`, decorators excluded, to its
last line, nested functions included). JavaScript has no parser in the tree, so `js_functions` reads
the text: it skips comments, strings, template literals and regular-expression literals, and takes
every `{` that opens a function body (after `function ...(...)`, after `=>`, or after a method's
`name(...)`) to its matching `}`.
"""
from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 60
BENCHMARKS = ("export/bench.py", "export/bench_generator.py")
SUFFIXES = (".py", ".js", ".mjs")


def source_files(root: Path = ROOT) -> list[Path]:
    """The tracked and untracked-but-not-ignored Python and JavaScript files, benchmarks aside."""
    names = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=root,
                           capture_output=True, text=True, check=True).stdout.split()
    return [root / n for n in sorted(set(names)) if n.endswith(SUFFIXES) and n not in BENCHMARKS
            and not n.startswith(("node_modules/", "vendor/")) and (root / n).is_file()]


def py_functions(text: str) -> list[tuple[str, int, int]]:
    """(name, first line, line count) of every function and method."""
    return [(node.name, node.lineno, node.end_lineno - node.lineno + 1) for node in ast.walk(ast.parse(text))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]


# What may stand before a `/` that starts a regular expression rather than a division.
_REGEX_AFTER = set("(,=:[!&|?{};+-*%<>~^") | {""}
_KEYWORDS_BEFORE_REGEX = {"return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void", "throw"}
_NOT_METHODS = {"if", "for", "while", "switch", "catch", "with", "function", "return"}


def _code_only(text: str) -> str:
    """The text with comments, strings, template-literal text and regexes blanked (newlines kept)."""
    out, i, n = [], 0, len(text)
    prev = ""  # the last significant character or word, to tell a regex from a division
    templates = []  # brace depth inside each open `${` of a template literal
    while i < n:
        c = text[i]
        if c == "/" and text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
        elif c == "/" and text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
        elif c in "'\"":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            j += 1
        elif c == "`" or (c == "}" and templates and templates[-1] == 0):
            if c == "}":
                templates.pop()
            j = i + 1
            while j < n and text[j] != "`" and not text.startswith("${", j):
                j += 2 if text[j] == "\\" else 1
            if text.startswith("${", j):
                templates.append(0)
                j += 2
            else:
                j += 1
        elif c == "/" and (prev in _REGEX_AFTER or prev in _KEYWORDS_BEFORE_REGEX):
            j, in_class = i + 1, False
            while j < n and text[j] != "\n" and (text[j] != "/" or in_class):
                in_class = (in_class or text[j] == "[") and text[j] != "]"
                j += 2 if text[j] == "\\" else 1
            j += 1
            while j < n and text[j].isalpha():
                j += 1
        else:
            if templates and c in "{}":
                templates[-1] += 1 if c == "{" else -1
            out.append(c)
            if not c.isspace():
                word = re.match(r"[\w$]+", text[i:])
                if word:
                    out.append(word.group()[1:])
                    prev, i = word.group(), i + len(word.group())
                    continue
                prev = c
            i += 1
            continue
        out.append(re.sub(r"[^\n]", " ", text[i:j]))
        prev, i = "x", j  # a literal ends an expression: a `/` after it divides
    return "".join(out)


def js_functions(text: str) -> list[tuple[str, int, int]]:
    """(name, first line, line count) of every function body in JavaScript source."""
    code = _code_only(text)
    opens, found = [], []
    for i, c in enumerate(code):
        if c == "{":
            opens.append((i, _function_name(code[max(0, i - 300):i])))
        elif c == "}" and opens:
            start, name = opens.pop()
            if name is not None:
                first = code.count("\n", 0, start) + 1
                found.append((name, first, code.count("\n", 0, i) + 2 - first))
    return found


def _function_name(before: str) -> str | None:
    """The function whose body the `{` after `before` opens, or None for any other brace."""
    before = before.rstrip()
    if before.endswith("=>"):
        head = re.search(r"([\w$]+)\s*=\s*(?:async\s*)?(?:\([^()]*\)|[\w$]+)\s*=>$", before)
        return head.group(1) if head else "(arrow)"
    if not before.endswith(")"):
        return None
    depth, j = 0, len(before)
    while j > 0:  # back to the parenthesis that opens the parameter list
        j -= 1
        depth += {")": 1, "(": -1}.get(before[j], 0)
        if depth == 0:
            break
    head = before[:j].rstrip()
    word = re.search(r"(?:function\s*\*?\s*([\w$]*)|([\w$]+))$", head)
    if not word:
        return None
    if word.group(0).startswith("function"):
        return word.group(1) or "(function)"
    return None if word.group(2) in _NOT_METHODS else word.group(2)


def functions(path: Path) -> list[tuple[str, int, int]]:
    text = path.read_text()
    return py_functions(text) if path.suffix == ".py" else js_functions(text)


def problems(paths: list[Path], root: Path = ROOT) -> list[str]:
    """`path: N lines` for each long file, `path:line name(): N lines` for each long function."""
    found = []
    for path in paths:
        name = path.relative_to(root).as_posix()
        lines = len(path.read_text().splitlines())
        if lines > MAX_FILE_LINES:
            found.append(f"{name}: {lines} lines (bar {MAX_FILE_LINES})")
        found += [f"{name}:{first} {fn}(): {count} lines (bar {MAX_FUNCTION_LINES})"
                  for fn, first, count in functions(path) if count > MAX_FUNCTION_LINES]
    return found


if __name__ == "__main__":
    report = problems(source_files())
    print("\n".join(report) or "every file and function within the bars")
    sys.exit(1 if report else 0)
