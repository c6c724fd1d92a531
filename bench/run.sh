#!/usr/bin/env bash
# The capture benchmark of Tidemark, end to end, on this machine:
#   setup check → build (-Pbench) → dataset (../shared/bench/gen-dataset.sh) →
#   snapshot rounds, tools alternating: Tidemark's Snapshotter into Kafka, through the sink into
#   S3, and mydumper --compress / raw (the anchors, same flags as ../shared/bench/anchor-logical.sh) →
#   CDC change-rate anchor (../shared/bench/cdc-workload.sh) →
#   capture under sysbench oltp_write_only: commit→Kafka latency, events/s, catch-up from a backlog →
#   the same latency with the probes alone (the pipeline's floor, no write load) → summary.md.
#
#   bench/run.sh                               # everything, defaults below
#   DURATION=30 BACKLOG=30 SNAPSHOT_ROUNDS=1 bench/run.sh
#   TABLE_SIZE=100000 bench/run.sh             # a smaller dataset (say so when quoting numbers)
#   STEPS="capture" REUSE_DATASET=1 bench/run.sh
#   STEPS="sink" bench/run.sh                  # the sink worker alone (no source database needed)
#
# Results: bench/results/<timestamp>/ (gitignored): info.txt, snapshot.csv, capture.txt,
# capture*-timeline.csv, capture*-probes.csv, sysbench and tool logs, cdc-anchor.txt, summary.md,
# sink-*.txt with sink-*/ (the worker's timeline, GC log and output).
# Needs: bench/setup.sh (as root: mariadb-server mariadb-client mydumper sysbench), Java 17, Maven.
# The sandboxes are private mariadbd processes under $BENCH_ROOT (never the system service).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED_BENCH=${SHARED_BENCH:-$REPO/../shared/bench}
export BENCH_ROOT=${BENCH_ROOT:-/tmp/tidemark-bench}
export SRC_NAME=${SRC_NAME:-capsrc}
export SRC_PORT=${SRC_PORT:-33311}
export DB=${DB:-benchdb}
export BENCH_USER=${BENCH_USER:-bench} BENCH_PASS=${BENCH_PASS:-benchpw}

STEPS=${STEPS:-"dataset snapshot cdc capture floor"}
SNAPSHOT_ROUNDS=${SNAPSHOT_ROUNDS:-2}
SNAPSHOT_TOOLS=${SNAPSHOT_TOOLS:-"tidemark-kafka mydumper mydumper_raw tidemark-s3"}
SNAPSHOT_THREADS=${SNAPSHOT_THREADS:-2}
CHUNK_ROWS=${CHUNK_ROWS:-100000}
DURATION=${DURATION:-60}      # measured sysbench seconds with capture streaming
WARMUP=${WARMUP:-60}          # unmeasured load first, drained before the measurement: a fresh
                              # JVM compiles (C2) for ~0.5 core during its first ~30 s here
BACKLOG=${BACKLOG:-60}        # seconds of load written while capture is stopped
LOAD_THREADS=${LOAD_THREADS:-4}
CDC_DURATION=${CDC_DURATION:-30}
POLL_INTERVAL_MS=${POLL_INTERVAL_MS:-10}  # CaptureSettings.POLL_INTERVAL_MS, what `tidemark run` uses
REUSE_DATASET=${REUSE_DATASET:-0}
SKIP_BUILD=${SKIP_BUILD:-0}
JAVA_OPTS=${JAVA_OPTS:-}
SINK_EVENTS=${SINK_EVENTS:-300000}       # events per backlog round of the sink step
SINK_ROUNDS=${SINK_ROUNDS:-3}
SINK_LIVE_RATE=${SINK_LIVE_RATE:-10500}  # events/s written while the worker runs (FACTS: ~10.5k)
SINK_LIVE_SECONDS=${SINK_LIVE_SECONDS:-30}
SINK_HEAP=${SINK_HEAP:-256m}

RUN_ID=$(date +%Y%m%d-%H%M%S)
RES=${RESULTS_DIR:-$REPO/bench/results/$RUN_ID}
mkdir -p "$RES"
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
load1() { cut -d' ' -f1 /proc/loadavg; }
has_step() { [[ " $STEPS " == *" $1 "* ]]; }
SANDBOX=$SHARED_BENCH/mariadb-sandbox.sh

NEEDS_SOURCE=0
for s in dataset snapshot cdc capture floor; do has_step "$s" && NEEDS_SOURCE=1; done

# ------------------------------------------------------------------ setup check and build
if [[ $NEEDS_SOURCE == 1 ]]; then
  [[ -x $SANDBOX ]] || { echo "no $SANDBOX: clone shared/ beside the repository" >&2; exit 1; }
  "$REPO/bench/setup.sh" --check
fi
JAR=$REPO/bench/target/tidemark-bench-0.1.0-SNAPSHOT.jar
if [[ $SKIP_BUILD != 1 ]]; then
  log "building the bench module (mvn -Pbench -pl bench -am package)"
  (cd "$REPO" && mvn -q -Dstyle.color=never -Pbench -pl bench -am package -DskipTests) >&2
fi
bench_java() { java $JAVA_OPTS -cp "$JAR:$REPO/bench/target/lib/*" io.tidemark.bench.Bench "$@" \
  --port "$SRC_PORT" --user "$BENCH_USER" --password "$BENCH_PASS" --db "$DB"; }

{
  echo "run $RUN_ID  $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')),"\
    "$(free -g | awk '/Mem:/{print $2}') GiB RAM, kernel $(uname -r)"
  echo "versions: $(java -version 2>&1 | head -1); $(mariadbd --version 2>/dev/null | awk '{print $3}');"\
    "$(mydumper --version 2>/dev/null); $(sysbench --version 2>/dev/null)"
  echo "tidemark: $(git -C "$REPO" rev-parse --short HEAD)$(git -C "$REPO" diff --quiet HEAD || echo '+dirty')"
  echo "uptime at start: $(uptime)"
  echo "knobs: SNAPSHOT_ROUNDS=$SNAPSHOT_ROUNDS SNAPSHOT_THREADS=$SNAPSHOT_THREADS CHUNK_ROWS=$CHUNK_ROWS"\
    "DURATION=$DURATION WARMUP=$WARMUP BACKLOG=$BACKLOG LOAD_THREADS=$LOAD_THREADS"\
    "POLL_INTERVAL_MS=$POLL_INTERVAL_MS CDC_DURATION=$CDC_DURATION JAVA_OPTS=$JAVA_OPTS"\
    "SINK_EVENTS=$SINK_EVENTS SINK_ROUNDS=$SINK_ROUNDS SINK_LIVE_RATE=$SINK_LIVE_RATE"\
    "SINK_LIVE_SECONDS=$SINK_LIVE_SECONDS SINK_HEAP=$SINK_HEAP"
} > "$RES/info.txt"
cat "$RES/info.txt" >&2

# ------------------------------------------------------------------ dataset
if has_step dataset && [[ $REUSE_DATASET != 1 ]]; then
  log "dataset: ../shared/bench/gen-dataset.sh (sandbox $SRC_NAME on $SRC_PORT)"
  "$SHARED_BENCH/gen-dataset.sh" > "$RES/dataset.log" 2>&1 || { tail -20 "$RES/dataset.log" >&2; exit 1; }
elif [[ $NEEDS_SOURCE == 1 ]]; then
  "$SANDBOX" status "$SRC_NAME" | grep -q '^running' || "$SANDBOX" start "$SRC_NAME" "$SRC_PORT" >&2
fi
if [[ $NEEDS_SOURCE == 1 ]]; then
  cp "$BENCH_ROOT/$SRC_NAME/dataset.info" "$RES/dataset.info"
  ROWS=$(cat "$BENCH_ROOT/$SRC_NAME/dataset.rows")
fi

# ------------------------------------------------------------------ snapshot rounds
# Each sets SECONDS_TAKEN SIZE_BYTES DETAIL.
snap_mydumper() { # [--compress]
  local d=$BENCH_ROOT/backup-mydumper t0 t1
  rm -rf "$d"
  t0=$(date +%s.%N)
  mydumper -h 127.0.0.1 -P "$SRC_PORT" -u "$BENCH_USER" -p "$BENCH_PASS" -B "$DB" -o "$d" \
    --threads "$SNAPSHOT_THREADS" --rows "$CHUNK_ROWS" "$@" --trx-consistency-only -v 3
  t1=$(date +%s.%N)
  SECONDS_TAKEN=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}')
  SIZE_BYTES=$(du -sb "$d" | cut -f1)
  DETAIL="$(find "$d" -name '*.sql*' | wc -l) files"
  rm -rf "$d"
}
snap_tidemark() { # kafka|s3 RESULT_FILE
  bench_java snapshot --target "$1" --threads "$SNAPSHOT_THREADS" --s3-dir "$BENCH_ROOT/s3" --out "$2"
  SECONDS_TAKEN=$(awk -F= '$1=="seconds"{print $2}' "$2")
  if [[ $1 == s3 ]]; then
    SIZE_BYTES=$(awk -F= '$1=="s3_bytes"{print $2}' "$2")
    DETAIL="in Kafka after $(awk -F= '$1=="kafka_seconds"{print $2}' "$2")s; $(awk -F= '$1=="s3_objects"{print $2}' "$2") objects"
  else
    SIZE_BYTES=$(awk -F= '$1=="kafka_bytes"{print $2}' "$2")
    DETAIL="$(awk -F= '$1=="chunks"{print $2}' "$2") chunks; size = topic on disk (zstd)"
  fi
}
run_snapshot_tool() { # TOOL ROUND
  local f=$RES/snapshot-r$2-$1
  case $1 in
    mydumper) snap_mydumper --compress > "$f.log" 2>&1 ;;
    mydumper_raw) snap_mydumper > "$f.log" 2>&1 ;;
    tidemark-kafka) snap_tidemark kafka "$f.txt" > "$f.log" 2>&1 ;;
    tidemark-s3) snap_tidemark s3 "$f.txt" > "$f.log" 2>&1 ;;
    *) echo "unknown snapshot tool $1" >&2; return 2 ;;
  esac
}

if has_step snapshot; then
  echo "round,pos,tool,seconds,rows,rows_per_s,size_bytes,load1_before,detail" > "$RES/snapshot.csv"
  read -r -a TOOL_ARR <<< "$SNAPSHOT_TOOLS"
  n=${#TOOL_ARR[@]}
  for ((r = 1; r <= SNAPSHOT_ROUNDS; r++)); do
    for ((p = 0; p < n; p++)); do
      tool=${TOOL_ARR[$(( (p + r - 1) % n ))]}
      l=$(load1)
      log "snapshot round $r/$SNAPSHOT_ROUNDS #$((p + 1)) $tool (load1 $l)"
      set +e
      ( set -euo pipefail; run_snapshot_tool "$tool" "$r"
        printf 'SECONDS_TAKEN=%q\nSIZE_BYTES=%q\nDETAIL=%q\n' "$SECONDS_TAKEN" "$SIZE_BYTES" "$DETAIL" \
          > "$RES/snapshot-r$r-$tool.result" )
      rc=$?
      set -e
      if [[ $rc == 0 ]]; then
        # shellcheck disable=SC1090
        source "$RES/snapshot-r$r-$tool.result"
        rps=$(awk -v n="$ROWS" -v s="$SECONDS_TAKEN" 'BEGIN{printf "%.0f", n/s}')
        log "   ${SECONDS_TAKEN}s  ${rps} rows/s  [$DETAIL]"
        echo "$r,$((p + 1)),$tool,$SECONDS_TAKEN,$ROWS,$rps,$SIZE_BYTES,$l,\"$DETAIL\"" >> "$RES/snapshot.csv"
      else
        log "   FAILED (see $RES/snapshot-r$r-$tool.log)"
        echo "$r,$((p + 1)),$tool,,$ROWS,,,$l,FAILED" >> "$RES/snapshot.csv"
      fi
    done
  done
fi

# ------------------------------------------------------------------ CDC change-rate anchor
if has_step cdc; then
  log "CDC anchor: ../shared/bench/cdc-workload.sh (${CDC_DURATION}s, $LOAD_THREADS threads; load1 $(load1))"
  DURATION=$CDC_DURATION THREADS=$LOAD_THREADS "$SHARED_BENCH/cdc-workload.sh" > "$RES/cdc-anchor.log" 2>&1 \
    || { tail -20 "$RES/cdc-anchor.log" >&2; exit 1; }
  cdc_dir=$(awk '/^results: /{print $2}' "$RES/cdc-anchor.log")
  cp "$cdc_dir/summary.txt" "$RES/cdc-anchor.txt"
  cat "$RES/cdc-anchor.txt" >&2
fi

# ------------------------------------------------------------------ capture under load
if has_step capture; then
  log "capture: ${WARMUP}s warm-up, ${DURATION}s measured, ${BACKLOG}s backlog (load1 $(load1))"
  echo "load1_before=$(load1)" > "$RES/capture.txt"
  bench_java capture --duration "$DURATION" --warmup "$WARMUP" --backlog "$BACKLOG" \
    --threads "$LOAD_THREADS" --poll-interval-ms "$POLL_INTERVAL_MS" --out "$RES/capture.txt" \
    > "$RES/capture.log" 2>&1 || { tail -30 "$RES/capture.log" >&2; exit 1; }
  echo "load1_after=$(load1)" >> "$RES/capture.txt"
fi

if has_step floor; then
  log "capture latency floor: probes alone for ${FLOOR_DURATION:-20}s (load1 $(load1))"
  echo "load1_before=$(load1)" > "$RES/capture-floor.txt"
  bench_java capture --threads 0 --warmup 5 --backlog 0 --duration "${FLOOR_DURATION:-20}" \
    --poll-interval-ms "$POLL_INTERVAL_MS" --out "$RES/capture-floor.txt" \
    > "$RES/capture-floor.log" 2>&1 || { tail -30 "$RES/capture-floor.log" >&2; exit 1; }
fi

# ------------------------------------------------------------------ sink worker
# One SinkWorker in a child JVM (-Xmx$SINK_HEAP) draining sysbench-like change events from an
# in-JVM broker into an in-JVM S3 server: backlog rounds (catch-up capacity), then a live round
# at the source rate.
if has_step sink; then
  sink_java() { java $JAVA_OPTS -cp "$JAR:$REPO/bench/target/lib/*" io.tidemark.bench.Bench sink \
    --heap "$SINK_HEAP" "$@"; }
  for ((r = 1; r <= SINK_ROUNDS; r++)); do
    log "sink backlog round $r/$SINK_ROUNDS: $SINK_EVENTS events (load1 $(load1))"
    sink_java --mode backlog --events "$SINK_EVENTS" --dir "$BENCH_ROOT/sink-work" \
      --out "$RES/sink-backlog-r$r.txt" > "$RES/sink-backlog-r$r.log" 2>&1 \
      || { tail -30 "$RES/sink-backlog-r$r.log" >&2; exit 1; }
    mkdir -p "$RES/sink-backlog-r$r"
    cp "$BENCH_ROOT"/sink-work/worker-* "$RES/sink-backlog-r$r/"
    grep -E '^(worker_events_per_s|worker_heap_used_peak_sampled_mib|worker_gc_log_heap_after_gc_max_mib|worker_bundles_uploaded)=' \
      "$RES/sink-backlog-r$r.txt" | tr '\n' ' ' >&2; echo >&2
  done
  log "sink live: ${SINK_LIVE_RATE} events/s for ${SINK_LIVE_SECONDS}s (load1 $(load1))"
  sink_java --mode live --rate "$SINK_LIVE_RATE" --events $((SINK_LIVE_RATE * SINK_LIVE_SECONDS)) \
    --dir "$BENCH_ROOT/sink-work" --out "$RES/sink-live.txt" > "$RES/sink-live.log" 2>&1 \
    || { tail -30 "$RES/sink-live.log" >&2; exit 1; }
  mkdir -p "$RES/sink-live"
  cp "$BENCH_ROOT"/sink-work/worker-* "$BENCH_ROOT"/sink-work/live-lag.csv "$RES/sink-live/"
  grep -E '^live_' "$RES/sink-live.txt" >&2
fi

echo "uptime at end: $(uptime)" >> "$RES/info.txt"
if [[ $NEEDS_SOURCE == 1 ]]; then
  python3 "$REPO/bench/summary.py" "$RES" > "$RES/summary.md"
  cat "$RES/summary.md"
fi
log "results: $RES"
