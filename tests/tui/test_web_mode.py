"""The TUI's browser-mode behaviour (App.is_web): exports become downloads, import opens the upload page."""

from __future__ import annotations

import io

import pytest
from textual.app import App

from tests.tui.harness import answer, wait_for, wait_for_screen
from workbench.tui.app import make_app
from workbench.tui.exports import deliver

SIZE = (120, 40)


class FakeWebApp:
    is_web = True

    def __init__(self) -> None:
        self.sent: list[tuple[bytes, str]] = []

    def deliver_binary(self, data: io.BytesIO, *, save_filename: str) -> None:
        self.sent.append((data.read(), save_filename))


def test_in_a_browser_a_written_export_is_sent_and_removed_from_the_server(tmp_path):
    folder = tmp_path / "workbench-export-x"
    folder.mkdir()
    out = folder / "themes.docx"
    out.write_bytes(b"PK docx bytes")
    app = FakeWebApp()
    assert deliver(app, out) == "your browser's downloads (themes.docx)"  # type: ignore[arg-type]
    assert app.sent == [(b"PK docx bytes", "themes.docx")] and not folder.exists()


def test_in_a_terminal_the_export_stays_where_it_was_written(tmp_path):
    out = tmp_path / "themes.docx"
    out.write_bytes(b"x")

    class Terminal:
        is_web = False

    assert deliver(Terminal(), out) == str(out) and out.exists()  # type: ignore[arg-type]


@pytest.mark.anyio
async def test_import_in_a_browser_opens_the_upload_page_instead_of_asking_for_a_server_path(tui_project, monkeypatch, notices):
    app = make_app(tui_project.db, coder="me", upload_url="https://wb.example.org/upload")
    opened: list[tuple[str, bool]] = []
    monkeypatch.setattr(App, "is_web", property(lambda self: True))
    monkeypatch.setattr(app, "open_url", lambda url, new_tab=True: opened.append((url, new_tab)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("i")
        await wait_for(pilot, lambda: opened)
        assert opened == [("https://wb.example.org/upload", True)]
        assert any("Upload the files" in n for n in notices.messages)
        assert pilot.app.screen.__class__.__name__ == "SourcesScreen"  # no path prompt


@pytest.mark.anyio
async def test_x_exports_the_codebook_as_taguette_csv_and_in_a_browser_it_downloads(tui_project, monkeypatch):
    from workbench.tui.widgets.code_picker import Picker

    app = make_app(tui_project.db, coder="me")
    sent: list[tuple[bytes, str]] = []
    monkeypatch.setattr(App, "is_web", property(lambda self: True))
    monkeypatch.setattr(app, "deliver_binary", lambda data, save_filename: sent.append((data.read(), save_filename)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("x")
        await wait_for_screen(pilot, Picker)
        await pilot.press(*"taguette", "enter")
        await answer(pilot)  # Enter: codebook.csv
        await wait_for(pilot, lambda: sent)
    assert sent and sent[0][1] == "codebook.csv"
    assert sent[0][0].decode("utf-8").startswith("tag,description\nBond,")
