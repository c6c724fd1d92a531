#!/usr/bin/env bash
# Memory of the `tidemark run` and `tidemark restore` processes as the data grows. For each
# source sandbox in SOURCES (NAME:PORT, each holding the bench dataset at its own size):
#   1. `tidemark run` (the real command, its own JVM with -Xmx$HEAP: embedded Kafka broker, a
#      file:// repository, 2 snapshot threads) takes the first snapshot; then sysbench
#      oltp_write_only (4 threads) writes for WRITE_SECONDS and run archives the changes; SIGTERM
#      once the sink's lag is 0;
#   2. `tidemark restore` (-Xmx$HEAP) of that repository into a fresh sandbox $TGT_NAME.
# Every second the process's RSS is sampled; its GC log gives the heap's peak before a
# collection and the largest heap left after one (what stays live).
# Results: bench/results/memory-<timestamp>/memory.csv (+ logs, GC logs, RSS samples).
#   SOURCES="capsrc:33311 capsrc4:33313" HEAP=512m bench/memory.sh
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED_BENCH=${SHARED_BENCH:-$REPO/../shared/bench}
export BENCH_ROOT=${BENCH_ROOT:-/tmp/tidemark-bench}
SOURCES=${SOURCES:-"capsrc:33311"}
DB=${DB:-benchdb}
BENCH_USER=${BENCH_USER:-bench} BENCH_PASS=${BENCH_PASS:-benchpw}
TGT_NAME=${TGT_NAME:-rtgt} TGT_PORT=${TGT_PORT:-33312}
HEAP=${HEAP:-512m}
WRITE_SECONDS=${WRITE_SECONDS:-60}
HTTP=127.0.0.1:${HTTP_PORT:-7979}
SANDBOX=$SHARED_BENCH/mariadb-sandbox.sh
RES=$REPO/bench/results/memory-$(date +%Y%m%d-%H%M%S)
mkdir -p "$RES"
log() { echo "[$(date +%H:%M:%S)] $*" | tee -a "$RES/uptime.txt" >&2; }
q() { mariadb --no-defaults -h127.0.0.1 -P"$1" -u"$BENCH_USER" -p"$BENCH_PASS" -N -B -e "$2"; }

# Samples the RSS of pid $1 every second into $2 until it exits.
sample_rss() {
  while [[ -r /proc/$1/status ]]; do
    awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null >> "$2" || true
    sleep 1
  done
}
# peak heap before a collection and largest heap after one, in MiB, from a -Xlog:gc file
gc_peaks() {
  grep -o '[0-9]*M->[0-9]*M' "$1" | tr -d M | awk -F'->' \
    '{if ($1 > b) b = $1; if ($2 > a) a = $2} END {print b + 0 "," a + 0}'
}
status_field() {
  curl -s "http://$HTTP/status" | python3 -c "import json,sys; print(json.load(sys.stdin).get('$1', ''))" 2>/dev/null || true
}
wait_for() { # $1 = seconds, $2... = a command that succeeds when done
  local until=$((SECONDS + $1)); shift
  until "$@"; do
    (( SECONDS < until )) || { log "timed out waiting for: $*"; return 1; }
    sleep 2
  done
}
snapshot_done() { [[ -n $(status_field last_snapshot) ]]; }
sink_drained() { [[ $(status_field sink_lag_events) == 0 ]]; }

(cd "$REPO" && ./tidemark --help > /dev/null) # builds the application when needed
echo "source,rows,process,seconds,heap_max,heap_peak_mib,heap_after_gc_max_mib,rss_peak_mib" \
  > "$RES/memory.csv"
log "start: $(uptime); tidemark $(git -C "$REPO" rev-parse --short HEAD)"
for source in $SOURCES; do
  name=${source%%:*} port=${source##*:}
  "$SANDBOX" status "$name" | grep -q '^running' || "$SANDBOX" start "$name" "$port" >&2
  rows=$(q "$port" "SELECT SUM(table_rows) FROM information_schema.tables WHERE table_schema='$DB'")
  tables=$(q "$port" "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema='$DB' AND table_name REGEXP '^sbtest[0-9]+\$'")
  size=$(q "$port" "SELECT MAX(id) FROM \`$DB\`.sbtest1")
  work=$BENCH_ROOT/memory-$name
  rm -rf "$work"; mkdir -p "$work"

  log "$name (~$rows rows): tidemark run"
  start=$SECONDS
  (cd "$REPO" && TIDEMARK_SOURCE_PASSWORD=$BENCH_PASS \
    TIDEMARK_JAVA_OPTS="-Xmx$HEAP -Xlog:gc:file=$RES/run-$name.gc" \
    exec ./tidemark run --source "mariadb://$BENCH_USER@127.0.0.1:$port" \
      --repository "file://$work/repo" --backup-dir "$work/state" --http "$HTTP") \
    > "$RES/run-$name.log" 2>&1 &
  run_pid=$! # the JVM's pid: the subshell and ./tidemark exec into it
  sample_rss "$run_pid" "$RES/run-$name.rss" &
  wait_for 1800 snapshot_done
  log "$name: snapshot $(status_field last_snapshot) after $((SECONDS - start)) s; sysbench ${WRITE_SECONDS}s"
  sysbench oltp_write_only --db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$port" \
    --mysql-user="$BENCH_USER" --mysql-password="$BENCH_PASS" --mysql-db="$DB" \
    --tables="$tables" --table-size="$size" --threads=4 --time="$WRITE_SECONDS" \
    --rand-seed="$(date +%s)" run > "$RES/sysbench-$name.log" 2>&1
  wait_for 900 sink_drained
  kill -TERM "$run_pid"; wait "$run_pid" || true
  rss=$(sort -n "$RES/run-$name.rss" | tail -1)
  echo "$name,$rows,run,$((SECONDS - start)),$HEAP,$(gc_peaks "$RES/run-$name.gc"),$((rss / 1024))" \
    >> "$RES/memory.csv"

  log "$name: tidemark restore"
  "$SANDBOX" destroy "$TGT_NAME" > /dev/null 2>&1 || true
  "$SANDBOX" start "$TGT_NAME" "$TGT_PORT" > /dev/null
  start=$SECONDS
  (cd "$REPO" && TIDEMARK_TARGET_PASSWORD=$BENCH_PASS \
    TIDEMARK_JAVA_OPTS="-Xmx$HEAP -Xlog:gc:file=$RES/restore-$name.gc" \
    exec ./tidemark restore --repository "file://$work/repo" \
      --target "mariadb://$BENCH_USER@127.0.0.1:$TGT_PORT" --threads 2) \
    > "$RES/restore-$name.log" 2>&1 &
  restore_pid=$!
  sample_rss "$restore_pid" "$RES/restore-$name.rss" &
  wait "$restore_pid" || log "$name: restore FAILED: $RES/restore-$name.log"
  rss=$(sort -n "$RES/restore-$name.rss" | tail -1)
  echo "$name,$rows,restore,$((SECONDS - start)),$HEAP,$(gc_peaks "$RES/restore-$name.gc"),$((rss / 1024))" \
    >> "$RES/memory.csv"
  "$SANDBOX" destroy "$TGT_NAME" > /dev/null
  "$SANDBOX" stop "$name" > /dev/null
done
log "end: $(uptime)"
column -s, -t < "$RES/memory.csv" >&2
echo "$RES"
