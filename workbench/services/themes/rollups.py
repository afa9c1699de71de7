"""Who said what under each theme, and the roll-ups of it as pandas DataFrames.

A **layer** is whose codings count: one coder's, or the consensus layer (the
codings of the coder named :data:`CONSENSUS_CODER`, written by adjudication).
Every roll-up takes ``coder=NAME`` or ``consensus=True``; with neither it uses
the consensus layer when there is one, else the only coder (see
:func:`resolve_layer`). A theme's codings are the layer's codings of the
theme's codes. The participant of a coding is the participant of the turn its
start falls in; interviewer turns and unlabelled text have none, so their
codings count towards codings and sources but not participants. A participant
who speaks in an interview and in a focus group counts once.

The roll-ups (each a DataFrame indexed by theme label unless said otherwise):

* :func:`theme_summary` — per theme: label, name, type, category, dimensions,
  codes, codings, sources, participants, and sources and participants by kind
  of data collection (``participants: interview``, ...).
* :func:`theme_by_kind` — themes × kinds of source (participants, sources or codings).
* :func:`theme_by_attribute` — themes × values of one participant attribute
  (distinct participants; ``(missing)`` for those without the attribute).
* :func:`presence_matrix` — themes × participants: 1 when the participant
  speaks in the theme (or the number of codings, ``counts=True``).
* :func:`code_theme_matrix` — codes × themes: codings of the code, where the
  code belongs to the theme; empty (``<NA>``) where it does not.
* :func:`dimension_theme_crosstab` — dimensions × themes (1 when the theme
  bears on the dimension) or, ``by="type"``, dimensions × theme types
  (number of themes).

pandas is imported inside the functions, so importing this module stays cheap.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.domain.vocabulary import CONSENSUS_CODER
from workbench.errors import NotFoundError, WorkbenchError
from workbench.services.project.coders import require_coder
from workbench.services.themes.edit import Dimension, ThemeInfo, dimensions, require_theme, theme_infos
from workbench.store.engine import Project
from workbench.store.models import (
    SOURCE_KINDS,
    Code,
    Coder,
    Coding,
    Exemplar,
    Participant,
    ParticipantAttribute,
    Source,
    ThemeCode,
    Turn,
)

if TYPE_CHECKING:
    import pandas as pd

MISSING = "(missing)"


@dataclass(frozen=True)
class Layer:
    """Whose codings count: one coder, or the consensus layer."""

    coder_id: int
    name: str
    consensus: bool


@dataclass(frozen=True)
class ThemeSegment:
    """A coded segment of one of a theme's codes, as the Themes screen lists it."""

    coding_id: int
    source: str
    kind: str
    code_key: str
    code_name: str
    coder: str
    start: int
    end: int
    text: str
    participant: str | None
    starred: bool


@dataclass(frozen=True, slots=True)
class ThemeCoding:
    """One coding of the layer under one theme (a coding of a code in two themes appears twice)."""

    theme_id: int
    coding_id: int
    code_key: str
    source_id: int
    source: str
    kind: str
    participant: str | None
    start: int
    end: int


@dataclass(frozen=True)
class ThemeData:
    """Everything the roll-ups and the Word export count, read in one transaction."""

    layer: Layer
    themes: list[ThemeInfo]
    codings: list[ThemeCoding]
    dimensions: list[Dimension]
    participants: dict[str, dict[str, str]]  # pid → attributes, every participant of the project
    kinds: dict[str, int]  # kind of source → number of sources in the project
    code_order: list[str] = field(default_factory=list)  # code keys in codebook order

    def by_theme(self) -> dict[int, list[ThemeCoding]]:
        """The codings grouped by theme id (every theme present, maybe with none)."""
        groups: dict[int, list[ThemeCoding]] = {t.id: [] for t in self.themes}
        for coding in self.codings:
            groups.setdefault(coding.theme_id, []).append(coding)
        return groups


def resolve_layer(session: Session, coder: str | None = None, consensus: bool = False) -> Layer:
    """The codings to count: ``coder``'s, the consensus layer's, or, given neither, the consensus
    layer if there is one, else the only coder's."""
    if consensus and coder:
        raise WorkbenchError("choose either --coder NAME or --consensus, not both")
    if consensus or coder == CONSENSUS_CODER:
        found = session.scalar(select(Coder).where(Coder.name == CONSENSUS_CODER))
        if found is None:
            raise NotFoundError(
                f"no consensus layer yet (no coder named {CONSENSUS_CODER!r}); adjudicate first or use --coder NAME"
            )
        return Layer(found.id, found.name, True)
    if coder:
        found = require_coder(session, coder)
        return Layer(found.id, found.name, False)
    names = coders_with_codings(session)
    if CONSENSUS_CODER in names:
        return Layer(names[CONSENSUS_CODER], CONSENSUS_CODER, True)
    if len(names) == 1:
        ((name, coder_id),) = names.items()
        return Layer(coder_id, name, False)
    if not names:
        raise WorkbenchError("no codings in this project yet; code some transcripts first")
    raise WorkbenchError(f"several coders ({', '.join(sorted(names))}); choose one with --coder NAME or --consensus")


def coders_with_codings(session: Session) -> dict[str, int]:
    """Name → id of every coder (the consensus layer included) who has codings."""
    coding_coders = select(Coding.id).where(Coding.coder_id == Coder.id).exists()
    return dict(session.execute(select(Coder.name, Coder.id).where(coding_coders)).all())


def participants_by_source(session: Session, source_ids: Iterable[int]) -> dict[int, tuple[list[int], list[str | None]]]:
    """Per source: turn starts (from each turn's label, sorted) and each turn's participant id."""
    rows = session.execute(
        select(Turn.source_id, Turn.label_start, Participant.pid)
        .outerjoin(Participant, Participant.id == Turn.participant_id)
        .where(Turn.source_id.in_(list(source_ids)))
        .order_by(Turn.source_id, Turn.label_start, Turn.ordinal)
    ).all()
    result: dict[int, tuple[list[int], list[str | None]]] = {}
    for source_id, start, pid in rows:
        starts, pids = result.setdefault(source_id, ([], []))
        starts.append(start)
        pids.append(pid)
    return result


def participant_at(turns: tuple[list[int], list[str | None]] | None, position: int) -> str | None:
    """The participant of the turn containing ``position`` (None for interviewers and unlabelled text)."""
    if not turns:
        return None
    index = bisect_right(turns[0], position) - 1
    return turns[1][index] if index >= 0 else None


def theme_segments(project: Project, label: str, coder: str | None = None) -> list[ThemeSegment]:
    """The coded segments of a theme's codes (one coder's, or everyone's), starred ones marked."""
    with project.session() as session:
        theme = require_theme(session, label)
        starred = set(session.scalars(select(Exemplar.coding_id).where(Exemplar.theme_id == theme.id)))
        query = (
            select(Coding, Code.key, Code.name, Coder.name, Source.name, Source.kind)
            .join(ThemeCode, ThemeCode.code_id == Coding.code_id)
            .join(Code, Code.id == Coding.code_id)
            .join(Coder, Coder.id == Coding.coder_id)
            .join(Source, Source.id == Coding.source_id)
            .where(ThemeCode.theme_id == theme.id)
            .order_by(func.lower(Source.name), Coding.start, Coding.end, Code.key, Coder.name)
        )
        if coder is not None:
            query = query.where(Coder.name == coder)
        rows = session.execute(query).all()
        source_ids = {row[0].source_id for row in rows}
        texts = dict(session.execute(select(Source.id, Source.text).where(Source.id.in_(source_ids))).all())
        speakers = participants_by_source(session, source_ids)
        return [
            ThemeSegment(
                c.id, source, kind, key, code_name, coder_name, c.start, c.end, texts[c.source_id][c.start : c.end],
                participant_at(speakers.get(c.source_id), c.start), c.id in starred,
            )
            for c, key, code_name, coder_name, source, kind in rows
        ]


def read_theme_data(session: Session, layer: Layer) -> ThemeData:
    rows = session.execute(
        select(ThemeCode.theme_id, Coding.id, Code.key, Coding.source_id, Source.name, Source.kind, Coding.start, Coding.end)
        .join(Coding, Coding.code_id == ThemeCode.code_id)
        .join(Code, Code.id == Coding.code_id)
        .join(Source, Source.id == Coding.source_id)
        .where(Coding.coder_id == layer.coder_id)
        .order_by(ThemeCode.theme_id, func.lower(Source.name), Coding.start, Coding.end, Coding.id)
    ).all()
    speakers = participants_by_source(session, {r[3] for r in rows})
    codings = [
        ThemeCoding(t, c, key, s, name, kind, participant_at(speakers.get(s), start), start, end)
        for t, c, key, s, name, kind, start, end in rows
    ]
    participants: dict[str, dict[str, str]] = {pid: {} for pid in session.scalars(select(Participant.pid))}
    for pid, key, value in session.execute(
        select(Participant.pid, ParticipantAttribute.key, ParticipantAttribute.value).join(
            ParticipantAttribute, ParticipantAttribute.participant_id == Participant.id
        )
    ):
        participants[pid][key] = value
    kinds = dict(session.execute(select(Source.kind, func.count()).group_by(Source.kind)).all())
    from workbench.services.codebook.codes import list_codes

    return ThemeData(
        layer, theme_infos(session), codings, dimensions(session), dict(sorted(participants.items())),
        {k: kinds[k] for k in sorted(kinds, key=_kind_order)}, [c.key for c in list_codes(session)],
    )


def _kind_order(kind: str) -> tuple[int, str]:
    return (SOURCE_KINDS.index(kind) if kind in SOURCE_KINDS else len(SOURCE_KINDS), kind)


def collect(project: Project, coder: str | None = None, consensus: bool = False) -> ThemeData:
    """Read the themes and the layer's codings under them (one transaction)."""
    with project.session() as session:
        return read_theme_data(session, resolve_layer(session, coder, consensus))


# Roll-ups -------------------------------------------------------------------------
# Each takes the project and a layer, or the ThemeData already read (``data``; the project may then be None).


def _data_of(project: Project | None, coder: str | None, consensus: bool, data: ThemeData | None) -> ThemeData:
    if data is not None:
        return data
    if project is None:
        raise TypeError("a roll-up needs the project or its ThemeData")
    return collect(project, coder, consensus)


def theme_summary(project: Project | None, coder: str | None = None, consensus: bool = False, *, data: ThemeData | None = None) -> pd.DataFrame:
    """One row per theme: what it is, and codings, sources and participants (overall and by kind)."""
    import pandas as pd

    data = _data_of(project, coder, consensus, data)
    names = {d.key: d.name for d in data.dimensions}
    groups = data.by_theme()
    rows = []
    for theme in data.themes:
        mine = groups[theme.id]
        row = {
            "label": theme.label, "name": theme.name, "type": theme.type, "category": theme.category or "",
            "dimensions": "; ".join(names.get(d, d) for d in theme.dimensions), "codes": "; ".join(theme.codes),
            "codings": len(mine), "sources": len({c.source_id for c in mine}),
            "participants": len({c.participant for c in mine if c.participant}),
        }
        for kind in data.kinds:
            row[f"sources: {kind}"] = len({c.source_id for c in mine if c.kind == kind})
            row[f"participants: {kind}"] = len({c.participant for c in mine if c.kind == kind and c.participant})
        rows.append(row)
    columns = ["label", "name", "type", "category", "dimensions", "codes", "codings", "sources", "participants"]
    columns += [f"{m}: {k}" for k in data.kinds for m in ("sources", "participants")]
    return pd.DataFrame(rows, columns=columns).set_index("label")


def theme_by_kind(
    project: Project | None, coder: str | None = None, consensus: bool = False, *, measure: str = "participants",
    data: ThemeData | None = None,
) -> pd.DataFrame:
    """Themes × kinds of source: distinct ``participants`` (default), ``sources`` or ``codings``."""
    attribute = {"participants": "participant", "sources": "source_id", "codings": "coding_id"}.get(measure)
    if attribute is None:
        raise WorkbenchError(f"measure must be participants, sources or codings, not {measure!r}")
    data = _data_of(project, coder, consensus, data)
    groups = data.by_theme()
    cells = {
        (t.label, kind): len({getattr(c, attribute) for c in groups[t.id] if c.kind == kind} - {None})
        for t in data.themes for kind in data.kinds
    }
    return _grid(cells, [t.label for t in data.themes], list(data.kinds), "theme", "kind")


def theme_by_attribute(
    project: Project | None, key: str, coder: str | None = None, consensus: bool = False, *, data: ThemeData | None = None
) -> pd.DataFrame:
    """Themes × values of participant attribute ``key``: distinct participants per value."""
    data = _data_of(project, coder, consensus, data)
    if not any(key in attributes for attributes in data.participants.values()):
        known = sorted({k for attributes in data.participants.values() for k in attributes})
        raise NotFoundError(f"no participant attribute {key!r} (attributes: {', '.join(known) or 'none'})")
    values = sorted({a.get(key, MISSING) for a in data.participants.values()}, key=lambda v: (v == MISSING, v.lower()))
    cells: dict[tuple[str, str], int] = {}
    groups = data.by_theme()
    for theme in data.themes:
        people = {c.participant for c in groups[theme.id] if c.participant}
        for value in values:
            cells[theme.label, value] = sum(1 for p in people if data.participants.get(p, {}).get(key, MISSING) == value)
    return _grid(cells, [t.label for t in data.themes], values, "theme", key)


def presence_matrix(
    project: Project | None, coder: str | None = None, consensus: bool = False, *, counts: bool = False,
    data: ThemeData | None = None,
) -> pd.DataFrame:
    """Themes × participants: 1 when the participant speaks in the theme, else 0 (codings with ``counts``)."""
    data = _data_of(project, coder, consensus, data)
    cells: dict[tuple[str, str], int] = {}
    labels = {t.id: t.label for t in data.themes}
    for c in data.codings:
        if c.participant:
            key = (labels[c.theme_id], c.participant)
            cells[key] = cells.get(key, 0) + 1 if counts else 1
    return _grid(cells, list(labels.values()), list(data.participants), "theme", "participant")


def code_theme_matrix(project: Project | None, coder: str | None = None, consensus: bool = False, *, data: ThemeData | None = None) -> pd.DataFrame:
    """Codes × themes: the layer's codings of the code where the code belongs to the theme, else <NA>."""
    import pandas as pd

    data = _data_of(project, coder, consensus, data)
    members = {(key, t.label) for t in data.themes for key in t.codes}
    used = [key for key in data.code_order if any(key == k for k, _ in members)]
    labels = {t.id: t.label for t in data.themes}
    counts: dict[tuple[str, str], int] = {}
    for c in data.codings:
        counts[c.code_key, labels[c.theme_id]] = counts.get((c.code_key, labels[c.theme_id]), 0) + 1
    frame = pd.DataFrame(
        [[counts.get((k, t), 0) if (k, t) in members else pd.NA for t in labels.values()] for k in used],
        index=pd.Index(used, name="code"), columns=pd.Index(list(labels.values()), name="theme"), dtype="Int64",
    )
    return frame


def dimension_theme_crosstab(
    project: Project | None, coder: str | None = None, consensus: bool = False, *, by: str = "theme",
    data: ThemeData | None = None,
) -> pd.DataFrame:
    """Dimensions × themes (1 when the theme bears on the dimension), or ``by="type"``: themes per type."""
    if by not in ("theme", "type"):
        raise WorkbenchError(f"by must be 'theme' or 'type', not {by!r}")
    data = _data_of(project, coder, consensus, data)
    rows = [d.name for d in data.dimensions]
    names = {d.key: d.name for d in data.dimensions}
    cells: dict[tuple[str, str], int] = {}
    columns = list(dict.fromkeys(t.label if by == "theme" else t.type for t in data.themes))
    for theme in data.themes:
        for key in theme.dimensions:
            cell = (names.get(key, key), theme.label if by == "theme" else theme.type)
            cells[cell] = 1 if by == "theme" else cells.get(cell, 0) + 1
    return _grid(cells, rows, columns, "dimension", by)


def _grid(cells: dict[tuple[str, str], int], rows: list[str], columns: list[str], row_name: str, column_name: str) -> pd.DataFrame:
    import pandas as pd

    frame = pd.DataFrame(
        [[cells.get((r, c), 0) for c in columns] for r in rows],
        index=pd.Index(rows, name=row_name), columns=pd.Index(columns, name=column_name), dtype="int64",
    )
    return frame
