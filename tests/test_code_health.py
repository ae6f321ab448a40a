"""Checks on the code itself that lint rules alone do not pin down."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("newswatch", "spiders", "pipelines", "storage")
SOURCES = sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))


def duplicate_literals(tree: ast.AST) -> list[tuple[int, object]]:
    """(line, value) of every constant written twice in one set or dict-key literal."""
    found = []
    for node in ast.walk(tree):
        elements = node.elts if isinstance(node, ast.Set) else node.keys if isinstance(node, ast.Dict) else []
        seen: set[object] = set()
        for element in elements:
            if isinstance(element, ast.Constant):
                if element.value in seen:
                    found.append((element.lineno, element.value))
                seen.add(element.value)
    return found


def test_the_duplicate_finder_finds_duplicates():
    tree = ast.parse('WORDS = {"on", "group", "on"}\nKEYS = {"a": 1, "a": 2}\nOK = {"x", "y"}')
    assert duplicate_literals(tree) == [(1, "on"), (2, "a")]


def test_no_set_or_dict_literal_repeats_an_entry():
    """A repeated entry in a word list is a typo for a word that was meant and is missing."""
    repeated = {
        str(path.relative_to(ROOT)): duplicate_literals(ast.parse(path.read_text(encoding="utf-8"))) for path in SOURCES
    }
    assert {path: found for path, found in repeated.items() if found} == {}


def test_name_stop_words_keep_the_words_that_were_written_twice():
    from newswatch.event.people import _NOT_NAME

    assert {"on", "group"} <= _NOT_NAME


def imported_modules(tree: ast.AST) -> set[str]:
    """Every module an ``import`` or ``from … import`` names, at any depth of the file."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_only_the_command_line_imports_click_or_the_commands():
    """Library code raises its own errors (newswatch.errors); the web app needs no command module."""
    boundary = {ROOT / "newswatch" / "cli.py", ROOT / "newswatch" / "__main__.py"}
    offenders = {}
    for path in SOURCES:
        if path in boundary or (ROOT / "newswatch" / "commands") in path.parents:
            continue
        bad = {
            name
            for name in imported_modules(ast.parse(path.read_text(encoding="utf-8")))
            if name == "click" or name.startswith(("click.", "newswatch.commands", "newswatch.cli"))
        }
        if bad:
            offenders[str(path.relative_to(ROOT))] = sorted(bad)
    assert offenders == {}


def test_a_library_error_ends_as_one_line(tmp_path):
    from click.testing import CliRunner

    from newswatch.cli import cli

    empty = tmp_path / "page.html"
    empty.write_text("   ")
    result = CliRunner().invoke(cli, ["extract", str(empty)])
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {empty}: empty file, not a saved page"


def setting_reads(tree: ast.AST) -> list[tuple[int, str, int]]:
    """(line, name, argument count) of every ``….get…("NEWSWATCH_…", …)`` call."""
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr.startswith("get")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and node.args[0].value.startswith("NEWSWATCH_")
        ):
            found.append((node.lineno, node.args[0].value, len(node.args) + len(node.keywords)))
    return found


def test_every_newswatch_setting_is_declared_once_and_read_without_a_fallback():
    """Defaults live in newswatch/settings.py only; a call site never restates one."""
    import newswatch.settings as declared

    fallbacks, undeclared = {}, {}
    for path in SOURCES:
        if path == ROOT / "newswatch" / "settings.py":
            continue
        for line, name, args in setting_reads(ast.parse(path.read_text(encoding="utf-8"))):
            where = f"{path.relative_to(ROOT)}:{line}"
            if args > 1:
                fallbacks[where] = name
            if not hasattr(declared, name):
                undeclared[where] = name
    assert fallbacks == {}
    assert undeclared == {}


def test_the_setting_reader_finder_sees_fallbacks():
    tree = ast.parse('a = s.getint("NEWSWATCH_X", 10)\nb = s.getbool("NEWSWATCH_Y")\nc = s.get("OTHER", 1)')
    assert setting_reads(tree) == [(1, "NEWSWATCH_X", 2), (2, "NEWSWATCH_Y", 1)]
