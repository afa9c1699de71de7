"""The codings an agreement report compares, read from the project into numpy columns.

:func:`load_codings` checks the coders, reads their codings (a few 100,000 rows, straight from the
driver's cursor), keeps the sources every coder coded, and reads what the unit needs: the segments or
turns, or for the character bootstrap the sentence starts that cut the text into blocks.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Executable

from workbench.agreement.characters import BlockLayout
from workbench.agreement.codings import CodingColumns
from workbench.errors import WorkbenchError
from workbench.services.project.coders import require_coder
from workbench.store.engine import Project
from workbench.store.integrity import require_intact_codings
from workbench.store.models import Code, Coding, Segment, Source, Turn

Units = dict[Hashable, list[tuple[int, int]]]  # source -> units (segments or turns)
Spans = dict[Hashable, dict[Hashable, list[tuple[int, int]]]]  # one coder's codings: source -> code -> spans


@dataclass(frozen=True)
class Compared:
    """What a report compares: the coders, their codings in the sources all of them coded, and the units."""

    coders: tuple[str, ...]
    columns: CodingColumns  # the coders' codings in the compared sources (in ``lengths`` order), codes sorted
    lengths: dict[str, int]
    units: Units
    layout: BlockLayout  # sentence blocks (the character bootstrap), else one block per source
    names: dict[str, str]  # code key -> name
    skipped: tuple[str, ...]

    def codings(self) -> tuple[Spans, ...]:
        """Per coder: source -> code -> [(start, end)], sorted (the segment and turn levels)."""
        c = self.columns
        sources, codes = [str(source) for source in c.sources], [str(code) for code in c.codes]
        result: tuple[Spans, ...] = tuple({} for _ in self.coders)
        order = np.lexsort((c.end, c.start, c.code, c.source, c.coder))
        for coder, source, code, start, end in zip(
            *(array[order].tolist() for array in (c.coder, c.source, c.code, c.start, c.end)), strict=True
        ):
            result[coder].setdefault(sources[source], {}).setdefault(codes[code], []).append((start, end))
        return result


def _int_columns(connection: Connection, statement: Executable, width: int) -> np.ndarray:
    """(width, rows) int64 columns of a query of ``width`` integer columns, read from the driver's cursor:
    100,000s of plain tuples, none of SQLAlchemy's Row objects (integers need no result processing)."""
    result = connection.execute(statement)
    try:
        rows = result.cursor.fetchall()
    finally:
        result.close()
    flat = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64, count=width * len(rows))
    return flat.reshape(len(rows), width).T


def load_codings(project: Project, coder_names: Sequence[str], unit: str, blocks_needed: bool) -> Compared:
    names = [name.strip() for name in coder_names]
    if len(set(names)) < 2:
        only = f" (only {names[0]!r})" if names else ""
        raise WorkbenchError(f"agreement compares two or more different coders{only}; name them with --coders A B")
    with project.session() as session:
        coders = [require_coder(session, name) for name in names]
        require_intact_codings(session)  # so every coding's source and code exist
        connection = session.connection()  # Core rows into numpy: no ORM bookkeeping for 100,000s of tuples
        coder_id, source_id, code_id, start, end = _int_columns(connection, (
            select(Coding.coder_id, Coding.source_id, Coding.code_id, Coding.start, Coding.end)
            .where(Coding.coder_id.in_([coder.id for coder in coders]))
        ), 5)  # fmt: skip
        position = np.full(max(coder.id for coder in coders) + 1, -1, dtype=np.int64)
        for i, named in enumerate(coders):
            position[named.id] = i
        coder = position[coder_id]  # index in the order the coders were named
        codings_of = np.bincount(coder, minlength=len(coders))
        for named in coders:
            if not codings_of[position[named.id]]:
                raise WorkbenchError(f"coder {named.name!r} has no codings in this project; choose a coder who has coded")
        all_sources = connection.execute(select(Source.id, Source.name).order_by(Source.name)).all()
        top = max([int(i) for i, _ in all_sources] + [int(source_id.max(initial=0))]) + 1
        coded = np.bincount(np.unique(source_id * len(coders) + coder) // len(coders), minlength=top)
        compared = [name for i, name in all_sources if coded[i] == len(coders)]
        if not compared:
            raise WorkbenchError(f"no source was coded by all of {', '.join(names)}; agreement needs double-coded sources")
        lengths: dict[str, int] = dict(
            connection.execute(select(Source.name, func.length(Source.text)).where(Source.name.in_(compared))).all()
        )  # fmt: skip
        ids = {name: int(i) for i, name in all_sources}
        index = np.full(top, -1, dtype=np.int64)  # source id -> position in ``lengths``
        index[[ids[name] for name in lengths]] = np.arange(len(lengths))
        codebook = connection.execute(select(Code.id, Code.key, Code.name)).all()
        code_names = {key: name for _, key, name in codebook}
        code_keys = {int(i): key for i, key, _ in codebook}
        units = _units(connection, unit, list(lengths)) if unit != "character" else {}
        length_array = np.fromiter(lengths.values(), dtype=np.int64, count=len(lengths))
        if blocks_needed:
            segment_source, segment_start = _int_columns(connection, (
                select(Segment.source_id, Segment.start).where(Segment.source_id.in_([ids[s] for s in lengths]))
            ), 2)  # fmt: skip
            layout = BlockLayout.of_starts(length_array, index[segment_source], segment_start)
        else:
            layout = BlockLayout.of(lengths)
    source = index[source_id]
    keep = source >= 0
    used = np.unique(code_id[keep])
    keys = sorted(code_keys[i] for i in used.tolist())
    rank = {key: i for i, key in enumerate(keys)}
    code_index = np.zeros(int(used.max(initial=0)) + 1, dtype=np.int64)
    code_index[used] = [rank[code_keys[i]] for i in used.tolist()]
    columns = CodingColumns(coder[keep], source[keep], code_index[code_id[keep]], start[keep], end[keep],
                            tuple(lengths), tuple(keys))  # fmt: skip
    columns.check_lengths(length_array, names)
    skipped = tuple(s for s in (name for _, name in all_sources) if s not in lengths)
    return Compared(tuple(names), columns, lengths, units, layout, code_names, skipped)


def _units(connection: Connection, unit: str, compared: list[str]) -> Units:
    """The segments or turns of the compared sources, in order."""
    table = Turn if unit == "turn" else Segment
    units: Units = {source: [] for source in compared}
    for source, start, end in connection.execute(
        select(Source.name, table.start, table.end)
        .join(Source, Source.id == table.source_id)
        .where(Source.name.in_(compared), table.end > table.start)
        .order_by(Source.name, table.start)
    ):
        units[source].append((start, end))
    return units
