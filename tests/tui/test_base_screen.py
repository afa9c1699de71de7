"""``WorkbenchScreen``: typed access to the App's context, and one notification for a worker that fails."""

from __future__ import annotations

import pytest
from textual import work

from tests.tui.harness import Notice, settle, wait_for
from workbench.errors import InputError
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.screens.saturation import SaturationScreen
from workbench.tui.screens.sources import SourcesScreen

pytestmark = pytest.mark.anyio


class Failing(WorkbenchScreen):
    ERROR_TITLE = "Failing"

    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error

    def on_mount(self) -> None:
        self._fail()

    @work(thread=True, exit_on_error=False)
    def _fail(self) -> None:
        raise self.error


async def test_the_context_is_the_apps(make_tui_app) -> None:
    async with make_tui_app(coder="cleo").run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, SourcesScreen) and isinstance(screen, WorkbenchScreen)
        assert screen.workbench_app is pilot.app
        assert screen.context is pilot.app.context and screen.context.coder == "cleo"
        assert screen.project is pilot.app.context.project


@pytest.mark.parametrize(
    ("error", "text"),
    [
        (InputError("P01.txt", "no speaker; add one", line=3), "P01.txt:3: no speaker; add one"),
        (ValueError("[b]boom[/b]"), "Unexpected problem: ValueError('[b]boom[/b]')"),
    ],
)
async def test_a_failed_worker_is_one_notification_titled_by_the_screen(make_tui_app, notices, error, text) -> None:
    async with make_tui_app().run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        before = len(notices)
        await pilot.app.push_screen(Failing(error))
        await wait_for(pilot, lambda: len(notices) > before)
        await settle(pilot)
        assert notices[before:] == [Notice(text, "Failing", "error")]  # once; markup shown as typed
        assert isinstance(pilot.app.screen, Failing)  # the App keeps running


def test_every_screen_of_the_app_is_a_workbench_screen() -> None:
    from workbench.tui.screens.audit import AuditScreen
    from workbench.tui.screens.codebook import CodebookScreen
    from workbench.tui.screens.coding import CodingScreen
    from workbench.tui.screens.retrieve import RetrieveScreen
    from workbench.tui.screens.review import ReviewScreen
    from workbench.tui.screens.themes import ThemesScreen

    screens = [AuditScreen, CodebookScreen, CodingScreen, RetrieveScreen, ReviewScreen, SaturationScreen,
               SourcesScreen, ThemesScreen]  # fmt: skip
    assert all(issubclass(s, WorkbenchScreen) and s.ERROR_TITLE for s in screens)
