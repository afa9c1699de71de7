"""x on the Sources screen offers Table 1, the thematic map and the methods appendix; blind coders not the appendix."""

from __future__ import annotations

import pytest

from tests.paper.builders import SourceSpec, build
from tests.tui.harness import answer, wait_for, wait_for_screen
from workbench.services.themes.edit import create_theme, toggle_theme_code
from workbench.store.engine import Project
from workbench.tui.app import make_app
from workbench.tui.widgets.code_picker import Picker

pytestmark = pytest.mark.anyio
SIZE = (120, 40)


@pytest.fixture
def db(tmp_path):
    project = Project.open(str(tmp_path / "p.db"))
    build(project, [SourceSpec("I1", "interview", ["P1"], {"me": ["a"], "other": ["a"]}),
                    SourceSpec("G1", "focus-group", ["P1", "P2"], {"me": ["b"]})],
          {"P1": {"age": "30"}, "P2": {"age": "40"}})
    create_theme(project, "Feeling held", "facilitator")
    toggle_theme_code(project, "F1", "a")
    project.close()
    return str(tmp_path / "p.db")


async def export(pilot, what: str, out) -> None:
    await pilot.press("x")
    await wait_for_screen(pilot, Picker)
    await pilot.press(*what, "enter")
    await answer(pilot, str(out))
    await wait_for(pilot, out.exists, timeout=30)
    await pilot.app.workers.wait_for_complete()


async def test_x_writes_table_1_the_map_and_the_appendix(db, tmp_path):
    async with make_app(db, coder="me").run_test(size=SIZE) as pilot:
        await pilot.pause()
        await export(pilot, "participant characteristics", tmp_path / "t1.csv")
        assert "All participants (N = 2)" in (tmp_path / "t1.csv").read_text(encoding="utf-8")
        await export(pilot, "thematic map", tmp_path / "map.svg")
        svg = (tmp_path / "map.svg").read_text(encoding="utf-8")
        assert "Feeling held (n\u00a0=\u00a01)" in svg or "Feeling held (n = 1)" in svg  # the coder's own layer
        await export(pilot, "methods appendix", tmp_path / "m.md")
        assert "COREQ" in (tmp_path / "m.md").read_text(encoding="utf-8")


async def test_blind_coders_are_not_offered_the_appendix_or_the_whole_project(db):
    async with make_app(db, coder="me", blind=True).run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("x")
        await wait_for_screen(pilot, Picker)
        labels = " ".join(str(option.prompt) for option in pilot.app.screen.query("OptionList").first().options)
        assert "Thematic map" in labels and "Methods appendix" not in labels and "Agreement" not in labels
        assert "Whole project" not in labels  # every coder's codings would go out
