"""The real-world samples in ../shared/interop/refi-qda/samples (skipped cleanly when absent)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import func, select

from tests.interop.builders import SAMPLES, SCHEMAS, make_zip
from tests.interop.refi_checks import check_qdpx
from workbench.interop import import_refi
from workbench.interop.qdpx_export import export_project
from workbench.store.engine import Project
from workbench.store.models import Code, Coder, Coding, Participant, Source, Theme

pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared REFI-QDA samples absent")

NVIVO = SAMPLES / "nvivo-win-12.6_oltas0517.qdpx"
# (sample, codes, sources, codings, coders, themes)
EXPECTED = [
    ("nvivo-win-12.6_oltas0517.qdpx", 152, 2, 303, 2, 0),
    ("nvivo-mac-15.0_qc-project.qdpx", 262, 0, 0, 2, 0),  # its two texts are a lone "\n": reported, not imported
    ("qc-1.3.2_demo.qdpx", 262, 2, 205, 1, 0),
    ("atlasti-8.4_spec-annexA2_TestProject.qdpx", 14, 0, 0, 3, 4),  # no source files in the package
    ("maxqda-24.7_paper-themes_project.qde", 307, 0, 0, 1, 0),  # the source files were left out
    ("hand-authored_full-coverage/project.qde", 4, 2, 3, 1, 1),
    ("taguette-1.4.1_codebook.qdc", 3, 0, 0, 0, 0),
    ("atlasti-win-23.4.0_codebook.qdc", 1, 0, 0, 0, 1),
    ("spec-annexA1_codebook.qdc", 6, 0, 0, 0, 0),
]
# NVivo counts UTF-16 units and CRLF as two; these selections come after 75+ emoji and 1800+ line ends.
NVIVO_SELECTIONS = {
    "bb40285a-6464-4e26-84dd-ae1dc2884285": "Az oltás erősebb, le is győzi az immunrendszert.",
    "d3b80e30-e53d-48b5-90dd-ae1dc14a981d": "A. HAZUGSÁG FOLYIK 👍👍👍👍",
    "67b4794a-4e10-41c0-88dd-ae1dc13325c9": "Ursula mondjon le!",
    "2426522a-105a-4f86-b8dd-ae1dc26a4cb2": "Az oltás öli az embereket",
    "7154a758-6873-4134-badd-ae1dc04d3086": (
        "Senkit nem lehet kötelezni oltásra, ilyet csak ostoba korlátolt agyi kapacitással rendelkező "
        "emberhulladék hozhat aki nem szaporodhat és nem élhet."
    ),
}


def _counts(project: Project) -> tuple[int, int, int, int, int]:
    with project.session() as s:
        return tuple(s.scalar(select(func.count()).select_from(m)) for m in (Code, Source, Coding, Coder, Theme))


@pytest.mark.parametrize(("name", "codes", "sources", "codings", "coders", "themes"), EXPECTED, ids=[e[0] for e in EXPECTED])
def test_sample_imports_with_the_expected_counts(project, name, codes, sources, codings, coders, themes):
    report = import_refi(project, SAMPLES / name)
    assert _counts(project) == (codes, sources, codings, coders, themes)
    assert report.codings_added == codings


def _coded_texts(project: Project) -> dict[str, set[str]]:
    result: dict[str, set[str]] = {}
    with project.session() as s:
        for coding in s.scalars(select(Coding)):
            result.setdefault(coding.code.name, set()).add(coding.source.text[coding.start : coding.end])
    return result


def _selection_codes(qde: bytes) -> dict[str, str]:
    """Selection GUID → name of its code, read straight from the XML."""
    root = etree.fromstring(qde)
    ns = {"q": "urn:QDA-XML:project:1.0"}
    names = {c.get("guid"): c.get("name") for c in root.iterfind(".//q:Code", ns)}
    return {
        s.get("guid"): names[s.find("q:Coding/q:CodeRef", ns).get("targetGUID")]
        for s in root.iterfind(".//q:PlainTextSelection", ns)
    }


def _nvivo_variant(tmp_path: Path, origin: str | None) -> Path:
    with zipfile.ZipFile(NVIVO) as package:
        entries = {name: package.read(name) for name in package.namelist()}
    qde = entries["project.qde"].replace(b'origin="NVivo for Windows 12.6" ', b"" if origin is None else f'origin="{origin}" '.encode())
    entries["project.qde"] = qde
    return make_zip(tmp_path / "variant.qdpx", entries)


@pytest.mark.parametrize("origin", ["as exported", None, "Unknown tool 1.0"])
def test_nvivo_windows_selections_land_on_the_right_text(project, tmp_path, origin):
    path = NVIVO if origin == "as exported" else _nvivo_variant(tmp_path, origin)
    report = import_refi(project, path)
    coded = _coded_texts(project)
    with zipfile.ZipFile(NVIVO) as package:
        codes = _selection_codes(package.read("project.qde"))
    for guid, text in NVIVO_SELECTIONS.items():
        assert text in coded[codes[guid]], guid
    line = next(p for p in report.positions if p.startswith("videos_10_selected"))
    assert "UTF-16 units, CRLF counted as 2" in line
    with project.session() as s:
        texts = [c.source.text[c.start : c.end] for c in s.scalars(select(Coding))]
        source = s.scalars(select(Source).where(Source.name == "videos_10_selected")).one()
        assert "\r" not in source.text and not source.text.startswith("\ufeff")
    # Every selection starts and ends on a word boundary: nothing shifted into the middle of a word.
    aligned = sum(1 for t in texts if t and not t[0].isspace() and not t[-1].isspace())
    assert aligned >= 295 and len(texts) == 303


def test_hand_authored_sample_keeps_participants_and_overlaps(project):
    import_refi(project, SAMPLES / "hand-authored_full-coverage/project.qde")
    coded = _coded_texts(project)
    assert coded["Health"] == {"Diet and health"}
    assert coded["Diet"] == {"health are clo", "Diet and health are "}  # overlapping selection; transcript 0–20
    with project.session() as s:
        participant = s.scalars(select(Participant)).one()
        assert (participant.pid, {a.key: a.value for a in participant.attributes}) == ("P01", {"Age": "34", "Consented": "true"})


def test_nvivo_sample_round_trips_through_our_export(open_project, project, tmp_path):
    import_refi(project, NVIVO)
    out = tmp_path / "nvivo-again.qdpx"
    export_project(project, out)
    assert check_qdpx(out) == []
    fresh = open_project("fresh")
    report = import_refi(fresh, out)
    assert _coded_texts(fresh) == _coded_texts(project)
    assert all("UTF-16" not in line for line in report.positions)  # our files count code points
    if (SCHEMAS / "Project.xsd").exists():
        schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "Project.xsd")))
        with zipfile.ZipFile(out) as package:
            assert schema.validate(etree.fromstring(package.read("project.qde"))), schema.error_log
