"""Time the theme exports on a generated project: 40 themes, 2,000 exemplar quotes.

Run as ``.venv/bin/python bench/bench_export.py`` (``--help`` for the sizes).
The project is built straight into the store (no spaCy): ``--sources``
transcripts of speaker turns by ``--participants`` participants (interviews
and focus groups), a codebook of 4 dimensions with 5 codes each, one coder
whose codings cover every turn once per code, ``--themes`` themes in
categories of a facilitator and a barrier, each with 3 codes and
``--exemplars`` / ``--themes`` starred exemplars. Timed: the Word document
with every exemplar printed (``--quotes`` per theme), the codebook document,
the three roll-up tables and the coded-segments report of every coding. Target: the themes
document under 5 s.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbench.services.codebook.files import load_codebook  # noqa: E402
from workbench.services.export.segments import export_segments  # noqa: E402
from workbench.services.export.tables import export_table  # noqa: E402
from workbench.services.export.word_codebook import write_codebook_docx  # noqa: E402
from workbench.services.export.word_themes import write_themes_docx  # noqa: E402
from workbench.store.engine import Project  # noqa: E402
from workbench.store.models import (  # noqa: E402
    Code,
    Coder,
    Coding,
    Exemplar,
    Participant,
    Source,
    Theme,
    ThemeCategory,
    ThemeCode,
    ThemeType,
    Turn,
)

DIMENSIONS = ("bond", "goals", "task", "usability")
WORDS = ("the app", "my therapist", "homework", "the diary", "every week", "at night", "the messages", "trust",
         "felt", "really", "helped", "was hard", "café", "José’s", "“okay”", "and then", "I think", "somehow")
TARGET_SECONDS = 5.0


def codebook_yaml() -> str:
    lines = ["codebook: Bench alliance", "codes:"]
    for dimension in DIMENSIONS:
        lines += [f"  - id: {dimension}", f"    name: {dimension.capitalize()}", f"    definition: The {dimension} dimension.",
                  "    children:"]
        for n in range(5):
            lines += [f"      - id: {dimension}.c{n}", f"        name: {dimension.capitalize()} code {n}",
                      f"        definition: Code {n} of {dimension}.", "        when_to_use: When it fits.",
                      "        example: “It fitted, mostly.”"]
    return "\n".join(lines) + "\n"


def build(folder: Path, args: argparse.Namespace) -> Project:
    rng = random.Random(args.seed)
    project = Project.open(str(folder / "bench.db"))
    (folder / "codebook.yaml").write_text(codebook_yaml(), encoding="utf-8")
    load_codebook(project, folder / "codebook.yaml")
    with project.session() as session:
        coder = Coder(name="ana")
        people = [Participant(pid=f"P{n:02d}") for n in range(1, args.participants + 1)]
        session.add_all([coder, *people])
        session.flush()
        codes = [c for c in session.query(Code).filter(Code.parent_id.isnot(None)).order_by(Code.id)]
        codings: list[Coding] = []
        for s in range(args.sources):
            kind = "focus-group" if s % 5 == 4 else "interview"
            speakers = rng.sample(people, 4) if kind == "focus-group" else [people[s % len(people)]]
            parts, turns, position = [], [], 0
            for t in range(args.turns):
                who = speakers[t % len(speakers)]
                body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 60))).capitalize() + "."
                line = f"{who.pid}: {body}\n"
                turns.append((who, position, position + len(who.pid) + 2, position + len(line) - 1))
                parts.append(line)
                position += len(line)
            text = "".join(parts)
            source = Source(name=f"S{s:03d}-{kind}", kind=kind, text=text, content_hash=hashlib.sha256(text.encode()).hexdigest(),
                            original_filename=f"S{s:03d}.txt", original_format="txt", word_count=len(text.split()))
            session.add(source)
            session.flush()
            session.add_all(Turn(source_id=source.id, ordinal=i, speaker_label=who.pid, speaker_role="participant",
                                 participant_id=who.id, label_start=label, start=start, end=end)
                            for i, (who, label, start, end) in enumerate(turns))
            for _, _, start, end in turns:
                code = rng.choice(codes)
                codings.append(Coding(code_id=code.id, source_id=source.id, coder_id=coder.id, start=start, end=end))
        session.add_all(codings)
        types = [ThemeType(name="facilitator", prefix="F", position=0), ThemeType(name="barrier", prefix="B", position=1)]
        categories = [ThemeCategory(name=f"Category {n + 1}", position=n) for n in range(args.themes // 2)]
        session.add_all([*types, *categories])
        session.flush()
        by_code: dict[int, list[Coding]] = {}
        for coding in codings:
            by_code.setdefault(coding.code_id, []).append(coding)
        per_theme = args.exemplars // args.themes
        for n in range(args.themes):
            kind = types[n % 2]
            theme = Theme(label=f"{kind.prefix}{n // 2 + 1}", name=f"Theme number {n + 1}", type_id=kind.id,
                          category_id=categories[n // 2].id, description="A generated theme for the export benchmark.",
                          position=n)
            session.add(theme)
            session.flush()
            mine = rng.sample(codes, 3)
            session.add_all(ThemeCode(theme_id=theme.id, code_id=c.id) for c in mine)
            pool = [c for code in mine for c in by_code.get(code.id, [])]
            session.add_all(Exemplar(theme_id=theme.id, coding_id=c.id, position=i)
                            for i, c in enumerate(rng.sample(pool, min(per_theme, len(pool)))))
    return project


def timed(label: str, work):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - start
    print(f"{label:<44} {seconds:6.2f} s")
    return result, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--themes", type=int, default=40)
    parser.add_argument("--exemplars", type=int, default=2000)
    parser.add_argument("--quotes", type=int, default=50, help="quotes printed per theme (default: all 50 exemplars)")
    parser.add_argument("--sources", type=int, default=60)
    parser.add_argument("--turns", type=int, default=120, help="speaker turns per source")
    parser.add_argument("--participants", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        project, seconds = timed("build the project", lambda: build(out, args))
        with project.session() as session:
            counts = {m.__tablename__: session.query(m).count() for m in (Source, Coding, Theme, Exemplar)}
        print("  " + ", ".join(f"{n} {name}s" for name, n in counts.items()))
        summary, word_seconds = timed(
            f"export themes (.docx, {args.quotes} quotes a theme)",
            lambda: write_themes_docx(project, out / "themes.docx", coder="ana", quotes=args.quotes),
        )
        print(f"  {summary.themes} themes, {summary.quotes} quotes, {(out / 'themes.docx').stat().st_size // 1024} KB")
        timed("export themes (.docx, 3 quotes a theme)", lambda: write_themes_docx(project, out / "t3.docx", coder="ana"))
        timed("export codebook (.docx)", lambda: write_codebook_docx(project, out / "codebook.docx"))
        for what in ("themes", "matrix", "codes"):
            timed(f"export table --what {what} (.csv)", lambda: export_table(project, out / f"{what}.csv", what, coder="ana"))
        report, _ = timed("export segments (.docx, every coding)", lambda: export_segments(project, out / "segments.docx"))
        print(f"  {report.segments} segments of {report.codes} codes, {(out / 'segments.docx').stat().st_size // 1024} KB")
        project.close()
    verdict = "within" if word_seconds < TARGET_SECONDS else "OVER"
    print(f"themes document: {word_seconds:.2f} s for {summary.quotes} quotes ({verdict} the {TARGET_SECONDS:.0f} s target)")
    return 0 if word_seconds < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
