"""Project export (.qdpx): strict structure, stable GUIDs, XSD validity (with ../shared), round trip."""

from __future__ import annotations

import zipfile
from datetime import datetime, timezone

import pytest
from lxml import etree
from sqlalchemy import select

from tests.interop.builders import DATA, SCHEMAS
from tests.interop.refi_checks import check_qdc, check_qdpx
from workbench.errors import WorkbenchError
from workbench.interop import import_refi
from workbench.interop.qdc_export import export_codebook
from workbench.interop.qdpx_export import export_project
from workbench.services.codebook.files import load_codebook
from workbench.services.importing.batch import import_paths
from workbench.services.project.coders import get_or_create_coder
from workbench.store.engine import Project
from workbench.store.models import (
    Code,
    Coder,
    Coding,
    Memo,
    Participant,
    ParticipantAttribute,
    Source,
    Theme,
    ThemeCategory,
    ThemeCode,
    ThemeType,
)

EMOJI_TXT = "Interviewer: And the app?\nP02: I love it 😀😀 honestly.\nP02: Trust grew 👍 over time.\n"


@pytest.fixture
def rich_project(project, codebook_file, interview_file, tmp_path):
    """Codes (with a folder), two sources (one with emoji), codings by two coders with memos, memos on
    everything, participant attributes, a theme with a category, and a coder who never coded."""
    load_codebook(project, codebook_file)
    import_refi(project, DATA / "codebook_variants.qdc")
    emoji = tmp_path / "P02-interview.txt"
    emoji.write_text(EMOJI_TXT, encoding="utf-8")
    import_paths(project, [interview_file, emoji])
    when = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
    with project.session() as session:
        ana, ben = get_or_create_coder(session, "ana"), get_or_create_coder(session, "ben")
        get_or_create_coder(session, "idle")
        codes = {c.key: c for c in session.scalars(select(Code))}
        first, second = (session.scalars(select(Source).where(Source.name == n)).one() for n in ("P01-interview", "P02-interview"))

        def code(source, key, coder, quote, memo=None):
            start = source.text.index(quote)
            session.add(Coding(source_id=source.id, code_id=codes[key].id, coder_id=coder.id, start=start,
                               end=start + len(quote), memo=memo, created_at=when))

        code(first, "bond", ana, "I trust the app more than I expected.", "Trust, early on.")
        code(first, "task", ana, "I trust the app more than I expected.")
        code(first, "bond", ben, "I trust the app more than I expected.")
        code(second, "bond.presence", ben, "Trust grew 👍 over time.")
        code(second, "feelings.joy", ana, "I love it 😀😀 honestly.", "Joy with emoji")
        participant = session.scalars(select(Participant).where(Participant.pid == "P01")).one()
        participant.attributes.append(ParticipantAttribute(key="age", value="41"))
        for kind, target, text in [("project", None, "Study memo\nsecond line"), ("source", first.id, "Noisy recording"),
                                   ("code", codes["bond"].id, "Bond memo"), ("participant", participant.id, "Keen")]:
            session.add(Memo(target_kind=kind, target_id=target, coder_id=ana.id, text=text, created_at=when))
        kind = ThemeType(name="facilitator", prefix="F", position=0)
        category = ThemeCategory(name="Experience of time", position=0)
        session.add_all([kind, category])
        session.flush()
        theme = Theme(label="F1", name="Feeling held", type_id=kind.id, category_id=category.id,
                      description="Clients feel held.", position=1)
        session.add(theme)
        session.flush()
        session.add_all([ThemeCode(theme_id=theme.id, code_id=codes[k].id) for k in ("bond", "bond.presence")])
    return project


def snapshot(project: Project) -> dict[str, object]:
    with project.session() as s:
        return {
            "sources": {x.name: x.text for x in s.scalars(select(Source))},
            "codes": {
                c.key: (c.name, c.parent.key if c.parent else None, c.definition, c.when_to_use, c.when_not_to_use,
                        c.example, tuple(c.keywords or ()), c.colour)
                for c in s.scalars(select(Code))
            },
            "coders": set(s.scalars(select(Coder.name))),
            "codings": sorted(
                (c.source.name, c.code.key, c.coder.name, c.start, c.end, c.memo, c.created_at.replace(tzinfo=None))
                for c in s.scalars(select(Coding))
            ),
            "participants": {p.pid: {a.key: a.value for a in p.attributes} for p in s.scalars(select(Participant))},
            "memos": sorted((m.target_kind, m.text) for m in s.scalars(select(Memo))),
            "themes": sorted(
                (t.label, t.name, t.theme_type.name, t.category.name if t.category else None, t.description,
                 tuple(sorted(c.key for c in t.codes)))
                for t in s.scalars(select(Theme))
            ),
        }


def test_export_is_strict(rich_project, tmp_path):
    out = tmp_path / "study.qdpx"
    report = export_project(rich_project, out)
    assert check_qdpx(out) == []
    assert (report.sources, report.codings, report.coders, report.themes) == (2, 5, 3, 1)
    assert any("outside the BMP" in w and "P02-interview" in w for w in report.warnings)
    with zipfile.ZipFile(out) as package:
        root = etree.fromstring(package.read("project.qde"))
    ns = {"q": "urn:QDA-XML:project:1.0"}
    assert len(root.findall("q:Users/q:User", ns)) == 3  # every coder, even one who never coded
    shared = root.findall(".//q:PlainTextSelection", ns)
    # one selection per span, coder and memo: ana's memoed bond, ana's task and ben's bond do not share one
    assert sorted(len(s.findall("q:Coding", ns)) for s in shared) == [1, 1, 1, 1, 1] and report.selections == 5
    assert all(c.get("creatingUser") and c.get("creationDateTime") == "2024-05-01T12:00:00Z" for c in root.iterfind(".//q:Coding", ns))
    assert root.find("q:Sets/q:Set/q:Description", ns).text.startswith("Theme F1; type: facilitator; category: Experience of time")
    case = root.find("q:Cases/q:Case", ns)
    assert case.get("name") == "P01" and case.find("q:Description", ns).text == "Keen"
    assert root.find(".//q:Code[@name='Feelings']", ns).get("isCodable") == "false"


def test_the_same_project_exports_the_same_guids_and_bytes_twice(rich_project, tmp_path):
    first, second = tmp_path / "a" / "study.qdpx", tmp_path / "b" / "study.qdpx"
    first.parent.mkdir()
    second.parent.mkdir()
    export_project(rich_project, first)
    export_project(rich_project, second)
    assert first.read_bytes() == second.read_bytes()


def test_round_trip_into_an_empty_project(open_project, rich_project, tmp_path):
    out = tmp_path / "study.qdpx"
    export_project(rich_project, out)
    fresh = open_project("fresh")
    report = import_refi(fresh, out)
    assert all("names match" in line for line in report.positions)
    mine, theirs = snapshot(rich_project), snapshot(fresh)
    for part in ("sources", "codes", "coders", "codings", "participants", "memos", "themes"):
        assert theirs[part] == mine[part], part
    assert report.skipped == ()
    again = export_project(fresh, tmp_path / "again.qdpx")
    assert again.codings == 5 and check_qdpx(tmp_path / "again.qdpx") == []


def test_exported_guids_match_on_reimport_into_the_same_project(rich_project, tmp_path):
    out = tmp_path / "study.qdpx"
    export_project(rich_project, out)
    before = snapshot(rich_project)
    report = import_refi(rich_project, out)
    assert report.codes_added == () and all("(by GUID)" in m for m in report.codes_matched)
    assert report.codings_added == 0 and report.sources_added == ()
    assert snapshot(rich_project)["codings"] == before["codings"]


def test_export_needs_the_qdpx_suffix_and_an_existing_folder(project, tmp_path):
    with pytest.raises(WorkbenchError, match="must end in .qdpx"):
        export_project(project, tmp_path / "x.zip")
    with pytest.raises(WorkbenchError, match="does not exist"):
        export_project(project, tmp_path / "missing" / "x.qdpx")


def test_an_empty_project_exports_a_valid_file(project, tmp_path):
    out = tmp_path / "empty.qdpx"
    export_project(project, out)
    assert check_qdpx(out) == []


needs_schemas = pytest.mark.skipif(not (SCHEMAS / "Project.xsd").exists(), reason="../shared REFI-QDA schemas absent")


@needs_schemas
def test_exports_validate_against_the_official_schemas(open_project, rich_project, tmp_path):
    project_schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "Project.xsd")))
    codebook_schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "Codebook.xsd")))
    for project in (rich_project, open_project("empty")):
        out = tmp_path / "study.qdpx"
        export_project(project, out)
        with zipfile.ZipFile(out) as package:
            document = etree.fromstring(package.read("project.qde"))
        assert project_schema.validate(document), project_schema.error_log
    export_codebook(rich_project, tmp_path / "book.qdc")
    assert check_qdc(tmp_path / "book.qdc") == []
    assert codebook_schema.validate(etree.parse(str(tmp_path / "book.qdc"))), codebook_schema.error_log
