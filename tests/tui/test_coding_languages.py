"""The Coding screen searches a source in its own language ('/' in a Danish transcript)."""

from __future__ import annotations

import pytest

from tests.tui.harness import open_coding, selected, settle, transcript_view
from workbench.services.importing.batch import ImportOptions, import_paths

pytestmark = pytest.mark.anyio
SIZE = (100, 30)

DANISH = (
    "Intervieweren: Hvordan gik det med appen?\n"
    "Deltager 4: Tilliden voksede f.eks. efter ca. tre uger. Uden tillid går det ikke.\n"
)


async def test_slash_finds_the_danish_inflections_in_a_danish_source(make_tui_app, tui_project, tmp_path):
    path = tmp_path / "samtale-4.txt"
    path.write_text(DANISH, encoding="utf-8")
    import_paths(tui_project.project, [path], ImportOptions(language="da"))
    async with make_tui_app().run_test(size=SIZE) as pilot:
        screen = await open_coding(pilot, "samtale-4")
        assert screen.document.language == "da"
        assert [screen.document.text[s.start : s.end] for s in screen.document.segments] == [
            "Hvordan gik det med appen?", "Tilliden voksede f.eks. efter ca. tre uger.", "Uden tillid går det ikke.",
        ]
        await pilot.press("slash", *"tillid", "enter")
        await settle(pilot)
        assert [h.text for h in transcript_view(pilot).hits] == ["Tilliden", "tillid"]
        assert selected(pilot).startswith("Tilliden voksede")
