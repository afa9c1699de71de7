"""Code saturation over a project (Guest, Namey & Chen 2020): which layer, which sources, in which order.

The codes of a source are the distinct codes with at least one coding of the
chosen layer in it (:func:`workbench.services.themes.rollups.resolve_layer`:
``coder=NAME``, ``consensus=True``, or the default layer). Sources come:

* ``imported`` — in import order;
* ``attribute:NAME`` — sorted by participant attribute NAME of the people who
  speak in the source (numbers as numbers when every value parses, else as
  text, so ISO dates sort by date); a focus group whose speakers differ takes
  the earliest value; ties keep import order; a source none of whose speakers
  has the attribute is an error naming it;
* a file — one source name per line (blank lines and ``#`` comments skipped);
  only the sources listed are assessed, the others are reported as left out.

``kind`` narrows to interviews or focus groups; ``inductive_only`` counts only
inductive codes. The arithmetic is :mod:`workbench.domain.saturation`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from workbench.domain import saturation as rule
from workbench.errors import InputError, WorkbenchError
from workbench.services.themes.rollups import resolve_layer
from workbench.store.engine import Project
from workbench.store.models import Code, Coding, Participant, ParticipantAttribute, Source, Turn

DEFAULT_RESAMPLES = 1000


@dataclass(frozen=True)
class SaturationReport:
    layer: str
    consensus: bool
    order_by: str  # "import order", "attribute NAME", "file PATH"
    sources: tuple[str, ...]  # in the order assessed
    codes: tuple[tuple[str, ...], ...]  # per source: its codes (keys, sorted)
    first_seen: tuple[tuple[str, ...], ...]  # per source: the codes first seen in it
    left_out: tuple[str, ...]  # sources not in an order file
    kind: str | None
    inductive_only: bool
    assessment: rule.Assessment
    band: rule.Band | None

    @property
    def statement(self) -> str:
        return rule.statement(self.assessment, self.sources)

    def as_json(self) -> dict[str, Any]:
        a = self.assessment
        band = self.band
        return {
            "layer": self.layer, "order_by": self.order_by, "kind": self.kind, "inductive_only": self.inductive_only,
            "order": list(self.sources), "new_codes": list(a.new_codes), "cumulative": list(a.cumulative),
            "first_seen": [list(c) for c in self.first_seen],
            "base": a.design.base, "run": a.design.run, "threshold": a.design.threshold, "base_codes": a.base_codes,
            "runs": [{"start": r.start, "end": r.end, "new": r.new, "share": r.share} for r in a.runs],
            "saturation": {
                "reached": a.reached, "at": a.at, "source": self.sources[a.at - 1] if a.at else None,
                "reason": a.reason, "statement": self.statement,
            },
            "resamples": None if band is None else {
                "count": band.resamples, "seed": band.seed, "reached": band.reached,
                "median": band.median, "low": band.low, "high": band.high,
                "curve": {"median": list(band.curve_median), "low": list(band.curve_low), "high": list(band.curve_high)},
            },
            "left_out": list(self.left_out),
        }


def parse_order(value: str) -> str | Path:
    """What ``--order`` (or the TUI's order prompt) names: ``imported``, ``attribute:NAME``, else an order file."""
    value = value.strip()
    return value if value == "imported" or value.startswith("attribute:") else Path(value).expanduser()


def parse_design(value: str) -> rule.Design:
    """``"4 2 0.05"`` (base, run, threshold; later ones optional) → a Design, or a one-line error."""
    parts = value.replace(",", " ").split()
    defaults = rule.Design()
    try:
        base = int(parts[0]) if parts else defaults.base
        run = int(parts[1]) if len(parts) > 1 else defaults.run
        threshold = float(parts[2].rstrip("%")) / (100 if parts[2].endswith("%") else 1) if len(parts) > 2 else defaults.threshold
    except ValueError:
        raise WorkbenchError(f"{value!r}: write the base, the run and the threshold, e.g. 4 2 0.05") from None
    design = rule.Design(base, run, threshold)
    try:
        design.check()
    except ValueError as error:
        raise WorkbenchError(str(error)) from None
    return design


def compute_saturation(
    project: Project, *, coder: str | None = None, consensus: bool = False, order: str | Path = "imported",
    kind: str | None = None, design: rule.Design | None = None, inductive_only: bool = False,
    resamples: int = DEFAULT_RESAMPLES, seed: int = 0,
) -> SaturationReport:
    design = design or rule.Design()
    try:
        design.check()
    except ValueError as error:
        raise WorkbenchError(str(error)) from None
    if resamples < 0:
        raise WorkbenchError(f"--resamples must be 0 or more, not {resamples}")
    with project.session() as session:
        layer = resolve_layer(session, coder, consensus)
        query = select(Source.id, Source.name, Source.kind).order_by(Source.imported_at, Source.id)
        if kind:
            query = query.where(Source.kind == kind)
        sources = [(i, name) for i, name, _ in session.execute(query)]
        if not sources:
            raise WorkbenchError(f"no {kind + ' ' if kind else ''}sources in this project; import transcripts first")
        codes_query = (
            select(Coding.source_id, Code.key).join(Code, Code.id == Coding.code_id)
            .where(Coding.coder_id == layer.coder_id).distinct()
        )
        if inductive_only:
            codes_query = codes_query.where(Code.origin == "inductive")
        per_source: dict[int, set[str]] = {}
        for source_id, key in session.execute(codes_query):
            per_source.setdefault(source_id, set()).add(key)
        order_by, ordered, left_out = _order(session, sources, order)
    names = [name for _, name in ordered]
    code_sets = [per_source.get(i, set()) for i, _ in ordered]
    seen: set[str] = set()
    first_seen = []
    for codes in code_sets:
        first_seen.append(tuple(sorted(codes - seen)))
        seen |= codes
    assessment = rule.assess(rule.new_codes(code_sets), design)
    band = rule.resample(code_sets, design, resamples, seed) if resamples else None
    return SaturationReport(
        layer.name, layer.consensus, order_by, tuple(names), tuple(tuple(sorted(c)) for c in code_sets),
        tuple(first_seen), tuple(left_out), kind, inductive_only, assessment, band,
    )


def _order(session: Any, sources: list[tuple[int, str]], order: str | Path) -> tuple[str, list[tuple[int, str]], list[str]]:
    text = str(order)
    if not isinstance(order, Path) and text == "imported":
        return "import order", sources, []
    if not isinstance(order, Path) and text.startswith("attribute:"):
        name = text.partition(":")[2].strip()
        if not name:
            raise WorkbenchError("--order attribute:NAME needs the attribute's name, e.g. --order attribute:interview_date")
        return f"attribute {name}", _by_attribute(session, sources, name), []
    return _from_file(Path(order), sources)


def _by_attribute(session: Any, sources: list[tuple[int, str]], name: str) -> list[tuple[int, str]]:
    rows = session.execute(
        select(Turn.source_id, ParticipantAttribute.value)
        .join(Participant, Participant.id == Turn.participant_id)
        .join(ParticipantAttribute, ParticipantAttribute.participant_id == Participant.id)
        .where(ParticipantAttribute.key == name, Turn.source_id.in_([i for i, _ in sources]))
        .distinct()
    ).all()
    if not rows:
        known = sorted(set(session.scalars(select(ParticipantAttribute.key).distinct())))
        raise WorkbenchError(f"no participant attribute {name!r} (attributes: {', '.join(known) or 'none'})")
    values: dict[int, list[str]] = {}
    for source_id, value in rows:
        values.setdefault(source_id, []).append(value.strip())
    missing = [n for i, n in sources if i not in values]
    if missing:
        raise WorkbenchError(
            f"source {missing[0]!r}{f' (and {len(missing) - 1} more)' if len(missing) > 1 else ''} has no speaker with "
            f"attribute {name!r}; set it in the attributes CSV or give the order in a file (--order FILE)"
        )
    numeric = all(_number(v) is not None for vs in values.values() for v in vs)

    def key(value: str) -> Any:
        return _number(value) if numeric else value.casefold()

    position = {i: p for p, (i, _) in enumerate(sources)}
    return sorted(sources, key=lambda s: (min(key(v) for v in values[s[0]]), position[s[0]]))


def _number(value: str) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


def _from_file(path: Path, sources: list[tuple[int, str]]) -> tuple[str, list[tuple[int, str]], list[str]]:
    from workbench.services.importing.readers import decode_text
    from workbench.services.paper.inputs import read_small_file

    if not path.exists():
        raise InputError(path, "no such order file; give a file with one source name per line, "
                         "or --order imported / --order attribute:NAME")
    text, _ = decode_text(path, read_small_file(path, "order file"))
    by_name = {name: (i, name) for i, name in sources}
    folded = {name.casefold(): (i, name) for i, name in sources}
    ordered: list[tuple[int, str]] = []
    lines: dict[str, int] = {}
    for number, line in enumerate(text.split("\n"), start=1):
        name = line.strip()
        if not name or name.startswith("#"):
            continue
        found = by_name.get(name) or folded.get(name.casefold())
        if found is None:
            raise InputError(path, f"no source {name[:80]!r} among the sources assessed; "
                             "check the name with 'workbench sources'", number)
        if found[1] in lines:
            raise InputError(path, f"{found[1]!r} is listed twice (first on line {lines[found[1]]})", number)
        lines[found[1]] = number
        ordered.append(found)
    if not ordered:
        raise InputError(path, "lists no sources; write one source name per line")
    left_out = [name for _, name in sources if name not in lines]
    return f"file {path.name}", ordered, left_out


def summary_lines(report: SaturationReport) -> list[str]:
    """The runs and the verdict in words (CLI and TUI)."""
    a = report.assessment
    layer = "the consensus layer" if report.consensus else f"{report.layer}'s codings"
    kinds = f" {report.kind}" if report.kind else ""
    codes = "inductive codes" if report.inductive_only else "codes"
    lines = [f"{len(report.sources)}{kinds} sources in {report.order_by}; {codes} of {layer}; "
             f"base: sources 1–{min(a.design.base, len(report.sources))}, {a.base_codes} codes"]
    if report.left_out:
        lines.append(f"left out (not in the order file): {', '.join(report.left_out)}")
    for r in a.runs:
        share = "—" if r.share is None else f"{r.share * 100:.1f}%"
        mark = "  ← first run at or below the threshold" if r is a.qualifying else ""
        lines.append(f"run {r.start}–{r.end}: {r.new} new ({share}){mark}")
    lines.append(report.statement)
    band = report.band
    if band is not None:
        def n(value: int | None) -> str:
            return "not reached" if value is None else str(value)

        if band.reached == 0:
            lines.append(f"random orders ({band.resamples:,}, seed {band.seed}): saturation reached in none")
        else:
            lines.append(
                f"random orders ({band.resamples:,}, seed {band.seed}): reached in {band.reached:,}; "
                f"median n = {n(band.median)}, 95% range {n(band.low)}–{n(band.high)}"
            )
    return lines


def layer_names(project: Project) -> list[str]:
    """The layers saturation can be computed on: the consensus first, then each coder with codings."""
    from workbench.services.themes.rollups import CONSENSUS_CODER, coders_with_codings

    with project.session() as session:
        names = sorted(coders_with_codings(session))
    return sorted(names, key=lambda n: (n != CONSENSUS_CODER, n.casefold()))
