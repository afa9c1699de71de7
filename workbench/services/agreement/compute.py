"""Inter-coder agreement over a project: codings → spans → comparison → frozen report.

:func:`compute_agreement` compares two or more coders with :mod:`workbench.agreement` at one unit:

``character`` (NVivo's Coding Comparison; two coders)
    Per code and source a 2x2 table of characters (both / first only / second
    only / neither; a coder's overlapping codings of a code count once) and its
    Cohen's kappa and percent agreement. Per code, labelled: ``kappa_mean``
    (unweighted mean over sources), ``kappa_weighted`` (weighted by source
    length), ``kappa_pooled`` (the summed table) = ``kappa``. Neither coder used
    the code in a source: percent 100, kappa ``None`` ("neither coder applied
    the code"), left out of the means unless ``undefined_kappa_as`` (NVivo is
    said to show 1). Only one coder used it: kappa exactly 0. Alpha: binary
    Krippendorff's alpha of the pooled characters.
``segment`` / ``turn`` (spaCy sentences or speaker turns)
    A unit carries the code when a coder's codings cover more than 0 of it and
    at least ``min_share`` of it (default: any overlap). Cohen's kappa for two
    coders, Fleiss' for more (``kappa_kind``); Fleiss' kappa and alpha always.

With two coders, MAXQDA-style segment matching (``overlap``, default 0.9) is
added per code (percent matched, unmatched codings listed) and overall
(Brennan-Prediger kappa_n). Sources compared: those every coder has coded
(``skipped_sources`` lists the rest). A parent code does not include its
children's codings. Percentages are 0-100.

CIs are seeded percentile bootstraps (``resamples``, default 200; 0: none).
Characters are not independent, so the character level resamples *sentence
blocks* (a segment with the text up to the next one) and gives the interval
of the pooled value; the other units resample units. Two coders use the exact
2x2 :func:`~workbench.agreement.bootstrap.table_bootstrap`; more use
:func:`workbench.agreement.bootstrap_ci`. The report's frozen dataclasses are
in :mod:`workbench.services.agreement.report`.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, select

from workbench.agreement import bootstrap_ci as _bootstrap_ci
from workbench.agreement import (
    cohen_kappa,
    explain_undefined,
    fleiss_kappa,
    kappa_from_counts,
    krippendorff_alpha,
    percent_agreement,
)
from workbench.agreement.bootstrap import table_bootstrap
from workbench.agreement.characters import compare_characters
from workbench.agreement.counts import Table2x2, table_alpha, unit_tables
from workbench.agreement.matching import match_segments
from workbench.agreement.segments import segment_values_by_code
from workbench.errors import WorkbenchError
from workbench.services.agreement.report import (
    AgreementReport,
    CodeAgreement,
    OverallAgreement,
    SourceAgreement,
    Unmatched,
)
from workbench.services.project.coders import require_coder
from workbench.store.engine import Project
from workbench.store.integrity import require_intact_codings
from workbench.store.models import Code, Coding, Segment, Source, Turn

# Still importable from here: Interval, table_values and the report dataclasses (agreement_report).

UNITS = ("character", "segment", "turn")
DEFAULT_RESAMPLES = 200
DEFAULT_SEED = 0
DEFAULT_CONFIDENCE = 0.95
BINARY = (0, 1)


# --- loading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Data:
    coders: tuple[str, ...]
    codings: tuple[dict, ...]  # per coder: source -> code -> [(start, end)]
    lengths: dict[str, int]
    units: dict[str, list[tuple[int, int]]]
    blocks: dict[str, list[int]]  # block starts per source (segment starts, with 0)
    names: dict[str, str]  # code key -> name
    skipped: tuple[str, ...]


def _load(project: Project, coder_names: Sequence[str], unit: str, blocks_needed: bool) -> _Data:
    names = [name.strip() for name in coder_names]
    if len(set(names)) < 2:
        only = f" (only {names[0]!r})" if names else ""
        raise WorkbenchError(f"agreement compares two or more different coders{only}; name them with --coders A B")
    with project.session() as session:
        coders = [require_coder(session, name) for name in names]
        require_intact_codings(session)
        connection = session.connection()  # Core rows: no ORM bookkeeping for 100,000s of tuples
        ids = {coder.id: i for i, coder in enumerate(coders)}
        rows = connection.execute(
            select(Coding.coder_id, Source.name, Code.key, Coding.start, Coding.end)
            .join(Source, Source.id == Coding.source_id)
            .join(Code, Code.id == Coding.code_id)
            .where(Coding.coder_id.in_(list(ids)))
            .order_by(Coding.start, Coding.end)
        ).all()
        coded_by: dict[str, set[int]] = defaultdict(set)
        for coder_id, source, *_ in rows:
            coded_by[source].add(ids[coder_id])
        for coder in coders:
            if not any(ids[coder.id] in who for who in coded_by.values()):
                raise WorkbenchError(f"coder {coder.name!r} has no codings in this project; choose a coder who has coded")
        all_sources = list(connection.scalars(select(Source.name).order_by(Source.name)))
        compared = [s for s in all_sources if len(coded_by.get(s, ())) == len(coders)]
        if not compared:
            raise WorkbenchError(f"no source was coded by all of {', '.join(names)}; agreement needs double-coded sources")
        lengths = dict(
            connection.execute(select(Source.name, func.length(Source.text)).where(Source.name.in_(compared))).all()
        )
        # Only what the unit asks for: units for segment/turn; sentence blocks for the character bootstrap.
        unit_rows: list = []
        segment_rows: list = []
        if unit != "character":
            table = Turn if unit == "turn" else Segment
            unit_rows = connection.execute(
                select(Source.name, table.start, table.end)
                .join(Source, Source.id == table.source_id)
                .where(Source.name.in_(compared), table.end > table.start)
                .order_by(Source.name, table.start)
            ).all()
        elif blocks_needed:
            segment_rows = connection.execute(
                select(Source.name, Segment.start).join(Source, Source.id == Segment.source_id)
                .where(Source.name.in_(compared)).order_by(Source.name, Segment.start)
            ).all()  # fmt: skip
        code_names = dict(connection.execute(select(Code.key, Code.name)).all())
    codings: tuple[dict, ...] = tuple(defaultdict(lambda: defaultdict(list)) for _ in coders)
    for coder_id, source, code, start, end in rows:
        if source in lengths:
            codings[ids[coder_id]][source][code].append((start, end))
    units: dict[str, list[tuple[int, int]]] = {source: [] for source in compared}
    for source, start, end in unit_rows:
        units[source].append((start, end))
    blocks: dict[str, list[int]] = {source: [0] for source in compared}
    for source, start, *_ in segment_rows:
        if 0 < start < lengths[source] and start > blocks[source][-1]:
            blocks[source].append(start)
    skipped = tuple(s for s in all_sources if s not in lengths)
    frozen = tuple({s: {c: list(v) for c, v in per.items()} for s, per in coder.items()} for coder in codings)
    return _Data(tuple(names), frozen, lengths, units, blocks, code_names, skipped)


# --- the comparison -----------------------------------------------------------------------------


def compute_agreement(
    project: Project,
    coders: Sequence[str],
    *,
    unit: str = "character",
    overlap: float = 0.9,
    min_share: float | None = None,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int | None = DEFAULT_SEED,
    confidence: float = DEFAULT_CONFIDENCE,
    undefined_kappa_as: float | None = None,
) -> AgreementReport:
    """Agreement of ``coders`` per code (worst first) and overall; see the module docstring."""
    if unit not in UNITS:
        raise WorkbenchError(f"unit must be one of {', '.join(UNITS)}, not {unit!r}")
    if not 0 < overlap <= 1:
        raise WorkbenchError(f"--overlap must be above 0 and at most 1 (a share, e.g. 0.9), not {overlap}")
    if min_share is not None and not 0 < min_share <= 1:
        raise WorkbenchError(f"--min-share must be above 0 and at most 1 (a share, e.g. 0.5), not {min_share}")
    if resamples < 0 or not 0 < confidence < 1:
        raise WorkbenchError("resamples must be 0 or more and confidence between 0 and 1")
    if unit == "character" and len(set(coders)) > 2:
        raise WorkbenchError("the character level compares two coders; use --unit segment or --unit turn for three or more")
    data = _load(project, coders, unit, blocks_needed=unit == "character" and resamples > 0)
    options = (resamples, seed, confidence)
    if unit == "character":
        codes, overall = _characters(data, options, undefined_kappa_as)
    else:
        codes, overall = _segments(data, options, min_share)
    matching = None
    if len(data.coders) == 2:
        matching = match_segments(data.codings[0], data.codings[1], overlap=overlap, codes=[c.code for c in codes])
        by_code = {m.code: m for m in matching.codes}
        codes = [_with_matching(c, by_code[c.code], data.coders) for c in codes]
        overall = dataclasses.replace(overall, matching_percent=matching.percent_observed,
                                      matching_kappa_n=matching.kappa_n, matching_codes=matching.codes_in_table)
    codes.sort(key=lambda c: (c.kappa is None, c.kappa if c.kappa is not None else 0.0, c.code))
    return AgreementReport(
        data.coders, unit, overlap, min_share, resamples, seed, confidence, tuple(data.lengths),
        data.skipped, tuple(codes), overall, _notes(unit, len(data.coders), options, undefined_kappa_as),
    )  # fmt: skip


def _with_matching(code: CodeAgreement, matching, coders: tuple[str, ...]) -> CodeAgreement:  # type: ignore[no-untyped-def]
    unmatched = tuple(
        Unmatched(coders[row.coder], str(row.source), row.span.start, row.span.end, row.best_overlap)
        for row in sorted(matching.unmatched, key=lambda r: (str(r.source), r.span, r.coder))
    )
    return dataclasses.replace(code, matched=matching.agreements, unmatched=unmatched, matched_percent=matching.percent)


def _codes(data: _Data) -> list[str]:
    return sorted({code for coder in data.codings for per in coder.values() for code in per})


def _characters(data: _Data, options: tuple, undefined_as: float | None) -> tuple[list[CodeAgreement], OverallAgreement]:
    first, second = data.codings
    compared = compare_characters(first, second, data.lengths, undefined_kappa_as=undefined_as,
                                  block_starts=data.blocks if options[0] else None)  # fmt: skip
    results, total = [], None
    for code, summary in compared.items():
        blocks = summary.blocks
        total = blocks if total is None else total + blocks
        pooled = Table2x2(*(int(x) for x in blocks.sum(axis=0)))
        ci = table_bootstrap(blocks, *options)
        alpha = table_alpha(pooled)
        sources = tuple(_source_cell(cell.source, cell.table) for cell in summary.cells)
        results.append(CodeAgreement(
            code, data.names.get(code, code), summary.pooled_kappa, "cohen", "pooled over sources (summed table)",
            ci["kappa"], pooled.kappa_undefined, summary.pooled_percent, ci["percent"], alpha, ci["alpha"], pooled,
            sources, kappa_mean=summary.mean_kappa, kappa_weighted=summary.weighted_kappa,
            kappa_pooled=summary.pooled_kappa, percent_mean=summary.mean_percent,
            percent_weighted=summary.weighted_percent, percent_pooled=summary.pooled_percent,
            undefined_sources=summary.undefined_cells,
        ))  # fmt: skip
    if total is None:
        total = np.zeros((1, 4), dtype=np.int64)
    table = Table2x2(*(int(x) for x in total.sum(axis=0)))
    ci = table_bootstrap(total, *options)
    overall = OverallAgreement(
        table.kappa, ci["kappa"], table.percent, ci["percent"], table_alpha(table), ci["alpha"],
        "pooled over codes and sources (one summed table of characters x codes)", *_means(results),
    )  # fmt: skip
    return results, overall


def _source_cell(source: object, table: Table2x2) -> SourceAgreement:
    kappa = table.kappa  # each metric once: a report has a cell per code and source
    undefined = table.kappa_undefined if kappa is None else None
    return SourceAgreement(str(source), table.total, kappa, undefined, table.percent, *table.counts[:3],
                           table.neither, table.first_only + table.second_only)  # fmt: skip


def _means(results: list[CodeAgreement]) -> tuple[float | None, float | None, float | None]:
    def mean(values: list[float | None]) -> float | None:
        defined = [v for v in values if v is not None]
        return sum(defined) / len(defined) if defined else None

    return mean([r.kappa for r in results]), mean([r.alpha for r in results]), mean([r.percent for r in results])


def _segments(data: _Data, options: tuple, min_share: float | None) -> tuple[list[CodeAgreement], OverallAgreement]:
    resamples, seed, confidence = options
    two = len(data.coders) == 2
    values = segment_values_by_code(data.units, data.codings, codes=_codes(data), min_share=min_share)
    results, stacked = [], []
    for code, value in values.items():
        rows = np.asarray(value.rows)
        stacked.append(rows)
        kappa_metric = cohen_kappa if two else fleiss_kappa
        kappa = kappa_metric(rows, categories=BINARY)
        undefined = explain_undefined(kappa_metric, rows, categories=BINARY) if kappa is None else None
        percent, alpha = percent_agreement(rows, categories=BINARY), krippendorff_alpha(rows, categories=BINARY)
        table = None
        if two:
            table = Table2x2(*(int(x) for x in unit_tables(rows).sum(axis=0)))
            ci = table_bootstrap(unit_tables(rows), *options)
        else:
            ci = {name: _bootstrap_ci(metric, rows, resamples=resamples, seed=seed, confidence=confidence,
                                      categories=BINARY) if resamples else None
                  for name, metric in (("kappa", fleiss_kappa), ("percent", percent_agreement),
                                       ("alpha", krippendorff_alpha))}  # fmt: skip
        sources, position = [], 0
        for source, count in value.sources:
            sources.append(_source_units(str(source), rows[:, position : position + count], two))
            position += count
        results.append(CodeAgreement(
            code, data.names.get(code, code), kappa, "cohen" if two else "fleiss", f"{len(rows[0])} units",
            ci["kappa"], undefined, percent, ci["percent"], alpha, ci["alpha"], table, tuple(sources),
            fleiss=fleiss_kappa(rows, categories=BINARY),
        ))  # fmt: skip
    overall = _segments_overall(stacked, two, options, results)
    return results, overall


def _source_units(source: str, rows: np.ndarray, two: bool) -> SourceAgreement:
    coded = rows.sum(axis=0)
    everyone, nobody = int((coded == len(rows)).sum()), int((coded == 0).sum())
    if two:
        kappa = kappa_from_counts(everyone, int((rows[0] > rows[1]).sum()), int((rows[1] > rows[0]).sum()), nobody)
        table = Table2x2(everyone, int((rows[0] > rows[1]).sum()), int((rows[1] > rows[0]).sum()), nobody)
        return SourceAgreement(source, rows.shape[1], kappa, table.kappa_undefined if table.total else "no units",
                               table.percent, *table.counts[:3], nobody, table.first_only + table.second_only)
    kappa = fleiss_kappa(rows, categories=BINARY) if rows.shape[1] else None
    undefined = explain_undefined(fleiss_kappa, rows, categories=BINARY) if rows.shape[1] and kappa is None else None
    percent = percent_agreement(rows, categories=BINARY) if rows.shape[1] else None
    return SourceAgreement(source, rows.shape[1], kappa, undefined, percent, everyone, None, None, nobody,
                           rows.shape[1] - everyone - nobody)  # fmt: skip


def _segments_overall(stacked: list[np.ndarray], two: bool, options: tuple, results: list) -> OverallAgreement:
    basis = "pooled over codes and sources (every code x unit decision)"
    if not stacked:
        return OverallAgreement(None, None, None, None, None, None, basis, None, None, None)
    rows = np.concatenate(stacked, axis=1)
    alpha, percent = krippendorff_alpha(rows, categories=BINARY), percent_agreement(rows, categories=BINARY)
    if two:
        kappa = cohen_kappa(rows, categories=BINARY)
        units = sum((unit_tables(r) for r in stacked), np.zeros((stacked[0].shape[1], 4), dtype=np.int64))
        ci = table_bootstrap(units, *options)  # resample units, every code of a unit together
    else:
        kappa, ci = fleiss_kappa(rows, categories=BINARY), {"kappa": None, "percent": None, "alpha": None}
    return OverallAgreement(kappa, ci["kappa"], percent, ci["percent"], alpha, ci["alpha"], basis, *_means(results))


def _notes(unit: str, coders: int, options: tuple, undefined_as: float | None) -> tuple[str, ...]:
    resamples, seed, confidence = options
    notes = []
    if unit == "character":
        notes.append("unit: characters; kappa = Cohen's kappa of the 2x2 table (NVivo's coding comparison)")
        notes.append("per code, kappa is pooled over sources (summed table); kappa_mean is the unweighted mean over "
                     "sources, kappa_weighted the mean weighted by source length")
        rule = f"counted as {undefined_as:g} in the means" if undefined_as is not None else "left out of the means"
        notes.append(f"a source where neither coder used a code: percent 100, kappa undefined ({rule}); "
                     "where only one coder used it: kappa 0")
        ci = "sentence blocks (a segment with the text up to the next one)"
    else:
        what = "spaCy sentence segments" if unit == "segment" else "speaker turns"
        notes.append(f"unit: {what}; kappa = {'Cohen' if coders == 2 else 'Fleiss'}; alpha = Krippendorff's, nominal")
        ci = "units"
    if resamples:
        notes.append(f"{confidence:.0%} CIs: percentile bootstrap over {ci}, {resamples} resamples, seed {seed}")
    return tuple(notes)
