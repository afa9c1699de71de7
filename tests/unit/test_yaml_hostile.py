"""Hostile YAML for codebooks and theme maps (issue 11 item 10): bombs, recursion, depth and bad escapes.

Each file is built here; each gets a ``file:line`` message (exit 2 from the CLI), never "internal error".
"""

from __future__ import annotations

import pytest

from workbench.cli import main
from workbench.domain.codebook_yaml import parse_codebook
from workbench.domain.theme_map import parse_theme_map
from workbench.errors import InputError


def billion_laughs(levels: int = 9) -> str:
    lines = ['lol0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        lines.append(f"lol{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def deep_children(levels: int) -> str:
    """A codebook with ``levels`` codes each the only child of the one before, in flow style (small on disk)."""
    inner = "[]"
    for level in reversed(range(levels)):
        inner = f"[{{id: c{level}, name: C{level}, children: {inner}}}]"
    return f"codebook: Deep\ncodes: {inner}\n"


CODEBOOK_ATTACKS = {
    "billion laughs": (billion_laughs() + "codebook: Bomb\ncodes: *l8\n", r"aliases expand past 100000 values", 6),
    "recursive alias": ("codebook: Loop\ncodes: &x\n  - id: a\n    name: A\n    children: *x\n", r"recursive alias", 5),
    "100k-deep nesting": ("codebook: Deep\ncodes: " + "[" * 100_000 + "]" * 100_000 + "\n", r"nested more than 100 levels", 2),
    "3,000 levels of children": (deep_children(3000), r"nested more than 100 levels", 2),
    "lone surrogate escape": ('codebook: "Alliance \\ud800 study"\ncodes: []\n', r"invalid \\ud800-\\udfff escape", 1),
    "surrogate in a code name": ('codebook: B\ncodes:\n  - id: a\n    name: "x\\udfff"\n', r"invalid \\ud800", 4),
}


@pytest.mark.parametrize("case", CODEBOOK_ATTACKS, ids=list(CODEBOOK_ATTACKS))
def test_hostile_codebooks_get_a_file_line_message(case):
    text, pattern, line = CODEBOOK_ATTACKS[case]
    with pytest.raises(InputError, match=pattern) as caught:
        parse_codebook(text, "book.yaml")
    assert caught.value.path == "book.yaml" and caught.value.line == line
    assert "\n" not in str(caught.value)


THEME_MAP_ATTACKS = {
    "billion laughs": (billion_laughs() + "theme_map: Bomb\nthemes: *l8\n", r"aliases expand past"),
    "recursive alias": ("themes: &t\n  - label: T1\n    name: x\n    type: y\n    codes: *t\n", r"recursive alias"),
    "deep nesting": ("themes: " + "[" * 5_000 + "]" * 5_000 + "\n", r"nested more than 100 levels"),
    "lone surrogate": ('theme_map: "\\ud800"\nthemes: []\n', r"invalid \\ud800"),
}


@pytest.mark.parametrize("case", THEME_MAP_ATTACKS, ids=list(THEME_MAP_ATTACKS))
def test_hostile_theme_maps_get_a_file_line_message(case):
    text, pattern = THEME_MAP_ATTACKS[case]
    with pytest.raises(InputError, match=pattern) as caught:
        parse_theme_map(text, "themes.yaml")
    assert caught.value.line is not None and str(caught.value).startswith(f"themes.yaml:{caught.value.line}: ")


def test_a_few_aliases_still_work():
    text = (
        "codebook: Shared keywords\ncodes:\n"
        "  - id: a\n    name: A\n    keywords: &kw [trust, warm]\n"
        "  - id: b\n    name: B\n    keywords: *kw\n"
    )
    spec = parse_codebook(text, "book.yaml")
    assert [list(c.keywords) for c in spec.codes] == [["trust", "warm"], ["trust", "warm"]]


def test_a_deep_but_reasonable_codebook_still_loads():
    assert len(parse_codebook(deep_children(40), "book.yaml").codes) == 40


@pytest.mark.parametrize("command", [["codebook", "load"], ["themes", "load"]])
@pytest.mark.parametrize("case", ["billion laughs", "recursive alias", "3,000 levels of children", "lone surrogate escape"])
def test_the_cli_exits_2_with_one_line(tmp_path, capsys, command, case):
    path = tmp_path / "hostile.yaml"
    path.write_text(CODEBOOK_ATTACKS[case][0], encoding="utf-8")
    db = str(tmp_path / "p.db")
    assert main(["--db", db, "init"]) == 0
    capsys.readouterr()
    assert main(["--db", db, *command, str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"workbench: {path}:") and err.count("\n") == 1 and "internal error" not in err
