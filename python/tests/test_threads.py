"""Runs release the GIL and give the same bits on any number of demine's threads."""

import threading

import numpy as np

import demine


def test_a_run_releases_the_gil(ukraine):
    """Another Python thread runs while a run is in progress.

    The progress callback is called only while the run is working; the counter a
    pure-Python thread increments must move between its first and last calls. A
    run that held the GIL would leave it where it was, however slow or loaded the
    machine (a slower run only gives more calls).
    """
    n = [0]
    stop = threading.Event()

    def spin():
        while not stop.is_set():
            n[0] += 1

    seen = []
    t = threading.Thread(target=spin)
    t.start()
    try:
        out = demine.run(ukraine, trials=1_500, seed=1, threads=1, progress=lambda stage, done, total: seen.append(n[0]))
    finally:
        stop.set()
        t.join()
    assert out.trials == 1_500
    assert len(seen) >= 2, f"the run ended before the second progress call ({len(seen)} calls)"
    assert seen[-1] > seen[0], seen


def test_thread_counts_give_identical_bits(ukraine):
    one = demine.run(ukraine, trials=500, seed=9, threads=1, model="aggregate")
    two = demine.run(ukraine, trials=500, seed=9, threads=2, model="aggregate")
    for name in one.outputs:
        np.testing.assert_array_equal(one.values(name), two.values(name), err_msg=name)
