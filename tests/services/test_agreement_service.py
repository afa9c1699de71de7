"""Agreement over a project: the two-coder fixture in tests/data/agreement, worked out by hand.

Fixture (offsets into the stored text; s1 is 216 characters, s2 220):

    code       source  ana            ben
    trust      s1      48-130 (82)    48-94 (46)
    trust      s2      31-68 (37)     31-68 (37)
    usability  s1      131-181 (50)   131-156, 157-181 (49: ben left out the space at 156)
    usability  s2      107-173 (66)   107-141 (34)
    contact    s1      -              182-215 (33)
    contact    s2      69-106 (37)    69-106, 174-219 (82)

Cohen's kappa of a 2x2 table, N units, A and B coded by each, TA = both + neither:
kappa = (N*TA - chance) / (N^2 - chance), chance = A*B + (N-A)(N-B).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from workbench.agreement import cohen_kappa, kappa_from_counts, krippendorff_alpha
from workbench.agreement.characters import compare_characters
from workbench.agreement.counts import table_values
from workbench.errors import WorkbenchError
from workbench.services.agreement.compute import (
    compute_agreement,
    table_bootstrap,
)
from workbench.services.codebook.files import load_codebook
from workbench.services.coding.codings_csv import import_codings_csv
from workbench.services.export.agreement import (
    agreement_csv,
    agreement_docx,
    export_agreement,
)
from workbench.services.importing.batch import import_paths
from workbench.store.engine import Project

DATA = Path(__file__).resolve().parents[1] / "data" / "agreement"


def build(project: Project, folder: Path, codings: str | None = None) -> Project:
    load_codebook(project, DATA / "codebook.yaml")
    import_paths(project, [DATA / "s1.txt", DATA / "s2.txt"])
    csv = DATA / "codings.csv"
    if codings is not None:
        csv = folder / "codings.csv"
        csv.write_text(codings, encoding="utf-8")
    import_codings_csv(project, csv, default_coder="nobody")
    return project


@pytest.fixture
def fixture_project(project: Project, tmp_path: Path) -> Project:
    return build(project, tmp_path)


def by_code(report):  # type: ignore[no-untyped-def]
    return {code.code: code for code in report.codes}


def test_character_level_matches_the_hand_computation(fixture_project: Project) -> None:
    report = compute_agreement(fixture_project, ["ana", "ben"], resamples=0)
    codes = by_code(report)
    assert report.sources == ("s1", "s2") and report.unit == "character"
    trust = codes["trust"]
    # s1: both 46, ana only 36, ben only 0, neither 216-82 = 134; chance = 82*46 + 134*170 = 26552
    #     kappa = (216*180 - 26552) / (216^2 - 26552) = 12328 / 20104
    s1, s2 = trust.sources
    assert (s1.both, s1.first_only, s1.second_only, s1.neither) == (46, 36, 0, 134)
    assert s1.kappa == pytest.approx(12328 / 20104) and s1.percent == pytest.approx(100 * 180 / 216)
    # s2: identical codings, kappa 1
    assert (s2.both, s2.first_only, s2.second_only, s2.neither, s2.kappa) == (37, 0, 0, 183, 1.0)
    # pooled: both 83, ana only 36, ben only 0, neither 317; N 436, A 119, B 83
    #   chance = 119*83 + 317*353 = 121778; kappa = (436*400 - 121778) / (436^2 - 121778) = 52622 / 68318
    assert trust.table.counts == (83, 36, 0, 317)
    assert trust.kappa == trust.kappa_pooled == pytest.approx(52622 / 68318)
    assert trust.kappa_mean == pytest.approx((12328 / 20104 + 1) / 2)
    assert trust.kappa_weighted == pytest.approx((216 * 12328 / 20104 + 220) / 436)
    assert trust.percent == pytest.approx(100 * 400 / 436)
    # binary alpha: n1 = 2*83 + 36 = 202, n0 = 2*317 + 36 = 670; alpha = 1 - 871*36 / (670*202)
    assert trust.alpha == pytest.approx(1 - 871 * 36 / (670 * 202))
    usability = codes["usability"]
    # s1: both 49, ana only 1 (the space at 156), neither 166: (216*215 - 30172) / (216^2 - 30172) = 16268 / 16484
    # s2: both 34, ana only 32, neither 154: (220*188 - 30888) / (220^2 - 30888) = 10472 / 17512
    assert [s.kappa for s in usability.sources] == [pytest.approx(16268 / 16484), pytest.approx(10472 / 17512)]
    # pooled: both 83, ana only 33, neither 320; chance 116*83 + 320*353 = 122588 -> 53120 / 67508
    assert usability.kappa == pytest.approx(53120 / 67508)
    contact = codes["contact"]
    # s1: only ben coded it -> kappa exactly 0, percent (216-33)/216
    # s2: both 37, ben only 45, neither 138: (220*175 - 28288) / (220^2 - 28288) = 10212 / 20112
    assert contact.sources[0].kappa == 0.0 and contact.sources[0].percent == pytest.approx(100 * 183 / 216)
    assert contact.sources[1].kappa == pytest.approx(10212 / 20112)
    # pooled: both 37, ben only 78, neither 321; chance 37*115 + 399*321 = 132334 -> 23754 / 57762
    assert contact.kappa == pytest.approx(23754 / 57762)
    assert [c.code for c in report.codes] == ["contact", "trust", "usability"]  # worst first


def test_character_cells_agree_with_the_per_character_reference(fixture_project: Project) -> None:
    report = compute_agreement(fixture_project, ["ana", "ben"], resamples=0)
    for code in report.codes:
        for source in code.sources:
            if source.kappa is None:
                continue
            table = (source.both, source.first_only, source.second_only, source.neither)
            rows = np.repeat(np.array([[1, 1, 0, 0], [1, 0, 1, 0]]), table, axis=1)
            assert source.kappa == pytest.approx(cohen_kappa(rows, categories=(0, 1)))


def test_neither_coder_used_the_code_in_a_source(project: Project, tmp_path: Path) -> None:
    # without ben's s1 contact coding neither coder used contact in s1:
    # kappa None ("neither coder applied the code"), percent 100, left out of the means
    rows = [line for line in (DATA / "codings.csv").read_text().splitlines() if "s1,contact" not in line]
    build(project, tmp_path, "\n".join(rows) + "\n")
    contact = by_code(compute_agreement(project, ["ana", "ben"], resamples=0))["contact"]
    s1 = contact.sources[0]
    assert (s1.kappa, s1.percent, s1.kappa_undefined) == (None, 100.0, "neither coder applied the code")
    assert contact.undefined_sources == 1
    assert contact.kappa_mean == pytest.approx(10212 / 20112)  # the s2 value alone
    # NVivo's display convention, on request: the undefined cell counts as 1 in the means
    as_one = by_code(compute_agreement(project, ["ana", "ben"], resamples=0, undefined_kappa_as=1.0))["contact"]
    assert as_one.kappa_mean == pytest.approx((10212 / 20112 + 1) / 2)
    assert as_one.sources[0].kappa is None


def test_segment_level(fixture_project: Project) -> None:
    report = compute_agreement(fixture_project, ["ana", "ben"], unit="segment", resamples=0)
    codes = by_code(report)
    # trust over 12 sentence units: both 2, ana only 1, neither 9; A 3, B 2
    #   chance = 3*2 + 9*10 = 96; kappa = (12*11 - 96) / (144 - 96) = 36/48
    #   alpha: n1 = 5, n0 = 19 -> 1 - 23*1/(19*5) = 72/95; Scott's pi (= Fleiss) = 0.747368...
    trust = codes["trust"]
    assert trust.table.counts == (2, 1, 0, 9)
    assert trust.kappa == pytest.approx(0.75) and trust.kappa_kind == "cohen"
    assert trust.alpha == pytest.approx(72 / 95)
    assert trust.fleiss == pytest.approx((11 / 12 - 386 / 576) / (1 - 386 / 576))
    assert trust.percent == pytest.approx(100 * 11 / 12)
    # per source, s1: both 1, ana only 1, neither 4 -> (6*5 - 22) / (36 - 22) = 8/14
    assert trust.sources[0].kappa == pytest.approx(8 / 14) and trust.sources[0].size == 6
    # usability: both 3, ana only 1, neither 8 -> (132 - 84) / (144 - 84) = 0.8
    assert codes["usability"].kappa == pytest.approx(0.8)
    # contact: both 1, ben only 2, neither 9; A 1, B 3; TA 10
    #   chance = 1*3 + 11*9 = 102 -> (12*10 - 102) / (144 - 102) = 18/42
    assert codes["contact"].kappa == pytest.approx(18 / 42)
    # overall, all 36 code x unit decisions: both 6, ana only 2, ben only 2, neither 26 -> 304/448
    assert report.overall.kappa == pytest.approx(304 / 448)
    assert report.overall.mean_kappa == pytest.approx((0.75 + 0.8 + 18 / 42) / 3)


def test_turn_level_and_min_share(fixture_project: Project) -> None:
    report = compute_agreement(fixture_project, ["ana", "ben"], unit="turn", resamples=0)
    codes = by_code(report)
    assert codes["trust"].kappa == 1.0  # both coded in both participant turns, neither in the interviewer's
    # contact: both 1 (P02), ben only 1 (P01), neither 2 -> (4*3 - 8) / (16 - 8) = 0.5
    assert codes["contact"].kappa == pytest.approx(0.5)
    # at min-share 0.5 no coding covers half a participant turn (ana's trust: 82 of 167 characters)
    strict = by_code(compute_agreement(fixture_project, ["ana", "ben"], unit="turn", min_share=0.5, resamples=0))
    assert strict["trust"].kappa is None and "chance agreement is 1" in strict["trust"].kappa_undefined
    assert strict["trust"].percent == 100.0


def test_segment_matching_as_maxqda(fixture_project: Project) -> None:
    report = compute_agreement(fixture_project, ["ana", "ben"], resamples=0)
    codes = by_code(report)
    # trust: s2 identical (2 rows match); s1 46/82 = 0.56 overlap (2 rows unmatched)
    assert (codes["trust"].matched, len(codes["trust"].unmatched), codes["trust"].matched_percent) == (2, 2, 50.0)
    # usability: s1 ana 131-181 vs ben 131-156 (0.5) and 157-181 (0.48); s2 34/66 -> nothing matches
    assert (codes["usability"].matched, len(codes["usability"].unmatched)) == (0, 5)
    unmatched = codes["contact"].unmatched
    assert [(u.coder, u.source, u.start, u.end) for u in unmatched] == [("ben", "s1", 182, 215), ("ben", "s2", 174, 219)]
    # 4 of 13 rows agree; k = 3 codes: kappa_n = (4/13 - 1/3) / (2/3) = -1/26
    assert report.overall.matching_percent == pytest.approx(100 * 4 / 13)
    assert report.overall.matching_kappa_n == pytest.approx(-1 / 26)
    loose = compute_agreement(fixture_project, ["ana", "ben"], overlap=0.5, resamples=0)
    assert by_code(loose)["trust"].matched == 4


def test_three_coders_at_segment_level(fixture_project: Project, tmp_path: Path) -> None:
    extra = tmp_path / "cy.csv"
    extra.write_text("source,code,start,end,coder\ns1,trust,48,94,cy\ns2,trust,31,68,cy\n", encoding="utf-8")
    import_codings_csv(fixture_project, extra, default_coder="cy")
    report = compute_agreement(fixture_project, ["ana", "ben", "cy"], unit="segment", resamples=50)
    trust = by_code(report)["trust"]
    assert trust.kappa_kind == "fleiss" and trust.table is None
    assert trust.kappa == pytest.approx(trust.fleiss)
    assert trust.kappa_ci is not None and trust.sources[0].first_only is None
    assert report.overall.matching_codes is None  # MAXQDA matching compares two coders
    with pytest.raises(WorkbenchError, match="two coders; use --unit segment"):
        compute_agreement(fixture_project, ["ana", "ben", "cy"])


@pytest.mark.parametrize(
    ("coders", "message"),
    [
        (["ana", "zed"], "no coder 'zed'"),
        (["ana"], "two or more different coders"),
        (["ana", "ana"], "two or more different coders"),
    ],
)
def test_bad_coders(fixture_project: Project, coders: list[str], message: str) -> None:
    with pytest.raises(WorkbenchError, match=message):
        compute_agreement(fixture_project, coders)


def test_coder_without_codings_and_bad_options(fixture_project: Project) -> None:
    from workbench.services.project.coders import get_or_create_coder

    with fixture_project.session() as session:
        get_or_create_coder(session, "idle")
    with pytest.raises(WorkbenchError, match="'idle' has no codings"):
        compute_agreement(fixture_project, ["ana", "idle"])
    for options in ({"overlap": 0}, {"min_share": 1.5}, {"unit": "paragraph"}):
        with pytest.raises(WorkbenchError):
            compute_agreement(fixture_project, ["ana", "ben"], **options)


def test_bootstrap_is_seeded_and_covers_the_estimate(fixture_project: Project) -> None:
    one = compute_agreement(fixture_project, ["ana", "ben"], unit="segment", resamples=300, seed=7)
    two = compute_agreement(fixture_project, ["ana", "ben"], unit="segment", resamples=300, seed=7)
    assert [c.kappa_ci for c in one.codes] == [c.kappa_ci for c in two.codes]
    for code in one.codes:
        low, high = code.percent_ci
        assert low <= code.percent <= high


def test_table_values_agree_with_the_metric_functions() -> None:
    rng = np.random.default_rng(3)
    for _ in range(50):
        table = tuple(int(x) for x in rng.integers(0, 30, 4))
        values = table_values(np.array(table))
        rows = np.repeat(np.array([[1, 1, 0, 0], [1, 0, 1, 0]]), table, axis=1)
        expected = {"kappa": kappa_from_counts(*table), "alpha": krippendorff_alpha(rows, categories=(0, 1))}
        for name, value in expected.items():
            if value is None:
                assert np.isnan(values[name][0])
            else:
                assert values[name][0] == pytest.approx(value)


def test_character_blocks_sum_to_the_table() -> None:
    compared = compare_characters({"s": {"c": [(5, 30)]}}, {"s": {"c": [(10, 40), (45, 50)]}}, {"s": 60},
                                  block_starts={"s": [0, 12, 33]})
    blocks = compared["c"].blocks
    assert blocks.tolist() == [[2, 5, 0, 5], [18, 0, 3, 0], [0, 0, 12, 15]]
    assert table_bootstrap(blocks, 0, 0, 0.95) == {"kappa": None, "percent": None, "alpha": None}


def test_exports(fixture_project: Project, tmp_path: Path) -> None:
    report = compute_agreement(fixture_project, ["ana", "ben"], resamples=20)
    text = agreement_csv(report)
    lines = text.splitlines()
    assert lines[0].startswith("code,name,source,unit,size,both,first_only")
    assert "trust,Trust,(pooled),character,436,83,36,0,317,36,0.770251" in text
    assert lines[-2].startswith("(all codes),,(pooled)")
    docx = agreement_docx(report)
    assert docx[:2] == b"PK"
    assert export_agreement(report, tmp_path / "a.docx") == "docx" and (tmp_path / "a.docx").stat().st_size > 1000
    with pytest.raises(WorkbenchError, match=r"\.csv or \.docx"):
        export_agreement(report, tmp_path / "a.pdf")


def test_json_shape(fixture_project: Project) -> None:
    data = compute_agreement(fixture_project, ["ana", "ben"], resamples=20).as_json()
    first = data["codes"][0]
    for key in ("code", "kappa", "percent_agreement", "alpha", "kappa_ci", "percent_agreement_ci", "alpha_ci", "sources"):
        assert key in first
    assert set(first["sources"][0]) >= {"source", "kappa", "percent_agreement", "both", "first_only", "second_only", "neither"}
    assert data["bootstrap"] == {"resamples": 20, "seed": 0, "confidence": 0.95, "resampled": "sentence blocks",
                                 "method": "percentile"}  # fmt: skip


def qualcoder_kappa(both: int, first: int, second: int) -> float:
    """QualCoder's published "kappa" (calculate_agreement_for_code_name): over the union of coded characters,
    Po = both/U, Pyes = (A/U)(B/U), Pno = ((U-A)/U)((U-B)/U), and Pe = Pyes * Pno (a product, not Cohen's sum)."""
    union = first + second - both
    p_yes, p_no = (first / union) * (second / union), ((union - first) / union) * ((union - second) / union)
    return (both / union - p_yes * p_no) / (1 - p_yes * p_no)


def test_nvivo_worked_example_gives_the_standard_kappa_not_qualcoders(project: Project, tmp_path: Path) -> None:
    # NVivo's help: a 1,000-character source, coder A coded 120 characters, B 130, 50 of them both.
    # Cohen: TA = 50 + 800 = 850, chance = 120*130 + 880*870 = 781200 -> (1000*850 - 781200) / (1000^2 - 781200)
    #        = 68800 / 218800 = 0.314 (NVivo's value); percent 85.
    # QualCoder's formula on the same codings gives 0.207.
    load_codebook(project, DATA / "codebook.yaml")
    words = ("the client said the app helped a lot " * 40)[:999] + "."
    (tmp_path / "long.txt").write_text(words, encoding="utf-8")
    import_paths(project, [tmp_path / "long.txt"])
    (tmp_path / "c.csv").write_text("source,code,start,end,coder\nlong,trust,0,120,A\nlong,trust,70,200,B\n")
    import_codings_csv(project, tmp_path / "c.csv", default_coder="A")
    trust = compute_agreement(project, ["A", "B"], resamples=0).codes[0]
    assert trust.sources[0].size == 1000 and trust.table.counts == (50, 70, 80, 800)
    assert trust.kappa == pytest.approx(68800 / 218800) and round(trust.kappa, 3) == 0.314
    assert trust.percent == pytest.approx(85.0)
    assert round(qualcoder_kappa(50, 120, 130), 3) == 0.207
