"""Imports in browser mode: an upload page of our own (a browser user has no path on the server).

``GET /upload`` shows a form; ``POST /upload`` takes the files (size-limited as they stream in, names
reduced to a bare file name, only the suffixes ``workbench import`` reads), then runs the ordinary
``workbench import`` on them in a child process whose coder is the request's user, so the same rules,
report, one transaction per file and audit trail apply. The page shows that report.
"""

from __future__ import annotations

import asyncio
import html
import shutil
import sys
import tempfile
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING
from urllib.parse import unquote

from aiohttp import BodyPartReader, web

from workbench.web.identity import USER, Refused

if TYPE_CHECKING:
    from workbench.web.server import WorkbenchServer

SUFFIXES = (".txt", ".md", ".docx", ".vtt", ".srt", ".qdpx", ".qde", ".qdc")
KINDS = ("interview", "focus-group")
IMPORT_TIMEOUT_SECONDS = 600

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Import into the workbench</title>
<style>body{{font-family:ui-monospace,monospace;background:#0c181f;color:#eee;margin:2em;max-width:60em}}
input,select,button{{font:inherit;margin:.3em 0}} pre{{background:#12232d;padding:1em;white-space:pre-wrap}}</style>
</head><body><h1>Import into the workbench</h1>
<p>Signed in as <b>{user}</b>. Transcripts ({suffixes}) or a REFI-QDA project or codebook; at most {limit} MB in all.
Each file is imported on its own: one that fails changes nothing.</p>
<form method="post" action="/upload" enctype="multipart/form-data">
<input type="file" name="files" multiple required><br>
<label>Kind <select name="kind"><option value="">from the file</option>{kinds}</select></label><br>
<button type="submit">Import</button></form>{report}
<p>Back in the workbench tab, press <b>ctrl+r</b> on the Sources screen to see what was imported.</p></body></html>"""


class UploadPage:
    def __init__(self, server: WorkbenchServer) -> None:
        self.server = server

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/upload", self.form)
        app.router.add_post("/upload", self.receive)

    def _page(self, user: str, report: str = "", status: int = 200) -> web.Response:
        kinds = "".join(f'<option value="{k}">{k}</option>' for k in KINDS)
        body = PAGE.format(user=html.escape(user), suffixes=" ".join(SUFFIXES), limit=self.server.options.upload_mb,
                           kinds=kinds, report=report)
        return web.Response(text=body, content_type="text/html", status=status,
                            headers={"Content-Security-Policy": "default-src 'self'; style-src 'unsafe-inline'"})

    async def form(self, request: web.Request) -> web.Response:
        return self._page(request[USER])

    async def receive(self, request: web.Request) -> web.Response:
        user = request[USER]
        self.server.identity.check_origin(request.headers)
        if request.headers.get("Origin") is None and request.headers.get("Sec-Fetch-Site") not in (None, "same-origin"):
            raise Refused(403, "this request comes from another site")
        limit = self.server.options.upload_mb * 1024 * 1024
        folder = Path(tempfile.mkdtemp(prefix="workbench-upload-"))
        try:
            files, kind = await self._save(request, folder, limit)
            if not files:
                return self._page(user, _report("Choose at least one file."), 400)
            code, output = await self._import(user, files, kind)
            heading = {0: "Imported.", 1: "Imported, but some files failed:"}.get(code, "Nothing was imported:")
            self.server.log_line(f"upload by {user}: {len(files)} file(s), exit {code}")
            return self._page(user, _report(f"{heading}\n\n{output}"), 200 if code in (0, 1) else 422)
        except Refused as refusal:
            return self._page(user, _report(refusal.reason), refusal.status)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    async def _save(self, request: web.Request, folder: Path, limit: int) -> tuple[list[Path], str | None]:
        reader = await request.multipart()
        files: list[Path] = []
        kind: str | None = None
        total = 0
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):  # a multipart inside the form: no browser sends one
                raise Refused(400, "send the files from the upload form (a nested multipart body is not read)")
            if part.name == "kind":
                value = (await part.text()).strip()
                kind = value if value in KINDS else None
                continue
            filename = part.filename
            if part.name != "files" or not filename:
                continue
            name = safe_name(filename)
            if not name.lower().endswith(SUFFIXES):
                raise Refused(415, f"{name}: not a file the workbench imports ({', '.join(SUFFIXES)})")
            target = folder / f"{len(files)}" / name
            target.parent.mkdir()
            with target.open("wb") as out:
                while chunk := await part.read_chunk(64 * 1024):
                    total += len(chunk)
                    if total > limit:
                        raise Refused(413, f"the upload is larger than {self.server.options.upload_mb} MB; send fewer files")
                    out.write(chunk)
            files.append(target)
        return files, kind

    async def _import(self, user: str, files: list[Path], kind: str | None) -> tuple[int, str]:
        """``workbench import`` in a child process, as ``user``, started without a shell."""
        import os

        argv = [sys.executable, "-m", "workbench", "import", *map(str, files)]
        if kind:
            argv += ["--kind", kind]
        environment = {k: v for k, v in os.environ.items() if not k.startswith("WORKBENCH_")}
        environment.update(WORKBENCH_CODER=user, WORKBENCH_DB=self.server.options.db)  # a URL's password stays off ps
        process = await asyncio.create_subprocess_exec(
            *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, env=environment
        )
        try:
            output, _ = await asyncio.wait_for(process.communicate(), IMPORT_TIMEOUT_SECONDS)
        except asyncio.TimeoutError:
            process.kill()
            return 2, "the import took longer than 10 minutes and was stopped; import fewer files at a time"
        text = output.decode("utf-8", "replace")
        for file in files:  # the report names the server's temporary copies: show the uploaded names
            text = text.replace(str(file), file.name)
        return process.returncode or 0, text


def safe_name(filename: str) -> str:
    """The bare file name of an upload (no folders, drive letters or leading dots)."""
    name = unquote(filename).replace("\x00", "")  # some clients percent-encode the name
    name = PureWindowsPath(PurePosixPath(name).name).name.strip().lstrip(".")
    return name[:200] or "upload"


def _report(text: str) -> str:
    return f"<pre>{html.escape(text)}</pre>"
