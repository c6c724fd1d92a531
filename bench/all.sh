#!/usr/bin/env bash
# Every benchmark in one run, on one machine, in this order (each step writes its own results
# directory under bench/results/; docs/benchmarks.md quotes them):
#   1. bench/run.sh: the dataset (~2.25 M rows), snapshot next to mydumper (compressed and raw),
#      the source's write rate, capture's commit→Kafka latency and catch-up, the sink worker;
#   2. bench/restore.sh: a snapshot and WRITE_SECONDS of changes through the `run` pipeline into
#      S3 (commit→S3 latency), then restore rounds: load next to myloader and LOAD DATA INFILE,
#      replay next to the source's rate;
#   3. the dataset at 4× in a second sandbox (kept once made), then bench/memory.sh: heap and RSS
#      of `tidemark run` and `tidemark restore` at both sizes.
# About 25 min on 2 cores (2026-12-08, the 4x dataset made in it).   bench/all.sh
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED_BENCH=${SHARED_BENCH:-$REPO/../shared/bench}
export BENCH_ROOT=${BENCH_ROOT:-/tmp/tidemark-bench}
BIG_NAME=${BIG_NAME:-capsrc4} BIG_PORT=${BIG_PORT:-33313}

STEPS="dataset snapshot cdc capture floor sink" "$REPO/bench/run.sh"
SKIP_BUILD=1 "$REPO/bench/restore.sh"
if [[ ! -d $BENCH_ROOT/$BIG_NAME ]]; then
  SRC_NAME=$BIG_NAME SRC_PORT=$BIG_PORT TABLE_SIZE=1000000 BLOB_ROWS=200000 NOPK_ROWS=800000 \
    "$SHARED_BENCH/gen-dataset.sh" >&2
fi
SOURCES="capsrc:33311 $BIG_NAME:$BIG_PORT" "$REPO/bench/memory.sh"
