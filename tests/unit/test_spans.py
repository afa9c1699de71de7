from hypothesis import given
from hypothesis import strategies as st

from workbench.domain import spans
from workbench.domain.spans import Span

span_lists = st.lists(
    st.tuples(st.integers(0, 200), st.integers(0, 60)).map(lambda t: (t[0], t[0] + t[1])), max_size=12
)


def chars(span_list):
    return {i for start, end in span_list for i in range(start, end)}


@given(span_lists)
def test_merge_covers_the_same_characters_disjointly(items):
    merged = spans.merge(items)
    assert chars(merged) == chars(items)
    for a, b in zip(merged, merged[1:]):
        assert a.end < b.start  # disjoint and not touching
    assert spans.covered_length(items) == len(chars(items))


@given(span_lists, span_lists)
def test_intersection_and_subtraction_are_set_operations(a, b):
    assert chars(spans.intersect_all(a, b)) == chars(a) & chars(b)
    assert chars(spans.subtract(a, b)) == chars(a) - chars(b)


@given(st.tuples(st.integers(0, 50), st.integers(0, 50)), st.tuples(st.integers(0, 50), st.integers(0, 50)))
def test_overlap_is_symmetric_and_counts_shared_characters(a, b):
    a, b = (min(a), max(a)), (min(b), max(b))
    assert spans.overlap(a, b) == spans.overlap(b, a) == len(chars([a]) & chars([b]))


def test_check_span_reasons():
    assert spans.check_span(0, 5, 10) is None
    assert "negative" in spans.check_span(-1, 5, 10)
    assert "before start" in spans.check_span(6, 5, 10)
    assert "past the end" in spans.check_span(0, 11, 10)
    assert "empty" in spans.check_span(3, 3, 10)


def test_line_spans_and_strip():
    text = "ab\n\n  cd  \n"
    assert spans.line_spans(text) == [Span(0, 2), Span(3, 3), Span(4, 10), Span(11, 11)]
    assert spans.strip_span(text, 4, 10) == Span(6, 8)


def test_snap_to_units_widens_to_touched_sentences():
    units = [(0, 10), (11, 20), (21, 30)]
    assert spans.snap_to_units((5, 12), units) == Span(0, 20)
    assert spans.snap_to_units((40, 45), units) == Span(40, 45)


@given(st.text(max_size=40))
def test_utf16_round_trip(text):
    for position in range(len(text) + 1):
        assert spans.utf16_to_code_points(text, spans.code_points_to_utf16(text, position)) == position


def test_utf16_counts_astral_characters_twice():
    text = "a😀b"
    assert spans.code_points_to_utf16(text, 2) == 3
    assert spans.utf16_to_code_points(text, 3) == 2
