"""The pure rules behind what leaves the project: terminal text, passwords, spreadsheet cells."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from workbench.domain.cells import FORMULA_STARTS, protect_cell, unprotect_cell
from workbench.safety import for_message, for_terminal, has_controls, json_for_terminal, mask_passwords

CONTROL = {*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)}


@given(st.text())
def test_terminal_text_has_no_control_character_and_keeps_every_offset(text):
    shown = for_terminal(text)
    assert len(shown) == len(text)  # one for one: a column on screen is an offset into the stored text
    assert not any(ord(ch) in CONTROL for ch in shown)
    assert not has_controls(shown)
    for stored, visible in zip(text, shown):
        assert visible == stored or ord(stored) in CONTROL


def test_the_pictures():
    assert for_terminal("a\x1b]0;t\x07\x00\x7f\x9b\tb\n") == "a␛]0;t␇␀␡�\tb\n"


@given(st.recursive(st.text() | st.integers(), lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner)))
def test_json_stays_exact_and_shows_no_control_character(value):
    document = json_for_terminal(json.dumps(value, ensure_ascii=False))
    assert json.loads(document) == value
    assert not any(ord(ch) in CONTROL for ch in document)


def test_passwords_are_masked_wherever_a_url_appears():
    message = (
        "cannot use postgresql+psycopg://ana:hunter2@db.example:5432/study ('mysql://root:s3cr:et@h/x') "
        "or postgresql://h/db?user=ana&password=hunter3&sslmode=require"
    )
    masked = mask_passwords(message)
    assert "hunter2" not in masked and "s3cr" not in masked and "hunter3" not in masked
    assert "postgresql+psycopg://ana:***@db.example:5432/study" in masked and "password=***&sslmode" in masked
    assert mask_passwords("sqlite:////home/ana/a:b@c.db and P01: I said: hi@there") == "sqlite:////home/ana/a:b@c.db and P01: I said: hi@there"


def test_a_message_is_one_line_without_passwords_or_controls():
    assert for_message("failed: postgresql://a:pw@h/d\n\tIs the server running?\x1b]0;x\x07") == (
        "failed: postgresql://a:***@h/d Is the server running?␛]0;x␇"
    )


@given(st.text())
def test_a_protected_cell_never_runs_and_comes_back_exactly(value):
    protected = protect_cell(value)
    assert unprotect_cell(protected) == value
    if protected.startswith(FORMULA_STARTS):  # only numbers may start so
        float(protected)


def test_cells():
    assert protect_cell("=1+1") == "'=1+1"
    assert protect_cell("-2+3+cmd|' /C calc'!A0") == "'-2+3+cmd|' /C calc'!A0"
    assert protect_cell("@SUM(A1)") == "'@SUM(A1)" and protect_cell("\tx") == "'\tx" and protect_cell("\rx") == "'\rx"
    assert protect_cell("-0.25") == "-0.25" and protect_cell("+3") == "+3"
    assert protect_cell("'=x") == "''=x" and protect_cell("'quoted'") == "'quoted'"
    assert unprotect_cell("'quoted'") == "'quoted'"  # a quote a spreadsheet user typed stays
