#!/usr/bin/env bash
# Installs what the report's browser test needs, if missing: Debian's Chromium and ChromeDriver.
# Called by `.ci/run` and by tests/browser.rs itself, so `cargo test --release` on a fresh Debian
# machine sets itself up.
set -euo pipefail
# Both browser tests call this at once: one installs, the other waits on the lock (apt's own lock
# would make the loser fail), then finds everything installed.
exec 9>"${TMPDIR:-/tmp}/demine-browser-setup.lock"
flock 9
if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
  exit 0
fi
SUDO=$([ "$(id -u)" -eq 0 ] || echo sudo)
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q || true
$SUDO apt-get install -y -q chromium chromium-driver
