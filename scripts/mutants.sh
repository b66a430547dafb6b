#!/usr/bin/env bash
# Mutation testing of the engine and the model: cargo-mutants changes one thing at a time in
# src/simulate and src/model (an operator, a constant, a function body) and runs the tests that
# judge them (.cargo/mutants.toml); a change the tests do not notice is "missed".
#
#   scripts/mutants.sh                      # everything (thousands of mutants: hours on 2 cores)
#   scripts/mutants.sh --file src/simulate/trial/plan.rs     # one file
#   scripts/mutants.sh --shard 3/8          # one eighth of them (run the shards on several machines)
#
# The outcome is in target/mutants/mutants.out (caught.txt, missed.txt, timeout.txt,
# unviable.txt); docs/MUTANTS.md holds the last report and why each missed mutant is harmless.
# Not part of .ci/run: it takes hours.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-mutants >/dev/null || cargo install cargo-mutants --version 27.1.0 --locked
scope=(--file 'src/simulate/**/*.rs' --file 'src/model/**/*.rs')
for arg in "$@"; do
  case "$arg" in --file|-f|--file=*) scope=() ;; esac
done
cargo mutants "${scope[@]}" --output target/mutants --no-shuffle "$@"
out=target/mutants/mutants.out
for kind in caught missed timeout unviable; do
  printf '%-9s %s\n' "$kind" "$( (cat "$out/$kind.txt" 2>/dev/null || true) | wc -l)"
done
