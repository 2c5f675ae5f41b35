"""news_ingest, news_reprocess and news_maintenance on a real CeleryExecutor cluster (see cluster.py).

Skipped unless NEWSFLOW_CLUSTER=1; skipped with the reason when a server binary or package is
missing. Progress and the MET / NOT MET lines are printed live (output capture is off here).
"""

from __future__ import annotations

import os

import pytest

pytestmark = [pytest.mark.cluster,
              pytest.mark.skipif(os.environ.get("NEWSFLOW_CLUSTER") != "1",
                                 reason="cluster test: set NEWSFLOW_CLUSTER=1 (make test-cluster)")]


def test_cluster(capsys):
    import cluster

    with capsys.disabled():
        try:
            cluster.preflight()
        except cluster.Missing as exc:
            pytest.skip(f"cluster test cannot run here: {exc}")
        goals, total = cluster.run_all()
        print(goals.report(total), flush=True)
    # the time goal is a figure the harness prints, not a pass condition: machines here are
    # shared and noisy, and performance claims are benchmarks, not timed tests
    missed = [name + (f" ({d})" if d else "") for name, ok, d in goals.items
              if not ok and not name.startswith("whole test within")]
    assert not missed, "NOT MET: " + "; ".join(missed)
