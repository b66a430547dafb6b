"""A run spread over a Dask cluster (python/examples/dask_cluster.py) merges into exactly one run.

Needs Dask (``dask`` and ``distributed``); .ci/run installs them, and in CI (CI=true) a missing
Dask fails this test instead of skipping it.
"""

import importlib.util
import os
import pathlib
import sys

import pytest

import demine

if os.environ.get("CI") == "true":
    import distributed  # CI installs Dask (.ci/run): a missing one must fail, not skip
else:
    distributed = pytest.importorskip("distributed", reason="Dask is not installed (pip install 'dask[distributed]')")

EXAMPLE = pathlib.Path(__file__).resolve().parents[1] / "examples" / "dask_cluster.py"


@pytest.fixture(scope="module")
def client():
    """Two worker processes with one thread each, as the example starts by default."""
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    c = distributed.Client(cluster)
    try:
        c.wait_for_workers(2, timeout=60)
        yield c
    finally:
        c.close()
        cluster.close()


@pytest.fixture(scope="module")
def example(client):
    """The example as the module ``dask_cluster``, here and (uploaded) on the workers, which import
    its task function by that name."""
    spec = importlib.util.spec_from_file_location(EXAMPLE.stem, EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
        client.upload_file(str(EXAMPLE))
        yield module
    finally:
        del sys.modules[spec.name]


def test_ranges_run_on_the_workers_merge_into_one_run_bit_for_bit(example, client):
    workers = set(client.scheduler_info()["workers"])
    merged, per_worker = example.run_on_cluster(client, "ukraine", trials=2_000, chunk=500, seed=7, timeout=120)
    assert sum(per_worker.values()) == 4
    assert set(per_worker) <= workers, f"tasks ran outside the cluster: {per_worker}"
    assert len(per_worker) == 2, f"both workers should have run ranges: {per_worker}"
    assert merged.model == "sites" and merged.trial_range == range(2_000)

    single = demine.run("ukraine", trials=2_000, seed=7)
    assert example.identical(merged, single)
    assert merged.to_bytes() == single.to_bytes()
    assert example.spot_check(merged, "ukraine", 1_500, 2_000, 7, None, None)
    # The comparison does see a difference: another seed is not the same run.
    assert not example.identical(merged, demine.run("ukraine", trials=2_000, seed=8))


def test_sobol_ranges_on_the_cluster_merge_exactly(example, client):
    merged, per_worker = example.run_on_cluster(
        client, "ukraine-2024", trials=1_024, chunk=256, seed=3, sampler="sobol", model="aggregate", timeout=120
    )
    assert sum(per_worker.values()) == 4 and set(per_worker) <= set(client.scheduler_info()["workers"])
    single = demine.run("ukraine-2024", trials=1_024, seed=3, sampler="sobol", model="aggregate")
    assert merged.sampler == "sobol" and example.identical(merged, single)


def test_a_worker_with_another_build_is_refused_before_any_run(example, client):
    example.check_builds(client)  # the same build everywhere here
    with pytest.raises(example.BuildMismatch, match="workers must run this demine build") as e:
        example.check_builds(client, mine=("0.0.0", "0" * 64))
    assert all(w in str(e.value) for w in client.scheduler_info()["workers"])
