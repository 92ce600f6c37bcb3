#!/usr/bin/env python3
"""Helpers of scripts/demo (python3 + python3-yaml from scripts/packages-test.txt, kcat, nothing else).

  demo.py free-port                                  a free TCP port on 127.0.0.1
  demo.py tail-args CONFIG LOGDIR DATADIR BROKER PORT [dry-run]   -E overrides for logship-tail, one a line
  demo.py tail-topic CONFIG                          the Kafka topic of output.kafka (literal) or ""
  demo.py stash-info CONFIG                          JSON: topics, group, metrics port/path, index pattern
  demo.py stash-config SRC DST PORT                  SRC with Prometheus on 127.0.0.1:PORT added, into DST
  demo.py baseline STATE                             record Kafka high watermarks and ES counts (STATE json)
  demo.py progress STATE                             one progress line; exit 0 when everything arrived
  demo.py wait-metric URL NAME MIN TIMEOUT           until metric NAME has at least MIN series
  demo.py metric URL NAME                            the sum of metric NAME's series (or "n/a")
  demo.py set STATE KEY INT                          store an integer in STATE
  demo.py report STATE                               the final table; exit 0 iff every event is accounted for

STATE is a JSON file written by scripts/demo (URLs, paths, topic) and extended by `baseline`.
"""
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import yaml


# ------------------------------------------------------------------------------------ configs --
def dotted_get(cfg, key, default=None):
    """Filebeat-style lookup: 'output.kafka.topic' matches nested maps and dotted keys alike."""
    if not isinstance(cfg, dict):
        return default
    if key in cfg:
        return cfg[key]
    parts = key.split(".")
    for i in range(len(parts) - 1, 0, -1):
        head = ".".join(parts[:i])
        if head in cfg:
            return dotted_get(cfg[head], ".".join(parts[i:]), default)
    return default


def ci_get(d, key, default=None):
    """go-zero-style lookup: keys match case-insensitively."""
    if isinstance(d, dict):
        for k, v in d.items():
            if str(k).lower() == key.lower():
                return v
    return default


def load_yaml(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f) or {}


def tail_args(config, logdir, datadir, broker, port, mode="run"):
    """-E overrides: the config's own inputs with paths into logdir. mode "dry-run": also the rotated
    files (X.log.1, ...), which the running tailer followed by inode, and no admin endpoint."""
    cfg = load_yaml(config)
    inputs = dotted_get(cfg, "filebeat.inputs") or []
    paths = [os.path.join(logdir, "*.log")]
    if mode == "dry-run":
        paths.append(os.path.join(logdir, "*.log.[0-9]*"))
    out = []
    for inp in inputs:
        if not isinstance(inp, dict) or inp.get("enabled") is False:
            continue
        inp = dict(inp)
        inp["paths"] = paths
        out.append(inp)
    if not out:  # the config has no usable input: a plain log input like the reference config's
        out = [{"type": "log", "enabled": True, "paths": paths}]
    args = [
        "filebeat.inputs=" + json.dumps(out),
        "output.kafka.hosts=" + json.dumps([broker]),
        "path.data=" + datadir,
    ]
    if mode == "dry-run":
        args.append("http.enabled=false")
    else:
        args += ["http.enabled=true", "http.host=127.0.0.1", "http.port=%d" % int(port)]
    print("\n".join(args))


def tail_topic(config):
    """output.kafka.topic, with %{[fields.x]} format references resolved from the first input."""
    cfg = load_yaml(config)
    topic = str(dotted_get(cfg, "output.kafka.topic") or "")
    inputs = [i for i in (dotted_get(cfg, "filebeat.inputs") or []) if isinstance(i, dict)]
    fields = (inputs[0].get("fields") or {}) if inputs else {}
    event = dict(fields) if inputs and inputs[0].get("fields_under_root") else {"fields": fields}

    def resolve(m):
        value = event
        for part in m.group(1).split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return "" if value is None or isinstance(value, dict) else str(value)
    topic = re.sub(r"%\{\[([^\]]+)\]\}", resolve, topic)
    print("" if "%{" in topic else topic)


def stash_clusters(cfg):
    return ci_get(cfg, "Clusters") or []


def stash_info(config):
    cfg = load_yaml(config)
    info = {"topics": [], "group": "", "metrics_port": 0, "metrics_path": "/metrics", "index_pattern": "",
            "offset": "last"}
    for c in stash_clusters(cfg):
        kafka = ci_get(ci_get(c, "Input") or {}, "Kafka") or {}
        topics = ci_get(kafka, "Topics") or []
        if isinstance(topics, str):
            topics = [topics]
        if ci_get(kafka, "Topic"):
            topics.append(ci_get(kafka, "Topic"))
        info["topics"] += [t for t in topics if t and t not in info["topics"]]
        info["group"] = info["group"] or ci_get(kafka, "Group") or ""
        info["offset"] = ci_get(kafka, "Offset") or info["offset"]
        prom = ci_get(kafka, "Prometheus") or {}
        if not info["metrics_port"] and ci_get(prom, "Port"):
            try:
                info["metrics_port"] = int(ci_get(prom, "Port"))
                info["metrics_path"] = ci_get(prom, "Path") or "/metrics"
            except (TypeError, ValueError):  # e.g. ${VAR}: not usable from here
                pass
        es = ci_get(ci_get(c, "Output") or {}, "ElasticSearch") or {}
        index = str(ci_get(es, "Index") or "")
        if index and not info["index_pattern"]:
            info["index_pattern"] = re.split(r"\{", index, 1)[0] + "*"
    print(json.dumps(info))


def stash_config(src, dst, port):
    cfg = load_yaml(src)
    clusters = stash_clusters(cfg)
    if not clusters:
        sys.exit("demo.py: %s has no Clusters" % src)
    kafka = ci_get(ci_get(clusters[0], "Input"), "Kafka")
    for k in list(kafka):
        if str(k).lower() == "prometheus":
            del kafka[k]
    kafka["Prometheus"] = {"Host": "127.0.0.1", "Port": int(port), "Path": "/metrics"}
    with open(dst, "w", encoding="utf-8") as f:
        f.write("# %s with the metrics endpoint added by scripts/demo\n" % src)
        yaml.safe_dump(cfg, f, sort_keys=False, allow_unicode=True)


# ------------------------------------------------------------------------------- measurements --
def http(url, method="GET", body=None, timeout=5):
    req = urllib.request.Request(url, method=method, data=body.encode() if body else None,
                                 headers={"Content-Type": "application/json"} if body else {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError):
        return None, ""


LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)')


def metrics(url):
    """Prometheus text -> {name: {labels: value}}; None when the endpoint does not answer."""
    if not url:
        return None
    status, text = http(url)
    if status != 200:
        return None
    out = {}
    for line in text.splitlines():
        m = LINE.match(line)
        if not m or line.startswith("#"):
            continue
        try:
            out.setdefault(m.group(1), {})[m.group(2) or ""] = float(m.group(3))
        except ValueError:
            pass
    return out


def msum(m, name):
    if m is None or name not in m:
        return None
    return int(sum(m[name].values()))


def kafka_watermarks(broker, topic):
    """{partition: high watermark} via kcat; {} when the topic or broker is not there."""
    try:
        meta = subprocess.run(["kcat", "-b", broker, "-L", "-t", topic, "-m", "5"], capture_output=True,
                              text=True, timeout=20, stdin=subprocess.DEVNULL).stdout
        parts = sorted(set(int(p) for p in re.findall(r"partition (\d+),", meta)))
        if not parts:
            return {}
        cmd = ["kcat", "-b", broker, "-Q", "-m", "5"]
        for p in parts:
            cmd += ["-t", "%s:%d:-1" % (topic, p)]
        q = subprocess.run(cmd, capture_output=True, text=True, timeout=20, stdin=subprocess.DEVNULL).stdout
        return {int(p): int(o) for p, o in re.findall(r"\[(\d+)\] offset (-?\d+)", q)}
    except (OSError, subprocess.TimeoutExpired):
        return {}


def es_indices(es, pattern):
    """{index: docs.count} after a refresh of the pattern."""
    http("%s/%s/_refresh?ignore_unavailable=true&allow_no_indices=true" % (es, pattern), method="POST")
    status, text = http("%s/_cat/indices/%s?h=index,docs.count&format=json&expand_wildcards=open" % (es, pattern))
    if status != 200:
        return {}
    return {row["index"]: int(row["docs.count"] or 0) for row in json.loads(text)}


def load_state(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def save_state(path, state):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(state, f, indent=1, sort_keys=True)
    os.replace(tmp, path)


def baseline(path):
    st = load_state(path)
    st["base_kafka"] = kafka_watermarks(st["broker"], st["topic"])
    st["base_es"] = es_indices(st["es"], st["index_pattern"])
    save_state(path, st)


def read_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def snapshot(st):
    gen = read_json(st["gen_summary"]) or read_json(st["gen_status"]) or {}
    tail = metrics(st.get("tail_metrics"))
    stash = metrics(st.get("stash_metrics"))
    hw = kafka_watermarks(st["broker"], st["topic"])
    base_hw = {int(k): v for k, v in st.get("base_kafka", {}).items()}
    es = es_indices(st["es"], st["index_pattern"])
    base_es = st.get("base_es", {})
    s = {
        "gen_done": bool(read_json(st["gen_summary"])),
        "events_written": gen.get("total", gen.get("events", 0)),
        "lines_written": gen.get("physical_lines", 0),
        "tail_read": msum(tail, "logship_tail_lines_read_total"),
        "tail_published": msum(tail, "logship_tail_events_published_total"),
        "tail_acked": msum(tail, "logship_tail_events_acked_total"),
        "tail_inflight": msum(tail, "logship_tail_events_inflight"),
        "tail_dropped": msum(tail, "logship_tail_events_dropped_total"),
        "tail_failed": msum(tail, "logship_tail_events_failed_total"),
        "kafka_total": sum(hw.values()),
        "kafka_run": sum(v - base_hw.get(p, 0) for p, v in hw.items()),
        "consumed": msum(stash, "logship_stash_consumed_total"),
        "dropped": msum(stash, "logship_stash_dropped_total"),
        "dropped_by": (stash or {}).get("logship_stash_dropped_total", {}),
        "dead_lettered": msum(stash, "logship_stash_dead_lettered_total"),
        "indexed": msum(stash, "logship_stash_indexed_total"),
        "duplicates": msum(stash, "logship_stash_duplicates_total"),
        "es": es,
        "es_run": sum(v - base_es.get(i, 0) for i, v in es.items()),
    }
    return s


def n(v):
    return "n/a" if v is None else str(v)


def accounted(s):
    """Kafka's new events all ended somewhere: indexed, duplicate, dropped by a filter, dead letter."""
    parts = [s["indexed"], s["duplicates"], s["dropped"], s["dead_lettered"]]
    if any(p is None for p in parts):
        return None
    return sum(parts)


def complete(s, expected=None):
    """Everything arrived. `expected`: the events the tailer produces from the written files, as
    counted by `logship-tail --dry-run` over them (multiline joins and drop processors included)."""
    if not s["gen_done"] or s["events_written"] == 0:
        return False
    if expected is not None and (s["kafka_run"] < expected or (s["tail_acked"] or 0) < expected):
        return False
    if s["tail_read"] is not None and s["tail_read"] < s["lines_written"]:
        return False
    if s["tail_inflight"] not in (None, 0):
        return False
    if s["tail_acked"] is not None and s["kafka_run"] < s["tail_acked"]:
        return False
    if s["kafka_run"] == 0:
        return False
    done = accounted(s)
    if done is not None:
        return done >= s["kafka_run"] and s["es_run"] >= s["indexed"]
    return s["es_run"] >= s["kafka_run"]


def progress(path):
    st = load_state(path)
    s = snapshot(st)
    prev = st.get("last_snapshot")
    finished = complete(s, st.get("tail_expected")) and prev == s
    st["last_snapshot"] = s
    save_state(path, st)
    print("written %s/%s events (%s lines) | tail acked %s | kafka +%d | stash indexed %s dropped %s | ES +%d docs%s" % (
        s["events_written"], st.get("events_target", "?"), s["lines_written"], n(s["tail_acked"]), s["kafka_run"], n(s["indexed"]),
        n(s["dropped"]), s["es_run"], "  (complete)" if finished else ""))
    sys.exit(0 if finished else 1)


def wait_metric(url, name, minimum, timeout):
    deadline = time.monotonic() + float(timeout)
    while time.monotonic() < deadline:
        m = metrics(url)
        if m is not None and name in m and len(m[name]) >= int(minimum):
            return 0
        time.sleep(0.5)  # polling the endpoint until the deadline
    return 1


def report(path):
    st = load_state(path)
    s = snapshot(st)
    gen = read_json(st["gen_summary"]) or {}
    expected = st.get("tail_expected")
    w = 30
    row = lambda label, value: print("  %-*s %s" % (w, label, value))
    print()
    print("logship demo: %s -> logship-tail -> Kafka %s -> logship-stash -> Elasticsearch %s" % (
        st["logdir"], st["topic"], st["es"]))
    print("  " + "-" * 76)
    row("lines written", "%d lines = %d events (%d multi-line), %d rename rotation(s), files: %s" % (
        s["lines_written"], s["events_written"], gen.get("multiline_events", 0), gen.get("rotations", 0),
        ", ".join("%s %d" % kv for kv in sorted(gen.get("files", {}).items()))))
    row("events shipped by logship-tail", "%s acked by Kafka (%s published, %s failed, %s dropped by processors)" % (
        n(s["tail_acked"]), n(s["tail_published"]), n(s["tail_failed"]), n(s["tail_dropped"])))
    row("events in Kafka", "%d this run (sum of high watermarks of %s: %d)%s" % (
        s["kafka_run"], st["topic"], s["kafka_total"],
        "" if expected is None else "; expected %d (logship-tail --dry-run over the files)" % expected))
    row("consumed by logship-stash", n(s["consumed"]))
    if s["dropped_by"]:
        for labels, value in sorted(s["dropped_by"].items()):
            row("dropped by filter %s" % (labels or ""), int(value))
    else:
        row("dropped by filters", n(s["dropped"]))
    row("dead-lettered", "%s (file: %s)" % (n(s["dead_lettered"]), st.get("dead_letter_hint", "see stash config")))
    row("indexed (created)", "%s, already present (409): %s" % (n(s["indexed"]), n(s["duplicates"])))
    print("  documents per index (%s):" % st["index_pattern"])
    base_es = st.get("base_es", {})
    if not s["es"]:
        print("    (none)")
    for index, count in sorted(s["es"].items()):
        delta = count - base_es.get(index, 0)
        print("    %-30s %8d%s" % (index, count, "" if delta == count else "  (+%d this run)" % delta))
    if gen.get("dates"):
        print("    (events per date of their own +08:00 @timestamp: %s; the index date follows the event's"
              " @timestamp, which is the line's own only when the tailer decodes the JSON line)" %
              ", ".join("%s %d" % kv for kv in gen["dates"].items()))
    acc = accounted(s)
    ok = complete(s, expected) and (acc is None or acc == s["kafka_run"])
    print("  " + "-" * 76)
    if acc is not None:
        print("  check: Kafka %d = indexed %d + duplicates %d + dropped %d + dead-lettered %d: %s" % (
            s["kafka_run"], s["indexed"], s["duplicates"], s["dropped"], s["dead_lettered"],
            "OK" if ok else "NOT YET"))
    print("  ES documents added this run: %d" % s["es_run"])
    print()
    print("three sample documents as indexed:")
    # One document from each of (up to) three indices this run wrote to, so that the samples show
    # different days; each found by the run's id prefix (in the content of every event).
    prefix = gen.get("ids", {}).get("prefix", "")
    query = {"query": {"query_string": {"query": '"%s"' % prefix}}} if prefix else {"query": {"match_all": {}}}
    touched = [i for i, c in sorted(s["es"].items()) if c > base_es.get(i, 0)] or [st["index_pattern"]]
    hits = []
    for index in (touched * 3)[:3]:
        body = dict(query, size=1, **{"from": sum(1 for h in hits if h["_index"] == index)})
        status, text = http("%s/%s/_search" % (st["es"], index), method="POST", body=json.dumps(body))
        hits += json.loads(text).get("hits", {}).get("hits", []) if status == 200 else []
    for h in hits:
        print("--- %s/_doc/%s" % (h["_index"], h["_id"]))
        print(json.dumps(h["_source"], indent=2, ensure_ascii=False))
    if not hits:
        print("  (no documents)")
    sys.exit(0 if ok else 1)


def set_state(path, key, value):
    st = load_state(path)
    st[key] = int(value)
    save_state(path, st)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        print(s.getsockname()[1])


def main(argv):
    if not argv:
        sys.exit(__doc__)
    cmd, args = argv[0], argv[1:]
    table = {
        "free-port": free_port, "tail-args": tail_args, "tail-topic": tail_topic, "stash-info": stash_info,
        "stash-config": stash_config, "baseline": baseline, "progress": progress, "report": report,
        "wait-metric": lambda *a: sys.exit(wait_metric(*a)),
        "metric": lambda url, name: print(n(msum(metrics(url), name))),
        "set": set_state,
    }
    if cmd not in table:
        sys.exit(__doc__)
    table[cmd](*args)


if __name__ == "__main__":
    main(sys.argv[1:])
