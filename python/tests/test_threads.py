"""Runs release the GIL and give the same bits on any number of demine's threads."""

import sys
import threading
import time

import numpy as np

import demine


def _spins_while(fn):
    """How often this thread ran Python while `fn` ran on another one.

    With a 30 s switch interval nothing takes the GIL from the other thread: if
    `fn` held it, this thread would sleep through it and spin 0 times (a C call
    that holds the GIL, such as `sorted` of a long list, gives 0).
    """
    done = threading.Event()

    def work():
        fn()
        done.set()

    old = sys.getswitchinterval()
    sys.setswitchinterval(30.0)
    try:
        t = threading.Thread(target=work)
        t.start()
        time.sleep(0.05)
        spins = 0
        while not done.is_set():
            spins += 1
            time.sleep(0)  # lets the other thread take the GIL back when it wants it
        t.join()
    finally:
        sys.setswitchinterval(old)
    return spins


def test_a_run_releases_the_gil(ukraine):
    out = []
    spins = _spins_while(lambda: out.append(demine.run(ukraine, trials=20_000, seed=1, threads=1, model="aggregate")))
    assert out[0].trials == 20_000
    assert spins > 10, spins


def test_thread_counts_give_identical_bits(ukraine):
    one = demine.run(ukraine, trials=500, seed=9, threads=1, model="aggregate")
    two = demine.run(ukraine, trials=500, seed=9, threads=2, model="aggregate")
    for name in one.outputs:
        np.testing.assert_array_equal(one.values(name), two.values(name), err_msg=name)
