"""Shared fixtures: the bundled Ukraine scenario and the command-line binary to compare with."""

import os
import pathlib
import shutil

import pytest

import demine

REPO = pathlib.Path(__file__).resolve().parents[2]


def cli_binary():
    """The `demine` binary: $DEMINE_BIN, else the checkout's target/release/demine, else one on PATH."""
    for candidate in (os.environ.get("DEMINE_BIN"), REPO / "target" / "release" / "demine", shutil.which("demine")):
        if candidate and pathlib.Path(candidate).is_file():
            return str(candidate)
    return None


@pytest.fixture(scope="session")
def cli():
    """The CLI binary; in CI (CI=true) a missing binary fails rather than skips."""
    b = cli_binary()
    if b is None:
        if os.environ.get("CI") == "true":
            pytest.fail("no demine binary: build it with `cargo build --release` (or set DEMINE_BIN)")
        pytest.skip("no demine binary (cargo build --release, or set DEMINE_BIN)")
    return b


@pytest.fixture(scope="session")
def ukraine():
    """The bundled Ukraine scenario (do not edit it: copy() first)."""
    return demine.load("ukraine")
