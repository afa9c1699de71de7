"""The YAML codebook format: parsing and validation into :class:`~workbench.domain.codebook.CodeSpec` (pure).

::

    codebook: Working alliance in blended CBT   # name (required)
    description: ...                             # optional
    codes:
      - id: bond                                 # required, unique: [a-z0-9_.-]
        name: Bond                               # required
        parent: ...                              # optional; or nest under `children:`
        origin: deductive                        # deductive (default) | inductive
        definition: ...
        when_to_use: ...
        when_not_to_use: ...
        example: ...
        keywords: [trust, rapport]               # words, lemmas or phrases
        colour: "#1f77b4"                        # #RGB or #RRGGBB (`color` also accepted)
        codable: false                           # a folder that only groups codes (default true)
        children: [...]

Children inherit ``origin: inductive`` from an inductive parent. Every error
is reported as ``file:line: message``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from workbench.domain.codebook import CODE_ID, COLOUR, TEXT_FIELDS, CodeSpec, normalise_colour
from workbench.domain.yaml_nodes import compose
from workbench.errors import InputError

CODE_KEYS = {"id", "name", "parent", "origin", "keywords", "colour", "color", "codable", "children", *TEXT_FIELDS}
TOP_KEYS = {"codebook", "description", "codes", "version"}
BOOLEANS = {"true": True, "yes": True, "false": False, "no": False}


@dataclass(frozen=True)
class CodebookSpec:
    name: str
    description: str | None
    codes: list[CodeSpec] = field(default_factory=list)


def parse_codebook(text: str, path: str = "<codebook>") -> CodebookSpec:
    root = compose(text, path)
    if root is None:
        raise InputError(path, "the codebook is empty", 1)
    top = _mapping(root, path)
    for key, (node, _) in top.items():
        if key not in TOP_KEYS:
            raise InputError(path, f"unknown key {key!r}; expected one of {', '.join(sorted(TOP_KEYS))}", _line(node))
    name = _scalar(top, "codebook", path, _line(root), required=True)
    description = _scalar(top, "description", path, _line(root))
    if "codes" not in top:
        raise InputError(path, "missing 'codes:' list", _line(root))
    codes: list[CodeSpec] = []
    _codes(top["codes"][1], None, None, path, codes)
    _validate(codes, path)
    return CodebookSpec(name=name or "", description=description, codes=codes)


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _mapping(node: yaml.Node, path: str) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        raise InputError(path, "expected a mapping of key: value", _line(node))
    pairs = node.value
    result = {str(key_node.value): (key_node, value_node) for key_node, value_node in pairs}
    if len(result) == len(pairs):
        return result
    result = {}  # a key given twice: name the first repeat
    for key_node, value_node in pairs:
        key = str(key_node.value)
        if key in result:
            raise InputError(path, f"key {key!r} given twice", _line(key_node))
        result[key] = (key_node, value_node)
    raise AssertionError("unreachable: the keys were not unique")


def _scalar(mapping: dict, key: str, path: str, line: int, required: bool = False) -> str | None:
    if key not in mapping:
        if required:
            raise InputError(path, f"missing {key!r}", line)
        return None
    return _text(mapping[key][1], key, path, required)


def _text(node: yaml.Node, key: str, path: str, required: bool = False) -> str | None:
    """A field's text, stripped (None when empty), or one line why it is not text."""
    if not isinstance(node, yaml.ScalarNode):
        raise InputError(path, f"{key!r} must be text", _line(node))
    value = node.value.strip()
    if required and not value:
        raise InputError(path, f"{key!r} is empty", _line(node))
    return value or None


def _code_fields(item: yaml.Node, path: str) -> dict[str, yaml.Node]:
    """A code's fields, key → value node: a mapping with each key once, all of them :data:`CODE_KEYS`."""
    if not isinstance(item, yaml.MappingNode):
        raise InputError(path, "expected a mapping of key: value", _line(item))
    pairs = item.value
    try:
        fields = {key_node.value: value_node for key_node, value_node in pairs}
    except TypeError:  # a list or a mapping as a key: refused below, as an unknown key
        fields = {}
    if len(fields) == len(pairs) and fields.keys() <= CODE_KEYS:
        return fields
    for key, (key_node, _) in _mapping(item, path).items():  # a key given twice is named there
        if key not in CODE_KEYS:
            raise InputError(path, f"unknown key {key!r} in a code; expected one of {', '.join(sorted(CODE_KEYS))}", _line(key_node))
    raise AssertionError("unreachable: the keys were unique and known")


def _codes(node: yaml.Node, parent: str | None, parent_origin: str | None, path: str, out: list[CodeSpec]) -> None:
    """The codes of a ``codes:`` or ``children:`` list, depth first, into ``out``. Run once per code of a
    file (100,000 of them in a large one): a field is read only when the code has it."""
    if isinstance(node, yaml.ScalarNode) and node.value in ("", "null", "~"):
        return
    if not isinstance(node, yaml.SequenceNode):
        raise InputError(path, "expected a list of codes (each starting with '- id:')", _line(node))
    for item in node.value:
        fields = _code_fields(item, path)
        line = item.start_mark.line + 1
        if "id" not in fields:
            raise InputError(path, "missing 'id'", line)
        key = _text(fields["id"], "id", path, required=True) or ""
        if not CODE_ID.match(key):
            raise InputError(path, f"code id {key!r} may hold only a-z, 0-9, '_', '.', '-'", _line(fields["id"]))
        if "name" not in fields:
            raise InputError(path, "missing 'name'", line)
        name = _text(fields["name"], "name", path, required=True) or ""
        own_parent = _text(fields["parent"], "parent", path) if "parent" in fields else None
        if own_parent and parent and own_parent != parent:
            raise InputError(path, f"code {key!r} is nested under {parent!r} but names parent {own_parent!r}", line)
        origin = (_text(fields["origin"], "origin", path) if "origin" in fields else None) or parent_origin or "deductive"
        if origin not in ("deductive", "inductive"):
            raise InputError(path, f"origin must be 'deductive' or 'inductive', not {origin!r}", line)
        colour = None
        if "colour" in fields or "color" in fields:
            colour_key = "colour" if "colour" in fields else "color"
            colour = _text(fields[colour_key], colour_key, path)
            if colour is not None:
                if not COLOUR.match(colour):
                    raise InputError(path, f"colour {colour!r} must look like #RRGGBB or #RGB", _line(fields[colour_key]))
                colour = normalise_colour(colour)
        keywords: tuple[str, ...] = ()
        if "keywords" in fields:
            kw_node = fields["keywords"]
            if not isinstance(kw_node, yaml.SequenceNode) or not all(isinstance(k, yaml.ScalarNode) for k in kw_node.value):
                raise InputError(path, "keywords must be a list of words or phrases", _line(kw_node))
            keywords = tuple(filter(None, [k.value.strip() for k in kw_node.value]))
        codable = True
        if "codable" in fields:
            said = _text(fields["codable"], "codable", path)
            if said is not None:
                if said.lower() not in BOOLEANS:
                    raise InputError(path, f"codable must be true or false, not {said!r}", _line(fields["codable"]))
                codable = BOOLEANS[said.lower()]
        definition = _text(fields["definition"], "definition", path) if "definition" in fields else None
        when_to_use = _text(fields["when_to_use"], "when_to_use", path) if "when_to_use" in fields else None
        when_not_to_use = _text(fields["when_not_to_use"], "when_not_to_use", path) if "when_not_to_use" in fields else None
        example = _text(fields["example"], "example", path) if "example" in fields else None
        out.append(CodeSpec(key, name, own_parent or parent, origin, definition, when_to_use, when_not_to_use, example,
                            keywords, colour, codable, line))
        if "children" in fields:
            _codes(fields["children"], key, origin, path, out)


def _validate(codes: list[CodeSpec], path: str) -> None:
    seen = {code.key: code for code in codes}
    if len(seen) < len(codes):  # name the first repeat, with where the id was first defined
        seen = {}
        for code in codes:
            if code.key in seen:
                raise InputError(path, f"duplicate code id {code.key!r} (first defined on line {seen[code.key].line})", code.line)
            seen[code.key] = code
    if not {code.parent for code in codes} <= seen.keys() | {None}:
        for code in codes:
            if code.parent is not None and code.parent not in seen:
                raise InputError(path, f"code {code.key!r} names unknown parent {code.parent!r}", code.line)
    rooted: set[str] = set()  # codes whose ancestors are known to end at the top level
    for code in codes:
        if code.parent is None or code.parent in rooted:  # most codes: nested under one already seen
            rooted.add(code.key)
            continue
        visited = {code.key}
        parent: str | None = code.parent
        while parent is not None and parent not in rooted:
            if parent in visited:
                raise InputError(path, f"code {code.key!r} is its own ancestor (parent cycle through {parent!r})", code.line)
            visited.add(parent)
            parent = seen[parent].parent
        rooted |= visited
    if len({(code.parent, code.name.lower()) for code in codes}) < len(codes):
        siblings: set[tuple[str | None, str]] = set()
        for code in codes:
            slot = (code.parent, code.name.lower())
            if slot in siblings:
                raise InputError(path, f"two codes named {code.name!r} under the same parent", code.line)
            siblings.add(slot)
