"""Table 1: participant characteristics, for all participants and by data collection (or an attribute).

The sample is every participant heard in at least one source (interviewers
are not participants); people listed in the attributes without a source are
left out and said so in the note. Columns: all participants, then by default
**interview only**, **focus group only** and **both** (a participant heard in
both kinds is one person, in *both*; anyone heard only in other sources is in
an *other* column, shown when there is anyone), or ``by=ATTRIBUTE``: one column
per value of that attribute. Each header carries its N.

Rows, one characteristic per participant attribute: numeric attributes as mean
(SD) and range, categorical ones as n (%) per level (see
:mod:`workbench.domain.characteristics`). Types are inferred, or declared in
the attributes CSV header (``years:numeric``, stored with the project) or in a
YAML file given to the export, which may also set a label, the order of the
levels and the order of the attributes::

    years_experience: numeric
    gender:
      type: categorical
      label: Gender
      levels: [female, male, non-binary]
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from workbench.domain import characteristics as stats
from workbench.errors import InputError, WorkbenchError
from workbench.services.project.participants import TYPES_SETTING
from workbench.store.engine import Project
from workbench.store.models import Participant, ParticipantAttribute, Setting, Source, Turn

KIND_COLUMNS = (("interview only", {"interview"}), ("focus group only", {"focus-group"}))


@dataclass(frozen=True)
class Characteristic:
    key: str
    label: str
    type: str
    levels: tuple[str, ...]  # categorical: in table order (MISSING last when anyone lacks a value)


@dataclass(frozen=True)
class Column:
    name: str  # "All participants", "Interview only", ...
    members: tuple[str, ...]  # participant ids

    @property
    def header(self) -> str:
        return f"{self.name} (N = {len(self.members)})"


@dataclass(frozen=True)
class Row:
    characteristic: str  # key
    label: str  # as printed in the first column
    heading: bool  # an attribute's first row (bold)
    statistic: str  # "n (%)", "mean (SD)", "range", ""
    cells: tuple[str, ...]  # formatted, one per column
    values: tuple[dict[str, float | int | None], ...]  # the numbers behind each cell


@dataclass(frozen=True)
class ParticipantsTable:
    columns: tuple[Column, ...]
    characteristics: tuple[Characteristic, ...]
    rows: tuple[Row, ...]
    by: str  # "kind" or an attribute key
    left_out: tuple[str, ...]  # participants without any source
    note: str


def participants_table(project: Project, by: str = "kind", types_file: Path | None = None) -> ParticipantsTable:
    declared = read_types_file(types_file) if types_file else {}
    with project.session() as session:
        setting = session.get(Setting, TYPES_SETTING)
        stored = json.loads(setting.value) if setting else {}
        people = list(session.scalars(select(Participant.pid).order_by(Participant.pid)))
        attributes: dict[str, dict[str, str]] = {pid: {} for pid in people}
        for pid, key, value in session.execute(
            select(Participant.pid, ParticipantAttribute.key, ParticipantAttribute.value)
            .join(ParticipantAttribute, ParticipantAttribute.participant_id == Participant.id)
        ):
            attributes[pid][key] = value
        kinds: dict[str, set[str]] = {}
        for pid, kind in session.execute(
            select(Participant.pid, Source.kind).join(Turn, Turn.participant_id == Participant.id)
            .join(Source, Source.id == Turn.source_id).distinct()
        ):
            kinds.setdefault(pid, set()).add(kind)
    sample = [pid for pid in people if pid in kinds]
    if not sample:
        raise WorkbenchError("no participants heard in any source yet; import transcripts (with --attributes) first")
    left_out = tuple(pid for pid in people if pid not in kinds)
    keys = sorted({k for pid in sample for k in attributes[pid]}, key=str.casefold)
    unknown = sorted(set(declared) - set(keys))
    if unknown and types_file is not None:
        raise InputError(types_file, f"no participant attribute {unknown[0]!r} (attributes: {', '.join(keys) or 'none'})")
    order = [k for k in declared if k in keys] + [k for k in keys if k not in declared]
    characteristics = [_characteristic(k, [attributes[p].get(k, "") for p in sample], declared.get(k, {}), stored.get(k)) for k in order]
    columns = [Column("All participants", tuple(sample))]
    if by == "kind":
        for name, wanted in KIND_COLUMNS:
            columns.append(Column(name.capitalize(), tuple(p for p in sample if kinds[p] == wanted)))
        columns.append(Column("Both", tuple(p for p in sample if {"interview", "focus-group"} <= kinds[p])))
        placed = {p for c in columns[1:] for p in c.members}
        other = tuple(p for p in sample if p not in placed)
        if other:
            columns.append(Column("Other sources only", other))
    else:
        if by not in keys:
            raise WorkbenchError(f"--by {by!r}: no participant attribute of that name (attributes: {', '.join(keys) or 'none'}; or --by kind)")
        group = next(c for c in characteristics if c.key == by)
        levels = group.levels if group.type == stats.CATEGORICAL else _levels([attributes[p].get(by, "") for p in sample], None)
        for level in levels:
            columns.append(Column(f"{group.label}: {level}", tuple(p for p in sample if (attributes[p].get(by) or stats.MISSING) == level)))
        characteristics = [c for c in characteristics if c.key != by]
    rows = [row for c in characteristics for row in _rows(c, columns, attributes)]
    note = _note(by, left_out, characteristics)
    return ParticipantsTable(tuple(columns), tuple(characteristics), tuple(rows), by, left_out, note)


def _characteristic(key: str, values: list[str], declared: dict[str, Any], stored: str | None) -> Characteristic:
    kind = declared.get("type") or stored or stats.infer_type(values)
    if kind == stats.NUMERIC and any(v.strip() and stats.parse_number(v) is None for v in values):
        bad = next(v for v in values if v.strip() and stats.parse_number(v) is None)
        raise WorkbenchError(f"attribute {key!r} is declared numeric but has the value {bad[:40]!r}; fix the value or declare it categorical")
    words = key.replace("_", " ").strip()
    label = declared.get("label") or (words[:1].upper() + words[1:])
    levels = _levels(values, declared.get("levels")) if kind == stats.CATEGORICAL else ()
    return Characteristic(key, label, kind, levels)


def _levels(values: list[str], declared: list[str] | None) -> tuple[str, ...]:
    given = {v.strip() for v in values if v.strip()}
    ordered = [str(v) for v in declared or [] if str(v) in given]
    rest = sorted(given - set(ordered), key=lambda v: (stats.parse_number(v) is None, stats.parse_number(v) or 0, v.casefold()))
    missing = [stats.MISSING] if any(not v.strip() for v in values) else []
    return tuple(ordered + rest + missing)


def _rows(c: Characteristic, columns: list[Column], attributes: dict[str, dict[str, str]]) -> list[Row]:
    if c.type == stats.NUMERIC:
        summaries = [stats.summarise([n for p in col.members if (n := stats.parse_number(attributes[p].get(c.key, ""))) is not None]) for col in columns]
        values = tuple({"n": s.n, "mean": s.mean, "sd": s.sd, "min": s.minimum, "max": s.maximum} for s in summaries)
        rows = [
            Row(c.key, f"{c.label}, mean (SD)", True, "mean (SD)", tuple(s.mean_sd() for s in summaries), values),
            Row(c.key, "Range", False, "range", tuple(s.range() for s in summaries), values),
        ]
        missing = [len(col.members) - s.n for col, s in zip(columns, summaries)]
        if any(missing):
            rows.append(Row(c.key, "Missing, n (%)", False, "n (%)",
                            tuple(stats.count_percent(m, len(col.members)) for m, col in zip(missing, columns)),
                            tuple({"n": m, "percent": _percent(m, len(col.members))} for m, col in zip(missing, columns))))
        return rows
    rows = [Row(c.key, f"{c.label}, n (%)", True, "", tuple("" for _ in columns), tuple({} for _ in columns))]
    for level in c.levels:
        counts = [sum(1 for p in col.members if (attributes[p].get(c.key, "").strip() or stats.MISSING) == level) for col in columns]
        rows.append(Row(c.key, level, False, "n (%)", tuple(stats.count_percent(n, len(col.members)) for n, col in zip(counts, columns)),
                        tuple({"n": n, "percent": _percent(n, len(col.members))} for n, col in zip(counts, columns))))
    return rows


def _percent(count: int, total: int) -> float | None:
    return round(100 * count / total, 1) if total else None


def _note(by: str, left_out: tuple[str, ...], characteristics: list[Characteristic]) -> str:
    parts = ["Values are n (%) or, for numeric characteristics, mean (SD) and range."]
    if by == "kind":
        parts.append("Interview only, focus group only and both: the kinds of data collection a participant took part in; "
                     "a participant heard in an interview and a focus group is counted once, under both.")
    if any(stats.MISSING in c.levels for c in characteristics):
        parts.append(f"{stats.MISSING}: no value recorded.")
    if left_out:
        parts.append(f"{len(left_out)} {'person' if len(left_out) == 1 else 'people'} in the attributes file but heard in no source "
                     f"{'is' if len(left_out) == 1 else 'are'} not counted ({', '.join(left_out)}).")
    return " ".join(parts)


def read_types_file(path: Path) -> dict[str, dict[str, Any]]:
    """Attribute declarations from YAML: ``key: numeric`` or ``key: {type, label, levels}`` (file order kept)."""
    import yaml

    from workbench.services.paper.inputs import read_small_file

    raw = read_small_file(path, "attribute types file")
    try:
        data = yaml.safe_load(raw.decode("utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        line = getattr(getattr(error, "problem_mark", None), "line", None)
        raise InputError(path, "is not valid UTF-8 YAML; write 'attribute: numeric' or 'attribute: categorical' per line",
                         None if line is None else line + 1) from None
    if not isinstance(data, dict):
        raise InputError(path, "should map attribute names to numeric or categorical")
    result: dict[str, dict[str, Any]] = {}
    for key, value in data.items():
        entry = {"type": value} if isinstance(value, str) else value
        if not isinstance(entry, dict) or entry.get("type") not in (None, *stats.TYPES):
            raise InputError(path, f"attribute {key!r}: the type must be numeric or categorical")
        levels = entry.get("levels")
        if levels is not None and not isinstance(levels, list):
            raise InputError(path, f"attribute {key!r}: levels must be a list")
        result[str(key)] = {"type": entry.get("type"), "label": entry.get("label"), "levels": levels}
    return result
