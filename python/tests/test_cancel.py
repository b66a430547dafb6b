"""Progress and cancel: a progress callback sees the work move; Ctrl-C and a callback's exception stop it."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

import demine


def test_progress_is_reported_stage_by_stage(ukraine):
    calls = []
    demine.run(ukraine, trials=1_500, seed=1, threads=1, progress=lambda *a: calls.append(a))
    assert calls, "no progress call during a run of over a second"
    for stage, done, total in calls:
        assert isinstance(stage, str) and 0 <= done <= total == 1_500, (stage, done, total)
    done = [c[1] for c in calls]
    assert done == sorted(done), "progress went backwards within one stage"


def test_budget_reports_each_budget_tried(ukraine):
    stages = set()
    demine.budget(ukraine, finish_by=2040, trials=400, progress=lambda stage, done, total: stages.add(stage))
    assert any(s.startswith("budget ") for s in stages), stages


def test_an_exception_in_the_callback_stops_the_work(ukraine):
    def stop(stage, done, total):
        raise RuntimeError("stop here")

    t0 = time.monotonic()
    with pytest.raises(RuntimeError, match="stop here"):
        # About a minute of work on two cores if it were not stopped.
        demine.run(ukraine, trials=200_000, seed=1, progress=stop)
    assert time.monotonic() - t0 < 20


def test_ctrl_c_stops_a_run_within_a_second_or_so(tmp_path):
    script = tmp_path / "long.py"
    script.write_text(
        textwrap.dedent(
            """
            import signal, sys
            signal.signal(signal.SIGINT, signal.default_int_handler)  # a background child starts with SIGINT ignored
            import demine
            s = demine.load("ukraine")
            print("ready", flush=True)
            demine.run(s, trials=400_000, seed=1)
            print("finished", flush=True)
            """
        )
    )
    child = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ)
    )
    assert child.stdout.readline().strip() == "ready"
    time.sleep(2.0)  # well inside the run (minutes long)
    t0 = time.monotonic()
    child.send_signal(signal.SIGINT)
    try:
        out, err = child.communicate(timeout=30)
    finally:
        child.kill()
    elapsed = time.monotonic() - t0
    assert "finished" not in out
    assert "KeyboardInterrupt" in err, err[-2000:]
    assert elapsed < 4.0, f"the run stopped {elapsed:.1f} s after Ctrl-C"
