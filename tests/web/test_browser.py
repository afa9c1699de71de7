"""Browser mode in a real browser: Playwright driving the system Chromium (skipped where either is missing).

One server in team mode (users from X-Forwarded-User, as an authenticating proxy would set it) on a
small project: a request without the header is refused; ana and ben, at the same time, open a source
and code with the keyboard, and the codings are in the database under each name; ana's Word export
arrives as a browser download that python-docx opens; the page asks nothing of any other host.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

pytest.importorskip("textual_serve")
sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no system Chromium (apt-get install -y chromium)")

from tests.conftest import BACKENDS, fresh_pg_database  # noqa: E402
from workbench.services.codebook.files import load_codebook  # noqa: E402
from workbench.services.importing.batch import ImportOptions, import_paths  # noqa: E402
from workbench.services.themes.edit import create_theme  # noqa: E402
from workbench.store.engine import Project  # noqa: E402
from workbench.store.models import AuditEntry, Coder, Coding  # noqa: E402

HEADER = "X-Forwarded-User"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(params=BACKENDS)
def served(request, tmp_path, codebook_file, interview_file):
    """The server on SQLite, and on PostgreSQL when $WORKBENCH_TEST_PG_URL names a server (team mode's store)."""
    if request.param == "sqlite":
        yield from _served(str(tmp_path / "team.db"), codebook_file, interview_file)
        return
    with fresh_pg_database() as url:
        yield from _served(url, codebook_file, interview_file)


def _served(db, codebook_file, interview_file):
    project = Project.open(db)
    load_codebook(project, codebook_file)
    import_paths(project, [interview_file], ImportOptions(kind="interview"))
    create_theme(project, "Feeling held", codes=["bond"])
    project.close()
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("WORKBENCH_")}
    environment["WORKBENCH_DB"] = db  # (a URL with a password stays off the command line)
    server = subprocess.Popen(
        [sys.executable, "-m", "workbench", "serve", "--port", str(port), "--user-header", HEADER],
        cwd=Path(__file__).resolve().parents[2], env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.3)
    yield f"http://127.0.0.1:{port}", db, server
    if server.poll() is None:
        server.terminate()
    output, _ = server.communicate(timeout=30)
    assert "Traceback" not in output, output


def sessions_running(db: str) -> list[int]:
    """App processes serving this project (their environment names it)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and f"WORKBENCH_WEB_DB={db}".encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def audit_coders(db: str) -> list[str]:
    project = Project.open(db)
    try:
        with project.session() as session:
            return sorted(session.scalars(
                select(Coder.name).join(AuditEntry, AuditEntry.coder_id == Coder.id).where(AuditEntry.entity_kind == "coding")
            ))
    finally:
        project.close()


def codings_by(db: str) -> dict[str, int]:
    project = Project.open(db)
    try:
        with project.session() as session:
            rows = session.execute(select(Coder.name, Coding.id).join(Coding, Coding.coder_id == Coder.id)).all()
    finally:
        project.close()
    counts: dict[str, int] = {}
    for name, _ in rows:
        counts[name] = counts.get(name, 0) + 1
    return counts


def wait_for(condition, seconds: float = 45.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


def open_session(browser, url: str, user: str, outside: list[str]):
    context = browser.new_context(extra_http_headers={HEADER: user}, viewport={"width": 1200, "height": 760},
                                  accept_downloads=True)
    page = context.new_page()
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((url, url.replace("http", "ws"))) else None)
    page.goto(url)
    page.wait_for_selector("body.-first-byte", timeout=60_000)
    page.wait_for_timeout(2500)  # the Sources screen paints
    page.locator("#terminal").click()
    return page


def test_two_users_code_in_browsers_and_a_word_export_downloads(served, tmp_path):
    url, db, server = served
    outside: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        anonymous = browser.new_context().new_page()
        assert anonymous.goto(url).status == 403  # no header: refused, no app process

        ana, ben = (open_session(browser, url, user, outside) for user in ("ana", "ben"))
        for page in (ana, ben):
            page.keyboard.press("Enter")  # open the (only) source
        for page in (ana, ben):
            page.wait_for_timeout(3000)
            page.keyboard.press("1")  # code the segment at the cursor with the first code
        assert wait_for(lambda: codings_by(db).get("ana") == 1 and codings_by(db).get("ben") == 1), codings_by(db)
        assert audit_coders(db) == ["ana", "ben"]  # the audit trail names the header's user

        ana.keyboard.press("F5")  # Themes
        ana.wait_for_timeout(2500)
        with ana.expect_download(timeout=60_000) as download_info:
            ana.keyboard.press("w")
            ana.wait_for_timeout(1500)
            ana.keyboard.press("Enter")  # themes.docx
            ana.wait_for_timeout(1500)
            ana.keyboard.type("ana")  # whose codings to count: every coder is offered (issue 10)
            ana.keyboard.press("Enter")
        download = download_info.value
        assert download.suggested_filename == "themes.docx"
        saved = tmp_path / "themes.docx"
        download.save_as(str(saved))
        assert len(sessions_running(db)) == 2
        server.terminate()  # stopping the server ends every app process, with the browsers still open
        server.wait(timeout=30)
        assert wait_for(lambda: not sessions_running(db), 10), sessions_running(db)
        browser.close()

    import docx

    text = "\n".join(p.text for p in docx.Document(str(saved)).paragraphs)
    assert "Feeling held" in text
    assert outside == []  # nothing fetched from any other host (fonts included)
