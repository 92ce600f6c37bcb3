#!/usr/bin/env python3
"""The two ends of bench/latency_bench.sh.

write FILE RATE SECONDS
    Appends RATE go-zero-shaped JSON lines per second to FILE for SECONDS, in 5 ms ticks, each
    line carrying its sequence number (seq) and its write time in microseconds (wt_us).

read ES_URL INDEX_PATTERN COUNT_FILE OUT [TIMEOUT]
    Polls Elasticsearch every 100 ms for documents it has not seen yet (data.seq at or above the
    lowest one still missing) and records, per document, when it first became searchable. Stops
    when COUNT_FILE exists and as many documents as it says were seen (or after TIMEOUT seconds) and writes one line per document to
    OUT: seq, write time, @timestamp (the tail's read time) and searchable time, in microseconds.

summary OUT [TAIL_METRICS_URL STASH_METRICS_URL]
    p50 / p99 / max of write-to-searchable and of its parts: write-to-read (from the documents),
    read-to-Kafka-ack and read-to-indexed (the daemons' latency histograms), the rest being
    Elasticsearch's refresh.
"""
import json
import os
import sys
import time
import urllib.request


def write(path, rate, seconds):
    tick = 0.005
    per_tick = rate * tick
    start = time.time()
    seq = 0
    owed = 0.0
    with open(path, "a", buffering=1 << 20) as f:
        while True:
            now = time.time()
            if now - start >= seconds:
                break
            owed += per_tick
            n = int(owed)
            owed -= n
            wt = int(now * 1e6)
            ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + ".%03d+00:00" % (int(now * 1000) % 1000)
            lines = []
            for _ in range(n):
                lines.append(
                    '{"@timestamp":"%s","level":"info","duration":"1.2ms","content":"GET /api/user/%d - 200",'
                    '"seq":%d,"wt_us":%d}\n' % (ts, seq, seq, wt))
                seq += 1
            f.write("".join(lines))
            f.flush()
            next_tick = start + (int((now - start) / tick) + 1) * tick
            time.sleep(max(0.0, next_tick - time.time()))
    print(seq)


def post(url, body):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def written(count_file):
    try:
        return int(open(count_file).read())
    except (OSError, ValueError):
        return None


def read(es, pattern, count_file, out, timeout=300.0):
    seen = {}
    low = 0
    deadline = time.time() + timeout
    while time.time() < deadline:
        count = written(count_file)
        if count is not None and len(seen) >= count:
            break
        polled = time.time()
        after = None
        while True:
            body = {"query": {"range": {"data.seq": {"gte": low}}}, "sort": [{"data.seq": "asc"}], "size": 10000,
                    "_source": False, "track_total_hits": False,
                    "docvalue_fields": ["data.seq", "data.wt_us", {"field": "@timestamp", "format": "epoch_millis"}]}
            if after is not None:
                body["search_after"] = after
            try:
                hits = post(f"{es}/{pattern}/_search?ignore_unavailable=true&allow_no_indices=true", body)["hits"]["hits"]
            except Exception:  # index not created yet
                hits = []
            for h in hits:
                f = h["fields"]
                s = int(f["data.seq"][0])
                if s not in seen:
                    seen[s] = (int(f["data.wt_us"][0]), int(float(f["@timestamp"][0]) * 1000), int(polled * 1e6))
            if len(hits) < 10000:
                break
            after = hits[-1]["sort"]
        while low in seen:
            low += 1
        time.sleep(max(0.0, polled + 0.1 - time.time()))
    with open(out, "w") as f:
        for s in sorted(seen):
            wt, read_us, searchable = seen[s]
            f.write(f"{s} {wt} {read_us} {searchable}\n")
    print(len(seen))


def quantiles(values):
    v = sorted(values)
    if not v:
        return (0, 0, 0)
    return (v[len(v) // 2], v[min(len(v) - 1, int(len(v) * 0.99))], v[-1])


def histogram_quantile(text, name, q):
    """Prometheus-style quantile (linear within a bucket) of histogram `name` in exposition `text`."""
    buckets = []
    for line in text.splitlines():
        if line.startswith(name + "_bucket"):
            le = line.split('le="')[1].split('"')[0]
            buckets.append((float("inf") if le == "+Inf" else float(le), float(line.rsplit(" ", 1)[1])))
    if not buckets or buckets[-1][1] == 0:
        return None
    total = buckets[-1][1]
    rank = q * total
    prev_le, prev_c = 0.0, 0.0
    for le, c in buckets:
        if c >= rank:
            if le == float("inf"):
                return prev_le
            return prev_le + (le - prev_le) * ((rank - prev_c) / max(c - prev_c, 1e-9))
        prev_le, prev_c = le, c
    return prev_le


def summary(out, tail_metrics=None, stash_metrics=None):
    rows = [tuple(int(x) for x in line.split()) for line in open(out)]
    total = [(r[3] - r[1]) / 1e6 for r in rows]
    to_read = [max(0, r[2] - r[1]) / 1e6 for r in rows]
    fmt = lambda t: "p50 %.3fs  p99 %.3fs  max %.3fs" % t
    print(f"documents            {len(rows)}")
    print(f"write -> searchable  {fmt(quantiles(total))}")
    print(f"write -> tail read   {fmt(quantiles(to_read))}  (@timestamp: ms precision)")
    for label, url, name in ((
            "read -> Kafka ack   ", tail_metrics, "logship_tail_event_ack_latency_seconds"),
            ("read -> ES answer   ", stash_metrics, "logship_stash_event_index_latency_seconds")):
        if not url:
            continue
        text = urllib.request.urlopen(url, timeout=10).read().decode()
        p50, p99 = histogram_quantile(text, name, 0.5), histogram_quantile(text, name, 0.99)
        if p50 is None:
            print(f"{label} no observations in {name}")
        else:
            print(f"{label} p50 %.3fs  p99 %.3fs  (histogram {name})" % (p50, p99))


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "write":
        write(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
    elif cmd == "read":
        read(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], float(sys.argv[6]) if len(sys.argv) > 6 else 300)
    elif cmd == "summary":
        summary(*sys.argv[2:5])
    else:
        sys.exit(f"unknown command {cmd}")
