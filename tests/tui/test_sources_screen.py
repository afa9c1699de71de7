"""The Sources screen: the table, the filter (kind, participant attribute, name) and Enter."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from tests.tui.harness import answer, settle, wait_for, wait_for_screen
from workbench.services.project.sources import SourceSummary
from workbench.tui.screens.coding import CodingScreen
from workbench.tui.screens.sources import SourcesScreen, matches

pytestmark = pytest.mark.anyio
SIZE = (100, 30)


def rows(pilot: Pilot) -> dict[str, list[str]]:
    table = pilot.app.screen.query_one(DataTable)
    return {str(key.value): [str(cell) for cell in table.get_row(key)] for key in table.rows}


async def test_lists_sources_with_kind_participants_length_and_my_codings(make_tui_app):
    async with make_tui_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(pilot.app.screen, SourcesScreen)
        table = rows(pilot)
        assert set(table) == {"P01-interview", "FG1-focus-group"}
        name, kind, language, people, words, turns, codings, mine, percent = table["P01-interview"]
        assert (kind, language, people, turns, codings, mine) == ("interview", "en", "P01", "4", "3", "1")
        assert int(words) > 40
        assert percent.endswith("%") and percent != "0%"
        assert table["FG1-focus-group"][1:4] == ["focus-group", "en", "P02, P03"]
        assert table["FG1-focus-group"][7:] == ["0", "0%"]


@pytest.mark.parametrize(
    "query, shown",
    [
        ("kind:focus", {"FG1-focus-group"}),
        ("kind:interview", {"P01-interview"}),
        ("site=northgate", {"FG1-focus-group"}),
        ("site=eastbrook", {"P01-interview", "FG1-focus-group"}),
        ("gender=female", {"P01-interview"}),
        ("p03", {"FG1-focus-group"}),
        ("kind:focus gender=female", set()),
    ],
)
async def test_f_filters_by_kind_attribute_or_name(make_tui_app, query, shown):
    async with make_tui_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")
        assert isinstance(pilot.app.focused, Input)
        await pilot.press(*query, "enter")
        await settle(pilot)
        assert set(rows(pilot)) == shown
        assert isinstance(pilot.app.focused, DataTable)
        await pilot.press("escape")
        assert len(rows(pilot)) == 2


async def test_enter_opens_the_highlighted_source_and_q_comes_back(make_tui_app):
    async with make_tui_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, CodingScreen) and screen.source_name == "P01-interview"
        await pilot.press("1")  # Bond on the first sentence: the Sources screen counts it when we come back
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(pilot.app.screen, SourcesScreen)
        assert rows(pilot)["P01-interview"][7] == "2"


async def test_q_on_the_sources_quits(make_tui_app):
    async with make_tui_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not pilot.app.is_running


def test_matches_needs_every_word():
    source = SourceSummary(1, "P07-interview", "interview", ["P07"], 3, 9, 120, 700, 0, 0, "txt")
    people = {"P07": {"Site": "Northgate", "role": "client"}}
    assert matches(source, "", people)
    assert matches(source, "kind:int site=NORTHGATE p07", people)
    assert not matches(source, "kind:int site=eastbrook", people)
    assert not matches(source, "p08", people)
    assert matches(source, "lang:en", people) and not matches(source, "lang:da", people)


async def test_blind_mode_hides_everyone_elses_counts(make_tui_app):
    async with make_tui_app(blind=True).run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert rows(pilot)["P01-interview"][6:8] == ["—", "1"]


async def test_i_imports_a_folder_in_a_worker_and_the_table_shows_the_new_sources(make_tui_app, tmp_path, notices):
    folder = tmp_path / "new batch"
    folder.mkdir()
    (folder / "P07-interview.txt").write_text("Interviewer: How was it?\nP07: The app kept me going.\n", encoding="utf-8")
    (folder / "P08-interview.txt").write_text("Interviewer: And you?\nP08: I forgot to log in.\n", encoding="utf-8")
    (folder / "broken.txt").write_bytes(b"\x00\x01 not text")
    async with make_tui_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await answer(pilot, str(folder))
        await answer(pilot, title="Language")  # Enter keeps the project's language
        await wait_for(pilot, lambda: {"P07-interview", "P08-interview"} <= set(rows(pilot)), timeout=30)
        await settle(pilot)
        table = rows(pilot)
        assert table["P07-interview"][1:4] == ["interview", "en", "P07"]
        assert "broken" not in table
        messages = notices.messages
        assert "2 imported, 0 skipped, 1 failed" in messages
        assert any(m.startswith(str(folder / "broken.txt")) and "binary" in m for m in messages)


async def test_i_asks_the_language_and_imports_a_danish_transcript_in_it(make_tui_app, tmp_path, notices):
    from sqlalchemy import select

    from workbench.store.models import Source, Turn

    path = tmp_path / "samtale-7.txt"
    path.write_text("Intervieweren: Hvordan gik det?\nDeltager 7: Jeg skrev f.eks. dagbog. Det hjalp.\n", encoding="utf-8")
    async with make_tui_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await answer(pilot, str(path))
        await answer(pilot, "xx", title="Language")  # unknown: nothing is imported, the supported ones are listed
        await settle(pilot)
        assert any("unknown language 'xx'" in n and "da (Danish)" in n for n in notices.messages)
        assert "samtale-7" not in rows(pilot)
        await pilot.press("i")
        await answer(pilot, str(path))
        await answer(pilot, "da", title="Language")
        await wait_for(pilot, lambda: "samtale-7" in rows(pilot), timeout=30)
        await settle(pilot)
        assert rows(pilot)["samtale-7"][1:4] == ["interview", "da", "P07"]
        project = pilot.app.context.project
        with project.session() as session:
            source = session.scalar(select(Source).where(Source.name == "samtale-7"))
            assert source.language == "da"
            roles = session.execute(select(Turn.speaker_label, Turn.speaker_role).where(Turn.source_id == source.id)).all()
        assert roles == [("Intervieweren", "interviewer"), ("Deltager 7", "participant")]


async def test_L_sets_the_highlighted_sources_language_and_reads_it_again(make_tui_app, tmp_path, notices):
    from sqlalchemy import select

    from workbench.services.importing.batch import import_paths
    from workbench.store.models import Participant, Source, Turn
    from workbench.tui.widgets.name_prompt import NamePrompt

    path = tmp_path / "samtale-8.txt"
    path.write_text("Intervieweren: Hvordan gik det?\nDeltager 8: Vi talte bl.a. om søvn.\n", encoding="utf-8")
    app = make_tui_app()
    import_paths(app.context.project, [path])  # English by mistake
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = pilot.app.screen.query_one(DataTable)
        table.move_cursor(row=table.get_row_index("samtale-8"))
        await pilot.press("L")
        prompt = await wait_for_screen(pilot, NamePrompt)
        assert prompt.query_one(Input).value == "en"
        await answer(pilot, "da")
        await wait_for(pilot, lambda: rows(pilot).get("samtale-8", [""] * 4)[2] == "da", timeout=30)
        await settle(pilot)
        assert rows(pilot)["samtale-8"][1:4] == ["interview", "da", "P08"]
        with app.context.project.session() as session:
            source = session.scalar(select(Source).where(Source.name == "samtale-8"))
            roles = session.execute(
                select(Turn.speaker_role, Participant.pid).outerjoin(Participant, Participant.id == Turn.participant_id)
                .where(Turn.source_id == source.id).order_by(Turn.ordinal)
            ).all()
        assert source.language == "da" and roles == [("interviewer", None), ("participant", "P08")]
        assert any(n.startswith("samtale-8: en → da") for n in notices.messages)


async def test_enter_in_a_burst_opens_the_row_the_keys_reached(make_tui_app):
    """Issue 10: ↓⏎ pasted (or over a slow link) arrive before the table has moved; Enter waits its turn."""
    from textual import events

    async with make_tui_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert pilot.app.screen.query_one(DataTable).cursor_row == 0  # FG1-focus-group
        for key in ("down", "enter"):  # posted at once, no waiting between them
            pilot.app.post_message(events.Key(key, None))
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, CodingScreen) and screen.source_name == "P01-interview"


async def test_home_end_j_k_move_the_row_cursor(make_tui_app):
    async with make_tui_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = pilot.app.screen.query_one(DataTable)
        await pilot.press("j")
        assert table.cursor_row == 1
        await pilot.press("k")
        assert table.cursor_row == 0
        await pilot.press("end")
        assert table.cursor_row == table.row_count - 1 == 1
        await pilot.press("home")
        assert table.cursor_row == 0
        await pilot.press("end", "enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, CodingScreen) and pilot.app.screen.source_name == "P01-interview"
