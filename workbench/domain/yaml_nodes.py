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

Every refusal is an :class:`~workbench.errors.InputError` naming ``file:line``.
"""

from __future__ import annotations

import gc
import re
from pathlib import Path

import yaml
import yaml.composer
import yaml.constructor
import yaml.resolver
from yaml.events import AliasEvent, CollectionStartEvent

from workbench.errors import InputError

MAX_DEPTH = 100
MAX_EXPANDED_NODES = 100_000
_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_MESSAGE = "text holds an invalid \\ud800-\\udfff escape (half of a surrogate pair); write the character itself"


class _Refused(Exception):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message, self.line = message, line


try:
    from yaml.cyaml import CParser
except ImportError:  # pragma: no cover - PyYAML built without LibYAML
    CParser = None

if CParser is not None:

    class _SafeBase(yaml.composer.Composer, CParser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
        """LibYAML's scanner and parser (events in C, about 20x faster on a large codebook) under PyYAML's
        own composer, so the bounds below still see every node."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)

else:  # pragma: no cover - PyYAML built without LibYAML
    _SafeBase = yaml.SafeLoader  # type: ignore[misc,assignment]


class _BoundedLoader(_SafeBase):
    """A safe composer, counting depth and alias expansion as it goes."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._expanded = 0  # nodes composed, an alias counting as the nodes it stands for
        self._through_aliases = 0  # of those, the ones that only aliases stand for
        self._sizes: dict[int, int] = {}  # id(node) → nodes it stands for
        self._open_anchors: set[str] = set()

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
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
    loader = None
    collecting = gc.isenabled()
    gc.disable()  # a large file is a million nodes that all stay alive: collecting meanwhile only costs time
    try:
        loader = _BoundedLoader(text)
        return loader.get_single_node()
    except _Refused as refused:
        raise InputError(path, refused.message, refused.line) from None
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else None
        if "maximum nesting depth" in str(error.problem):  # LibYAML's own bound (1,000), met before ours
            raise InputError(path, f"nested more than {MAX_DEPTH} levels deep; refused", line) from None
        if "invalid Unicode character escape" in str(error.problem):  # LibYAML refuses \ud800 itself
            raise InputError(path, _SURROGATE_MESSAGE, line) from None
        raise InputError(path, f"YAML syntax error: {' '.join(str(error.problem).split())}", line) from None
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        raise InputError(path, f"character {error.character!r} is not allowed in YAML; remove it", line) from None
    except yaml.YAMLError as error:
        raise InputError(path, f"YAML error: {' '.join(str(error).split())}") from None
    except RecursionError:  # a last resort: the bounds above are meant to stop well before it
        raise InputError(path, "nested too deeply; refused") from None
    finally:
        if collecting:
            gc.enable()
        if loader is not None:
            loader.dispose()


def read_yaml_text(path: Path, what: str) -> str:
    """The text of a YAML file we load (``what``: "codebook", "theme map"), or one clear line why not."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise InputError(path, f"cannot read the {what} ({error.strerror})") from None
    except UnicodeDecodeError:
        raise InputError(path, f"the {what} is not UTF-8 text; save it as UTF-8") from None
