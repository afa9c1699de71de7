"""Time the terminal UI on a 4,000,000-word project holding 1,000,000 codings, as the user waits.

Run as ``.venv/bin/python bench/bench_tui_scale.py`` (``--help`` for the sizes). The project is built once
into ``bench/out/`` with bulk Core inserts and reused: 400 generated interviews (one in ten a focus group)
of 10,000 words each, an interviewer and participants with attributes, speaker turns and sentence
segments, a codebook of 10 codes with 4 sub-codes each, and 1,000,000 codings by three coders, a fifth
of them (200,000) under the code ``bond`` and its sub-codes. Then, each figure the median of ``--repeat``:

* **open**: ``workbench open`` as a fresh process (under Pilot, headless) from its start until the Sources
  screen lists every source (its first read forked before the UI loads, as ``workbench open`` does); beside
  it the core (``list_sources``) in this process;
* **retrieve**: on the Retrieve screen, from pressing space on ``bond`` until the first rows are shown
  (the count in the status line, the first page in the table); beside it the core service calls;
* **code**: on one interview of the project, from pressing ``1`` on the Coding screen until the screen shows
  the change (``bench_tui.measure``).

Targets: open < 1 s, retrieve < 300 ms, code < 30 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_tui import WORDS, press  # noqa: E402

PARENTS = ["bond", "goals", "task", "usability", "access", "stigma", "family", "cost", "time", "trust"]
COLOURS = ["#e6194b", "#3cb44b", "#ffe119", "#4363d8", "#f58231", "#911eb4", "#46f0f0", "#f032e6", "#bcf60c", "#fabebe"]
CODERS = ["bench", "ana", "ben"]
RETRIEVED = "bond"


def _sentences(rng: random.Random, count: int) -> list[str]:
    pool = []
    for _ in range(count):
        sentence = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 22)))
        pool.append(sentence[0].upper() + sentence[1:] + rng.choice(".!?.."))
    return pool


def build(path: Path, words: int, sources: int, codings: int, seed: int) -> None:
    """The project: sources, turns, segments, participants and codings in a few bulk INSERTs."""
    from workbench.store.bulk import insert_rows
    from workbench.store.engine import Project
    from workbench.store.models import (
        Code,
        Coder,
        Coding,
        Participant,
        ParticipantAttribute,
        Segment,
        Source,
        Turn,
    )

    rng = random.Random(seed)
    pool = _sentences(rng, 5000)
    now = datetime.now(UTC)
    per_source = words // sources
    project = Project.open(str(path), create=True)
    with project.engine.begin() as connection:
        connection.execute(Coder.__table__.insert(), [{"id": i + 1, "name": n, "created_at": now} for i, n in enumerate(CODERS)])
        code_rows: list[dict[str, Any]] = []
        code_id = 0
        for p, parent in enumerate(PARENTS):
            code_id += 1
            parent_id = code_id
            code_rows.append({"id": parent_id, "key": parent, "name": parent.title(), "parent_id": None,
                              "colour": COLOURS[p], "position": p * 5, "created_at": now, "updated_at": now})
            for c in range(4):
                code_id += 1
                code_rows.append({"id": code_id, "key": f"{parent}.sub{c}", "name": f"{parent.title()} {c + 1}",
                                  "parent_id": parent_id, "colour": COLOURS[p], "position": p * 5 + c + 1,
                                  "created_at": now, "updated_at": now})
        connection.execute(Code.__table__.insert(), code_rows)
        people = sources + sources // 10 * 5
        connection.execute(Participant.__table__.insert(), [{"id": i + 1, "pid": f"P{i + 1:04d}"} for i in range(people)])
        attributes = []
        for i in range(people):
            attributes.append({"participant_id": i + 1, "key": "gender", "value": rng.choice(["female", "male", "nonbinary"])})
            attributes.append({"participant_id": i + 1, "key": "site", "value": rng.choice(["north", "south", "east", "west"])})
        connection.execute(ParticipantAttribute.__table__.insert(), attributes)
        source_rows, turn_rows, segment_rows, lengths = [], [], [], []
        turn_id, next_person = 0, 1
        for s in range(1, sources + 1):
            focus = s % 10 == 0
            speakers = list(range(next_person, next_person + (6 if focus else 1)))
            next_person += len(speakers)
            parts: list[str] = []
            offset, written, ordinal, segment_ordinal = 0, 0, 0, 0
            while written < per_source:
                interviewer = ordinal % 2 == 0
                person = None if interviewer else rng.choice(speakers)
                label = "Interviewer" if interviewer else f"P{person:04d}"
                sentences = [rng.choice(pool) for _ in range(rng.randint(1, 2) if interviewer else rng.randint(4, 12))]
                turn_id += 1
                start = offset + len(label) + 2
                cursor = start
                for sentence in sentences:
                    segment_rows.append((s, turn_id, segment_ordinal, cursor, cursor + len(sentence)))
                    segment_ordinal += 1
                    cursor += len(sentence) + 1
                    written += sentence.count(" ") + 1
                line = f"{label}: {' '.join(sentences)}"
                turn_rows.append((turn_id, s, ordinal, label, "interviewer" if interviewer else "participant", person,
                                  offset, start, offset + len(line)))
                parts.append(line)
                offset += len(line) + 1
                ordinal += 1
            text = "\n".join(parts) + "\n"
            name = f"{'focus-group' if focus else 'interview'}-{s:03d}"
            lengths.append(len(text))
            source_rows.append((s, name, "focus-group" if focus else "interview", text,
                                hashlib.sha256(text.encode()).hexdigest(), f"{name}.txt", "txt", written, now))
        insert_rows(connection, Source.__table__, ["id", "name", "kind", "text", "content_hash", "original_filename",
                                                   "original_format", "word_count", "imported_at"], source_rows)
        insert_rows(connection, Turn.__table__, ["id", "source_id", "ordinal", "speaker_label", "speaker_role",
                                                 "participant_id", "label_start", "start", "end"], turn_rows)
        insert_rows(connection, Segment.__table__, ["source_id", "turn_id", "ordinal", "start", "end"], segment_rows)
        retrieved = [row["id"] for row in code_rows if row["key"].split(".")[0] == RETRIEVED]
        others = [row["id"] for row in code_rows if row["id"] not in retrieved]
        rows = []
        for index in range(codings):
            source = index % sources
            length = lengths[source]
            start = rng.randrange(0, length - 50)
            code = rng.choice(retrieved) if (index // sources) % 5 == 0 else rng.choice(others)  # a fifth of each source's
            coder = rng.choice((1, 2, 3))
            rows.append((code, source + 1, coder, start, min(length, start + rng.randint(20, 600)), now, now))
            if len(rows) == 50_000:
                insert_rows(connection, Coding.__table__, ["code_id", "source_id", "coder_id", "start", "end",
                                                           "created_at", "updated_at"], rows)
                rows = []
        insert_rows(connection, Coding.__table__, ["code_id", "source_id", "coder_id", "start", "end",
                                                   "created_at", "updated_at"], rows)
    project.engine.dispose()


# Open: a fresh process ---------------------------------------------------------------------------

def child_open(db: str) -> None:
    """What ``workbench open`` does (:func:`workbench.tui.launch.prepare_app`: the Sources screen's first read
    forked before the UI loads, then the App), under Pilot: print READY when the Sources screen lists the sources."""
    from workbench.tui.launch import prepare_app

    app = prepare_app(db, "bench")
    from textual.widgets import DataTable

    from workbench.tui.screens.sources import SourcesScreen

    async def run() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            while True:
                screen = app.screen
                if isinstance(screen, SourcesScreen) and screen.sources:
                    table = screen.query_one("#sources-table", DataTable)
                    if table.row_count == len(screen.sources) and not table.loading:
                        break
                await asyncio.sleep(0.002)
            cpu = sum(u.ru_utime + u.ru_stime for u in map(resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)))
            print(f"READY {table.row_count} {cpu:.3f}", flush=True)  # CPU: this process and its reader
            await app.workers.wait_for_complete()
            await pilot.pause()
        app.context.project.close()

    asyncio.run(run())


def measure_open(db: str) -> tuple[float, int, float]:
    """Wall time until the Sources screen lists the sources, the sources listed, and the CPU time the process
    and its forked reader had used by then (the work done, on two cores)."""
    began = time.perf_counter()
    child = subprocess.Popen([sys.executable, __file__, "--child-open", db], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert child.stdout is not None
    line = child.stdout.readline()
    elapsed = (time.perf_counter() - began) * 1000
    child.wait()
    if not line.startswith("READY"):
        raise SystemExit(f"the open child failed: {line!r}")
    return elapsed, int(line.split()[1]), float(line.split()[2]) * 1000


def core_open(db: str) -> float:
    from workbench.services.project.sources import list_sources
    from workbench.store.engine import Project

    project = Project.open(db)
    began = time.perf_counter()
    with project.session() as session:
        list_sources(session, "bench")
    elapsed = (time.perf_counter() - began) * 1000
    project.close()
    return elapsed


# Retrieve ----------------------------------------------------------------------------------------

async def measure_retrieve(db: str, repeat: int) -> dict[str, Any]:
    from textual.widgets import DataTable, SelectionList

    from workbench.tui.app import make_app
    from workbench.tui.screens.retrieve import RetrieveScreen

    app = make_app(db, coder="bench")
    shown: list[float] = []
    result: dict[str, Any] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        app.push_screen(RetrieveScreen())
        while not (isinstance(app.screen, RetrieveScreen) and app.screen.query(SelectionList)):
            await asyncio.sleep(0.002)
        screen = app.screen
        codes = screen.query_one("#retrieve-codes", SelectionList)
        while not codes.option_count:
            await asyncio.sleep(0.002)
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = screen.query_one(DataTable)
        codes.focus()
        codes.highlighted = 0  # bond: the first code
        for _ in range(repeat):
            began = time.perf_counter()
            press(app, "space")  # not pilot.press: it waits for the whole app to go idle
            while not (table.row_count and not table.loading):
                await asyncio.sleep(0.001)
            shown.append((time.perf_counter() - began) * 1000)
            await app.workers.wait_for_complete()
            await pilot.pause()
            result["rows_in_table"] = table.row_count
            result["segments"] = _total(screen)
            await pilot.press("space")  # unpick: the table empties
            await app.workers.wait_for_complete()
            await pilot.pause()
        result["next_page_ms"] = float("nan")
        if hasattr(screen, "total"):  # paged: the next page arrives when the cursor nears the end of what is loaded
            await _next_page(app, pilot, screen, table, result)
    app.context.project.close()
    result["shown_ms"] = statistics.median(shown)
    result["shown_each"] = shown
    return result


async def _next_page(app, pilot, screen, table, result: dict[str, Any]) -> None:
    press(app, "space")
    while not (table.row_count and not table.loading):
        await asyncio.sleep(0.001)
    await app.workers.wait_for_complete()
    table.focus()
    first = table.row_count
    began = time.perf_counter()
    table.move_cursor(row=first - 1)
    while table.row_count == first:
        await asyncio.sleep(0.001)
    result["next_page_ms"] = (time.perf_counter() - began) * 1000
    await app.workers.wait_for_complete()
    await pilot.pause()


def _total(screen) -> float:
    total = getattr(screen, "total", None)
    return float(total if total is not None else len(screen.rows))


def core_retrieve(db: str, repeat: int) -> dict[str, float]:
    from workbench.services.coding import retrieve as service
    from workbench.store.engine import Project

    project = Project.open(db)
    result: dict[str, float] = {}
    timings = []
    for _ in range(repeat):
        began = time.perf_counter()
        rows = service.retrieve(project, [RETRIEVED])
        timings.append((time.perf_counter() - began) * 1000)
    result["retrieve_all_ms"] = statistics.median(timings)
    result["retrieve_all_rows"] = len(rows)
    first_page = getattr(service, "open_retrieval", None)
    if first_page is not None:
        timings = []
        for _ in range(repeat):
            began = time.perf_counter()
            retrieval = service.open_retrieval(project, [RETRIEVED])
            service.retrieval_page(project, retrieval, 0, service.PAGE_SIZE)
            timings.append((time.perf_counter() - began) * 1000)
        result["first_page_ms"] = statistics.median(timings)
        timings = []
        for _ in range(repeat):
            began = time.perf_counter()
            retrieval = service.open_retrieval(project, [RETRIEVED], attribute_filter={"gender": "female"})
            service.retrieval_page(project, retrieval, 0, service.PAGE_SIZE)
            timings.append((time.perf_counter() - began) * 1000)
        result["first_page_filtered_ms"] = statistics.median(timings)
        result["filtered_total"] = retrieval.total
    project.close()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--words", type=int, default=4_000_000)
    parser.add_argument("--sources", type=int, default=400)
    parser.add_argument("--codings", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--code-repeats", type=int, default=20)
    parser.add_argument("--only", choices=["open", "retrieve", "code"], action="append")
    parser.add_argument("--child-open", metavar="DB", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_open:
        child_open(args.child_open)
        return 0
    path = ROOT / "bench" / "out" / f"tui-scale-{args.words}-{args.sources}-{args.codings}-{args.seed}.db"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        began = time.perf_counter()
        build(path, args.words, args.sources, args.codings, args.seed)
        print(f"built {path.name} in {time.perf_counter() - began:.1f} s (not part of the targets)", flush=True)
    else:  # bring a cached project to the newest schema outside the timings
        from workbench.store.engine import Project

        Project.open(str(path)).close()
    db = str(path)
    print(f"load average: {os.getloadavg()[0]:.1f}", flush=True)
    only = set(args.only or ["open", "retrieve", "code"])
    if "open" in only:
        opens = [measure_open(db) for _ in range(args.repeat)]
        walls = [wall for wall, _, _ in opens]
        print(f"open: fresh process until the Sources screen lists {opens[0][1]} sources: "
              f"{statistics.median(walls):7.0f} ms median (each: {', '.join(f'{w:.0f}' for w in walls)}; target < 1000); "
              f"CPU (with the forked reader) {statistics.median(cpu for _, _, cpu in opens):.0f} ms")
        listing = statistics.median(core_open(db) for _ in range(args.repeat))
        print(f"      core list_sources:                                      {listing:7.0f} ms", flush=True)
    if "retrieve" in only:
        shown = asyncio.run(measure_retrieve(db, args.repeat))
        print(f"retrieve '{RETRIEVED}' ({shown['segments']:.0f} segments): space -> first rows shown: "
              f"{shown['shown_ms']:7.0f} ms median (each: {', '.join(f'{w:.0f}' for w in shown['shown_each'])}; "
              f"target < 300); {shown['rows_in_table']:.0f} rows in the table")
        print(f"      cursor to the last loaded row -> next page shown:        {shown['next_page_ms']:7.0f} ms")
        core = core_retrieve(db, args.repeat)
        print(f"      core retrieve() of every segment ({core['retrieve_all_rows']}):    {core['retrieve_all_ms']:7.0f} ms")
        if "first_page_ms" in core:
            print(f"      core open_retrieval + first page:                       {core['first_page_ms']:7.0f} ms")
            print(f"      … with a participant filter (gender=female, {core['filtered_total']}): "
                  f"{core['first_page_filtered_ms']:7.0f} ms", flush=True)
    if "code" in only:
        from bench_tui import measure

        code = asyncio.run(measure(db, "interview-001", args.code_repeats, opens_count=args.repeat))
        print(f"code: press 1 -> screen updated (median of {args.code_repeats}):           {code['code_ms']:7.1f} ms (target < 30)")
        print(f"      press 1 -> saved and reloaded:                          {code['code_confirmed_ms']:7.1f} ms")
        print(f"      open the Coding screen ({code['codings_in_source']:.0f} codings): text painted "
              f"{code['open_ms']:.0f} ms, codings painted {code['codings_shown_ms']:.0f} ms")
    print(f"load average: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
