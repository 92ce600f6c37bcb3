#!/usr/bin/env python3
"""Helpers of scripts/docker-test (Python 3 standard library only).

  dtest.py free-ports N                      N distinct free TCP ports on 127.0.0.1, one line
  dtest.py metric URL NAME                   sum of the series of Prometheus metric NAME (0 if absent)
  dtest.py es-count ES_URL PATTERN           refresh, then the number of documents in PATTERN
  dtest.py es-indices ES_URL PATTERN         refresh, then "index count" lines (sorted)
  dtest.py es-ids ES_URL PATTERN FIELD RE PREFIX N
                                             the ids (group 1 of RE in FIELD) of every document of
                                             PATTERN must be exactly PREFIX-000000 .. PREFIX-(N-1),
                                             each once; prints what differs; exit 0 iff equal
  dtest.py summary FILE                      the last JSON object line of FILE with a "total" key
                                             (scripts/gen-logs' summary in `docker logs`)
  dtest.py summary-field JSON KEY            one top-level field of a summary (dicts as JSON)
"""
import json
import re
import socket
import sys
import urllib.error
import urllib.request


def http(method, url, body=None, timeout=30):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def free_ports(n):
    held, ports = [], []
    try:
        while len(ports) < n:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            held.append(s)
            ports.append(s.getsockname()[1])
    finally:
        for s in held:
            s.close()
    print(" ".join(map(str, ports)))


def metric(url, name):
    with urllib.request.urlopen(url, timeout=10) as r:
        text = r.read().decode()
    total = 0.0
    pat = re.compile(r"^" + re.escape(name) + r"(\{[^}]*\})?\s+(\S+)")
    for line in text.splitlines():
        m = pat.match(line)
        if m:
            total += float(m.group(2))
    print(int(total) if total == int(total) else total)


def refresh(es, pattern):
    http("POST", f"{es}/{pattern}/_refresh?ignore_unavailable=true&allow_no_indices=true")


def es_count(es, pattern):
    refresh(es, pattern)
    st, body = http("GET", f"{es}/{pattern}/_count?ignore_unavailable=true&allow_no_indices=true")
    if st != 200:
        sys.exit(f"_count {pattern}: HTTP {st} {body[:300]}")
    print(json.loads(body)["count"])


def es_indices(es, pattern):
    refresh(es, pattern)
    st, body = http("GET", f"{es}/_cat/indices/{pattern}?format=json&h=index,docs.count&expand_wildcards=open")
    if st == 404:
        return
    if st != 200:
        sys.exit(f"_cat/indices {pattern}: HTTP {st} {body[:300]}")
    for row in sorted(json.loads(body), key=lambda r: r["index"]):
        print(row["index"], row["docs.count"])


def es_ids(es, pattern, field, regex, prefix, n):
    n = int(n)
    if n > 10000:
        sys.exit("es-ids: at most 10000 documents (index.max_result_window)")
    refresh(es, pattern)
    st, body = http("POST", f"{es}/{pattern}/_search",
                    {"size": 10000, "_source": [field], "query": {"match_all": {}}, "track_total_hits": True})
    if st != 200:
        sys.exit(f"_search {pattern}: HTTP {st} {body[:300]}")
    hits = json.loads(body)["hits"]["hits"]
    rx = re.compile(regex)
    seen, unparsed = {}, 0
    for h in hits:
        value = h["_source"]
        for part in field.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        m = rx.search(value) if isinstance(value, str) else None
        if not m:
            unparsed += 1
            continue
        seen[m.group(1)] = seen.get(m.group(1), 0) + 1
    want = {f"{prefix}-{i:06d}" for i in range(n)}
    missing = sorted(want - set(seen))
    extra = sorted(set(seen) - want)
    dups = sorted(k for k, c in seen.items() if c > 1)
    print(f"documents={len(hits)} distinct_ids={len(seen)} expected={n} missing={len(missing)} "
          f"duplicated={len(dups)} unexpected={len(extra)} without_id={unparsed}")
    for what, lst in (("missing", missing), ("duplicated", dups), ("unexpected", extra)):
        if lst:
            print(f"  {what}: {' '.join(lst[:10])}{' ...' if len(lst) > 10 else ''}")
    sys.exit(0 if not missing and not dups and not extra and not unparsed and len(hits) == n else 1)


def summary(path):
    found = None
    with open(path, errors="replace") as f:
        for line in f:
            line = line.strip()
            if not line.startswith("{"):
                continue
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            if isinstance(obj, dict) and "total" in obj:
                found = obj
    if found is None:
        sys.exit(f"no summary line in {path}")
    print(json.dumps(found, sort_keys=True))


def summary_field(doc, key):
    v = json.loads(doc)[key]
    print(json.dumps(v, sort_keys=True) if isinstance(v, (dict, list)) else v)


def main(argv):
    cmds = {"free-ports": (free_ports, 1), "metric": (metric, 2), "es-count": (es_count, 2),
            "es-indices": (es_indices, 2), "es-ids": (es_ids, 6), "summary": (summary, 1),
            "summary-field": (summary_field, 2)}
    if len(argv) < 2 or argv[1] not in cmds:
        sys.exit(__doc__)
    fn, nargs = cmds[argv[1]]
    args = argv[2:]
    if len(args) != nargs:
        sys.exit(__doc__)
    if fn is free_ports:
        return free_ports(int(args[0]))
    return fn(*args)


if __name__ == "__main__":
    main(sys.argv)
