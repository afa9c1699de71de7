"""A leading U+FEFF (a doubled BOM) never reaches a stored text, so offsets survive REFI-QDA (issue 11 item 8).

Choice: strip at import (every new text, transcript or REFI-QDA, before any offset is taken) and move the
codings of existing projects with migration 0005. Keeping the character instead would need a second BOM in
the exported file, which the format (UTF-8 without BOM) and the other tools do not expect.
"""

from __future__ import annotations

from sqlalchemy import select

from tests.interop.builders import make_zip, minimal_project, selection
from workbench.interop import import_refi
from workbench.interop.qdpx_export import export_project
from workbench.services.codebook.files import load_codebook
from workbench.services.coding.codings import add_coding
from workbench.services.importing.batch import ImportOptions, import_paths
from workbench.services.project.coders import get_or_create_coder
from workbench.store.engine import Project
from workbench.store.models import Code, Coding, Source

TEXT = "Interviewer: How was it?\nP01: Warm, mostly. Trust matters.\n"


def _coded_texts(project: Project) -> list[tuple[str, str]]:
    with project.session() as session:
        rows = session.execute(select(Source.text, Coding.start, Coding.end, Code.key)
                               .join(Source, Source.id == Coding.source_id).join(Code, Code.id == Coding.code_id)).all()
    return sorted((key, text[start:end]) for text, start, end, key in rows)


def test_a_doubled_bom_is_stripped_and_coded_text_survives_export_and_import(open_project, project, tmp_path, codebook_file):
    path = tmp_path / "P01-interview.txt"
    path.write_bytes(b"\xef\xbb\xbf" + ("\ufeff" + TEXT).encode("utf-8"))  # a BOM, then U+FEFF as the first character
    import_paths(project, [path], ImportOptions(processes=1))
    load_codebook(project, codebook_file)
    with project.session() as session:
        source = session.scalars(select(Source)).one()
        assert source.text == TEXT and source.text.split("\n")[1].startswith("P01:")
        start = source.text.index("Trust matters")
        code = session.scalar(select(Code).where(Code.key == "bond"))
        add_coding(session, source=source, code=code, coder=get_or_create_coder(session, "ana"), start=start, end=start + 13)
    assert _coded_texts(project) == [("bond", "Trust matters")]
    out = tmp_path / "out.qdpx"
    export_project(project, out)
    fresh = open_project("fresh")
    import_refi(fresh, out)
    assert _coded_texts(fresh) == [("bond", "Trust matters")]
    fresh.close()


def test_inline_plain_text_content_with_a_leading_bom_is_read_like_a_file(project, tmp_path):
    source = ('<TextSource guid="40000000-0000-0000-0000-000000000001" name="Inline">'
              "<PlainTextContent>\ufeffabc def</PlainTextContent>" + selection(0, 3) + "</TextSource>")
    import_refi(project, make_zip(tmp_path / "p.qdpx", {"project.qde": minimal_project(sources=source)}))
    assert [quote for _, quote in _coded_texts(project)] == ["abc"]
