"""A second coder who worked in another tool: each user of a real exchange sample becomes a coder layer.

Uses ../shared/interop/refi-qda/samples (skipped cleanly when absent). The
project already holds the sample's sources and codes, coded by ``ana``
(the sample's codings, moved to her); merging the NVivo file brings its user
``Gergo`` as a layer of his own, which agreement then compares with ana's.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from tests.conftest import table_counts
from tests.interop.builders import SAMPLES
from tests.services.handout_builders import codings
from workbench.interop import import_refi
from workbench.services.agreement.compute import compute_agreement
from workbench.services.handout.merge import merge_file
from workbench.store.models import Coder

NVIVO = SAMPLES / "nvivo-win-12.6_oltas0517.qdpx"
pytestmark = pytest.mark.skipif(not NVIVO.is_file(), reason="../shared REFI-QDA samples absent")


def test_each_user_of_a_qdpx_becomes_a_coder_layer(project):
    import_refi(project, NVIVO)
    with project.session() as session:
        session.execute(update(Coder).where(Coder.name == "Gergo").values(name="ana"))
    ana = codings(project, "ana")
    assert len(ana) == 303
    report = merge_file(project, NVIVO)
    assert report.kind == "REFI-QDA" and "NVivo" in (report.origin or "")
    layers = {layer.coder: layer for layer in report.layers}
    assert layers["Gergo"].codings_added == 303 and report.sources_matched == 2 and not report.sources_skipped
    assert not report.codes_added and not report.conflicts  # matched by the GUIDs the import remembered
    assert [(s, c, st, e) for s, c, _, st, e, _ in codings(project, "Gergo")] == [(s, c, st, e) for s, c, _, st, e, _ in ana]
    with project.session() as session:
        assert "Gergo" in set(session.scalars(select(Coder.name)))
    agreement = compute_agreement(project, ["ana", "Gergo"], resamples=0)
    assert agreement.overall.kappa == pytest.approx(1.0)
    before = table_counts(project)
    again = merge_file(project, NVIVO)
    assert table_counts(project) == before and not again.changed


def test_a_qdpx_whose_sources_we_lack_is_skipped_and_reported(project):
    report = merge_file(project, NVIVO, dry_run=True)
    assert report.sources_matched == 0 and len(report.sources_skipped) == 2
    assert dict(report.skipped)["codings on skipped sources"] == 303
    assert report.codings_added == 0
