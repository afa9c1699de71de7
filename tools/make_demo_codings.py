#!/usr/bin/env python3
"""Build the demo coders' CSV files from the quote-anchored coding spec.

Reads ``transcripts/codings/spec.yaml`` and writes one CSV per coder
(``transcripts/codings/ana.csv``, ``transcripts/codings/ben.csv``) with the
header ``source,code,start,end,coder,memo``. Offsets are 0-based, end-exclusive
code-point offsets into each source's *stored plain text*.

The stored plain text is obtained from the project's own importer through its
CLI: a throw-away database is created with ``workbench --db TMP init``, the
transcripts are imported, and ``workbench --db TMP text SOURCE`` is read for
every source. If the CLI cannot be found, or with ``--fallback``, the script
rebuilds the stored text itself from the documented rules (see
``fallback_text``); ``--compare`` checks those rules against the CLI.

Spec entries::

    - source: P01-interview          # file name without extension
      code: bond.trust               # code id; inductive.* codes are created on import
      quote: "exact text"            # unique in the source, or add `occurrence: N`
      ana_quote: "..."               # optional per-coder quote (different boundaries)
      coders: [ana, ben]
      memo: optional                 # or ana_memo / ben_memo

Every problem (quote not found, ambiguous quote, unknown key, duplicate
coding) is reported with the quote, and the script exits with status 1
without writing anything.

Usage::

    python tools/make_demo_codings.py            # write the CSVs
    python tools/make_demo_codings.py --check    # ... then load codebook + import CSVs in a temp DB
    python tools/make_demo_codings.py --compare  # also compare fallback rules with the CLI
"""
from __future__ import annotations

import argparse
import csv
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "transcripts" / "codings" / "spec.yaml"
OUT_DIR = ROOT / "transcripts" / "codings"
SOURCE_DIRS = [ROOT / "transcripts" / "interviews", ROOT / "transcripts" / "focus-groups", ROOT / "transcripts" / "interviews-da"]
LANGUAGES = {"interviews-da": "da"}  # folders imported in another language than English (as the demo builder does)
CODEBOOK = ROOT / "codebooks" / "working-alliance.yaml"
EXTENSIONS = {".txt", ".md", ".docx", ".vtt", ".srt"}
HEADER = ["source", "code", "start", "end", "coder", "memo"]
BASE_KEYS = {"source", "code", "quote", "coders", "memo", "occurrence"}
PER_CODER_SUFFIXES = ("_quote", "_memo", "_occurrence")


class SpecError(Exception):
    pass


# --------------------------------------------------------------------------- sources


def source_files() -> dict[str, Path]:
    files: dict[str, Path] = {}
    for folder in SOURCE_DIRS:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix.lower() in EXTENSIONS and not path.name.startswith((".", "~$")):
                if path.stem in files:
                    raise SystemExit(f"two sources named {path.stem!r}: {files[path.stem]} and {path}")
                files[path.stem] = path
    return files


def find_workbench(explicit: str | None) -> str | None:
    if explicit:
        return explicit
    candidate = ROOT / ".venv" / "bin" / "workbench"
    if candidate.exists():
        return str(candidate)
    return shutil.which("workbench")


def run(cmd: list[str]) -> str:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    env.pop("WORKBENCH_DB", None)
    result = subprocess.run(cmd, capture_output=True, env=env, cwd=ROOT)
    if result.returncode != 0:
        sys.stderr.write(result.stderr.decode("utf-8", "replace"))
        raise SystemExit(f"command failed ({result.returncode}): {' '.join(cmd)}")
    return result.stdout.decode("utf-8")


class Workbench:
    """A throw-away project database driven through the CLI."""

    def __init__(self, exe: str, folder: Path) -> None:
        self.exe = exe
        self.db = str(folder / "demo-codings.db")

    def __call__(self, *args: str) -> str:
        return run([self.exe, "--db", self.db, *args])

    def texts(self, names: list[str]) -> dict[str, str]:
        self("init")
        self("import", *(str(d) for d in SOURCE_DIRS if d.name not in LANGUAGES))
        for folder, language in LANGUAGES.items():
            self("import", str(ROOT / "transcripts" / folder), "--language", language)
        texts = {}
        for name in names:
            # `workbench text` writes the stored text exactly, with nothing added
            texts[name] = self("text", name)
        return texts


# ------------------------------------------------------------- fallback stored text

VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]*)>")
TAG = re.compile(r"</?[^>]+>")
TIMING = re.compile(r"^\s*\d{1,2}:\d{2}(?::\d{2})?[.,]\d{1,3}\s*-->\s*\d{1,2}:\d{2}(?::\d{2})?[.,]\d{1,3}")


def decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def cue_blocks(text: str) -> list[list[str]]:
    """The text lines of each timed cue (index and timing lines dropped)."""
    blocks: list[list[str]] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.split("\n") if line.strip()]
        for i, line in enumerate(lines):
            if TIMING.match(line):
                blocks.append(lines[i + 1 :])
                break
    return blocks


def fallback_text(path: Path) -> str:
    """The stored plain text, by the importer's documented rules."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        from docx import Document

        return "\n".join(p.text for p in Document(str(path)).paragraphs)
    text = decode(path.read_bytes())
    if suffix in (".txt", ".md"):
        return text
    lines = []
    for cue in cue_blocks(text):
        joined = " ".join(line.strip() for line in cue)
        if suffix == ".vtt":
            joined = VOICE.sub(lambda m: f"{m.group(1).strip()}: ", joined, count=1)
            joined = TAG.sub("", joined)
        lines.append(joined.strip())
    return "\n".join(lines)


# ---------------------------------------------------------------------- the spec


def load_spec(path: Path) -> list[dict]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise SystemExit(f"{path}: expected a list of codings")
    return data


def locate(text: str, quote: str, occurrence: int | None) -> tuple[int, int]:
    starts = []
    at = text.find(quote)
    while at != -1:
        starts.append(at)
        at = text.find(quote, at + 1)
    if not starts:
        raise SpecError("quote not found")
    if occurrence is None:
        if len(starts) > 1:
            raise SpecError(f"quote is ambiguous ({len(starts)} matches); add occurrence: N")
        return starts[0], starts[0] + len(quote)
    if not 1 <= occurrence <= len(starts):
        raise SpecError(f"occurrence {occurrence} requested but the quote occurs {len(starts)} time(s)")
    start = starts[occurrence - 1]
    return start, start + len(quote)


def build_rows(spec: list[dict], texts: dict[str, str]) -> tuple[dict[str, list[list]], list[str]]:
    rows: dict[str, list[list]] = {}
    errors: list[str] = []
    seen: set[tuple] = set()
    for number, entry in enumerate(spec, start=1):
        where = f"entry {number}"
        if not isinstance(entry, dict):
            errors.append(f"{where}: not a mapping")
            continue
        source, code, coders = entry.get("source"), entry.get("code"), entry.get("coders")
        where = f"entry {number} ({source}, {code})"
        if not source or not code or not isinstance(coders, list) or not coders:
            errors.append(f"{where}: needs source, code and a non-empty coders list")
            continue
        allowed = BASE_KEYS | {f"{c}{s}" for c in coders for s in PER_CODER_SUFFIXES}
        unknown = sorted(set(entry) - allowed)
        if unknown:
            errors.append(f"{where}: unknown or unused key(s) {', '.join(unknown)} for coders {coders}")
            continue
        if source not in texts:
            errors.append(f"{where}: no source {source!r} (have {', '.join(sorted(texts))})")
            continue
        for coder in coders:
            quote = entry.get(f"{coder}_quote", entry.get("quote"))
            if not quote:
                errors.append(f"{where}: no quote for {coder}")
                continue
            occurrence = entry.get(f"{coder}_occurrence", entry.get("occurrence"))
            try:
                start, end = locate(texts[source], quote, occurrence)
            except SpecError as error:
                errors.append(f"{where} [{coder}]: {error}: «{quote}»")
                continue
            key = (coder, source, code, start, end)
            if key in seen:
                errors.append(f"{where} [{coder}]: duplicate coding «{quote}»")
                continue
            seen.add(key)
            memo = entry.get(f"{coder}_memo", entry.get("memo")) or ""
            rows.setdefault(coder, []).append([source, code, start, end, coder, str(memo).strip()])
    for coder_rows in rows.values():
        coder_rows.sort(key=lambda r: (r[0], r[2], r[3], r[1]))
    return rows, errors


def write_csv(path: Path, rows: list[list]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")


# -------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description="Turn the quote-anchored coding spec into per-coder CSV files.")
    parser.add_argument("--spec", type=Path, default=SPEC)
    parser.add_argument("--out-dir", type=Path, default=OUT_DIR)
    parser.add_argument("--workbench", help="path to the workbench CLI (default: .venv/bin/workbench or PATH)")
    parser.add_argument("--fallback", action="store_true", help="do not use the CLI; rebuild stored text from the rules")
    parser.add_argument("--compare", action="store_true", help="check the fallback rules against the CLI's stored text")
    parser.add_argument("--check", action="store_true", help="load the codebook and import the CSVs into a temp DB")
    args = parser.parse_args()

    files = source_files()
    names = sorted(files)
    exe = None if args.fallback else find_workbench(args.workbench)
    with tempfile.TemporaryDirectory(prefix="demo-codings-") as tmp:
        wb = Workbench(exe, Path(tmp)) if exe else None
        if wb is not None:
            texts = wb.texts(names)
            print(f"stored text of {len(texts)} sources read through {exe}")
        else:
            if not args.fallback:
                print("warning: workbench CLI not found; using the built-in stored-text rules", file=sys.stderr)
            texts = {name: fallback_text(path) for name, path in files.items()}

        if args.compare:
            if wb is None:
                raise SystemExit("--compare needs the workbench CLI")
            differing = [n for n in names if fallback_text(files[n]) != texts[n]]
            print("fallback rules match the CLI for all sources" if not differing
                  else f"fallback rules differ from the CLI for: {', '.join(differing)}")

        spec = load_spec(args.spec)
        rows, errors = build_rows(spec, texts)
        if errors:
            print(f"{len(errors)} problem(s) in {args.spec}:", file=sys.stderr)
            for error in errors:
                print(f"  {error}", file=sys.stderr)
            return 1

        args.out_dir.mkdir(parents=True, exist_ok=True)
        for coder in sorted(rows):
            path = args.out_dir / f"{coder}.csv"
            write_csv(path, rows[coder])
            per_source = Counter(r[0] for r in rows[coder])
            print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {len(rows[coder])} codings "
                  f"({', '.join(f'{s} {n}' for s, n in sorted(per_source.items()))})")

        if args.check:
            if wb is None:
                raise SystemExit("--check needs the workbench CLI")
            print(wb("codebook", "load", str(CODEBOOK)).strip())
            for coder in sorted(rows):
                print(wb("codings", "import", str(args.out_dir / f"{coder}.csv"), "--create-missing-codes").strip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
