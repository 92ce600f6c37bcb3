#!/usr/bin/env python3
"""scripts/demo — the whole pipeline on this machine, in one command:

  go-zero-style logs (scripts/gen-logs, with stack traces and a rename rotation midway)
    -> logship-tail -c config/filebeat.yml -> Kafka -> logship-stash -f config/stash.yml
    -> Elasticsearch indices courseware-yyyy-MM-dd

It installs missing Debian packages (scripts/install-deps --with-test), builds the two daemons,
starts the local Kafka and Elasticsearch (scripts/services; reused when already up), creates the
topic, runs everything, shows progress, and ends with a table: lines written, events in Kafka,
events dropped by each filter, documents per date index, three sample documents.
Everything it started is stopped on exit and on Ctrl-C, unless --keep is given.

Usage: scripts/demo [--keep] [--lines N] [--rate LINES_PER_S] [--timeout S] [--no-install]
  --keep        leave the daemons (and services) running; print how to query them
  --lines N     events to generate (default 20000)
  --rate R      events per second (default 2000; 0 = as fast as possible)
  --timeout S   seconds to wait for everything to arrive (default 300)
  --no-install  skip scripts/install-deps
Environment: LOGSHIP_BUILD_DIR (default build), LOGSHIP_BUILD_JOBS (ninja -j), TMPDIR,
  LOGSHIP_DEMO_TAIL_CONFIG / LOGSHIP_DEMO_STASH_CONFIG (other configs than config/*.yml, e.g. the
  reference configs in ../shared/reference-configs), and those of scripts/services.
Exit status: 0 when every event written reached Elasticsearch (or was dropped by a filter or
dead-lettered, as counted by the stash), 1 otherwise.
"""
# One program (scripts/demo execs it): python3 + python3-yaml from scripts/packages-test.txt and
# scripts/services (its Java admin tool for Kafka's high watermarks), nothing else.
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SERVICES = os.path.join(ROOT, "scripts", "services")
BOLD = sys.stdout.isatty()


def say(*words):
    print(("\033[1m[demo]\033[0m %s" if BOLD else "[demo] %s") % " ".join(str(w) for w in words), flush=True)


class Exit(Exception):
    """Ends the demo with an exit status (after the cleanup)."""

    def __init__(self, status):
        super().__init__(status)
        self.status = status


class Interrupted(BaseException):
    """SIGINT or SIGTERM."""


def die(message):
    sys.stdout.flush()
    print("[demo] ERROR: %s" % message, file=sys.stderr, flush=True)
    raise Exit(1)


def tail_lines(path, count):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return "".join(f.readlines()[-count:])
    except OSError:
        return ""


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
    return args


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
    return "" if "%{" in topic else topic


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
    return info


def stash_config(src, dst, port):
    cfg = load_yaml(src)
    clusters = stash_clusters(cfg)
    if not clusters:
        die("%s has no Clusters" % src)
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


def kafka_watermarks(topic):
    """{partition: high watermark} via `scripts/services topic offsets` (the Java admin tool of
    scripts/services, the scripts' one way to Kafka's admin API); {} when the topic or broker is not there."""
    try:
        out = subprocess.run([SERVICES, "topic", "offsets", topic], capture_output=True, text=True, timeout=60,
                             stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return {}
    if out.returncode != 0:
        return {}
    return {int(p): int(o) for p, o in re.findall(r"^(\d+) (-?\d+)$", out.stdout, re.M)}


def es_indices(es, pattern):
    """{index: docs.count} after a refresh of the pattern."""
    http("%s/%s/_refresh?ignore_unavailable=true&allow_no_indices=true" % (es, pattern), method="POST")
    status, text = http("%s/_cat/indices/%s?h=index,docs.count&format=json&expand_wildcards=open" % (es, pattern))
    if status != 200:
        return {}
    return {row["index"]: int(row["docs.count"] or 0) for row in json.loads(text)}


def baseline(st):
    st["base_kafka"] = kafka_watermarks(st["topic"])
    st["base_es"] = es_indices(st["es"], st["index_pattern"])


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
    hw = kafka_watermarks(st["topic"])
    base_hw = st.get("base_kafka", {})
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


def progress(st):
    """One progress line, and whether everything arrived (twice the same complete snapshot)."""
    s = snapshot(st)
    prev = st.get("last_snapshot")
    finished = complete(s, st.get("tail_expected")) and prev == s
    st["last_snapshot"] = s
    line = "written %s/%s events (%s lines) | tail acked %s | kafka +%d | stash indexed %s dropped %s | ES +%d docs%s" % (
        s["events_written"], st.get("events_target", "?"), s["lines_written"], n(s["tail_acked"]), s["kafka_run"], n(s["indexed"]),
        n(s["dropped"]), s["es_run"], "  (complete)" if finished else "")
    return line, finished


def wait_metric(url, name, minimum, timeout):
    deadline = time.monotonic() + float(timeout)
    while time.monotonic() < deadline:
        m = metrics(url)
        if m is not None and name in m and len(m[name]) >= int(minimum):
            return True
        time.sleep(0.5)  # polling the endpoint until the deadline
    return False


def report(st):
    """The final table; True iff every event is accounted for."""
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
    return ok


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_free(port):
    try:
        with socket.socket() as s:
            s.bind(("127.0.0.1", int(port)))
        return True
    except (OSError, ValueError, OverflowError):
        return False


# -------------------------------------------------------------------------------- the demo --
class Demo:
    def __init__(self, opts):
        self.keep, self.install = opts["keep"], opts["install"]
        self.lines, self.rate, self.timeout = opts["lines"], opts["rate"], opts["timeout"]
        build = os.environ.get("LOGSHIP_BUILD_DIR") or os.path.join(ROOT, "build")
        self.build_dir = build if os.path.isabs(build) else os.path.join(ROOT, build)
        self.tail_config = os.environ.get("LOGSHIP_DEMO_TAIL_CONFIG") or os.path.join(ROOT, "config", "filebeat.yml")
        self.stash_config = os.environ.get("LOGSHIP_DEMO_STASH_CONFIG") or os.path.join(ROOT, "config", "stash.yml")
        self.tmp = os.environ.get("TMPDIR") or "/tmp"
        # What the cleanup stops: processes and services this run started, the run directory.
        self.work = None
        self.gen = self.tail = self.stash = None
        self.started_kafka = self.started_es = False
        self.finished = False

    # ----------------------------------------------------------------------------- helpers --
    def rel(self, path):
        return path[len(ROOT) + 1:] if path.startswith(ROOT + "/") else path

    def run(self, cmd, **kw):
        """A step that must succeed (as under `set -e`): its exit status ends the demo otherwise."""
        sys.stdout.flush()
        rc = subprocess.run(cmd, stdin=subprocess.DEVNULL, **kw).returncode
        if rc != 0:
            raise Exit(rc)

    def services(self, *args, quiet=False):
        out = subprocess.DEVNULL if quiet else None
        sys.stdout.flush()
        return subprocess.run([SERVICES, *args], stdin=subprocess.DEVNULL, stdout=out, stderr=out).returncode

    def spawn(self, cmd, out, cwd, env=None, session=True):
        sys.stdout.flush()
        with open(out, "wb") as f:
            return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=f, stderr=subprocess.STDOUT, cwd=cwd,
                                    env=env, start_new_session=session)

    def expect_alive(self, proc, name, out):
        if proc.poll() is not None:
            sys.stderr.write(tail_lines(out, 20))
            die("%s exited" % name)

    @staticmethod
    def stop_pid(proc, name, grace):
        """SIGTERM, wait up to `grace` s (polling), then SIGKILL."""
        if proc is None or proc.poll() is not None:
            return
        try:
            proc.terminate()
        except OSError:
            pass
        deadline = time.monotonic() + grace
        while proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        if proc.poll() is None:
            say("%s did not stop within %ds; killing it" % (name, grace))
            try:
                proc.kill()
            except OSError:
                pass
        proc.wait()

    def cleanup(self, rc):
        if self.keep and self.finished:
            return
        if self.gen or self.tail or self.stash:
            say("stopping what the demo started")
        self.stop_pid(self.gen, "gen-logs", 5)
        self.stop_pid(self.tail, "logship-tail", 20)
        self.stop_pid(self.stash, "logship-stash", 20)
        if self.started_kafka and self.started_es:
            self.services("stop")
        elif self.started_kafka:
            self.services("kafka", "stop")
        elif self.started_es:
            self.services("es", "stop")
        if self.work and os.path.isdir(self.work):
            if rc == 0:
                shutil.rmtree(self.work, ignore_errors=True)
            else:
                say("logs kept in %s (daemons: %s/*.out)" % (self.work, self.work))

    # ------------------------------------------------------------------------------- steps --
    def build(self):
        if self.install:
            say("checking Debian packages (scripts/install-deps --with-test)")
            self.run([os.path.join(ROOT, "scripts", "install-deps"), "--with-test"])
        for f in (self.tail_config, self.stash_config):
            if not os.path.isfile(f):
                die("missing example config %s" % f)
        self.tail_config = os.path.abspath(self.tail_config)
        self.stash_config = os.path.abspath(self.stash_config)

        say("building logship-tail and logship-stash in %s" % self.build_dir)
        if not os.path.isfile(os.path.join(self.build_dir, "CMakeCache.txt")):
            log = os.path.join(self.tmp, "logship-demo-cmake.log")
            with open(log, "wb") as f:
                rc = subprocess.run(["cmake", "-S", ROOT, "-B", self.build_dir, "-G", "Ninja"], stdin=subprocess.DEVNULL,
                                    stdout=f, stderr=subprocess.STDOUT).returncode
            if rc != 0:
                sys.stderr.write(tail_lines(log, 10 ** 9))
                die("cmake configure failed")
        jobs = ["-j", os.environ["LOGSHIP_BUILD_JOBS"]] if os.environ.get("LOGSHIP_BUILD_JOBS") else []
        log = os.path.join(self.tmp, "logship-demo-build.log")
        with open(log, "wb") as f:
            rc = subprocess.run(["cmake", "--build", self.build_dir, "--target", "logship-tail", "logship-stash", *jobs],
                                stdin=subprocess.DEVNULL, stdout=f, stderr=subprocess.STDOUT).returncode
        if rc != 0:
            sys.stderr.write(tail_lines(log, 40))
            die("build failed (full log: %s)" % log)
        self.tail_bin = os.path.join(self.build_dir, "logship-tail")
        self.stash_bin = os.path.join(self.build_dir, "logship-stash")
        for b in (self.tail_bin, self.stash_bin):
            if not os.access(b, os.X_OK):
                die("%s was not built" % b)

    def start_services(self):
        kafka_up = self.services("kafka", "status", quiet=True) == 0
        es_up = self.services("es", "status", quiet=True) == 0
        if kafka_up and es_up:
            say("reusing the running Kafka and Elasticsearch (scripts/services status)")
        else:
            say("starting Kafka and Elasticsearch (scripts/services start; the first run downloads them)")
            self.started_kafka, self.started_es = not kafka_up, not es_up
            self.run([SERVICES, "start"])
        env_file = subprocess.run([SERVICES, "env"], capture_output=True, text=True, stdin=subprocess.DEVNULL).stdout.strip()
        env = {}
        try:
            with open(env_file, encoding="utf-8") as f:
                for line in f:
                    m = re.match(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$", line.rstrip("\n"))
                    if m:
                        env[m.group(1)] = m.group(2).strip().strip("'\"")
        except OSError:
            pass
        for key in ("KAFKA_BOOTSTRAP", "ES_URL"):
            if not env.get(key):
                die("%s: not in %s" % (key, env_file))
        self.broker, self.es = env["KAFKA_BOOTSTRAP"], env["ES_URL"]

    def prepare(self):
        self.work = tempfile.mkdtemp(prefix="logship-demo.", dir=self.tmp)
        self.logdir = os.path.join(self.work, "logs")
        for d in (self.logdir, os.path.join(self.work, "tail-data"), os.path.join(self.work, "stash")):
            os.makedirs(d, exist_ok=True)
        self.run_id = "demo%d" % int(time.time())

        info = stash_info(self.stash_config)
        topics = info["topics"]
        topic = tail_topic(self.tail_config) or (topics[0] if topics else "")
        if not topic:
            die("no topic in %s or %s" % (self.tail_config, self.stash_config))
        # The two configs must meet on one topic; when they do not, the tailer is pointed at the stash's.
        self.topic_override = []
        if topic not in topics:
            if not topics:
                die("%s names no topic" % self.rel(self.stash_config))
            say("NOTE: %s writes to topic '%s' but %s reads '%s':" % (
                self.rel(self.tail_config), topic, self.rel(self.stash_config), " ".join(topics)),
                "running logship-tail with -E output.kafka.topic=%s" % topics[0])
            topic = topics[0]
            self.topic_override = ["-E", "output.kafka.topic=" + topic]
        self.topic = topic
        index_pattern = info["index_pattern"] or "courseware-*"

        say("creating the topic %s (3 partitions)" % topic)
        out = subprocess.run([SERVICES, "topic", "create", topic, "3"], stdin=subprocess.DEVNULL, capture_output=True,
                             text=True)
        text = out.stdout + out.stderr
        if out.returncode != 0 and "already exists" not in text:
            sys.stderr.write(text if text.endswith("\n") else text + "\n")
            die("cannot create topic %s" % topic)
        for line in (text[:-1] if text.endswith("\n") else text).split("\n"):
            print("[demo]   " + line)

        # The stash's metrics endpoint: the config's Prometheus port, else a copy of the config with one.
        self.stash_run_config = self.stash_config
        stash_port, stash_path = info["metrics_port"], info["metrics_path"]
        if stash_port == 0 or not port_free(stash_port):
            stash_port, stash_path = free_port(), "/metrics"
            self.stash_run_config = os.path.join(self.work, "stash.yml")
            stash_config(self.stash_config, self.stash_run_config, stash_port)
            say("%s has no free metrics port: running a copy with Prometheus on 127.0.0.1:%d" % (
                self.rel(self.stash_config), stash_port))
        self.stash_port, self.tail_port = stash_port, free_port()
        self.tail_metrics = "http://127.0.0.1:%d/metrics" % self.tail_port
        self.stash_metrics = "http://127.0.0.1:%d%s" % (stash_port, stash_path)
        self.state = {"broker": self.broker, "es": self.es, "topic": topic, "index_pattern": index_pattern,
                      "logdir": self.logdir, "gen_status": os.path.join(self.work, "gen-status.json"),
                      "gen_summary": os.path.join(self.work, "gen-summary.json"), "tail_metrics": self.tail_metrics,
                      "stash_metrics": self.stash_metrics, "events_target": self.lines,
                      "dead_letter_hint": os.path.join(self.work, "stash") + "/"}
        baseline(self.state)

    def start_daemons(self):
        # The stash first, so that it is consuming (partitions assigned) before the first event arrives.
        say("starting logship-stash -f %s (brokers and hosts overridden for the local services)" % self.rel(self.stash_run_config))
        # Host overrides through the environment (LOGSHIP_STASH_BROKERS / LOGSHIP_STASH_ES_HOSTS); TZ: the
        # go-zero services of the seed stack log in +08:00, so their days are Asia/Shanghai days.
        env = dict(os.environ, LOGSHIP_STASH_BROKERS=self.broker, LOGSHIP_STASH_ES_HOSTS=self.es, TZ="Asia/Shanghai")
        self.stash_out = os.path.join(self.work, "stash.out")
        self.stash = self.spawn([self.stash_bin, "-f", self.stash_run_config], self.stash_out,
                                os.path.join(self.work, "stash"), env)
        if not wait_metric(self.stash_metrics, "logship_stash_consumer_lag", 1, 30):
            self.expect_alive(self.stash, "logship-stash", self.stash_out)
            say("logship-stash reports no partition assignment yet (no logship_stash_consumer_lag); going on")

        say("starting logship-tail -c %s (paths, hosts, path.data, http overridden with -E)" % self.rel(self.tail_config))
        eargs = list(self.topic_override)
        for o in tail_args(self.tail_config, self.logdir, os.path.join(self.work, "tail-data"), self.broker, self.tail_port):
            eargs += ["-E", o]
        self.tail_out = os.path.join(self.work, "tail.out")
        self.tail = self.spawn([self.tail_bin, "-c", self.tail_config, *eargs], self.tail_out, self.work)
        if not wait_metric(self.tail_metrics, "logship_tail_events_acked_total", 1, 30):
            self.expect_alive(self.tail, "logship-tail", self.tail_out)
            say("logship-tail's metrics endpoint does not answer yet; going on")

    def start_generator(self):
        rotate = max(self.lines // 2, 1)
        say("writing %d go-zero events at %s/s into %s (rename rotation after %d, stack traces, 3 days of timestamps)" % (
            self.lines, self.rate, self.logdir, rotate))
        # The rotation waits for rotate.ok, created once logship-tail has all five files open: a file
        # renamed away before the tailer ever saw it is (rightly, as with Filebeat) not read.
        self.rotate_ok = os.path.join(self.work, "rotate.ok")
        self.gen_out = os.path.join(self.work, "gen.out")
        self.gen = self.spawn([sys.executable, os.path.join(ROOT, "scripts", "gen-logs"), "--dir", self.logdir,
                               "--lines", str(self.lines), "--rate", str(self.rate), "--rotate-every", str(rotate),
                               "--rotate-barrier", self.rotate_ok, "--barrier-timeout", "60",
                               "--timestamps-span-days", "3", "--id-prefix", self.run_id, "--seed", str(int(time.time())),
                               "--status-file", self.state["gen_status"], "--summary-file", self.state["gen_summary"]],
                              self.gen_out, None, session=False)

    def dry_run_count(self):
        """What the tailer makes of the files written (multiline joins, drop processors): its dry run over
        them, rotated files included. Completion waits for exactly this many events in Kafka."""
        dargs = list(self.topic_override)
        for o in tail_args(self.tail_config, self.logdir, os.path.join(self.work, "dry-data"), self.broker, 0, "dry-run"):
            dargs += ["-E", o]
        count = 0
        with open(os.path.join(self.work, "dry-run.err"), "wb") as err:
            proc = subprocess.Popen([self.tail_bin, "-c", self.tail_config, *dargs, "--dry-run"], stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=err)
            for chunk in iter(lambda: proc.stdout.read(1 << 16), b""):
                count += chunk.count(b"\n")
            proc.stdout.close()
        return count if proc.wait() == 0 else None

    def wait_for_everything(self):
        start = time.monotonic()
        deadline = start + self.timeout
        expected = None  # events of the tailer's dry run; "unknown" when it failed
        while True:
            self.expect_alive(self.tail, "logship-tail", self.tail_out)
            self.expect_alive(self.stash, "logship-stash", self.stash_out)
            if not os.path.exists(self.rotate_ok):
                open_files = n(msum(metrics(self.tail_metrics), "logship_tail_open_files"))
                if open_files != "n/a" and int(open_files) >= 5:
                    open(self.rotate_ok, "w").close()
                elif time.monotonic() - start >= 2:
                    print("[demo]        (rotation waits until logship-tail has the five files open: %s open)" % open_files)
            summary = self.state["gen_summary"]
            if expected is None and os.path.isfile(summary) and os.path.getsize(summary) > 0:
                expected = self.dry_run_count()
                if expected is None:
                    expected = "unknown"
                else:
                    self.state["tail_expected"] = expected
                    say("the tailer's dry run over the written files makes %d events" % expected)
            line, complete_now = progress(self.state)
            print("[demo] %4ds  %s" % (int(time.monotonic() - start), line), flush=True)
            if complete_now:
                break
            if time.monotonic() >= deadline:
                say("timeout after %ds: not everything arrived" % self.timeout)
                break
            time.sleep(2)  # refresh interval of the progress display
        if self.gen is not None:
            if self.gen.wait() != 0:
                die("gen-logs failed: %s" % tail_lines(self.gen_out, 5).rstrip("\n"))
            self.gen = None

    def print_keep(self):
        print("""
Still running (--keep):
  logship-tail  pid {tail_pid}   metrics {tail_metrics}   health http://127.0.0.1:{tail_port}/healthz   log {work}/tail.out
  logship-stash pid {stash_pid}   metrics {stash_metrics}   health http://127.0.0.1:{stash_port}/healthz   log {work}/stash.out
  logs being tailed: {logdir}   (add more: scripts/gen-logs --dir {logdir} --lines 1000 --id-prefix more)
Query Elasticsearch:
  curl -s '{es}/_cat/indices/{pattern}?v'
  curl -s '{es}/{pattern}/_search?q=level:error&size=5&pretty'
  curl -s '{es}/{pattern}/_count?pretty'
Stop:
  kill {tail_pid} {stash_pid}; rm -rf {work}{stop}""".format(
            tail_pid=self.tail.pid, stash_pid=self.stash.pid, tail_metrics=self.tail_metrics, stash_metrics=self.stash_metrics,
            tail_port=self.tail_port, stash_port=self.stash_port, work=self.work, logdir=self.logdir, es=self.es,
            pattern=self.state["index_pattern"],
            stop="; %s stop" % SERVICES if self.started_kafka or self.started_es else ""))

    def main(self):
        self.build()
        self.start_services()
        self.prepare()
        self.start_daemons()
        self.start_generator()
        self.wait_for_everything()
        status = 0 if report(self.state) else 1
        if self.keep:
            self.finished = True
            self.print_keep()
        return status


def parse_args(argv):
    opts = {"keep": False, "install": True, "lines": 20000, "rate": "2000", "timeout": 300}
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--keep":
            opts["keep"] = True
        elif a == "--no-install":
            opts["install"] = False
        elif a in ("--lines", "--rate", "--timeout"):
            if not args:
                print("scripts/demo: %s needs a value (see --help)" % a, file=sys.stderr)
                sys.exit(2)
            value = args.pop(0)
            try:
                number = float(value) if a == "--rate" else int(value)  # the rate goes to gen-logs as given
            except ValueError:
                number = -1
            if number < 0:
                print("scripts/demo: %s %s is not a number >= 0 (see --help)" % (a, value), file=sys.stderr)
                sys.exit(2)
            opts[a[2:]] = value if a == "--rate" else number
        elif a in ("-h", "--help"):
            print(__doc__.rstrip("\n"))
            sys.exit(0)
        else:
            print("scripts/demo: unknown argument %s (see --help)" % a, file=sys.stderr)
            sys.exit(2)
    return opts


def main(argv):
    opts = parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)
    demo = Demo(opts)

    def interrupted(signum, frame):
        raise Interrupted()
    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)
    rc = 1
    try:
        rc = demo.main()
    except Exit as e:
        rc = e.status
    except Interrupted:
        print()
        say("interrupted")
        rc = 130
    finally:
        # As a shell's `trap - INT TERM` in its cleanup: a second Ctrl-C ends the cleanup too.
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        demo.cleanup(rc)
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
