"""YAML files we load (codebooks, theme maps) composed into nodes, safely.

One home for the rules every YAML file meets before anything is built from it:

* **aliases** are bounded: an alias to a node still being composed (a
  recursive alias) is refused, and so is a document whose aliases would
  expand to more than :data:`MAX_EXPANDED_NODES` nodes ("billion laughs");
* **depth** is bounded at :data:`MAX_DEPTH` nested collections (a codebook
  nests codes about two levels per code level), checked while composing, so
  100,000 nested brackets never reach Python's recursion limit;
* **text** may not hold a lone surrogate (``"\\ud800"``), which no file can
  store and no database can take.

Scalars are text: a node without a tag of its own is tagged ``str``, ``seq`` or
``map`` (no implicit booleans, numbers or nulls; each format checks its text).

Every refusal is an :class:`~workbench.errors.InputError` naming ``file:line``.

Two composers keep these rules. LibYAML's own (C) composer takes a file that
has no anchor (so no alias can follow) and no lone surrogate, with its depth
counted through the resolver hooks it calls for every node: a 100,000-code
codebook composes several times faster than with PyYAML's Python composer.
Anything else (a possible anchor, a node deeper than :data:`MAX_DEPTH`, a
composer error) goes to the careful composer, PyYAML's own in Python over
LibYAML's events, which counts every node: so each refusal, and its line, is
the careful composer's.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
import yaml.composer
import yaml.constructor
import yaml.resolver
from yaml.events import AliasEvent, CollectionStartEvent
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from workbench.collector import paused_gc
from workbench.errors import InputError

MAX_DEPTH = 100
MAX_EXPANDED_NODES = 100_000
_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_MESSAGE = "text holds an invalid \\ud800-\\udfff escape (half of a surrogate pair); write the character itself"
# How an anchor token starts: "&" and a character of its name. LibYAML takes [0-9A-Za-z_-] there; any
# character but a blank is counted, so a LibYAML that took more could not slip an anchor past the check.
_AMPERSAND = re.compile(r"&(?=[^ \t\r\n])")


_PLAIN_TAGS = {ScalarNode: "tag:yaml.org,2002:str", SequenceNode: "tag:yaml.org,2002:seq",
               MappingNode: "tag:yaml.org,2002:map"}


def _plain_tag(kind: type, value: object, implicit: object) -> str:
    """The tag of a node that names none (both composers' ``resolve``). Our formats read every scalar as
    text ("yes", "1.0" and "~" are the texts they say, checked as such), so implicit tags ("true" a bool,
    "1" an int) are not resolved: a million regular-expression matches saved on a large codebook."""
    return _PLAIN_TAGS[kind]


class _Refused(Exception):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message, self.line = message, line


class _Careful(Exception):
    """The fast composer cannot vouch for this document: compose it again with the careful one."""


try:
    from yaml.cyaml import CParser
except ImportError:  # pragma: no cover - PyYAML built without LibYAML
    CParser = None

_fast_loader: type | None = None  # LibYAML's composer, where PyYAML has LibYAML

if CParser is not None:

    class _SafeBase(yaml.composer.Composer, CParser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
        """LibYAML's scanner and parser (events in C, about 20x faster on a large codebook) under PyYAML's
        own composer, so the bounds below still see every node."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)

    class _FastLoader(CParser):
        """LibYAML's composer, which calls ``descend_resolver`` before and ``ascend_resolver`` after every
        node but an alias: the depth is counted there (a stack of the open nodes), and a node deeper than
        :data:`MAX_DEPTH` hands the document to the careful composer; ``resolve`` is :func:`_plain_tag`.
        These hooks are called a million times on a large codebook: closures over local names."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            open_nodes: list[object] = []
            push = open_nodes.append

            def descend_resolver(current_node: object, current_index: object) -> None:
                push(current_node)
                if len(open_nodes) > MAX_DEPTH:
                    raise _Careful

            self.resolve = _plain_tag
            self.descend_resolver = descend_resolver
            self.ascend_resolver = open_nodes.pop

    _fast_loader = _FastLoader

else:  # pragma: no cover - PyYAML built without LibYAML
    _SafeBase = yaml.SafeLoader  # type: ignore[misc]


class _BoundedLoader(_SafeBase):
    """The careful composer: PyYAML's, counting depth and alias expansion as it goes."""

    def resolve(self, kind: type, value: object, implicit: object) -> str:
        return _plain_tag(kind, value, implicit)

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._expanded = 0  # nodes composed, an alias counting as the nodes it stands for
        self._through_aliases = 0  # of those, the ones that only aliases stand for
        self._sizes: dict[int, int] = {}  # id(node) → nodes it stands for
        self._open_anchors: set[str] = set()

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
        event = self.peek_event()
        line = event.start_mark.line + 1
        if isinstance(event, AliasEvent):
            if event.anchor in self._open_anchors:
                raise _Refused(f"alias *{event.anchor} refers to the node that contains it (a recursive alias); refused", line)
            node = super().compose_node(parent, index)
            size = self._sizes.get(id(node), 1)
            self._expanded += size
            self._through_aliases += size
            if self._through_aliases > MAX_EXPANDED_NODES:
                raise _Refused(f"aliases expand past {MAX_EXPANDED_NODES} values (a \"billion laughs\" file?); refused", line)
            return node
        collection = isinstance(event, CollectionStartEvent)
        anchor = getattr(event, "anchor", None)
        if collection:
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise _Refused(f"nested more than {MAX_DEPTH} levels deep; refused", line)
            if anchor:
                self._open_anchors.add(anchor)
        before = self._expanded
        self._expanded += 1
        try:
            node = super().compose_node(parent, index)
        finally:
            if collection:
                self._depth -= 1
                self._open_anchors.discard(anchor)
        if isinstance(node, yaml.ScalarNode) and _SURROGATE.search(node.value):
            raise _Refused(_SURROGATE_MESSAGE, line)
        self._sizes[id(node)] = self._expanded - before
        return node


def compose(text: str, path: str) -> yaml.Node | None:
    """The document's node tree (None for an empty document), or an InputError naming ``path:line``."""
    with paused_gc():
        if _fast_loader is not None and not _may_hold_surrogate(text) and not _may_hold_anchor(text):
            try:
                return _compose_fast(text, path)
            except _Careful:
                pass
        return _compose_carefully(text, path)


def _may_hold_anchor(text: str) -> bool:
    """Whether an anchor could start anywhere in ``text``. LibYAML never starts one right after a letter or
    digit (there the "&" is inside a plain scalar, as in "R&D"); over-matching ("Q &A") only costs time."""
    for found in _AMPERSAND.finditer(text):
        before = text[found.start() - 1] if found.start() else " "
        if not (before.isascii() and before.isalnum()):
            return True
    return False


def _may_hold_surrogate(text: str) -> bool:
    return not text.isascii() and _SURROGATE.search(text) is not None  # isascii() is a flag: no scan


def _compose_fast(text: str, path: str) -> yaml.Node | None:
    """LibYAML's composer on a document without anchors or surrogates. Its scanner's and parser's errors
    are the careful composer's (the same events, in the same order, with no refusal possible before them);
    anything else raises :class:`_Careful`."""
    assert _fast_loader is not None
    loader = _fast_loader(text)
    try:
        node = loader.get_single_node()
        assert node is None or isinstance(node, (ScalarNode, SequenceNode, MappingNode))
        return node
    except (yaml.scanner.ScannerError, yaml.parser.ParserError, yaml.reader.ReaderError) as error:
        raise _input_error(error, text, path) from None
    except Exception:  # a composer error, our depth bound: the careful composer says what it is
        raise _Careful from None
    finally:
        loader.dispose()


def _compose_carefully(text: str, path: str) -> yaml.Node | None:
    loader = None
    try:
        loader = _BoundedLoader(text)
        node: yaml.Node | None = loader.get_single_node()
        return node
    except _Refused as refused:
        raise InputError(path, refused.message, refused.line) from None
    except yaml.YAMLError as error:
        raise _input_error(error, text, path) from None
    except RecursionError:  # a last resort: the bounds above are meant to stop well before it
        raise InputError(path, "nested too deeply; refused") from None
    finally:
        if loader is not None:
            loader.dispose()


def _input_error(error: yaml.YAMLError, text: str, path: str) -> InputError:
    if isinstance(error, yaml.MarkedYAMLError):
        line = error.problem_mark.line + 1 if error.problem_mark else None
        if "maximum nesting depth" in str(error.problem):  # LibYAML's own bound (1,000), met before ours
            return InputError(path, f"nested more than {MAX_DEPTH} levels deep; refused", line)
        if "invalid Unicode character escape" in str(error.problem):  # LibYAML refuses \ud800 itself
            return InputError(path, _SURROGATE_MESSAGE, line)
        return InputError(path, f"YAML syntax error: {' '.join(str(error.problem).split())}", line)
    if isinstance(error, yaml.reader.ReaderError):
        line = text.count("\n", 0, error.position) + 1
        return InputError(path, f"character {error.character!r} is not allowed in YAML; remove it", line)
    return InputError(path, f"YAML error: {' '.join(str(error).split())}")


def read_yaml_text(path: Path, what: str) -> str:
    """The text of a YAML file we load (``what``: "codebook", "theme map"), or one clear line why not."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise InputError(path, f"cannot read the {what} ({error.strerror})") from None
    except UnicodeDecodeError:
        raise InputError(path, f"the {what} is not UTF-8 text; save it as UTF-8") from None
