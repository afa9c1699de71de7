"""What real readers need from our .qdpx (issue 19): one coder per selection, memos in Descriptions, creators.

QualCoder (and others) credit every coding in a selection to the selection's creatingUser and give each
the selection's Description as its memo; they invent a "default" user for elements without a creator.
"""

from __future__ import annotations

import zipfile
from datetime import datetime, timezone

import pytest
from lxml import etree
from sqlalchemy import select

from tests.interop.builders import SCHEMAS, make_zip, minimal_project, text_source
from workbench.interop import import_refi
from workbench.interop.qdpx_export import export_project
from workbench.services.codebook.files import load_codebook
from workbench.services.importing.batch import import_paths
from workbench.services.project.coders import get_or_create_coder, project_owner
from workbench.store.engine import Project
from workbench.store.models import Code, Coder, Coding, Memo, Source

NS = {"q": "urn:QDA-XML:project:1.0"}
TEXT_SOURCES = ("TextSource", "Note")  # elements whose schema type has creatingUser (besides selections and codings)


@pytest.fixture
def two_coders(project, codebook_file, interview_file):
    """ana and ben code the same spans, sometimes with the same code, with and without memos."""
    load_codebook(project, codebook_file)
    import_paths(project, [interview_file])
    when = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
    with project.session() as session:
        ben, ana = get_or_create_coder(session, "ben"), get_or_create_coder(session, "ana")  # ben registered first
        codes = {c.key: c for c in session.scalars(select(Code))}
        source = session.scalars(select(Source)).one()

        def code(key, coder, quote, memo=None):
            start = source.text.index(quote)
            session.add(Coding(source_id=source.id, code_id=codes[key].id, coder_id=coder.id, start=start,
                               end=start + len(quote), memo=memo, created_at=when))

        trust = "I trust the app more than I expected."
        code("bond", ana, trust, "Trust, early on.")
        code("task", ana, trust)
        code("bond.presence", ana, trust)
        code("bond", ben, trust, "ben: trust")
        code("task", ben, trust)
        code("bond", ana, "Warm, mostly.")
        code("bond", ben, "Warm, mostly.", "Line one\n\nLine three, after a blank line")
        code("task", ben, "Clients do the homework at home.")
        session.add_all([
            Memo(target_kind="source", target_id=source.id, coder_id=ana.id, text="Recorded on a noisy line."),
            Memo(target_kind="code", target_id=codes["bond"].id, coder_id=ben.id, text="Bond: keep it narrow."),
            Memo(target_kind="project", target_id=None, coder_id=ana.id, text="Study memo"),
        ])
    return project


def codings(project: Project) -> list[tuple]:
    with project.session() as s:
        return sorted((c.source.name, c.code.key, c.coder.name, c.start, c.end, c.memo) for c in s.scalars(select(Coding)))


def memos(project: Project) -> list[tuple]:
    with project.session() as s:
        return sorted((m.target_kind, m.text) for m in s.scalars(select(Memo)))


def qde(path) -> etree._Element:
    with zipfile.ZipFile(path) as package:
        return etree.fromstring(package.read("project.qde"))


def test_no_selection_mixes_coders_and_every_coding_memo_is_its_selections_description(two_coders, tmp_path):
    out = tmp_path / "two.qdpx"
    report = export_project(two_coders, out)
    root = qde(out)
    notes = {n.get("guid"): n.findtext("q:PlainTextContent", namespaces=NS) for n in root.iterfind(".//q:Notes/q:Note", NS)}
    selections = root.findall(".//q:PlainTextSelection", NS)
    assert report.codings == 8 and len(selections) == report.selections == 7
    seen = []
    for selection in selections:
        coders = {c.get("creatingUser") for c in selection.findall("q:Coding", NS)}
        assert coders == {selection.get("creatingUser")}, "a selection mixes coders"
        description = selection.findtext("q:Description", namespaces=NS)
        for coding in selection.findall("q:Coding", NS):
            refs = [r.get("targetGUID") for r in coding.findall("q:NoteRef", NS)]
            assert [notes[r] for r in refs] == ([description] if description else [])  # Description and Note agree
            seen.append(description)
    assert sorted(m for m in seen if m) == sorted(m for *_, m in codings(two_coders) if m)
    # ana's memo-less task and presence share a selection; her memoed bond on the same span has its own
    assert sorted(len(s.findall("q:Coding", NS)) for s in selections) == [1, 1, 1, 1, 1, 1, 2]


def test_every_element_that_can_name_its_creator_does(two_coders, tmp_path):
    out = tmp_path / "two.qdpx"
    export_project(two_coders, out)
    root = qde(out)
    users = {u.get("name"): u.get("guid") for u in root.iterfind("q:Users/q:User", NS)}
    assert root.get("creatingUserGUID") == users["ben"]  # the first coder the project registered
    for name in (*TEXT_SOURCES, "PlainTextSelection", "Coding"):
        elements = root.findall(f".//q:{name}", NS)
        assert elements and all(e.get("creatingUser") in users.values() for e in elements), name
    source = root.find(".//q:TextSource", NS)
    assert source.get("creatingUser") == users["ben"]
    assert source.findtext("q:Description", namespaces=NS) == "Recorded on a noisy line."
    bond = root.find(".//q:Code[@name='Bond']", NS)
    assert "Memo: Bond: keep it narrow." in bond.findtext("q:Description", namespaces=NS)
    assert root.findtext("q:Description", namespaces=NS) == "Study memo"


@pytest.mark.skipif(not (SCHEMAS / "Project.xsd").exists(), reason="../shared REFI-QDA schemas absent")
def test_the_two_coder_export_is_schema_valid(two_coders, tmp_path):
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "Project.xsd")))
    export_project(two_coders, tmp_path / "two.qdpx")
    document = qde(tmp_path / "two.qdpx")
    assert schema.validate(document), schema.error_log


def test_import_export_import_keeps_every_coding_with_its_coder_and_memo(open_project, two_coders, tmp_path):
    export_project(two_coders, tmp_path / "first.qdpx")
    middle = open_project("middle")
    import_refi(middle, tmp_path / "first.qdpx")
    export_project(middle, tmp_path / "second.qdpx")
    last = open_project("last")
    report = import_refi(last, tmp_path / "second.qdpx")
    assert report.skipped == ()
    assert codings(middle) == codings(last) == codings(two_coders)
    assert memos(middle) == memos(last) == memos(two_coders)  # each memo once: Description and Note are one memo
    with last.session() as s:
        assert sorted(s.scalars(select(Coder.name))) == ["ana", "ben"]
        assert project_owner(s).name == "ben"
    assert qde(tmp_path / "second.qdpx").get("creatingUserGUID") == qde(tmp_path / "first.qdpx").get("creatingUserGUID")


def test_mixed_coder_selections_from_other_tools_are_still_read_coding_by_coding(project, tmp_path):
    users = '<User guid="10000000-0000-0000-0000-000000000002" name="Bo" />'
    mixed = (
        '<PlainTextSelection guid="50000000-0000-0000-0000-000000000001" startPosition="0" endPosition="5" '
        'creatingUser="10000000-0000-0000-0000-000000000001"><Description>Shared note</Description>'
        '<Coding guid="60000000-0000-0000-0000-000000000001" creatingUser="10000000-0000-0000-0000-000000000001">'
        '<CodeRef targetGUID="20000000-0000-0000-0000-000000000001" /></Coding>'
        '<Coding guid="60000000-0000-0000-0000-000000000002" creatingUser="10000000-0000-0000-0000-000000000002">'
        '<CodeRef targetGUID="20000000-0000-0000-0000-000000000001" /></Coding></PlainTextSelection>'
    )
    guid = "30000000-0000-0000-0000-000000000001"
    qde_text = minimal_project(sources=text_source(guid, f"internal://{guid}.txt", mixed), users=users).replace(
        f'plainTextPath="internal://{guid}.txt">', f'plainTextPath="internal://{guid}.txt"><Description>From MAXQDA</Description>'
    )
    package = make_zip(tmp_path / "mixed.qdpx", {"project.qde": qde_text, f"sources/{guid}.txt": "Hello world, again."})
    report = import_refi(project, package)
    assert report.codings_added == 2
    assert [(c[2], c[5]) for c in codings(project)] == [("Ann", "Shared note"), ("Bo", "Shared note")]
    assert ("source", "From MAXQDA") in memos(project)


def test_code_memos_in_a_description_without_notes_become_memos(project, tmp_path):
    codes = (
        '<Code guid="20000000-0000-0000-0000-000000000002" name="Other" isCodable="true">'
        "<Description>Defined here.\n\nMemo: First thought\nMemo: Second thought\nWorkbench id: other</Description></Code>"
    )
    package = make_zip(tmp_path / "codes.qdpx", {"project.qde": minimal_project(codes=codes).replace("<Sources></Sources>", "")})
    import_refi(project, package)
    assert memos(project) == [("code", "First thought"), ("code", "Second thought")]
    with project.session() as s:
        assert s.scalars(select(Code).where(Code.key == "other")).one().definition == "Defined here."
