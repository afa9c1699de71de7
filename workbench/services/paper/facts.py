"""What the project knows about how the study was done, for the methods appendix (read, never guessed).

Every field is a count or name read from the project, or ``None`` where the
project does not hold the fact. Counts of codings per theme and the saturation
come from one named layer (``coder``/``consensus``, else the default layer of
:func:`workbench.services.themes.rollups.resolve_layer`); when no layer can be
chosen (several coders, no consensus) those facts are missing, with the reason.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from workbench import __version__
from workbench.errors import WorkbenchError
from workbench.services.themes import rollups
from workbench.store.engine import Project
from workbench.store.models import Adjudication, Code, Codebook, Coder, Coding, Source, Turn


@dataclass(frozen=True)
class ThemeFact:
    label: str
    name: str
    type: str
    category: str | None
    participants: int


@dataclass(frozen=True)
class Facts:
    version: str
    sources: dict[str, int]  # kind → sources
    words: dict[str, int]  # kind → words
    timestamped: dict[str, int]  # kind → sources with time stamps
    minutes: dict[str, list[float]]  # kind → duration (minutes) of each time-stamped source
    participants: int
    by_kind: dict[str, int]  # "interview only", "focus group only", "both", "other sources only" → participants
    characteristics: list[str]  # attribute labels for Table 1
    repeat_interviewed: int  # participants heard in two or more interviews
    codebooks: list[str]
    codes: int  # codable codes
    frame: list[str]  # top-level deductive codes (names)
    depth: int  # levels in the code tree
    inductive: int  # inductive codes (not counting folders that only group them)
    coders: dict[str, int]  # coder (not the consensus) → codings
    double_coded: int  # sources coded by two or more coders
    double_coded_words: int
    agreement: dict | None  # kappa, kappa_ci, percent, alpha, alpha_ci, coders, codes, sources
    agreement_missing: str | None
    adjudications: dict[str, int]  # decision → count
    consensus_codings: int
    layer: str | None  # "coded by ana" / "consensus layer"
    layer_missing: str | None
    saturation: str | None
    saturation_band: str | None
    saturation_order: str  # "import order", "attribute interview_date", "file order.txt"
    themes: list[ThemeFact]
    categories: int
    types: list[tuple[str, int]]  # type → themes


def collect_facts(project: Project, coder: str | None = None, consensus: bool = False, resamples: int = 1000,
                  order: str | Path = "imported") -> Facts:
    from workbench.services.codebook.codes import list_codes
    from workbench.services.paper.participants_table import participants_table

    with project.session() as session:
        sources = list(session.execute(select(Source.id, Source.kind, Source.word_count)))
        kinds: Counter[str] = Counter(k for _, k, _ in sources)
        words: Counter[str] = Counter()
        for _, kind, count in sources:
            words[kind] += count or 0
        ends = dict(session.execute(
            select(Turn.source_id, func.max(func.coalesce(Turn.time_end_ms, Turn.time_start_ms)))
            .where(Turn.time_start_ms.is_not(None)).group_by(Turn.source_id)
        ).all())
        kind_of = {i: k for i, k, _ in sources}
        minutes: dict[str, list[float]] = {}
        for source_id, end in ends.items():
            if end:
                minutes.setdefault(kind_of[source_id], []).append(end / 60000)
        codes = list_codes(session)
        codable = {c.key for c in codes} - set(session.scalars(select(Code.key).where(Code.codable.is_(False))))
        books = list(session.scalars(select(Codebook.name).order_by(Codebook.id)))
        per_coder = dict(session.execute(
            select(Coder.name, func.count(Coding.id)).join(Coding, Coding.coder_id == Coder.id).group_by(Coder.name)
        ).all())
        consensus_codings = per_coder.pop(rollups.CONSENSUS_CODER, 0)
        coded_by: dict[int, set[str]] = {}
        for source_id, name in session.execute(
            select(Coding.source_id, Coder.name).join(Coder, Coder.id == Coding.coder_id).distinct()
        ):
            if name != rollups.CONSENSUS_CODER:
                coded_by.setdefault(source_id, set()).add(name)
        double = [i for i, names in coded_by.items() if len(names) >= 2]
        word_of = {i: w or 0 for i, _, w in sources}
        decisions: Counter[str] = Counter(session.scalars(select(Adjudication.decision)))
        pairs = Counter(session.execute(select(Adjudication.first_coder_id, Adjudication.second_coder_id)).all())
        names = dict(session.execute(select(Coder.id, Coder.name)).all())
        try:
            layer = rollups.resolve_layer(session, coder, consensus)
            layer_missing = None
        except WorkbenchError as error:
            layer, layer_missing = None, str(error)
        data = rollups.read_theme_data(session, layer) if layer else None
    try:
        table = participants_table(project)
        heard = len(table.columns[0].members)
        by_kind = {c.name.lower(): len(c.members) for c in table.columns[1:]}
        characteristics = [c.label for c in table.characteristics]
        repeat = _repeat_interviewed(project)
    except WorkbenchError:
        heard, by_kind, characteristics, repeat = 0, {}, [], 0
    agreement, agreement_missing = _agreement(project, pairs, names, per_coder)
    saturation = band = None
    saturation_order = ""
    if layer is not None:
        from workbench.services.paper.saturation import compute_saturation, summary_lines

        try:
            report = compute_saturation(project, coder=layer.name, resamples=resamples, order=order)
            saturation = report.statement
            saturation_order = report.order_by
            band = summary_lines(report)[-1] if report.band else None
        except WorkbenchError as error:
            saturation = None
            layer_missing = str(error)
    themes = []
    if data is not None:
        groups = data.by_theme()
        themes = [ThemeFact(t.label, t.name, t.type, t.category, len({c.participant for c in groups[t.id] if c.participant}))
                  for t in data.themes]
    phrase = None if layer is None else ("consensus layer" if layer.consensus else f"coded by {layer.name}")
    top = [c for c in codes if c.parent_key is None and c.origin == "deductive"]
    parents = {c.parent_key for c in codes if c.parent_key}  # an inductive folder groups codes; it is not one added
    return Facts(
        __version__, dict(kinds), dict(words), {k: len(v) for k, v in minutes.items()}, minutes,
        heard, by_kind, characteristics, repeat, books, len(codable), [c.name for c in top],
        max((c.depth for c in codes), default=-1) + 1, sum(1 for c in codes if c.origin == "inductive" and c.key in codable and c.key not in parents),
        dict(sorted(per_coder.items())), len(double), sum(word_of[i] for i in double), agreement, agreement_missing,
        dict(decisions), consensus_codings, phrase, layer_missing, saturation, band, saturation_order, themes,
        len({t.category for t in themes if t.category}), list(Counter(t.type for t in themes).items()),
    )


def _repeat_interviewed(project: Project) -> int:
    from workbench.store.models import Participant

    with project.session() as session:
        rows = session.execute(
            select(Participant.pid, func.count(func.distinct(Source.id)))
            .join(Turn, Turn.participant_id == Participant.id).join(Source, Source.id == Turn.source_id)
            .where(Source.kind == "interview").group_by(Participant.pid)
        ).all()
    return sum(1 for _, n in rows if n >= 2)


def _agreement(project: Project, pairs: Counter, names: dict[int, str], coders: dict[str, int]) -> tuple[dict | None, str | None]:
    """Character-level agreement of the adjudicated pair (else the only two coders), as in 'workbench agreement'."""
    if pairs:
        (first, second), _ = pairs.most_common(1)[0]
        pair = (names[first], names[second])
    elif len(coders) == 2:
        only, other = coders
        pair = (only, other)
    else:
        return None, (f"{len(coders)} coder{'s' if len(coders) != 1 else ''} and no review session: "
                      "no pair of coders to compare")
    from workbench.services.agreement.compute import compute_agreement

    try:
        report = compute_agreement(project, list(pair), unit="character", resamples=200, seed=0)
    except WorkbenchError as error:
        return None, str(error)
    o = report.overall
    return {
        "coders": pair, "kappa": o.kappa, "kappa_ci": o.kappa_ci, "percent": o.percent, "alpha": o.alpha,
        "alpha_ci": o.alpha_ci, "codes": len(report.codes), "sources": len(report.sources), "basis": o.basis,
    }, None
