"""The server's HTTP side without a browser: refusals, limits, the offline page, uploads (aiohttp's test client)."""

from __future__ import annotations

import asyncio
import re

import pytest
from sqlalchemy import select

pytest.importorskip("textual_serve")

from aiohttp import FormData  # noqa: E402
from aiohttp.test_utils import TestClient, TestServer  # noqa: E402

from workbench.services.codebook.files import load_codebook  # noqa: E402
from workbench.store.engine import Project  # noqa: E402
from workbench.store.models import Source  # noqa: E402
from workbench.web.server import ServeOptions, WorkbenchServer  # noqa: E402

HEADER = "X-Forwarded-User"


@pytest.fixture
def team_db(tmp_path, codebook_file):
    project = Project.open(str(tmp_path / "team.db"))
    load_codebook(project, codebook_file)
    project.close()
    return str(tmp_path / "team.db")


def run(db: str, check, **options) -> None:
    """Build the server's aiohttp app and run ``check(client, server)`` against it."""

    async def go() -> None:
        server = WorkbenchServer(ServeOptions(db=db, user_header=HEADER, **options), log_line=lambda line: None)
        client = TestClient(TestServer(await server.web_application()))
        await client.start_server()
        try:
            await check(client, server)
        finally:
            await client.close()

    asyncio.run(go())


def test_every_route_but_static_files_needs_the_header(team_db):
    async def check(client, server):
        for path in ("/", "/ws", "/upload", "/download/abc"):
            response = await client.get(path)
            assert response.status == 403, path
            assert "sign in" in await response.text()
        assert (await client.get("/", headers={HEADER: "bad,name"})).status == 403
        assert (await client.get("/static/css/xterm.css")).status == 200
        page = await client.get("/", headers={HEADER: "ana"})
        assert page.status == 200 and page.headers["X-Frame-Options"] == "DENY"
        html = await page.text()
        # the page loads nothing from outside the server (the stock template pulls a web font from a CDN)
        assert not [url for url in re.findall(r"(?:src|href)=\"([^\"]+)\"", html) if "://" in url and "127.0.0.1" not in url]
        assert "googleapis" not in html and "fonts/RobotoMono" in html

    run(team_db, check)


def test_session_caps_and_cross_site_websockets_are_refused_before_any_process(team_db):
    class Running:  # stands for a running session: only its user is counted
        def __init__(self, user):
            self.user = user

    async def check(client, server):
        server.sessions.update({Running("ana"), Running("ana")})
        response = await client.get("/ws", headers={HEADER: "ana"})
        assert response.status == 429 and "already has 2 sessions" in await response.text()
        server.sessions.update({Running("ben"), Running("cy")})
        response = await client.get("/ws", headers={HEADER: "dee"})
        assert response.status == 503
        server.sessions.clear()
        response = await client.get("/ws", headers={HEADER: "dee", "Origin": "https://evil.example.com"})
        assert response.status == 403 and not server.sessions

    run(team_db, check, max_sessions=4, max_per_user=2)


def test_a_download_is_only_for_the_user_whose_session_made_it(team_db):
    async def check(client, server):
        class Service:
            user, app_service_id = "ana", "x"

        await server.download_manager.create_download(
            app_service=Service(), delivery_key="k1", file_name="themes.docx", open_method="download",
            mime_type="application/octet-stream",
        )
        response = await client.get("/download/k1", headers={HEADER: "ben"})
        assert response.status == 403 and "another user" in await response.text()
        assert (await client.get("/download/nope", headers={HEADER: "ben"})).status == 404

    run(team_db, check)


def test_an_upload_is_imported_as_the_headers_user_with_the_usual_report(team_db, interview_file):
    async def check(client, server):
        form = FormData()
        form.add_field("files", interview_file.read_bytes(), filename="../../etc/P01-interview.txt")
        form.add_field("kind", "interview")
        response = await client.post("/upload", data=form, headers={HEADER: "ana", "Origin": server.public_url})
        text = await response.text()
        assert response.status == 200, text
        assert "1 imported, 0 skipped, 0 failed" in text and "workbench-upload-" not in text
        bad = FormData()
        bad.add_field("files", b"MZ\x00\x00", filename="tool.exe")
        response = await client.post("/upload", data=bad, headers={HEADER: "ana", "Origin": server.public_url})
        assert response.status == 415
        big = FormData()
        big.add_field("files", b"a" * (1024 * 1024 + 10), filename="big.txt")
        response = await client.post("/upload", data=big, headers={HEADER: "ana", "Origin": server.public_url})
        assert response.status == 413
        cross = await client.post("/upload", data=FormData({"kind": ""}), headers={HEADER: "ana", "Origin": "https://x.org"})
        assert cross.status == 403

    run(team_db, check, upload_mb=1)
    project = Project.open(team_db)
    with project.session() as session:
        assert session.scalars(select(Source.name)).all() == ["P01-interview"]
        assert session.scalars(select(Source.kind)).all() == ["interview"]
    project.close()


def test_a_nested_multipart_upload_is_refused_in_one_line_and_imports_nothing(team_db):
    body = (b"--outer\r\nContent-Disposition: form-data; name=\"files\"\r\n"
            b"Content-Type: multipart/mixed; boundary=inner\r\n\r\n"
            b"--inner\r\nContent-Disposition: file; filename=\"P01-interview.txt\"\r\nContent-Type: text/plain\r\n\r\n"
            b"P01: It helped.\r\n--inner--\r\n--outer--\r\n")

    async def check(client, server):
        response = await client.post("/upload", data=body, headers={
            HEADER: "ana", "Origin": server.public_url, "Content-Type": "multipart/form-data; boundary=outer"})
        assert response.status == 400
        assert "nested multipart" in await response.text()

    run(team_db, check)
    project = Project.open(team_db)
    with project.session() as session:
        assert session.scalars(select(Source.name)).all() == []
    project.close()


def test_idle_sessions_are_closed(team_db):
    class Idle:
        user = "ana"
        last_input = 0.0  # long ago
        closed = False

        async def remote_close(self):  # closing the websocket ends the session (see handle_websocket)
            self.closed = True

        async def stop(self):
            pass

    async def check(client, server):
        idle = Idle()
        server.sessions.add(idle)
        for _ in range(50):
            if idle.closed:
                break
            await asyncio.sleep(0.1)
        assert idle.closed

    run(team_db, check, idle_minutes=0.01)
