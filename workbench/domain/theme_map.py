"""The YAML theme map format: parsing and validation, quote matching and writing (pure).

::

    theme_map: Working alliance in blended CBT      # a title (optional)
    coder: ana                 # whose codings exemplar quotes resolve to (optional)
    typology:                  # optional; default facilitator (F), barrier (B)
      - {name: facilitator, prefix: F}
      - {name: barrier, prefix: B}
    categories:
      - name: Experience of time
        description: ...
    themes:
      - label: F1
        name: Expansion of time
        type: facilitator      # a type name (or its prefix)
        category: Experience of time
        description: ...
        codes: [inductive.time_between_sessions, usability.accessibility]
        dimensions: [task, usability]   # optional override of the derived dimensions
        exemplars:             # optional; given, it replaces the theme's exemplars
          - source: P01-interview
            quote: "So the time between sessions kind of expands"
            coder: ana         # optional; else the top-level coder, else the loader's

:func:`parse_theme_map` checks the file's structure and reports every error
as ``file:line``; references to the project (codes, types, sources, coders)
are checked when :mod:`workbench.services.themes.theme_map` applies it.
:func:`find_quote` finds a quote in a source's text ignoring the difference
between straight and curly quotes, dashes and runs of white space.
:func:`dump_theme_map` writes a document as YAML, with :class:`Flow` lists
and mappings inline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from workbench.domain.yaml_nodes import compose
from workbench.errors import InputError

TOP_KEYS = ("theme_map", "description", "coder", "typology", "categories", "themes", "version")
TYPE_KEYS = ("name", "prefix")
CATEGORY_KEYS = ("name", "description")
THEME_KEYS = ("label", "name", "type", "category", "description", "codes", "dimensions", "exemplars")
EXEMPLAR_KEYS = ("source", "quote", "coder")
_FOLD = {"‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "“": '"', "”": '"', "„": '"', "″": '"',
         "–": "-", "—": "-", "‐": "-", "‑": "-", "…": "..."}


@dataclass(frozen=True)
class Item:
    """A scalar from the file with the line it is on."""

    value: str
    line: int


@dataclass
class ExemplarSpec:
    source: Item
    quote: Item
    coder: Item | None


@dataclass
class ThemeSpec:
    line: int
    label: Item
    name: Item
    type: Item
    category: Item | None
    description: str | None
    codes: list[Item]
    dimensions: list[Item] | None
    exemplars: list[ExemplarSpec] | None


@dataclass
class ThemeMapSpec:
    title: str | None
    coder: Item | None
    typology: list[tuple[Item, Item]] | None
    categories: list[tuple[Item, str | None]] = field(default_factory=list)
    themes: list[ThemeSpec] = field(default_factory=list)


# Parsing ------------------------------------------------------------------------------------


def parse_theme_map(text: str, path: str = "<theme map>") -> ThemeMapSpec:
    """The file's structure, checked (every error names its line); references are checked on apply."""
    root = compose(text, path)
    if root is None:
        raise InputError(path, "the theme map is empty", 1)
    top = _mapping(root, path, TOP_KEYS, "the theme map")
    spec = ThemeMapSpec(_text(top, "theme_map", path), _item(top, "coder", path), None)
    if "typology" in top:
        spec.typology = []
        for node in _sequence(top["typology"], path, "typology"):
            fields = _mapping(node, path, TYPE_KEYS, "a theme type")
            spec.typology.append((_required(fields, "name", path, node), _required(fields, "prefix", path, node)))
    for node in _sequence(top.get("categories"), path, "categories"):
        fields = _mapping(node, path, CATEGORY_KEYS, "a category")
        spec.categories.append((_required(fields, "name", path, node), _text(fields, "description", path)))
    if "themes" not in top:
        raise InputError(path, "missing 'themes:' list", _line(root))
    for node in _sequence(top["themes"], path, "themes"):
        fields = _mapping(node, path, THEME_KEYS, "a theme")
        exemplars = None
        if "exemplars" in fields:
            exemplars = []
            for ex in _sequence(fields["exemplars"], path, "exemplars"):
                ex_fields = _mapping(ex, path, EXEMPLAR_KEYS, "an exemplar")
                exemplars.append(ExemplarSpec(_required(ex_fields, "source", path, ex), _required(ex_fields, "quote", path, ex),
                                              _item(ex_fields, "coder", path)))
        spec.themes.append(ThemeSpec(
            _line(node), _required(fields, "label", path, node), _required(fields, "name", path, node),
            _required(fields, "type", path, node), _item(fields, "category", path), _text(fields, "description", path),
            _items(fields, "codes", path), _items(fields, "dimensions", path) if "dimensions" in fields else None, exemplars,
        ))
    return spec


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _mapping(node: yaml.Node, path: str, allowed: tuple[str, ...], what: str) -> dict[str, yaml.Node]:
    if not isinstance(node, yaml.MappingNode):
        raise InputError(path, f"expected {what} as a mapping of key: value", _line(node))
    result: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        if key not in allowed:
            raise InputError(path, f"unknown key {key!r} in {what}; expected one of {', '.join(allowed)}", _line(key_node))
        if key in result:
            raise InputError(path, f"key {key!r} given twice", _line(key_node))
        result[key] = value_node
    return result


def _sequence(node: yaml.Node | None, path: str, what: str) -> list[yaml.Node]:
    if node is None or isinstance(node, yaml.ScalarNode) and node.value in ("", "null", "~"):
        return []
    if not isinstance(node, yaml.SequenceNode):
        raise InputError(path, f"'{what}' must be a list (items starting with '- ')", _line(node))
    return list(node.value)


def _required(fields: dict[str, yaml.Node], key: str, path: str, required_in: yaml.Node) -> Item:
    """The scalar at ``key`` of the mapping ``required_in``, which must have it."""
    item = _item(fields, key, path)
    if item is None:
        raise InputError(path, f"missing {key!r}", _line(required_in))
    return item


def _item(fields: dict[str, yaml.Node], key: str, path: str) -> Item | None:
    node = fields.get(key)
    if node is None:
        return None
    if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
        raise InputError(path, f"{key!r} must be non-empty text", _line(node))
    return Item(" ".join(str(node.value).split()) if key != "quote" else str(node.value).strip(), _line(node))


def _items(fields: dict[str, yaml.Node], key: str, path: str) -> list[Item]:
    nodes = _sequence(fields.get(key), path, key)
    if not all(isinstance(n, yaml.ScalarNode) and str(n.value).strip() for n in nodes):
        raise InputError(path, f"'{key}' must be a list of keys", _line(fields[key]))
    return [Item(str(n.value).strip(), _line(n)) for n in nodes]


def _text(fields: dict[str, yaml.Node], key: str, path: str) -> str | None:
    node = fields.get(key)
    if node is None:
        return None
    if not isinstance(node, yaml.ScalarNode):
        raise InputError(path, f"{key!r} must be text", _line(node))
    return str(node.value).strip() or None


# Quote matching -------------------------------------------------------------------------


def find_quote(text: str, quote: str) -> list[tuple[int, int]]:
    """Spans of ``text`` where ``quote`` occurs, ignoring quote and dash styles and runs of white space."""
    folded, index = _fold(text)
    needle = _fold(quote)[0].strip()
    if not needle:
        return []
    spans, at = [], folded.find(needle)
    while at >= 0:
        spans.append((index[at], index[at + len(needle) - 1] + 1))
        at = folded.find(needle, at + 1)
    return spans


def _fold(text: str) -> tuple[str, list[int]]:
    out: list[str] = []
    index: list[int] = []
    space = False
    for i, char in enumerate(text):
        if char.isspace():
            if not space:
                out.append(" ")
                index.append(i)
            space = True
            continue
        space = False
        for folded in _FOLD.get(char, char):
            out.append(folded)
            index.append(i)
    return "".join(out), index


# Writing ------------------------------------------------------------------------------------


class Flow(list):
    """A list (or, given a dict, a mapping) written in YAML's inline style."""

    def __init__(self, items: Any) -> None:
        super().__init__(items.items() if isinstance(items, dict) else items)
        self.mapping = isinstance(items, dict)


class _Dumper(yaml.SafeDumper):
    pass


def _represent_flow(dumper: yaml.SafeDumper, data: Flow) -> yaml.Node:
    if data.mapping:
        return dumper.represent_mapping("tag:yaml.org,2002:map", list(data), flow_style=True)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", list(data), flow_style=True)


_Dumper.add_representer(Flow, _represent_flow)


def dump_theme_map(document: dict[str, Any]) -> str:
    """A theme map document (as :func:`workbench.services.themes.theme_map.theme_map_document` builds it) as YAML."""
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
