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
2x2 tables: every code's resampled tables at once from one set of draws
(:class:`~workbench.agreement.bootstrap.BlockResamples`); more use
:func:`workbench.agreement.bootstrap_ci`. The codings are read by
:mod:`workbench.services.agreement.loading`; the report's frozen dataclasses
are in :mod:`workbench.services.agreement.report`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Sequence
from typing import NamedTuple

import numpy as np

from workbench.agreement import bootstrap_ci as _bootstrap_ci
from workbench.agreement import (
    cohen_kappa,
    explain_undefined,
    fleiss_kappa,
    kappa_from_counts,
    krippendorff_alpha,
    percent_agreement,
)
from workbench.agreement.bootstrap import NO_INTERVALS, BlockResamples, Interval, table_bootstrap
from workbench.agreement.characters import character_tables, means
from workbench.agreement.counts import Table2x2, nones, table_alpha, table_kappas, unit_tables
from workbench.agreement.matching import MatchingRows, match_rows
from workbench.agreement.segments import segment_values_by_code
from workbench.errors import WorkbenchError
from workbench.services.agreement.loading import Compared, load_codings
from workbench.services.agreement.report import (
    AgreementReport,
    CodeAgreement,
    OverallAgreement,
    SourceAgreement,
    Unmatched,
)
from workbench.store.engine import Project

UNITS = ("character", "segment", "turn")
DEFAULT_RESAMPLES = 200
DEFAULT_SEED = 0
DEFAULT_CONFIDENCE = 0.95
BINARY = (0, 1)


class _Options(NamedTuple):
    resamples: int
    seed: int | None
    confidence: float


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
    data = load_codings(project, coders, unit, blocks_needed=unit == "character" and resamples > 0)
    options = _Options(resamples, seed, confidence)
    if unit == "character":
        codes, overall = _characters(data, options, undefined_kappa_as)
    else:
        codes, overall = _segments(data, options, min_share)
    if len(data.coders) == 2:
        rows = match_rows(data.columns, overlap)
        counts = rows.counts()
        unmatched = _unmatched(rows, data.coders)
        at = {code: i for i, code in enumerate(counts.codes)}
        codes = [dataclasses.replace(c, matched=counts.agreements_per_code[at[c.code]], unmatched=unmatched[at[c.code]],
                                     matched_percent=counts.percent(at[c.code])) for c in codes]  # fmt: skip
        overall = dataclasses.replace(overall, matching_percent=counts.percent_observed,
                                      matching_kappa_n=counts.kappa_n, matching_codes=counts.codes_in_table)
    codes.sort(key=lambda c: (c.kappa is None, c.kappa if c.kappa is not None else 0.0, c.code))
    return AgreementReport(
        data.coders, unit, overlap, min_share, resamples, seed, confidence, tuple(data.lengths),
        data.skipped, tuple(codes), overall, _notes(unit, len(data.coders), options, undefined_kappa_as),
    )  # fmt: skip


def _unmatched(rows: MatchingRows, coders: tuple[str, ...]) -> list[tuple[Unmatched, ...]]:
    """Per code (index): the codings below the overlap, by source name, span and coder."""
    names = [str(source) for source in rows.sources]
    rank = np.empty(len(names), dtype=np.int64)
    rank[sorted(range(len(names)), key=names.__getitem__)] = np.arange(len(names))
    below = np.flatnonzero(~rows.agrees)
    order = below[np.lexsort((rows.coder[below], rows.end[below], rows.start[below], rank[rows.source[below]],
                              rows.code[below]))]  # fmt: skip
    result: list[list[Unmatched]] = [[] for _ in rows.codes]
    for code, coder, source, start, end, best in zip(
        *(array[order].tolist() for array in (rows.code, rows.coder, rows.source, rows.start, rows.end, rows.best_overlap)),
        strict=True,
    ):
        result[code].append(Unmatched(coders[coder], names[source], start, end, best))
    return [tuple(per_code) for per_code in result]


def _codes(data: Compared) -> list[str]:
    return [str(code) for code in data.columns.codes]


def _characters(data: Compared, options: _Options, undefined_as: float | None) -> tuple[list[CodeAgreement], OverallAgreement]:
    tables = character_tables(data.columns, data.layout, blocks=options.resamples > 0)
    draws = BlockResamples.of(data.layout.sizes, *options)
    sources, lengths = list(data.lengths), list(data.lengths.values())
    count = len(sources)
    flat = tables.sources.reshape(-1, 4)
    kappa_array, percent_array = table_kappas(flat)
    cells, kappas, percents = flat.tolist(), nones(kappa_array), nones(percent_array)
    size_array = np.asarray(lengths, dtype=np.int64)
    results, drawn = [], None
    for c, code in enumerate(_codes(data)):
        at = slice(c * count, (c + 1) * count)
        rows, kappa, percent = cells[at], kappas[at], percents[at]
        mean_kappa, weighted_kappa, mean_percent, weighted_percent, undefined = means(
            size_array, kappa_array[at], percent_array[at], undefined_as
        )
        pooled = Table2x2(*(int(x) for x in tables.sources[c].sum(axis=0)))
        ci = NO_INTERVALS
        if draws is not None:
            blocks = tables.rows(c)
            sums = draws.sums(tables.block[blocks], tables.block_tables[blocks, :3])
            drawn = sums if drawn is None else drawn + sums
            ci = draws.intervals(draws.tables(sums))
        pooled_kappa, pooled_percent = pooled.kappa, pooled.percent
        results.append(CodeAgreement(
            code, data.names.get(code, code), pooled_kappa, "cohen", "pooled over sources (summed table)",
            ci["kappa"], pooled.kappa_undefined, pooled_percent, ci["percent"], table_alpha(pooled), ci["alpha"],
            pooled, tuple(_source_cells(sources, rows, kappa, percent)), kappa_mean=mean_kappa,
            kappa_weighted=weighted_kappa, kappa_pooled=pooled_kappa, percent_mean=mean_percent,
            percent_weighted=weighted_percent, percent_pooled=pooled_percent, undefined_sources=undefined,
        ))  # fmt: skip
    table = Table2x2(*(int(x) for x in tables.sources.sum(axis=(0, 1)))) if len(results) else Table2x2(0, 0, 0, 0)
    ci = draws.intervals(draws.tables(drawn, len(results))) if draws is not None and drawn is not None else NO_INTERVALS
    overall = OverallAgreement(
        table.kappa, ci["kappa"], table.percent, ci["percent"], table_alpha(table), ci["alpha"],
        "pooled over codes and sources (one summed table of characters x codes)", *_means(results),
    )  # fmt: skip
    return results, overall


def _source_cells(sources: list[str], rows: list[list[int]], kappas: list[float | None],
                  percents: list[float | None]) -> list[SourceAgreement]:
    """One code's cells: each source's table with its kappa (or why it is undefined) and percent."""
    return [
        SourceAgreement(source, both + first + second + neither, kappa,
                        explain_undefined(kappa_from_counts, both, first, second, neither) if kappa is None else None,
                        percent, both, first, second, neither, first + second)
        for source, (both, first, second, neither), kappa, percent in zip(sources, rows, kappas, percents, strict=True)
    ]  # fmt: skip


def _means(results: list[CodeAgreement]) -> tuple[float | None, float | None, float | None]:
    def mean(values: list[float | None]) -> float | None:
        defined = [v for v in values if v is not None]
        return sum(defined) / len(defined) if defined else None

    return mean([r.kappa for r in results]), mean([r.alpha for r in results]), mean([r.percent for r in results])


def _segments(data: Compared, options: _Options, min_share: float | None) -> tuple[list[CodeAgreement], OverallAgreement]:
    resamples, seed, confidence = options
    two = len(data.coders) == 2
    values = segment_values_by_code(data.units, data.codings(), codes=_codes(data), min_share=min_share)
    results: list[CodeAgreement] = []
    stacked: list[np.ndarray] = []
    for key, value in values.items():
        code = str(key)
        rows = np.asarray(value.rows)
        stacked.append(rows)
        kappa_metric = cohen_kappa if two else fleiss_kappa
        kappa = kappa_metric(rows, categories=BINARY)
        undefined = explain_undefined(kappa_metric, rows, categories=BINARY) if kappa is None else None
        percent, alpha = percent_agreement(rows, categories=BINARY), krippendorff_alpha(rows, categories=BINARY)
        table = None
        ci: dict[str, Interval]
        if two:
            table = Table2x2(*(int(x) for x in unit_tables(rows).sum(axis=0)))
            ci = table_bootstrap(unit_tables(rows), *options)
        else:
            ci = {name: _bootstrap_ci(metric, rows, resamples=resamples, seed=seed, confidence=confidence,
                                      categories=BINARY) if resamples else None
                  for name, metric in (("kappa", fleiss_kappa), ("percent", percent_agreement),
                                       ("alpha", krippendorff_alpha))}  # fmt: skip
        sources = _two_coder_units(value.sources, rows) if two else _units_of_sources(value.sources, rows)
        results.append(CodeAgreement(
            code, data.names.get(code, code), kappa, "cohen" if two else "fleiss", f"{len(rows[0])} units",
            ci["kappa"], undefined, percent, ci["percent"], alpha, ci["alpha"], table, tuple(sources),
            fleiss=fleiss_kappa(rows, categories=BINARY),
        ))  # fmt: skip
    overall = _segments_overall(stacked, two, options, results)
    return results, overall


def _two_coder_units(sources: tuple[tuple[Hashable, int], ...], rows: np.ndarray) -> list[SourceAgreement]:
    """Each source's 2x2 table of units (two coders), all sources at once."""
    counts = np.array([count for _, count in sources], dtype=np.int64)
    starts = np.cumsum(counts) - counts
    tables = np.zeros((len(counts), 4), dtype=np.int64)
    if len(counts) and rows.shape[1]:
        filled = counts > 0
        tables[filled] = np.add.reduceat(unit_tables(rows), starts[filled], axis=0)
    kappas, percents = table_kappas(tables)
    cells = []
    for (source, count), (both, first, second, neither), kappa in zip(sources, tables.tolist(), nones(kappas), strict=True):
        undefined = None if kappa is not None else (
            explain_undefined(kappa_from_counts, both, first, second, neither) if count else "no units")
        cells.append((str(source), count, kappa, undefined, both, first, second, neither))
    return [SourceAgreement(source, count, kappa, undefined, percent, both, first, second, neither, first + second)
            for (source, count, kappa, undefined, both, first, second, neither), percent
            in zip(cells, nones(percents), strict=True)]  # fmt: skip


def _units_of_sources(sources: tuple[tuple[Hashable, int], ...], rows: np.ndarray) -> list[SourceAgreement]:
    """Each source's agreement of three or more coders on its units."""
    result, position = [], 0
    for source, count in sources:
        part = rows[:, position : position + count]
        position += count
        coded = part.sum(axis=0)
        everyone, nobody = int((coded == len(part)).sum()), int((coded == 0).sum())
        kappa = fleiss_kappa(part, categories=BINARY) if count else None
        undefined = explain_undefined(fleiss_kappa, part, categories=BINARY) if count and kappa is None else None
        percent = percent_agreement(part, categories=BINARY) if count else None
        result.append(SourceAgreement(str(source), count, kappa, undefined, percent, everyone, None, None, nobody,
                                      count - everyone - nobody))  # fmt: skip
    return result


def _segments_overall(stacked: list[np.ndarray], two: bool, options: _Options,
                      results: list[CodeAgreement]) -> OverallAgreement:
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
        kappa, ci = fleiss_kappa(rows, categories=BINARY), NO_INTERVALS
    return OverallAgreement(kappa, ci["kappa"], percent, ci["percent"], alpha, ci["alpha"], basis, *_means(results))


def _notes(unit: str, coders: int, options: _Options, undefined_as: float | None) -> tuple[str, ...]:
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
