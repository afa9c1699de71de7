"""The two YAML composers agree (issue 12): LibYAML's fast one, for files with no anchor, gives the node tree
or the error that the careful (counting) composer gives; everything it cannot vouch for goes to the careful one."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.domain import yaml_nodes
from workbench.domain.yaml_nodes import compose
from workbench.errors import InputError


def shape(node):
    """A node tree as plain data: kind, tag, value, where it starts and ends."""
    if node is None:
        return None
    where = (node.start_mark.line, node.start_mark.column, node.end_mark.line, node.end_mark.column)
    if isinstance(node.value, str):
        return ("scalar", node.tag, node.value, node.style, where)
    if isinstance(node.value, list) and node.value and isinstance(node.value[0], tuple):
        return ("mapping", node.tag, [(shape(k), shape(v)) for k, v in node.value], where)
    return ("collection", type(node).__name__, node.tag, [shape(v) for v in node.value], where)


def outcome(composer, text):
    try:
        return shape(composer(text, "f.yaml"))
    except InputError as error:
        return ("error", str(error))


def careful(text, path):
    return yaml_nodes._compose_carefully(text, path)


PIECES = [*"ab1.- :#[]{},'\"\n&*!|>?~\\%", "true", "null", "0x1f", "1e3", "  ", "- ", ": ", "\t", "\u00e9"]
YAMLISH = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(YAMLISH)
def test_fast_and_careful_composers_agree(text):
    assert outcome(compose, text) == outcome(careful, text)


@pytest.mark.parametrize("text", [
    "codebook: R&D\ncodes:\n  - id: a\n    name: Q&A\n",  # "&" inside words: no anchor, fast
    "codebook: X\ncodes:\n  - id: a\n    name: Q &A\n",  # could be an anchor: careful, same tree
    "a: *missing\n",  # an alias with no anchor: the careful composer's message names it
    "a: 1\n---\nb: 2\n",  # two documents
    "a: [1, 2\n",  # a syntax error, reported by the fast composer
    "a: \"tab\\x\"\n",  # a bad escape
    "x: 0o17\ny: 1_000\nz: .inf\nw: ''\nv: ~\nu: 2001-12-14\nt: !!str 3\ns: <<\n",  # every implicit tag
    "- " * 100 + "leaf\n",  # a scalar 101 deep: past the fast composer's count, the careful one takes it
    "- " * 101 + "[]\n",  # a collection 102 deep: refused
    "".join(f"{'  ' * level}-\n" for level in range(150)),  # refused on the line of the 101st level
    "",
    "# only a comment\n",
])
def test_chosen_cases_agree(text):
    assert outcome(compose, text) == outcome(careful, text)


def test_a_deep_block_list_is_refused_at_the_101st_level():
    text = "".join(f"{'  ' * level}-\n" for level in range(150))
    with pytest.raises(InputError, match=r"^f\.yaml:101: nested more than 100 levels deep"):
        compose(text, "f.yaml")


def test_a_plain_codebook_never_needs_the_careful_composer(monkeypatch):
    def refuse(text, path):
        raise AssertionError("the careful composer was used")

    monkeypatch.setattr(yaml_nodes, "_compose_carefully", refuse)
    codes = "".join(f"  - id: c{i}\n    name: Code {i} (R&D)\n    keywords: [a, b]\n    children: []\n" for i in range(50))
    root = compose(f"codebook: Big\ncodes:\n{codes}", "f.yaml")
    assert len(root.value[1][1].value) == 50
    with pytest.raises(InputError, match=r"^f\.yaml:4: YAML syntax error: did not find expected"):
        compose("codebook: X\ncodes:\n  - id: [a\n", "f.yaml")  # a syntax error too is the fast composer's


def test_an_anchor_goes_to_the_careful_composer(monkeypatch):
    used = []
    monkeypatch.setattr(yaml_nodes, "_compose_carefully", lambda text, path: used.append(text))
    compose("a: &k [x]\nb: *k\n", "f.yaml")
    assert used


@pytest.mark.parametrize(("text", "may"), [
    ("&a x", True), ("k: &a x", True), ("[&a]", True), ("\u00e9&a", True), ("- &a\n", True), ('"q"&a', True),
    (" &\u00e9", True), ("[&.]", True), ("R&D", False), ("Q & A", False), ("a&b&c", False), ("a&&b", True),
    ("x9&_y", False), ("end &", False), ("", False),
])
def test_where_an_anchor_may_start(text, may):
    assert yaml_nodes._may_hold_anchor(text) is may
