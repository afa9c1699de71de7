"""The Coding screen's keyboard contract, driven with Pilot and checked in the database."""

from __future__ import annotations

import pytest
from textual.widgets import Input, OptionList, TextArea, Tree

from tests.tui.harness import GROUP_NAME, goto, open_coding, selected, settle, text_of, transcript_view
from workbench.tui.screens.sources import SourcesScreen
from workbench.tui.widgets.code_picker import CodePicker, Picker
from workbench.tui.widgets.transcript_view import TranscriptView

pytestmark = pytest.mark.anyio
SIZE = (100, 30)


async def test_opens_with_turns_segments_and_everyones_codings(make_tui_app):
    async with make_tui_app().run_test(size=SIZE) as pilot:
        screen = await open_coding(pilot)
        assert [t.speaker_label for t in screen.document.turns] == ["Interviewer", "P01", "Interviewer", "P01"]
        assert {(c.code_key, c.coder) for c in transcript_view(pilot).codings} == {
            ("bond", "ana"), ("usability", "ana"), ("bond.trust", "me")}
        assert selected(pilot) == "How did you find the programme?"
        assert "coder: me" in screen.sub_title


async def test_cursor_moves_by_segment_page_and_turn(make_tui_app):
    async with make_tui_app().run_test(size=SIZE) as pilot:
        await open_coding(pilot)
        await pilot.press("down")
        assert selected(pilot) == "Tell me about the first weeks."
        await pilot.press("j", "j")
        assert selected(pilot) == "She was warm and she listened."
        await pilot.press("k")
        assert selected(pilot) == "I trusted my therapist from the start."
        await pilot.press("up")
        assert selected(pilot) == "Tell me about the first weeks."
        await pilot.press("right_square_bracket")
        assert selected(pilot) == "I trusted my therapist from the start."
        await pilot.press("right_square_bracket")
        assert selected(pilot) == "What did you work on together?"
        await pilot.press("left_square_bracket")
        assert selected(pilot) == "I trusted my therapist from the start."
        await pilot.press("pagedown")
        assert transcript_view(pilot).cursor > 2
        await pilot.press("G")
        assert selected(pilot) == "I did most of them on the bus."
        await pilot.press("pageup", "g")
        assert selected(pilot) == "How did you find the programme?"


async def test_selection_extends_by_segment_character_and_word(make_tui_app):
    async with make_tui_app().run_test(size=SIZE) as pilot:
        await open_coding(pilot)
        await goto(pilot, "She was warm")
        await pilot.press("shift+down")
        assert selected(pilot) == "She was warm and she listened. The app was frustrating at first because the login kept failing."
        await pilot.press("shift+up")
        assert selected(pilot) == "She was warm and she listened."
        await pilot.press("shift+up")
        assert selected(pilot) == "I trusted my therapist from the start. She was warm and she listened."
        await goto(pilot, "She was warm")
        await pilot.press("shift+left", "shift+left")
        assert selected(pilot) == "She was warm and she listene"
        await pilot.press("shift+right")
        assert selected(pilot) == "She was warm and she listened"
        await goto(pilot, "She was warm")
        await pilot.press("ctrl+shift+right")
        assert selected(pilot) == "She was warm and she listened. The"
        await pilot.press("W")
        assert selected(pilot) == "She was warm and she listened. The app"
        await pilot.press("B", "ctrl+shift+left")
        assert selected(pilot) == "She was warm and she listened"
        await pilot.press("o", "W")  # the start moves now
        assert selected(pilot) == "was warm and she listened"


@pytest.mark.parametrize("number, key", [(1, "bond"), (4, "goals"), (6, "usability")])
async def test_number_keys_toggle_the_numbered_code(make_tui_app, tui_project, number, key):
    async with make_tui_app().run_test(size=SIZE) as pilot:
        await open_coding(pilot)
        await goto(pilot, "We agreed on small goals")
        span = tui_project.span_of("We agreed on small goals each week.")
        await pilot.press(str(number))
        await settle(pilot)
        assert (key, "me", *span, None) in tui_project.codings()
        await pilot.press(str(number))
        await settle(pilot)
        assert not [c for c in tui_project.codings() if c[0] == key]


async def test_numbering_follows_the_visible_tree(make_tui_app, tui_project):
    async with make_tui_app().run_test(size=SIZE) as pilot:
        screen = await open_coding(pilot)
        assert [c.key for c in screen.panel.numbered()][:4] == ["bond", "bond.trust", "bond.warmth", "goals"]
        screen.panel.code_tree.root.children[0].collapse()
        await settle(pilot)
        assert [c.key for c in screen.panel.numbered()][:3] == ["bond", "goals", "task"]
        await goto(pilot, "We agreed on small goals")
        await pilot.press("2")
        await settle(pilot)
        assert [c[0] for c in tui_project.codings()] == ["bond.trust", "goals"]


async def test_picker_applies_a_code_by_name(make_tui_app, tui_project):
    async with make_tui_app().run_test(size=SIZE) as pilot:
        await open_coding(pilot)
        await goto(pilot, "The homework exercises")
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(pilot.app.screen, CodePicker)
        await pilot.press(*"task", "enter")
        await settle(pilot)
        assert ("task", "me", *tui_project.span_of("The homework exercises made sense to me."), None) in tui_project.codings()


async def test_picker_creates_an_inductive_code(make_tui_app, tui_project):
    async with make_tui_app().run_test(size=SIZE) as pilot:
        screen = await open_coding(pilot)
        await goto(pilot, "I did most of them on the bus")
        await pilot.press("c")
        await pilot.pause()
        await pilot.press(*"Commuting", "enter")
        await settle(pilot)
        assert "inductive.commuting" in tui_project.code_keys()
        assert ("inductive.commuting", "me", *tui_project.span_of("I did most of them on the bus."), None) in tui_project.codings()
        assert "inductive.commuting" in {c.key for c in screen.panel.codes}


async def test_x_removes_the_coding_at_the_cursor_or_asks_which(make_tui_app, tui_project):
    async with make_tui_app().run_test(size=SIZE) as pilot:
        await open_coding(pilot)
        await goto(pilot, "The app was frustrating")
        await pilot.press("x")
        await settle(pilot)
        assert [c[0] for c in tui_project.codings("ana")] == ["bond"]
        await goto(pilot, "I trusted my therapist")  # ana's Bond and my Trust overlap here
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(pilot.app.screen, Picker)
        options = pilot.app.screen.query_one(OptionList)
        assert options.option_count == 2
        await pilot.press(*"trust", "enter")
        await settle(pilot)
        assert tui_project.codings("me") == []
        assert [c[0] for c in tui_project.codings("ana")] == ["bond"]


async def test_m_saves_a_memo_on_the_coding_else_on_the_source(make_tui_app, tui_project):
    async with make_tui_app().run_test(size=SIZE) as pilot:
        screen = await open_coding(pilot)
        await goto(pilot, "The app was frustrating")
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(screen.focused, TextArea)
        await pilot.press(*"login bug", "escape")
        await settle(pilot)
        assert [c[4] for c in tui_project.codings("ana") if c[0] == "usability"] == ["login bug"]
        assert isinstance(screen.focused, TranscriptView)
        await goto(pilot, "What did you work on")
        await pilot.press("m")
        await settle(pilot)
        await pilot.press(*"Second interview", "ctrl+s")
        await settle(pilot)
        assert tui_project.memos("source") == ["Second interview"]


async def test_m_on_the_codebook_panel_edits_the_code_memo(make_tui_app, tui_project):
    async with make_tui_app().run_test(size=SIZE) as pilot:
        screen = await open_coding(pilot)
        screen.panel.code_tree.focus()
        await pilot.press("m")
        await settle(pilot)
        await pilot.press(*"Bond memo", "escape")
        await settle(pilot)
        assert tui_project.memos("code") == ["Bond memo"]


async def test_search_is_lemma_aware_and_n_moves_between_hits(make_tui_app):
    async with make_tui_app().run_test(size=SIZE) as pilot:
        screen = await open_coding(pilot)
        await pilot.press("slash")
        assert isinstance(screen.focused, Input)
        await pilot.press(*"frustrate", "enter")
        await settle(pilot)
        assert [h.text for h in transcript_view(pilot).hits] == ["frustrating"]
        assert selected(pilot).startswith("The app was frustrating")
        await pilot.press("slash", *"the", "enter")
        await settle(pilot)
        hits = transcript_view(pilot).hits
        assert len(hits) > 2
        first = transcript_view(pilot).hit
        await pilot.press("n")
        assert transcript_view(pilot).hit == (first + 1) % len(hits)
        await pilot.press("N", "N")
        assert transcript_view(pilot).hit == (first - 1) % len(hits)
        await pilot.press("escape")
        assert transcript_view(pilot).hits == []


async def test_suggestions_appear_and_accept_or_reject_change_the_database(make_tui_app, tui_project):
    async with make_tui_app().run_test(size=SIZE) as pilot:
        screen = await open_coding(pilot)
        await pilot.press("s")
        await settle(pilot)
        suggested = {s.code_key for s in transcript_view(pilot).suggestions}
        assert {"goals", "task", "bond.warmth"} <= suggested
        await goto(pilot, "We agreed on small goals")
        await pilot.press("a")
        await settle(pilot)
        assert ("goals", "me", *tui_project.span_of("We agreed on small goals each week."), None) in tui_project.codings()
        await goto(pilot, "The homework exercises")
        await pilot.press("r")
        await settle(pilot)
        statuses = tui_project.suggestion_statuses()
        assert statuses["goals"] == "accepted" and statuses["task"] == "rejected"
        assert "task" not in {s.code_key for s in transcript_view(pilot).suggestions}
        await goto(pilot, "She was warm")
        await pilot.press("enter")
        await settle(pilot)
        assert tui_project.suggestion_statuses()["bond.warmth"] == "accepted"
        await pilot.press("s")
        assert transcript_view(pilot).suggestions == [] and not screen.suggestions_on


async def test_undo_and_redo(make_tui_app, tui_project):
    async with make_tui_app().run_test(size=SIZE) as pilot:
        await open_coding(pilot)
        await goto(pilot, "Later it got better")
        await pilot.press("5")
        await settle(pilot)
        assert "task" in [c[0] for c in tui_project.codings()]
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert "task" not in [c[0] for c in tui_project.codings()]
        assert "task" not in {c.code_key for c in transcript_view(pilot).codings}
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert "task" in [c[0] for c in tui_project.codings()]


async def test_tab_moves_between_panels_and_d_shows_the_definition(make_tui_app):
    async with make_tui_app().run_test(size=SIZE) as pilot:
        screen = await open_coding(pilot)
        assert isinstance(screen.focused, TranscriptView)
        await pilot.press("tab")
        assert isinstance(screen.focused, Tree)
        await pilot.press("d")
        assert "emotional bond" in text_of(screen, "#code-definition")
        await pilot.press("tab")
        assert isinstance(screen.focused, TranscriptView)


async def test_q_goes_back_to_the_sources(make_tui_app):
    async with make_tui_app().run_test(size=SIZE) as pilot:
        await open_coding(pilot)
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(pilot.app.screen, SourcesScreen)


async def test_blind_mode_shows_only_my_codings(make_tui_app, tui_project):
    async with make_tui_app(blind=True).run_test(size=SIZE) as pilot:
        screen = await open_coding(pilot)
        assert {(c.code_key, c.coder) for c in transcript_view(pilot).codings} == {("bond.trust", "me")}
        assert "blind" in screen.sub_title
        await goto(pilot, "I trusted my therapist")
        await pilot.press("x")
        await settle(pilot)
        assert tui_project.codings("me") == [] and len(tui_project.codings("ana")) == 2


async def test_mouse_click_moves_the_cursor_and_drag_selects(make_tui_app):
    async with make_tui_app().run_test(size=SIZE) as pilot:
        screen = await open_coding(pilot, GROUP_NAME)
        transcript = transcript_view(pilot)
        # Row 0 "Moderator", row 1 its words, row 2 blank, row 3 "P02", row 4 "Setting goals ..."
        await pilot.click(TranscriptView, offset=(10, 4))
        assert selected(pilot) == "Setting goals with my therapist helped."
        await pilot.mouse_down(TranscriptView, offset=(2, 4))
        await pilot.hover(TranscriptView, offset=(8, 4))
        await pilot.mouse_up(TranscriptView, offset=(8, 4))
        assert selected(pilot) == "Setting"  # the characters under the press and the release are both in
        assert transcript.selection.head_at_end
        assert screen.document is not None


async def test_a_folder_gets_no_number_and_is_not_offered_by_the_picker(make_tui_app, tui_project):
    from workbench.services.codebook import edit
    from workbench.services.codebook.codes import list_codes
    from workbench.tui.widgets.codebook_panel import CodebookPanel

    with tui_project.project.session() as session:
        bond = next(c for c in list_codes(session) if c.key == "bond")
    edit.update_code(tui_project.project, "bond", expected_version=bond.version, codable=False)
    async with make_tui_app().run_test(size=SIZE) as pilot:
        screen = await open_coding(pilot)
        panel = screen.query_one(CodebookPanel)
        assert [c.key for c in panel.numbered()][:3] == ["bond.trust", "bond.warmth", "goals"]
        await goto(pilot, "Tell me about the first weeks.")
        await pilot.press("1")
        await settle(pilot)
        assert ("bond.trust", "me") in {(c.code_key, c.coder) for c in transcript_view(pilot).codings_at()}
        await pilot.press("c")
        await settle(pilot)
        picker = pilot.app.screen
        assert isinstance(picker, CodePicker)
        values = {picker.value_of(option.id) for option in picker.options_for("") if option.id}
        assert ("code", "bond") not in values and ("code", "bond.trust") in values
