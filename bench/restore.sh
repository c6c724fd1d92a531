#!/usr/bin/env bash
# The snapshot-load benchmark of Tidemark restore, next to myloader and LOAD DATA INFILE of the
# same rows, in one run on the bench dataset (sandbox $SRC_NAME, made by run.sh's dataset step):
#   1. one Tidemark snapshot through capture, Kafka and the sink (the `run` pipeline) into a
#      filesystem-backed in-JVM S3 store ($BENCH_ROOT/s3, kept), then WRITE_SECONDS of sysbench
#      oltp_write_only (4 threads) archived as change bundles, with commit→S3 latency probes;
#   2. ROUNDS rounds, the order rotating: `Bench restore` into a fresh sandbox $TGT_NAME (load,
#      deferred indexes, check against the manifest, timed, and the last two apart as check_seconds;
#      then the replay, timed apart), then
#      ../shared/bench/anchor-logical.sh with TOOLS (myloader of a mydumper dump; SELECT INTO
#      OUTFILE + LOAD DATA INFILE), each into its own fresh sandbox, 2 threads everywhere.
# Results: bench/results/restore-<timestamp>/ (restore.csv, uptime lines, tool logs).
#   SKIP_BUILD=1 ROUNDS=2 TOOLS="mydumper_raw loaddata" bench/restore.sh
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED_BENCH=${SHARED_BENCH:-$REPO/../shared/bench}
export BENCH_ROOT=${BENCH_ROOT:-/tmp/tidemark-bench}
export SRC_NAME=${SRC_NAME:-capsrc} SRC_PORT=${SRC_PORT:-33311} DB=${DB:-benchdb}
export BENCH_USER=${BENCH_USER:-bench} BENCH_PASS=${BENCH_PASS:-benchpw}
TGT_NAME=${TGT_NAME:-rtgt} TGT_PORT=${TGT_PORT:-33312}
ROUNDS=${ROUNDS:-2}
WRITE_SECONDS=${WRITE_SECONDS:-60}
TOOLS=${TOOLS:-"mydumper_raw loaddata"}
THREADS=${THREADS:-2}
SKIP_BUILD=${SKIP_BUILD:-0} SKIP_SNAPSHOT=${SKIP_SNAPSHOT:-0}
INSERTS=${INSERTS:-0}         # 1: Tidemark loads with multi-row INSERTs, not LOAD DATA
SANDBOX=$SHARED_BENCH/mariadb-sandbox.sh
RES=$REPO/bench/results/restore-$(date +%Y%m%d-%H%M%S)
mkdir -p "$RES"
log() { echo "[$(date +%H:%M:%S)] $*" | tee -a "$RES/uptime.txt" >&2; }
JAR=$REPO/bench/target/tidemark-bench-0.1.0-SNAPSHOT.jar
if [[ $SKIP_BUILD != 1 ]]; then
  (cd "$REPO" && mvn -q -Dstyle.color=never -Pbench -pl bench -am package -DskipTests) >&2
fi
bench_java() { java -Duser.timezone=UTC ${JAVA_OPTS:-} -cp "$JAR:$REPO/bench/target/lib/*" io.tidemark.bench.Bench "$@"; }
"$SANDBOX" status "$SRC_NAME" | grep -q '^running' || "$SANDBOX" start "$SRC_NAME" "$SRC_PORT" >&2
log "start: $(uptime); tidemark $(git -C "$REPO" rev-parse --short HEAD)"
if [[ $SKIP_SNAPSHOT != 1 ]]; then
  log "snapshot into $BENCH_ROOT/s3"
  bench_java snapshot --target s3 --keep-s3 --threads "$THREADS" --s3-dir "$BENCH_ROOT/s3" \
    --port "$SRC_PORT" --user "$BENCH_USER" --password "$BENCH_PASS" --db "$DB" \
    --write-seconds "$WRITE_SECONDS" --out "$RES/snapshot.txt" > "$RES/snapshot.log" 2>&1
fi
echo "round,tool,seconds,rows,rows_per_s,load1_before,replay_events_per_s,heap_peak_mib,rss_peak_mib,check_seconds" \
  > "$RES/restore.csv"
tidemark_round() {
  "$SANDBOX" destroy "$TGT_NAME" >/dev/null; "$SANDBOX" start "$TGT_NAME" "$TGT_PORT" >/dev/null
  local l; l=$(cut -d' ' -f1 /proc/loadavg)
  log "round $1 tidemark (load1 $l): $(uptime)"
  bench_java restore --s3-dir "$BENCH_ROOT/s3" --target-port "$TGT_PORT" --threads "$THREADS" \
    $([[ $INSERTS == 1 ]] && echo --inserts) --out "$RES/restore-r$1.txt" \
    > "$RES/restore-r$1.log" 2>&1 || { log "round $1 tidemark FAILED: $RES/restore-r$1.log"; return 0; }
  awk -F= -v r="$1" -v l="$l" '{v[$1]=$2} END {print r",tidemark,"v["seconds"]","v["rows"]","v["rows_per_s"]","l","v["replay_events_per_s"]","v["heap_peak_mib"]","v["rss_peak_mib"]","v["check_seconds"]}' \
    "$RES/restore-r$1.txt" >> "$RES/restore.csv"
  "$SANDBOX" destroy "$TGT_NAME" >/dev/null
}
anchor_round() {
  log "round $1 anchors $TOOLS: $(uptime)"
  (cd "$SHARED_BENCH" && TOOLS="$TOOLS" ROUNDS=1 THREADS="$THREADS" ./anchor-logical.sh) \
    > "$RES/anchor-r$1.log" 2>&1
  local csv; csv=$(ls -td "$BENCH_ROOT"/results/anchor-*/ | head -1)runs.csv
  awk -F, -v r="$1" 'NR>1 {print r","$3","$5","$7","$8","$10}' "$csv" >> "$RES/restore.csv"
}
for ((r = 1; r <= ROUNDS; r++)); do
  if (( r % 2 )); then tidemark_round "$r"; anchor_round "$r"; else anchor_round "$r"; tidemark_round "$r"; fi
done
log "end: $(uptime)"
column -s, -t < "$RES/restore.csv" >&2
echo "$RES"
