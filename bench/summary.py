#!/usr/bin/env python3
"""Summary of one bench/run.sh run as Markdown: bench/summary.py RESULTS_DIR > summary.md"""
import csv
import os
import re
import statistics as st
import sys

res = sys.argv[1]


def path(name):
    return os.path.join(res, name)


def kv(name):
    out = {}
    if os.path.exists(path(name)):
        for line in open(path(name)):
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                out[k] = v
    return out


def num(d, k):
    try:
        return float(d[k])
    except (KeyError, ValueError):
        return None


def f0(x):
    return "-" if x is None else f"{x:,.0f}"


def mib(b):
    return "-" if not b else f"{float(b) / 1048576:,.0f} MiB"


def verdict(ok):
    return "**met**" if ok else "**not met**"


print(f"## Capture benchmark, run {os.path.basename(res.rstrip('/'))}\n")
print("```")
print(open(path("info.txt")).read().strip())
if os.path.exists(path("dataset.info")):
    info = open(path("dataset.info")).read()
    m = re.search(r"# params (.*)", info)
    rows = re.search(r"total_rows (\d+)", info)
    size = re.search(r"db_dir_bytes (\d+)", info)
    print(f"dataset: {m.group(1) if m else '?'}; {int(rows.group(1)):,} rows,"
          f" {mib(size.group(1)) if size else '?'} of .ibd files")
print("```\n")

# ---------------------------------------------------------------- snapshots
if os.path.exists(path("snapshot.csv")):
    runs = list(csv.DictReader(open(path("snapshot.csv"))))
    ok = [r for r in runs if r["seconds"]]
    tools = list(dict.fromkeys(r["tool"] for r in runs))
    by_round = {}
    for r in ok:
        by_round.setdefault(r["round"], {})[r["tool"]] = float(r["seconds"])

    def ratio(tool, base):
        xs = [rd[base] / rd[tool] for rd in by_round.values() if tool in rd and base in rd]
        return f"{st.median(xs):.2f}×" if xs else "-"

    print("### Snapshot, tools alternating in each round\n")
    print("Speed ratio = the anchor's seconds / the tool's seconds in the same round (median over"
          " rounds); above 1× is faster than the anchor.\n")
    print("| tool | runs | seconds (median) | rows/s (median) | vs mydumper --compress |"
          " vs mydumper raw | output size | load1 before (each run) |")
    print("|---|---|---|---|---|---|---|---|")
    for t in tools:
        rs = [r for r in ok if r["tool"] == t]
        failed = len([r for r in runs if r["tool"] == t and not r["seconds"]])
        if not rs:
            print(f"| {t} | 0 (failed {failed}) | - | - | - | - | - | - |")
            continue
        secs = st.median(float(r["seconds"]) for r in rs)
        rps = st.median(float(r["rows_per_s"]) for r in rs)
        size = st.median(float(r["size_bytes"]) for r in rs if r["size_bytes"])
        loads = ", ".join(r["load1_before"] for r in rs)
        fail = f" (+{failed} failed)" if failed else ""
        print(f"| {t} | {len(rs)}{fail} | {secs:.1f} | {rps:,.0f} | {ratio(t, 'mydumper')} |"
              f" {ratio(t, 'mydumper_raw')} | {mib(size)} | {loads} |")
    print()
    details = [r for r in ok if r["tool"].startswith("tidemark")]
    for r in details:
        print(f"- round {r['round']} {r['tool']}: {r['seconds']} s, {r['detail']}")
    if "tidemark-kafka" in tools and "mydumper" in tools:
        xs = [rd["mydumper"] / rd["tidemark-kafka"] for rd in by_round.values()
              if "tidemark-kafka" in rd and "mydumper" in rd]
        if xs:
            print(f"\nGoal \"snapshot to Kafka no slower than mydumper --compress\":"
                  f" {verdict(st.median(xs) >= 1.0)} (median ratio {st.median(xs):.2f}×).")
    print()

# ---------------------------------------------------------------- capture
def probe_halves(name):
    """(p50, p99) in ms of commit→consumer for probes sent in the first and second half of the
    measured load (capture-probes.csv; the bench measures from the first probe on)."""
    if not os.path.exists(path(name)):
        return None
    rows = [r for r in csv.DictReader(open(path(name))) if int(r["arrived_ns"])]
    if len(rows) < 4:
        return None
    t0, t1 = int(rows[0]["sent_ns"]), int(rows[-1]["sent_ns"])
    mid = (t0 + t1) // 2
    out = []
    for part in ([r for r in rows if int(r["sent_ns"]) < mid], [r for r in rows if int(r["sent_ns"]) >= mid]):
        v = sorted((int(r["arrived_ns"]) - int(r["committed_ns"])) / 1e6 for r in part)
        out.append((v[max(0, -(-50 * len(v) // 100) - 1)], v[max(0, -(-99 * len(v) // 100) - 1)]))
    return out


cap = kv("capture.txt")
cdc = open(path("cdc-anchor.txt")).read() if os.path.exists(path("cdc-anchor.txt")) else ""


def cdc_rate(label):
    m = re.search(label + r"\s+\d+\s+\((\d+)/s\)", cdc)
    return float(m.group(1)) if m else None


anchor_rows = cdc_rate("rows changed")
decode = re.search(r"decode.*?, (\d+) rows/s\)", cdc)
decode_rows = float(decode.group(1)) if decode else None

if cap:
    print(f"### Capture under sysbench ({cap.get('capture_load', '?').replace(',', ' ')})\n")
    print(f"Capture poll interval {cap.get('capture_poll_interval_ms')} ms, change topic"
          f" {cap.get('capture_partitions')} partitions; load1 {cap.get('load1_before')} before,"
          f" {cap.get('load1_after')} after.\n")
    print("| measure | value | goal / anchor | ratio |")
    print("|---|---|---|---|")
    src = num(cap, "steady_source_rows_per_s_est")
    fwd = num(cap, "steady_forwarded_events_per_s")
    if anchor_rows:
        print(f"| source change rate, CDC anchor (cdc-workload.sh, sysbench alone) |"
              f" {f0(anchor_rows)} rows/s | | |")
    print(f"| source change rate while capture streams (sysbench tps × 4) | {f0(src)} rows/s"
          f" ({cap.get('steady_sysbench_tps')} tps) |"
          f" {f0(anchor_rows) + ' rows/s without capture' if anchor_rows else ''} |"
          f" {f'{src / anchor_rows:.2f}×' if src and anchor_rows else ''} |")
    print(f"| events forwarded to Kafka during the load | {f0(fwd)} events/s | keep up with the"
          f" source | {f'{fwd / src:.2f}×' if fwd and src else ''} |")
    print(f"| capture lag, max / at load end | {cap.get('steady_max_lag_trx')} /"
          f" {cap.get('steady_end_lag_trx')} transactions | | |")
    print(f"| drain after the load stopped | {cap.get('steady_drain_ms')} ms | | |")
    p99 = num(cap, "latency_p99_ms")
    print(f"| commit→consumer latency p50 / p90 | {cap.get('latency_p50_ms')} /"
          f" {cap.get('latency_p90_ms')} ms | | |")
    print(f"| commit→consumer latency **p99** | **{cap.get('latency_p99_ms')} ms** | ≤ 200 ms"
          f" {verdict(p99 is not None and p99 <= 200)} | {f'{p99 / 200:.2f}× the goal' if p99 else ''} |")
    print(f"| commit→consumer latency p99.9 / max | {cap.get('latency_p999_ms')} /"
          f" {cap.get('latency_max_ms')} ms | | |")
    half = probe_halves("capture-probes.csv")
    if half:
        print(f"| commit→consumer latency, first / second half of the load: p50 | {half[0][0]:.1f} /"
              f" {half[1][0]:.1f} ms | | |")
        print(f"| commit→consumer latency, first / second half of the load: **p99** |"
              f" {half[0][1]:.1f} / **{half[1][1]:.1f} ms** | ≤ 200 ms"
              f" {verdict(half[1][1] <= 200)} (second half) | |")
    if "latency_commit_to_producer_p50_ms" in cap:
        print(f"| … of which commit → producer.send (binlog read, Debezium queue, our conversion),"
              f" p50 / p99 | {cap.get('latency_commit_to_producer_p50_ms')} /"
              f" {cap.get('latency_commit_to_producer_p99_ms')} ms | | |")
        print(f"| … and producer.send → consumer (batch flush, acks, broker, fetch), p50 / p99 |"
              f" {cap.get('latency_producer_to_consumer_p50_ms')} /"
              f" {cap.get('latency_producer_to_consumer_p99_ms')} ms | | |")
    floor = kv("capture-floor.txt")
    if floor:
        print(f"| same, probes alone (no write load; load1 {floor.get('load1_before')}):"
              f" p50 / p99 / max | {floor.get('latency_p50_ms')} / {floor.get('latency_p99_ms')} /"
              f" {floor.get('latency_max_ms')} ms | ≤ 200 ms p99"
              f" {verdict((num(floor, 'latency_p99_ms') or 1e9) <= 200)} | |")
        if "latency_commit_to_producer_p50_ms" in floor:
            print(f"| … probes alone, split: commit → send / send → consumer, p50 |"
                  f" {floor.get('latency_commit_to_producer_p50_ms')} /"
                  f" {floor.get('latency_producer_to_consumer_p50_ms')} ms | | |")
    print(f"| probes measured / missing | {cap.get('probe_count')} / {cap.get('probe_missing')}"
          f" | | |")
    print(f"| probe commit round trip p50 / p99 | {cap.get('probe_commit_rtt_p50_ms')} /"
          f" {cap.get('probe_commit_rtt_p99_ms')} ms | | |")
    print(f"| JVM CPU during the load (broker + capture + probes) |"
          f" {cap.get('steady_jvm_cpu_cores')} cores of {os.cpu_count()} | | |")
    if "catchup_events_per_s" in cap:
        cu = num(cap, "catchup_events_per_s")
        cs = num(cap, "catchup_streaming_events_per_s")
        print(f"| backlog written while capture was stopped | {cap.get('backlog_events')} events"
              f" ({cap.get('backlog_transactions')} transactions in {cap.get('backlog_seconds')} s;"
              f" expected {cap.get('backlog_events_expected')} rows) | | |")
        print(f"| catch-up time (start → the last row change in Kafka) | {cap.get('catchup_s')} s,"
              f" of which {float(cap.get('catchup_start_to_first_event_s', 0)):.1f} s engine start"
              f" | | |")
        print(f"| **catch-up rate** | **{f0(cu)} row events/s** (streaming only: {f0(cs)}) |"
              f" ≥ 30,000 {verdict(cu is not None and cu >= 30000)} |"
              f" {f'{cu / 30000:.2f}× the goal' if cu else ''} |")
        print(f"| restart point covers the backlog (next binlog event after it) |"
              f" {cap.get('catchup_position_covered_s')} s after the start | | |")
        if decode_rows:
            print(f"| binlog decode anchor (mariadb-binlog -v, 1 thread) | {f0(decode_rows)} rows/s |"
                  f" | catch-up {cu / decode_rows:.2f}× of it |")
        events = num(cap, "backlog_events_expected") or 0
        threads = [(k.split(".", 1)[1], int(v)) for k, v in cap.items()
                   if k.startswith("catchup_thread_cpu_ms.")]
        if threads and events:
            total_us = num(cap, "catchup_jvm_cpu_us_per_event")
            print(f"\nCPU per row event during catch-up: {total_us:.0f} µs for the whole JVM"
                  f" (capture + in-JVM broker), i.e. at most {2e6 / total_us:,.0f} events/s if"
                  f" the JVM had both cores to itself. By thread (`blc-*` = Debezium's binlog"
                  f" reader, which also builds the change records; `pool-*-thread-*` = the engine"
                  f" task: our conversion, Avro encoding, producer.send;"
                  f" `kafka-producer-network-thread` = producer I/O; `data-plane-*` = the in-JVM"
                  f" broker):\n")
            print("| thread group | CPU ms | µs per event | ceiling with one core (events/s) |")
            print("|---|---|---|---|")
            for name, ms in threads:
                us = ms * 1000 / events
                print(f"| `{name}` | {ms:,} | {us:.1f} | {1e6 / us if us else 0:,.0f} |")
    print()
