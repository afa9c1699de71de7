"""Browser mode: what a browser user waits for (``workbench serve`` + the system Chromium via Playwright).

Prints: page load → first screen (median of 5 fresh sessions, each its own app process), keystroke →
frame on localhost (median of 40 keys in the Coding screen, timed inside the page: from the keydown to
the next websocket message from the server), and memory per session (resident set of one app process
with the Coding screen open, and of the server). ``--screenshots DIR`` also saves the Sources and
Coding screens as PNGs.

    .venv/bin/python bench/bench_web.py [--screenshots docs]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
TIMING = """
window.__frames = []; window.__keys = [];
document.addEventListener('keydown', () => window.__keys.push(performance.now()), true);
const Native = window.WebSocket;
window.WebSocket = function (...args) {
  const socket = new Native(...args);
  socket.addEventListener('message', () => window.__frames.push(performance.now()));
  return socket;
};
window.WebSocket.prototype = Native.prototype;
Object.assign(window.WebSocket, Native);
"""


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def sessions(db: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and f"WORKBENCH_WEB_DB={db}".encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--screenshots", type=Path)
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("needs the system Chromium: apt-get install -y chromium")
    folder = Path(tempfile.mkdtemp(prefix="bench-web-"))
    db = str(folder / "demo.db")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("WORKBENCH_")} | {"WORKBENCH_CODER": "ana"}
    python = [sys.executable, "-m", "workbench"]
    subprocess.run([*python, "demo", "--db", db, "--no-tui"], cwd=ROOT, env=environment, check=True, capture_output=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([*python, "--db", db, "serve", "--port", str(port)], cwd=ROOT, env=environment,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            loads = []
            for _ in range(5):
                page = browser.new_page(viewport={"width": 1200, "height": 760})
                start = time.perf_counter()
                page.goto(url)
                page.wait_for_selector("body.-first-byte", timeout=60_000)
                loads.append(time.perf_counter() - start)
                page.close()
                time.sleep(1)  # let the closed session's process end
            page = browser.new_page(viewport={"width": 1200, "height": 760})
            page.add_init_script(TIMING)
            page.goto(url)
            page.wait_for_selector("body.-first-byte", timeout=60_000)
            page.wait_for_timeout(3000)
            page.locator("#terminal").click()
            if args.screenshots:
                args.screenshots.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(args.screenshots / "browser-sources.png"))
            page.keyboard.press("Enter")
            page.wait_for_timeout(5000)
            delays = []
            for number in range(40):
                page.evaluate("window.__frames = []")
                page.keyboard.press("j" if number % 2 == 0 else "k")
                page.wait_for_timeout(400)
                key, frames = page.evaluate("[window.__keys[window.__keys.length - 1], window.__frames]")
                after = [f for f in frames if f >= key]
                if after:
                    delays.append(after[0] - key)
            if args.screenshots:
                for _ in range(6):
                    page.keyboard.press("j")
                page.keyboard.press("Shift+ArrowDown")
                page.wait_for_timeout(800)
                page.screenshot(path=str(args.screenshots / "browser-coding.png"))
            session_rss = [rss_mb(pid) for pid in sessions(db)]
            server_rss = rss_mb(server.pid)
            browser.close()
        print(f"page load → first screen (median of {len(loads)} fresh sessions): {statistics.median(loads) * 1000:.0f} ms "
              f"(min {min(loads) * 1000:.0f}, max {max(loads) * 1000:.0f})")
        if delays:
            print(f"keystroke → frame on localhost (median of {len(delays)}): {statistics.median(delays):.1f} ms "
                  f"(90th percentile {sorted(delays)[int(len(delays) * 0.9) - 1]:.1f} ms)")
        print(f"memory: {', '.join(f'{m:.0f} MB' for m in session_rss)} per session (Coding screen open); "
              f"server {server_rss:.0f} MB")
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
