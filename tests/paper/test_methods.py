"""The methods appendix: filled COREQ items checked against the demo project; missing facts said, never invented."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.paper.builders import SourceSpec, build
from workbench import __version__
from workbench.cli import main
from workbench.services.agreement.compute import compute_agreement
from workbench.services.paper.facts import collect_facts
from workbench.services.paper.methods import BLANK, build_appendix, number
from workbench.services.paper.methods_export import export_methods, md_escape
from workbench.services.paper.saturation import compute_saturation
from workbench.services.themes import rollups
from workbench.store.models import Adjudication, Codebook, Coder, Source, Turn

FILLED = {12, 16, 18, 19, 21, 22, 24, 25, 26, 27, 29, 31, 32}


def test_filled_items_match_the_demo_project(demo):
    appendix = build_appendix(collect_facts(demo, coder="ana", resamples=50))
    items = {i.number: i for i in appendix.items}
    assert len(items) == 32 and {n for n, i in items.items() if i.filled} == FILLED
    assert all(items[n].answer is None and items[n].where == "" for n in set(items) - FILLED)
    assert items[12].answer == "12 participants (5 interview only, 5 focus group only, 2 both)."
    assert items[18].answer == "No: each of the 7 interviews was with a different participant."
    assert items[27].answer == f"Thematic Workbench {__version__}."
    saturation = compute_saturation(demo, coder="ana", resamples=0)
    assert saturation.statement in items[22].answer and "coded by ana" in items[22].answer
    agreement = compute_agreement(demo, ["ana", "ben"], unit="character", resamples=200, seed=0).overall
    low, high = agreement.kappa_ci
    assert f"pooled Cohen's κ = {number(agreement.kappa)}, 95% CI [{number(low)}, {number(high)}]" in items[24].answer
    assert items[24].answer.startswith("2 coders (ana, ben) coded the data; 9 of 9 sources")
    participants = rollups.theme_summary(demo, coder="ana")["participants"]
    names = rollups.theme_summary(demo, coder="ana")["name"]
    for label in participants.index:
        assert f"{label} {names[label]} (n = {participants[label]})" in items[31].answer
    fewest = participants.sort_values(kind="stable").index[0]
    assert items[32].answer.startswith(f"Themes voiced by the fewest participants: {fewest} ")
    with demo.session() as session:
        book = session.scalar(select(Codebook.name))
        stamped = len(set(session.scalars(select(Turn.source_id).where(Turn.time_start_ms.is_not(None)))))
    assert f"“{book}”" in items[25].answer
    assert stamped and items[19].answer.startswith(f"{stamped} of 9 transcripts carry time stamps from a recording")
    assert "adjudication (no review session has been recorded)" in appendix.missing


def test_ben_layer_and_no_layer(demo):
    ben = {i.number: i for i in build_appendix(collect_facts(demo, coder="ben", resamples=0)).items}
    counts = rollups.theme_summary(demo, coder="ben")["participants"]
    assert all(f"(n = {n})" in ben[31].answer for n in counts) and "coded by ben" in ben[31].answer
    unchosen = build_appendix(collect_facts(demo, resamples=0))
    items = {i.number: i for i in unchosen.items}
    assert not items[22].filled and not items[31].filled  # no layer named among two coders: not guessed
    assert any(m.startswith("saturation (several coders") for m in unchosen.missing)


def test_adjudications_are_counted(project):
    build(project, [SourceSpec("I1", speakers=["P1"], codings={"ana": ["a"], "ben": ["a"], "consensus": ["a"]})])
    with project.session() as session:
        ids = dict(session.execute(select(Coder.name, Coder.id)).all())
        source = session.scalar(select(Source.id))
        code = session.scalar(select(Source.id))
        for decision in ("first", "first", "union"):
            session.add(Adjudication(source_id=source, code_id=code, first_coder_id=ids["ana"], second_coder_id=ids["ben"],
                                     consensus_coder_id=ids["consensus"], start=0, end=5, decision=decision, result=[]))
    facts = collect_facts(project, resamples=0)
    assert facts.adjudications == {"first": 2, "union": 1} and facts.layer == "consensus layer"
    text = dict(build_appendix(facts).paragraphs)["Coding"]
    assert "3 decisions (2 the first coder's span kept, 1 union); the consensus layer holds 1 coding." in text
    assert facts.agreement["coders"] == ("ana", "ben")


def test_an_empty_project_invents_nothing(project, tmp_path):
    summary = export_methods(project, tmp_path / "m.md")
    text = (tmp_path / "m.md").read_text(encoding="utf-8")
    assert summary.filled == 1  # only the software
    assert text.count(md_escape(BLANK)) == 31 + 1  # 31 items and the note
    assert "The project does not hold:" in text and "the codebook (none loaded)" in text


def test_word_and_markdown(demo, tmp_path, capsys):
    import docx

    db = demo.engine.url.render_as_string(hide_password=False)
    assert main(["--db", db, "export", "methods", str(tmp_path / "m.docx"), "--coder", "ana", "--resamples", "20"]) == 0
    assert "13 of 32 COREQ items filled" in capsys.readouterr().out
    document = docx.Document(str(tmp_path / "m.docx"))
    (table,) = document.tables
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert rows[0] == ["No", "Item", "Guide question", "Reported", "Page/section"]
    numbered = [r for r in rows[1:] if r[0].isdigit()]
    assert [int(r[0]) for r in numbered] == list(range(1, 33))
    assert sum(r[3] == BLANK for r in numbered) == 32 - len(FILLED)
    assert document.sections[-1].page_width > document.sections[-1].page_height  # the checklist is landscape
    assert main(["--db", db, "export", "methods", str(tmp_path / "m.md"), "--coder", "ana", "--resamples", "20"]) == 0
    md = (tmp_path / "m.md").read_text(encoding="utf-8")
    assert len(re.findall(r"^\| \d+ \|", md, flags=re.M)) == 32


def test_markdown_escapes_project_text(project, tmp_path):
    build(project, [SourceSpec("I1", speakers=["P1"], codings={"ana": ["a"]})])
    with project.session() as session:
        session.add(Codebook(name="Evil | <script>alert(1)</script> [x](http://e)"))
    export_methods(project, tmp_path / "m.md")
    text = (tmp_path / "m.md").read_text(encoding="utf-8")
    assert "<script>" not in text and "\\<script\\>" in text and "\\[x\\](http://e)" in text
    assert all(line.count("|") - line.count("\\|") == 6 for line in text.splitlines() if line.startswith("| "))
