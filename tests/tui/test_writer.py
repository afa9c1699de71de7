"""The App's one ordered writer (``workbench.tui.writer``): order, one reload per batch, failures told once,
and the Coding and Review screens' fast keys reaching the database in the order they were pressed."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select
from textual.app import App
from textual.screen import Screen

from tests.tui.harness import Notice, Notices, goto, open_coding, settle, text_of
from tests.tui.test_review_screen import harness, opened
from tests.tui.test_review_screen import project as project  # noqa: F401 - the Review screen's fixture
from workbench.errors import ConflictError, InputError
from workbench.store.models import Adjudication, AuditEntry
from workbench.tui.writer import NOT_DONE, Writer

pytestmark = pytest.mark.anyio
SIZE = (100, 30)


class Plain(App[None]):
    """An App with nothing but a blank screen (the writer works for any App)."""

    def on_mount(self) -> None:
        self.push_screen(Screen())


async def test_calls_run_in_order_in_one_thread_and_the_drained_hook_once_per_batch() -> None:
    app = Plain()
    async with app.run_test() as pilot:
        writer = Writer.of(app)
        assert Writer.of(app) is writer
        ran: list[tuple[int, str]] = []
        drained: list[list[int]] = []

        def call(n: int) -> int:
            time.sleep(0.002 * max(0, 5 - n))  # the first calls are the slowest: order must not follow speed
            ran.append((n, threading.current_thread().name))
            return n * 10

        def hook() -> None:
            drained.append([n for n, _ in ran])

        futures = [writer.submit(lambda n=n: call(n), drained=hook) for n in range(5)]  # type: ignore[misc]
        await settle(pilot)
        assert [n for n, _ in ran] == [0, 1, 2, 3, 4]
        assert len({name for _, name in ran}) == 1 and ran[0][1] != threading.current_thread().name
        assert drained == [[0, 1, 2, 3, 4]]  # once, after the whole batch
        assert [f.result() for f in futures] == [0, 10, 20, 30, 40]
        writer.submit(lambda: call(9), drained=hook)
        await settle(pilot)
        assert drained[-1] == [0, 1, 2, 3, 4, 9]  # a new batch, a new reload


async def test_failures_are_told_once_and_the_calls_behind_them_still_run(notices: Notices) -> None:
    app = Plain()
    async with app.run_test() as pilot:
        writer = Writer.of(app)
        ran: list[str] = []
        failed: list[str] = []

        def fail(error: Exception) -> None:
            raise error

        writer.submit(lambda: fail(ConflictError("code bond changed since you opened it")), failed=lambda: failed.append("conflict"))
        writer.submit(lambda: fail(InputError("book.yaml", "no codes; add one")), failed=lambda: failed.append("input"))
        writer.submit(lambda: fail(ValueError("[b]boom[/b]")), title="Themes")
        writer.submit(lambda: ran.append("after"))
        await settle(pilot)
        assert ran == ["after"] and failed == ["conflict", "input"]
        assert notices == [
            Notice("code bond changed since you opened it", "Changed elsewhere", "warning"),
            Notice("book.yaml: no codes; add one", "Not done", "error"),
            Notice("Unexpected problem: ValueError('[b]boom[/b]')", "Themes", "error"),  # markup shown as typed
        ]


async def test_run_awaits_the_answer_and_expected_errors_are_the_callers(notices: Notices) -> None:
    app = Plain()
    async with app.run_test() as pilot:
        writer = Writer.of(app)
        assert await writer.run(lambda: "saved", done="Saved it") == "saved"

        def fail(error: Exception) -> None:
            raise error

        assert await writer.run(lambda: fail(InputError("x.csv", "bad"))) is NOT_DONE
        with pytest.raises(ConflictError):
            await writer.run(lambda: fail(ConflictError("stale")), expect=(ConflictError,))
        await settle(pilot)
        assert notices.messages == ["Saved it", "x.csv: bad"]  # the expected conflict is not told
        with pytest.raises(RuntimeError):
            writer.wait(lambda: 1)  # on the event loop it would wait for itself
        answers: list[object] = []
        worker = app.run_worker(lambda: answers.extend([writer.wait(lambda: 7), writer.wait(lambda: fail(ValueError()))]),
                                thread=True)  # fmt: skip
        await worker.wait()
        assert answers == [7, NOT_DONE]


async def test_fast_coding_keys_reach_the_database_in_order(make_tui_app, tui_project) -> None:
    sentence = "We agreed on small goals each week."
    async with make_tui_app().run_test(size=SIZE) as pilot:
        await open_coding(pilot)
        await goto(pilot, sentence)
        screen = pilot.app.screen
        reloads: list[int] = []
        codings = screen.coding.codings

        def counted(source_id: int):
            reloads.append(source_id)
            return codings(source_id)

        screen.coding.codings = counted
        for key in ("4", "5", "4", "6", "ctrl+z", "5"):  # goals on, task on, goals off, usability on, undo it, task off
            pilot.app.simulate_key(key)  # not pilot.press: it waits for the app to go idle after each key
        await settle(pilot)
        span = tui_project.span_of(sentence)
        assert [c[:4] for c in tui_project.codings() if c[2:4] == span] == []  # every action, in the order pressed
        assert not [c for c in screen.view.codings if c.coder == "me" and (c.start, c.end) == span]
        assert 1 <= len(reloads) < 6  # reloaded per batch, not per key
        assert "uncoded Task" in text_of(screen, "#status")


async def test_fast_review_keys_reach_the_consensus_layer_in_order(project) -> None:  # noqa: F811
    app = harness(project)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        await pilot.press("down", "enter")  # trust
        await settle(pilot)
        first = screen.current()
        for key in ("x", "z", "x", "z", "2"):  # decide, undo, decide, undo, decide: faster than the database answers
            pilot.app.simulate_key(key)
        await settle(pilot)
    with project.session() as session:
        rows = session.execute(select(Adjudication.decision, Adjudication.start, Adjudication.end)).all()
        actions = list(session.scalars(select(AuditEntry.action).where(AuditEntry.entity_kind == "adjudication").order_by(AuditEntry.id)))
    assert first is not None and [r[0] for r in rows] == ["second"]  # had an undo come first, two would be left
    assert actions == ["create", "delete", "create", "delete", "create"]
