"""The Saturation screen: the table and the terminal plot for the layer shown, switching layers, blind mode."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

from tests.paper.builders import SourceSpec, build
from tests.tui.harness import HarnessApp, settle, text_of
from workbench.store.engine import Project
from workbench.tui.context import WorkbenchContext
from workbench.tui.screens.saturation import SaturationScreen
from workbench.tui.screens.sources import SourcesScreen

pytestmark = pytest.mark.anyio

# base 4, run 2: the consensus S1 {a,b} S2 {c} S3-S6 {} → B = 3, run 5–6 adds 0 → n = 4
# me: S1 {a} S2 {a} S3 {b} S4 {c} S5 {d} S6 {} → B = 3, run 5–6 adds d = 33% → not reached
SOURCES = [
    SourceSpec("S1", speakers=["P01"], codings={"consensus": ["a", "b"], "me": ["a"]}),
    SourceSpec("S2", speakers=["P02"], codings={"consensus": ["c"], "me": ["a"]}),
    SourceSpec("S3", speakers=["P03"], codings={"me": ["b"]}),
    SourceSpec("S4", speakers=["P04"], codings={"me": ["c"]}),
    SourceSpec("S5", speakers=["P05"], codings={"me": ["d"]}),
    SourceSpec("S6", speakers=["P06"], codings={"consensus": ["a"]}),
]


@pytest.fixture
def study(tmp_path):
    project = Project.open(str(tmp_path / "p.db"))
    build(project, SOURCES)
    yield project
    project.close()


def table(pilot: Pilot) -> list[list[str]]:
    grid = pilot.app.screen.query_one(DataTable)
    return [[str(c) for c in grid.get_row(key)] for key in grid.rows]


async def test_shows_the_consensus_then_each_coder(study):
    app = HarnessApp(WorkbenchContext(study, "me"), SaturationScreen)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot, rounds=4)
        assert [row[2:4] for row in table(pilot)] == [["2", "2"], ["1", "3"], ["0", "3"], ["0", "3"], ["0", "3"], ["0", "3"]]
        assert "Layer: consensus" in text_of(pilot.app.screen, "#saturation-heading")
        assert "saturation at n = 4" in text_of(pilot.app.screen, "#saturation-heading")
        plot = text_of(pilot.app.screen, "#saturation-plot").splitlines()
        assert plot[1].startswith("  1 S1 B ▓") and plot[5].split()[2] == "R"  # base, then the qualifying run
        await pilot.press("l")
        await settle(pilot, rounds=4)
        assert "Layer: me" in text_of(pilot.app.screen, "#saturation-heading")
        assert [row[2] for row in table(pilot)] == ["1", "0", "1", "1", "1", "0"]
        assert "saturation not reached" in text_of(pilot.app.screen, "#saturation-summary")
        assert "run 5–6: 1 new (33.3%)" in text_of(pilot.app.screen, "#saturation-summary")


async def test_blind_mode_shows_only_my_own_codings(study):
    app = HarnessApp(WorkbenchContext(study, "me", blind=True), SaturationScreen)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, rounds=4)
        assert "Layer: me" in text_of(pilot.app.screen, "#saturation-heading")
        await pilot.press("l")
        await settle(pilot, rounds=4)
        assert "Layer: me" in text_of(pilot.app.screen, "#saturation-heading")


async def test_s_on_the_sources_screen_opens_it(study):
    app = HarnessApp(WorkbenchContext(study, "me"), SourcesScreen)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, rounds=4)
        await pilot.press("s")
        await settle(pilot, rounds=4)
        assert isinstance(pilot.app.screen, SaturationScreen)
        await pilot.press("q")
        assert isinstance(pilot.app.screen, SourcesScreen)


async def test_d_sets_the_design_and_o_the_order(study, tmp_path, notices):
    app = HarnessApp(WorkbenchContext(study, "me"), SaturationScreen)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot, rounds=4)
        await pilot.press("l")  # me: S1 {a} S2 {a} S3 {b} S4 {c} S5 {d} S6 {}
        await settle(pilot, rounds=4)
        await pilot.press("d", "ctrl+u", *"2 1 0.05", "enter")
        await settle(pilot, rounds=4)
        # base 2 (B = 1): run 3 adds b (100%), 4 adds c, 5 adds d, 6 adds nothing → n = 5
        assert "saturation at n = 5 (base 2, run 1" in text_of(pilot.app.screen, "#saturation-heading")
        (tmp_path / "order.txt").write_text("S6\nS5\nS4\nS3\nS2\nS1\n", encoding="utf-8")
        await pilot.press("o", "ctrl+u", *str(tmp_path / "order.txt"), "enter")
        await settle(pilot, rounds=4)
        assert [row[1] for row in table(pilot)] == ["S6", "S5", "S4", "S3", "S2", "S1"]
        assert "order: file order.txt" in text_of(pilot.app.screen, "#saturation-heading")
        await pilot.press("d", "ctrl+u", *"0 1", "enter")
        await settle(pilot, rounds=4)
        assert any("the base must be 1 source or more" in n for n in notices.messages)


async def test_k_narrows_the_kind_and_i_to_inductive_codes(project, tmp_path):
    build(project, [
        SourceSpec("I1", "interview", ["P1"], {"me": ["a", "x"]}),
        SourceSpec("G1", "focus-group", ["P2"], {"me": ["b"]}),
        SourceSpec("I2", "interview", ["P3"], {"me": ["x", "y"]}),
    ], inductive=["x", "y"])
    app = HarnessApp(WorkbenchContext(project, "me"), SaturationScreen)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot, rounds=4)
        assert [row[1] for row in table(pilot)] == ["I1", "G1", "I2"]
        await pilot.press("k")
        await settle(pilot, rounds=4)
        assert [row[1:3] for row in table(pilot)] == [["I1", "2"], ["I2", "1"]]
        assert "interviews only" in text_of(pilot.app.screen, "#saturation-heading")
        await pilot.press("i")
        await settle(pilot, rounds=4)
        assert [row[4] for row in table(pilot)] == ["x", "y"]  # only inductive codes counted
        await pilot.press("k", "k")
        await settle(pilot, rounds=4)
        assert [row[1] for row in table(pilot)] == ["I1", "G1", "I2"]
