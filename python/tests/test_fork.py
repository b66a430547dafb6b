"""A child forked after a run works: fork copies only the calling thread, so the child's parallel
work goes to a pool of its own instead of the parent's threads (which it does not have)."""

import concurrent.futures as cf
import multiprocessing as mp
import os
import sys

import pytest

import demine

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="fork is the Linux default tested here")


def _task(a):
    s = demine.load("ukraine-2024")
    o = demine.run(s, trials=range(a, a + 200), seed=1, model="aggregate")
    return o.trials, float(o.summary().loc["total_cost", "p50"]) if hasattr(o.summary(), "loc") else 0.0


def test_process_pool_workers_forked_after_a_run_do_not_hang():
    demine.run(demine.load("ukraine-2024"), trials=500, seed=1, model="aggregate")  # the parent's pool exists now
    with cf.ProcessPoolExecutor(2, mp_context=mp.get_context("fork")) as ex:
        futures = [ex.submit(_task, a) for a in (0, 200, 400, 600)]
        results = [f.result(timeout=120) for f in futures]
    assert [r[0] for r in results] == [200, 200, 200, 200]


def test_os_fork_after_a_run_gives_the_parents_answer():
    s = demine.load("ukraine-2024")
    parent = demine.run(s, trials=300, seed=4, model="aggregate").values("total_cost")
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: run again, report whether it matches, leave at once
        try:
            child = demine.run(s, trials=300, seed=4, model="aggregate").values("total_cost")
            os.write(w, b"same" if (child == parent).all() else b"diff")
        finally:
            os._exit(0)
    os.close(w)
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 0
    assert os.read(r, 4) == b"same"
