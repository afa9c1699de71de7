"""Agreement coefficients: published worked examples, degenerate data, properties."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from workbench.agreement import (
    LEVELS,
    bootstrap_ci,
    brennan_prediger_from_counts,
    brennan_prediger_kappa,
    cohen_kappa,
    explain_undefined,
    fleiss_kappa,
    gwet_ac1,
    kappa_from_counts,
    krippendorff_alpha,
    percent_agreement,
    percent_from_counts,
)

_ = None

# Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability": 4 observers x 12 units.
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
    [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
]
# Krippendorff (2011): binary data, 2 observers x 10 units (also the ATLAS.ti manual's example).
KRIPPENDORFF_BINARY = [
    [0, 1, 0, 0, 0, 0, 0, 0, 1, 0],
    [1, 1, 1, 0, 0, 1, 0, 0, 0, 0],
]
# Wikipedia "Krippendorff's alpha": 3 coders x 15 units.
WIKIPEDIA_ALPHA = [
    [_, _, _, _, _, 3, 4, 1, 2, 1, 1, 3, 3, _, 3],
    [1, _, 2, 1, 3, 3, 4, 3, _, _, _, _, _, _, _],
    [_, _, 2, 1, 3, 4, 4, _, 2, 1, 1, 3, 3, _, 4],
]
# Fleiss (1971): 30 patients, 6 psychiatrists each, 5 diagnoses (R irr's `diagnoses`).
FLEISS_1971 = [
    [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5],
    [2, 2, 2, 4, 4, 4], [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4],
    [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5], [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4],
    [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5], [3, 3, 3, 3, 3, 5],
    [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
    [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4],
    [1, 4, 4, 4, 4, 5], [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4],
    [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
]  # fmt: skip
# Wikipedia "Fleiss' kappa": 10 subjects x 14 raters, counts per category 1..5.
WIKIPEDIA_FLEISS = [
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
]  # fmt: skip


def from_table(table: list[list[int]]) -> list[list[int]]:
    """Two coder rows from a contingency table (rows: first coder, columns: second)."""
    pairs = [(i, j) for i, row in enumerate(table) for j, n in enumerate(row) for _ in range(n)]
    return [[i for i, _ in pairs], [j for _, j in pairs]]


def from_counts(counts: list[list[int]]) -> list[list[int]]:
    """Coder rows from per-unit category counts (raters need not be the same people)."""
    units = [[k for k, n in enumerate(row, start=1) for _ in range(n)] for row in counts]
    return [list(ratings) for ratings in zip(*units, strict=True)]


# --- published worked examples --------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "published"), [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)]
)
def test_krippendorff_2011_reliability_data(level: str, published: float) -> None:
    assert round(krippendorff_alpha(KRIPPENDORFF_2011, level), 3) == published


def test_krippendorff_2011_data_other_coefficients_match_irrcac() -> None:
    assert fleiss_kappa(KRIPPENDORFF_2011) == pytest.approx(0.76117, abs=5e-6)
    assert gwet_ac1(KRIPPENDORFF_2011) == pytest.approx(0.77544, abs=5e-6)
    assert brennan_prediger_kappa(KRIPPENDORFF_2011) == pytest.approx(0.77273, abs=5e-6)


def test_krippendorff_binary_example_and_relation_to_scotts_pi() -> None:
    assert round(krippendorff_alpha(KRIPPENDORFF_BINARY), 3) == 0.095
    assert percent_agreement(KRIPPENDORFF_BINARY) == pytest.approx(60.0)
    pi = fleiss_kappa(KRIPPENDORFF_BINARY)  # two coders, complete data: Scott's pi
    assert round(pi, 4) == 0.0476
    n = 20
    assert krippendorff_alpha(KRIPPENDORFF_BINARY) == pytest.approx(1 - (1 - pi) * (n - 1) / n)


def test_wikipedia_alpha_example() -> None:
    assert round(krippendorff_alpha(WIKIPEDIA_ALPHA), 3) == 0.691
    assert round(krippendorff_alpha(WIKIPEDIA_ALPHA, "interval"), 3) == 0.811


def test_cohen_1960_example() -> None:
    data = from_table([[88, 14, 18], [10, 40, 10], [2, 6, 12]])
    assert round(cohen_kappa(data), 3) == 0.492
    assert percent_agreement(data) == pytest.approx(70.0)
    assert round(gwet_ac1(data), 4) == 0.5760


def test_wikipedia_cohen_example() -> None:
    assert cohen_kappa(from_table([[20, 5], [10, 15]])) == pytest.approx(0.40)


def test_artstein_poesio_example_kappa_and_s() -> None:
    data = from_table([[20, 10], [20, 50]])
    assert round(cohen_kappa(data), 3) == 0.348
    assert brennan_prediger_kappa(data) == pytest.approx(0.4)


def test_fleiss_1971_example() -> None:
    assert round(fleiss_kappa(np.array(FLEISS_1971).T.tolist()), 3) == 0.430


def test_wikipedia_fleiss_example() -> None:
    data = from_counts(WIKIPEDIA_FLEISS)
    assert round(fleiss_kappa(data), 3) == 0.210
    assert round(percent_agreement(data) / 100, 3) == 0.378


def test_gwet_ac1_abstractors_table() -> None:
    assert gwet_ac1(from_table([[13, 0, 0], [0, 20, 7], [0, 4, 56]])) == pytest.approx(0.84933, abs=5e-6)


def test_numpy_input_with_nan_gives_the_same_values() -> None:
    array = np.array([[np.nan if v is None else v for v in row] for row in KRIPPENDORFF_2011])
    for level in LEVELS:
        assert krippendorff_alpha(array, level) == pytest.approx(krippendorff_alpha(KRIPPENDORFF_2011, level))
    assert gwet_ac1(array, categories=[1, 2, 3, 4, 5, 6]) == pytest.approx(
        gwet_ac1(KRIPPENDORFF_2011, categories=[1, 2, 3, 4, 5, 6])
    )


# --- 2x2 counts (NVivo) ------------------------------------------------------------------


def qualcoder_kappa(both: int, first_only: int, second_only: int) -> float:
    """QualCoder's formula (Pe as a product over the union of coded characters): not Cohen's."""
    union = both + first_only + second_only
    first, second = both + first_only, both + second_only
    yes = (first / union) * (second / union)
    no = ((union - first) / union) * ((union - second) / union)
    chance = yes * no
    return (both / union - chance) / (1 - chance)


def test_nvivo_worked_example_gives_cohens_kappa_not_qualcoders() -> None:
    # 1000 characters: A coded 120, B 130, both 50.
    assert percent_from_counts(50, 70, 80, 800) == pytest.approx(85.0)
    assert round(kappa_from_counts(50, 70, 80, 800), 3) == 0.314
    assert round(qualcoder_kappa(50, 70, 80), 3) == 0.207
    assert cohen_kappa(from_table([[50, 70], [80, 800]])) == pytest.approx(kappa_from_counts(50, 70, 80, 800))


def test_two_by_two_degenerate_cells() -> None:
    assert kappa_from_counts(0, 0, 0, 1000) is None
    assert explain_undefined(kappa_from_counts, 0, 0, 0, 1000) == "neither coder applied the code"
    assert percent_from_counts(0, 0, 0, 1000) == 100.0
    assert kappa_from_counts(1000, 0, 0, 0) is None
    assert "every unit" in explain_undefined(kappa_from_counts, 1000, 0, 0, 0)
    assert kappa_from_counts(0, 120, 0, 880) == 0.0  # only one coder coded: exactly 0
    assert kappa_from_counts(0, 0, 0, 0) is None and percent_from_counts(0, 0, 0, 0) is None
    with pytest.raises(ValueError):
        kappa_from_counts(-1, 0, 0, 5)


def test_brennan_prediger_from_counts() -> None:
    assert brennan_prediger_from_counts(8, 10, 2) == pytest.approx(0.6)
    assert brennan_prediger_from_counts(8, 10, 1) is None
    assert brennan_prediger_from_counts(0, 0, 5) is None
    assert explain_undefined(brennan_prediger_from_counts, 0, 0, 5) == "nothing was coded"


# --- undefined cases and bad input -----------------------------------------------------


def test_single_category_is_undefined_for_kappa_pi_alpha_but_not_declared_ac1() -> None:
    data = [["x"] * 5, ["x"] * 5]
    for metric in (cohen_kappa, fleiss_kappa, krippendorff_alpha, gwet_ac1, brennan_prediger_kappa):
        assert metric(data) is None
        assert isinstance(explain_undefined(metric, data), str)
    assert percent_agreement(data) == 100.0
    assert gwet_ac1(data, categories=["x", "y"]) == 1.0
    assert brennan_prediger_kappa(data, categories=["x", "y"]) == 1.0
    assert explain_undefined(gwet_ac1, data, categories=["x", "y"]) is None


def test_nothing_pairable_is_undefined() -> None:
    data = [[1, None, 2], [None, 1, None]]
    for metric in (percent_agreement, cohen_kappa, fleiss_kappa, krippendorff_alpha, gwet_ac1):
        assert metric(data) is None
    assert explain_undefined(cohen_kappa, data) == "no unit was coded by both coders"
    assert krippendorff_alpha([]) is None
    assert percent_agreement([[1, 2, 3]]) is None  # one coder


def test_bad_input_raises_value_error() -> None:
    with pytest.raises(ValueError, match="row lengths"):
        percent_agreement([[1, 2], [1]])
    with pytest.raises(ValueError, match="categories"):
        gwet_ac1([[1, 2], [1, 3]], categories=[1, 2])
    with pytest.raises(ValueError, match="categories"):
        gwet_ac1(np.array([[1, 2], [1, 3]]), categories=[1, 2])
    with pytest.raises(ValueError, match="two coders"):
        cohen_kappa(KRIPPENDORFF_2011)
    with pytest.raises(ValueError, match="ratio"):
        krippendorff_alpha([[-1, 2], [1, 2]], "ratio")
    with pytest.raises(ValueError, match="numeric"):
        krippendorff_alpha([["a", "b"], ["a", "a"]], "interval")
    with pytest.raises(ValueError, match="level"):
        krippendorff_alpha(KRIPPENDORFF_2011, "cardinal")
    with pytest.raises(TypeError):
        explain_undefined(len, [1])


def test_ordinal_uses_declared_category_order() -> None:
    data = [["low", "mid", "high", "mid"], ["low", "high", "high", "mid"]]
    declared = krippendorff_alpha(data, "ordinal", categories=["low", "mid", "high"])
    numbers = krippendorff_alpha([[0, 1, 2, 1], [0, 2, 2, 1]], "ordinal")
    assert declared == pytest.approx(numbers)


# --- bootstrap --------------------------------------------------------------------------


def test_bootstrap_interval_is_seeded_and_brackets_the_estimate() -> None:
    low, high = bootstrap_ci(krippendorff_alpha, KRIPPENDORFF_2011, resamples=300, seed=7, level="interval")
    assert low <= krippendorff_alpha(KRIPPENDORFF_2011, "interval") <= high <= 1
    again = bootstrap_ci(krippendorff_alpha, KRIPPENDORFF_2011, resamples=300, seed=7, level="interval")
    assert again == (low, high)
    narrow = bootstrap_ci(cohen_kappa, from_table([[20, 5], [10, 15]]), resamples=200, confidence=0.5)
    wide = bootstrap_ci(cohen_kappa, from_table([[20, 5], [10, 15]]), resamples=200, confidence=0.99)
    assert wide[0] <= narrow[0] <= narrow[1] <= wide[1]


def test_bootstrap_undefined_and_bad_arguments() -> None:
    data = [["x"] * 5, ["x"] * 5]
    assert bootstrap_ci(cohen_kappa, data) is None
    assert explain_undefined(bootstrap_ci, cohen_kappa, data).startswith("undefined on the data")
    # defined on the data, but a resample of two units is often all one category
    assert bootstrap_ci(cohen_kappa, [[0, 1], [0, 1]], resamples=200) is None
    assert "resamples" in explain_undefined(bootstrap_ci, cohen_kappa, [[0, 1], [0, 1]], resamples=200)
    with pytest.raises(TypeError):
        bootstrap_ci(kappa_from_counts, data)
    with pytest.raises(ValueError):
        bootstrap_ci(cohen_kappa, data, confidence=1.5)


# --- properties --------------------------------------------------------------------------

value = st.one_of(st.none(), st.integers(0, 3))


@st.composite
def reliability_data(draw: st.DrawFn, min_coders: int = 2, max_coders: int = 5) -> list[list[int | None]]:
    coders = draw(st.integers(min_coders, max_coders))
    units = draw(st.integers(0, 25))
    return [draw(st.lists(value, min_size=units, max_size=units)) for _ in range(coders)]


NOMINAL = [percent_agreement, fleiss_kappa, krippendorff_alpha, gwet_ac1, brennan_prediger_kappa]


def close(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and abs(a - b) < 1e-9)


@given(reliability_data(), st.randoms(use_true_random=False))
def test_coder_order_does_not_matter(data: list[list[int | None]], random) -> None:
    shuffled = random.sample(data, len(data))
    for metric in NOMINAL:
        assert close(metric(data), metric(shuffled))
    for level in LEVELS:
        assert close(krippendorff_alpha(data, level), krippendorff_alpha(shuffled, level))
    pair = data[:2]
    assert close(cohen_kappa(pair), cohen_kappa(pair[::-1]))


@given(reliability_data(), st.permutations(["w", "x", "y", "z"]))
def test_relabelling_categories_does_not_matter(data: list[list[int | None]], labels: list[str]) -> None:
    relabelled = [[None if v is None else labels[v] for v in row] for row in data]
    for metric in NOMINAL:
        assert close(metric(data, categories=range(4)), metric(relabelled, categories=labels))
    assert close(cohen_kappa(data[:2]), cohen_kappa(relabelled[:2]))


@given(reliability_data())
def test_results_lie_in_their_ranges(data: list[list[int | None]]) -> None:
    q = 4
    bounds = {
        percent_agreement: (0, 100),
        fleiss_kappa: (-np.inf, 1),
        gwet_ac1: (-1, 1),
        brennan_prediger_kappa: (-1 / (q - 1), 1),
    }
    for metric, (low, high) in bounds.items():
        result = metric(data, categories=range(q))
        assert result is None or low - 1e-9 <= result <= high + 1e-9
    kappa = cohen_kappa(data[:2])
    assert kappa is None or -1 - 1e-9 <= kappa <= 1 + 1e-9
    for level in LEVELS:
        alpha = krippendorff_alpha(data, level)
        assert alpha is None or alpha <= 1 + 1e-9


@given(reliability_data())
def test_none_exactly_when_a_reason_is_given(data: list[list[int | None]]) -> None:
    for metric in NOMINAL:
        assert (metric(data) is None) == isinstance(explain_undefined(metric, data), str)
    assert (cohen_kappa(data[:2]) is None) == isinstance(explain_undefined(cohen_kappa, data[:2]), str)


@given(st.integers(2, 5), st.lists(st.integers(0, 3), max_size=20), st.data())
def test_perfect_agreement_gives_one_where_defined(coders: int, row: list[int], draw: st.DataObject) -> None:
    # every coder gives the same value, some values missing
    data = [[v if draw.draw(st.booleans()) else None for v in row] for _ in range(coders)]
    pairable = {v for i, v in enumerate(row) if sum(r[i] is not None for r in data) >= 2}
    rated = {v for r in data for v in r if v is not None}  # Fleiss' chance term uses every value
    assert krippendorff_alpha(data) == (pytest.approx(1.0) if len(pairable) >= 2 else None)
    assert fleiss_kappa(data) == (pytest.approx(1.0) if pairable and len(rated) >= 2 else None)
    for level in LEVELS:
        assert krippendorff_alpha(data, level) in (None, pytest.approx(1.0))
    assert percent_agreement(data) in (None, 100.0)
    both = {v for i, v in enumerate(row) if data[0][i] is not None and data[1][i] is not None}
    assert cohen_kappa(data[:2]) == (pytest.approx(1.0) if len(both) >= 2 else None)
    if pairable:
        assert gwet_ac1(data, categories=range(4)) == pytest.approx(1.0)
        assert brennan_prediger_kappa(data, categories=range(4)) == pytest.approx(1.0)


@given(
    reliability_data(max_coders=3),
    st.floats(0.5, 20).filter(lambda x: x != 1),
    st.integers(-5, 5),
)
def test_alpha_invariant_under_the_transforms_its_level_allows(data, scale: float, shift: int) -> None:
    def mapped(f):
        return [[None if v is None else f(v) for v in row] for row in data]

    transforms = {
        "interval": lambda v: scale * v + shift,  # any affine map
        "ratio": lambda v: scale * v,  # any rescaling
        "ordinal": lambda v: v**3 + shift,  # any increasing map
    }
    for level, transform in transforms.items():
        assert close(krippendorff_alpha(data, level), krippendorff_alpha(mapped(transform), level))


@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2)), min_size=1, max_size=30))
def test_two_complete_coders_alpha_is_small_sample_corrected_pi(pairs: list[tuple[int, int]]) -> None:
    data = [[a for a, _ in pairs], [b for _, b in pairs]]
    pi, alpha = fleiss_kappa(data), krippendorff_alpha(data)
    assume(pi is not None)
    n = 2 * len(pairs)
    assert alpha == pytest.approx(1 - (1 - pi) * (n - 1) / n)


@given(st.lists(st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=40))
def test_kappa_from_counts_is_cohens_kappa_of_the_units(pairs: list[tuple[bool, bool]]) -> None:
    cells = ((True, True), (True, False), (False, True), (False, False))
    counts = [sum(p == cell for p in pairs) for cell in cells]
    data = [[int(a) for a, _ in pairs], [int(b) for _, b in pairs]]
    assert close(kappa_from_counts(*counts), cohen_kappa(data))
    assert percent_from_counts(*counts) == pytest.approx(percent_agreement(data))


@settings(max_examples=25, deadline=None)
@given(reliability_data())
def test_bootstrap_is_symmetric_in_coder_order(data: list[list[int | None]]) -> None:
    for metric in (percent_agreement, krippendorff_alpha):
        assert bootstrap_ci(metric, data, resamples=50) == bootstrap_ci(metric, data[::-1], resamples=50)


def test_agreement_imports_no_ui_database_or_pandas() -> None:
    code = (
        "import sys, workbench.agreement, workbench.agreement.comparison; "
        "print(sorted(m for m in ('textual', 'sqlalchemy', 'pandas') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
