"""The thematic map figure: its SVG text against the theme map, layer counts, layout, greyscale, hostile names."""

from __future__ import annotations

import re
from html import unescape

import pytest

from tests.paper.builders import SourceSpec, build
from workbench.cli import main
from workbench.errors import NotFoundError, WorkbenchError
from workbench.services.paper.thematic_map import MapCategory, MapTheme, ThematicMap, export_map, layout
from workbench.services.themes import rollups
from workbench.services.themes.categories import create_category
from workbench.services.themes.edit import create_theme, list_themes


def svg_texts(path) -> list[str]:
    return [unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", path.read_text(encoding="utf-8"))]


def test_svg_holds_every_theme_of_the_map_with_the_layer_counts(demo, tmp_path):
    out = tmp_path / "map.svg"
    the_map = export_map(demo, out, coder="ana")
    texts = svg_texts(out)
    joined = " ".join(texts).replace("\u00a0", " ")
    themes = list_themes(demo)
    participants = rollups.theme_summary(demo, coder="ana")["participants"]
    for theme in themes:
        assert theme.label in texts
        assert f"{theme.name} (n = {participants[theme.label]})" in joined
    for category in {t.category for t in themes}:
        assert category in texts
    assert "F, facilitator" in texts and "B, barrier" in texts and "n = participants (codings of ana)" in texts
    assert [c.name for c in the_map.categories] == ["Experience of time", "Contact", "Structure", "Autonomy", "Technology"]
    ben = export_map(demo, tmp_path / "ben.svg", coder="ben")
    counts_ben = rollups.theme_summary(demo, coder="ben")["participants"]
    assert {t.label: t.participants for c in ben.categories for t in c.themes} == counts_ben.to_dict()


def test_without_a_layer_no_counts_and_every_colour_is_a_grey(demo, tmp_path):
    out = tmp_path / "map.svg"
    export_map(demo, out)
    text = out.read_text(encoding="utf-8")
    assert "(n =" not in text.replace("\u00a0", " ") and "n = participants" not in text
    for colour in re.findall(r"#([0-9a-fA-F]{6})\b", text):
        r, g, b = colour[0:2], colour[2:4], colour[4:6]
        assert r == g == b, colour  # readable in greyscale: no hue carries meaning
    for suffix, magic in ((".png", b"\x89PNG"), (".pdf", b"%PDF")):
        export_map(demo, tmp_path / f"map{suffix}")
        assert (tmp_path / f"map{suffix}").read_bytes().startswith(magic)


def test_layout_for_many_categories_and_types_never_overlaps():
    types = (("facilitator", "F"), ("barrier", "B"), ("neutral", "N"))
    categories = tuple(
        MapCategory(f"Category {i} " + "with a long name " * (i % 3),
                    tuple(MapTheme(f"{p}{i}{j}", "A theme name that is long enough to wrap " * (j % 2 + 1), kind, j)
                          for j in range(i % 4 + 1) for kind, p in types[: 1 + (i + j) % 3]))
        for i in range(7)
    )
    boxes, width, height = layout(ThematicMap("Map", types, categories, "ana"))
    assert len(boxes) == 7 and width <= 7.5 + 0.3
    for a in boxes:
        assert a.x + a.width <= width + 1e-9 and a.y + a.height <= height + 1e-9
        for column in a.lines:
            assert sum(len(lines) * 0.17 + 0.16 for lines in column) <= a.height
        for b in boxes:
            if a is not b:
                assert a.x + a.width <= b.x or b.x + b.width <= a.x or a.y + a.height <= b.y or b.y + b.height <= a.y


def test_hostile_names_stay_text(project, tmp_path):
    build(project, [SourceSpec("I1", speakers=["P1"], codings={"ana": ["a"]})])
    create_category(project, "<script>alert(1)</script>")
    create_theme(project, "Costs $5 and $10 a month", "facilitator", category="<script>alert(1)</script>")
    out = tmp_path / "map.svg"
    export_map(project, out)
    texts = svg_texts(out)
    assert "<script>alert(1)</script>" in texts and "<script>" not in out.read_text(encoding="utf-8")
    assert any("Costs $5 and $10 a month" in t for t in texts)  # not typeset as TeX


def test_errors(project, tmp_path, capsys):
    with pytest.raises(WorkbenchError, match="no themes"):
        export_map(project, tmp_path / "map.svg")
    with pytest.raises(WorkbenchError, match=r"must end in \.png or \.svg or \.pdf"):
        export_map(project, tmp_path / "map.jpg")
    build(project, [SourceSpec("I1", speakers=["P1"], codings={"ana": ["a"]})])
    create_theme(project, "Something", "facilitator")
    with pytest.raises(NotFoundError):
        export_map(project, tmp_path / "map.svg", consensus=True)
    assert not list(tmp_path.glob("map.*"))
    db = project.engine.url.render_as_string(hide_password=False)
    assert main(["--db", db, "export", "map", str(tmp_path / "m.svg")]) == 0
    assert capsys.readouterr().out.startswith("thematic map: 1 theme in 1 box written to")


def test_export_themes_figure_embeds_the_map_of_the_same_layer(demo, tmp_path, capsys):
    import docx

    db = demo.engine.url.render_as_string(hide_password=False)
    assert main(["--db", db, "export", "themes", str(tmp_path / "t.docx"), "--coder", "ben", "--figure"]) == 0
    document = docx.Document(str(tmp_path / "t.docx"))
    assert len(document.inline_shapes) == 1
    captions = ["".join(t.text or "" for t in p._p.iter() if t.tag.endswith("}t")) for p in document.paragraphs]
    assert any(c.startswith("Figure 1. Thematic map: themes by higher-order category (coded by ben); F, facilitator; B, barrier")
               for c in captions)
    assert main(["--db", db, "export", "themes", str(tmp_path / "plain.docx"), "--coder", "ben"]) == 0
    assert len(docx.Document(str(tmp_path / "plain.docx")).inline_shapes) == 0
