"""Agreement figures are written one way everywhere (workbench.agreement.format)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from workbench.agreement import format as fmt


def test_coefficients_have_three_decimals_and_no_negative_zero() -> None:
    assert fmt.coefficient(0.75) == "0.750"
    assert fmt.coefficient(-0.0004) == "0.000" and fmt.coefficient(-0.0006) == "-0.001"
    assert fmt.coefficient(None) == "–" and fmt.percent(None) == "–"
    assert fmt.percent(66.666) == "66.7"
    assert fmt.interval((0.51234, 0.9)) == "[0.512, 0.900]" and fmt.interval(None) == ""
    assert fmt.with_interval(0.75, (0.5, 0.9)) == "0.750 [0.500, 0.900]" and fmt.with_interval(0.75, None) == "0.750"
    assert fmt.raw(3) == "3" and fmt.raw(0.123456789) == "0.123457" and fmt.raw(None) == ""


@given(st.floats(-1, 1, allow_nan=False))
def test_a_coefficient_reads_back_as_the_value_rounded(value: float) -> None:
    text = fmt.coefficient(value)
    assert not text.startswith("-0.000") and abs(float(text) - value) <= 0.0005 + 1e-12
