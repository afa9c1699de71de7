"""Code saturation (Guest, Namey & Chen 2020) against designs worked by hand."""

from __future__ import annotations

from collections import Counter
from itertools import permutations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.domain.saturation import Design, assess, new_codes, random_orders, resample, statement

# Worked by hand (base 4, run 2, threshold 5%):
#   source   codes                     new  cumulative
#   1        a b c d e                  5    5
#   2        a f g h                    3    8
#   3        i j                        2   10
#   4        a k l m n o p q r s t     10   20   → B = 20
#   5        u                          1   21
#   6        v                          1   22   run 5–6: u, v = 2/20 = 10%  > 5%
#   7        a                          0   22   run 6–7: v    = 1/20 =  5%  ≤ 5% (a tie with the threshold counts)
#   8        w                          1   23   run 7–8: w    = 1/20 =  5%
# → saturation at n = 5 (the sources before run 6–7).
ORDER = [set("abcde"), set("afgh"), set("ij"), set("aklmnopqrst"), {"u"}, {"v"}, {"a"}, {"w"}]
NAMES = [f"S{i}" for i in range(1, 9)]


def test_new_and_cumulative():
    result = assess(new_codes(ORDER), Design(4, 2, 0.05))
    assert result.new_codes == (5, 3, 2, 10, 1, 1, 0, 1)
    assert result.cumulative == (5, 8, 10, 20, 21, 22, 22, 23)
    assert result.base_codes == 20
    assert [(r.start, r.end, r.new, r.share) for r in result.runs] == [(5, 6, 2, 0.1), (6, 7, 1, 0.05), (7, 8, 1, 0.05)]


def test_reached_at_the_run_that_ties_the_threshold():
    result = assess(new_codes(ORDER), Design(4, 2, 0.05))
    assert result.reached and result.at == 5 and (result.qualifying.start, result.qualifying.end) == (6, 7)
    assert statement(result, NAMES) == "saturation at n = 5 (base 4, run 2, ≤5% new information; after S5)"


def test_not_reached_says_so_with_the_last_run():
    result = assess(new_codes(ORDER), Design(4, 2, 0.04))
    assert not result.reached and result.at is None
    assert result.last_run.start == 7 and result.last_run.new == 1
    assert statement(result) == (
        "saturation not reached (base 4, run 2, ≤4% new information): "
        "the last run (sources 7–8) still added 1 new code (5.0% new information)"
    )


def test_other_designs_by_hand():
    # base 3 (a–j: B = 10), run 3: run 4–6 adds k–t, u, v = 12/10; run 5–7 u, v = 20%; run 6–8 v, w = 20%
    result = assess(new_codes(ORDER), Design(3, 3, 0.05))
    assert [(r.start, r.new) for r in result.runs] == [(4, 12), (5, 2), (6, 2)] and not result.reached
    # run 1: source 7 adds nothing → n = 6; a 0% threshold is met only by a run with no new code
    assert assess(new_codes(ORDER), Design(4, 1, 0.0)).at == 6
    # threshold 10%: the first run (5–6, exactly 10%) already qualifies → n = 4
    assert assess(new_codes(ORDER), Design(4, 2, 0.10)).at == 4


def test_too_few_sources_and_an_empty_base():
    short = assess([3, 1, 0, 0, 0], Design(4, 2, 0.05))
    assert not short.reached and short.runs == () and "need at least 6" in short.reason
    empty = assess([0, 0, 0, 0, 2, 0, 0], Design(4, 2, 0.05))
    assert not empty.reached and empty.base_codes == 0 and "no codes in the first 4 sources" in empty.reason
    with pytest.raises(ValueError):
        assess([1], Design(0, 2, 0.05))


def test_band_recomputes_each_random_order_with_the_same_rule():
    design = Design(2, 1, 0.05)
    sources = [{"a", "b"}, {"c"}, {"a"}, {"d", "e", "f"}, set()]
    band = resample(sources, design, resamples=200, seed=7)
    orders = random_orders(len(sources), 200, 7)
    ats, curves = [], []
    for order in orders:
        result = assess(new_codes([sources[i] for i in order]), design)
        ats.append(result.at if result.reached else 99)
        curves.append(result.cumulative)
    ats.sort()
    assert band.reached == sum(a != 99 for a in ats)
    assert band.median == (None if ats[99] == 99 else ats[99])  # nearest rank: the 100th of 200
    assert band.low == (None if ats[4] == 99 else ats[4]) and band.high == (None if ats[194] == 99 else ats[194])
    column = sorted(c[0] for c in curves)
    assert band.curve_median[0] == column[99] and band.curve_low[0] == column[4]
    assert band.curve_high[-1] == 6  # every order ends with all six codes
    assert resample(sources, design, resamples=200, seed=7) == band  # seeded: the same band again


def test_band_over_every_order_of_a_small_study():
    # four sources: with enough random orders, the band's n covers the n of the orders that exist
    sources = [{"a", "b"}, {"a", "c"}, {"b"}, {"a", "b", "c"}]
    design = Design(1, 1, 0.0)
    possible = Counter(assess(new_codes([sources[i] for i in p]), design).at for p in permutations(range(4)))
    band = resample(sources, design, resamples=500, seed=1)
    assert {band.low, band.median, band.high} <= set(possible)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sets(st.sampled_from("abcdefghij"), max_size=5), min_size=1, max_size=12),
       st.integers(1, 4), st.integers(1, 3))
def test_properties(order, base, run):
    result = assess(new_codes(order), Design(base, run, 0.05))
    assert result.cumulative[-1] == len(set().union(*order))
    assert all(b >= a for a, b in zip(result.cumulative, result.cumulative[1:]))
    assert len(result.runs) == max(0, len(order) - base - run + 1)
    if result.reached:
        assert result.at >= base and result.qualifying.new <= 0.05 * result.base_codes + 1e-9
        assert all(r.new > 0.05 * result.base_codes for r in result.runs if r.start < result.qualifying.start)
