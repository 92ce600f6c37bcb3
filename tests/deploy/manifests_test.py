#!/usr/bin/env python3
"""Checks the Kubernetes manifests under deploy/kubernetes (run by ctest, label unit, offline).

    manifests_test.py --tail build/logship-tail --stash build/logship-stash [--root DIR] GROUP...

Groups (ctest runs each as its own test, tests/deploy/CMakeLists.txt):
  schema     every resource validates against the Kubernetes JSON schemas (kubernetes-validate,
             strict: unknown fields are errors) of each version in KUBERNETES_VERSIONS; every
             kustomization's resources exist, each manifest is in one, none is listed twice, and
             `kubectl kustomize` renders each of them (when kubectl is on PATH; said when it is not)
  configs    the configs in the ConfigMaps pass the real daemons' --check, with the environment
             the container gets (its env: entries), and without warnings; the DaemonSet's config,
             which needs the `container` input logship-tail does not have yet, fails only on that
  wiring     what ties the manifests to the configs: probe ports = http.port / Prometheus.Port,
             admin endpoints not on loopback, config paths = ConfigMap mounts, registry and log
             paths on volumes, the tailer's topic is the stash's, the image's non-root user,
             read-only root filesystems, resources, selectors, PDB, RBAC
  mutations  each of the checks above fails on a copy of deploy/kubernetes broken on purpose

The schemas come from the PyPI package kubernetes-validate, installed (pinned, with PyYAML) by
`scripts/install-deps --with-test` into the venv $LOGSHIP_TEST_VENV (default
~/.cache/logship/test-venv); this script re-runs itself with that venv's python when the running
interpreter lacks it, and fails, naming the fix, when the venv is missing.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

KUBERNETES_VERSIONS = ["1.29", "1.37"]  # oldest supported here, newest the pinned package ships
IMAGE = "logship:local"
IMAGE_UID = 10001  # docker/Dockerfile: useradd --uid 10001
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def default_venv():
    return os.environ.get("LOGSHIP_TEST_VENV") or os.path.join(
        os.path.expanduser("~"), ".cache", "logship", "test-venv")


def bootstrap():
    """Imports yaml and kubernetes_validate, from the test venv if need be."""
    try:
        import yaml  # noqa: F401
        import kubernetes_validate  # noqa: F401
        return
    except ImportError as e:
        missing = e.name
    venv = default_venv()
    python = os.path.join(venv, "bin", "python3")
    if os.environ.get("LOGSHIP_DEPLOY_TEST_REEXEC") != "1" and os.path.exists(python):
        os.environ["LOGSHIP_DEPLOY_TEST_REEXEC"] = "1"
        os.execv(python, [python, os.path.abspath(__file__)] + sys.argv[1:])
    sys.stderr.write(
        "FAILED: the Python module %s is not installed (looked in %s and in %s).\n"
        "  kubernetes-validate (the Kubernetes JSON schemas) and PyYAML come from\n"
        "  scripts/requirements-test.txt: run scripts/install-deps --with-test\n"
        % (missing, sys.executable, venv))
    sys.exit(1)


bootstrap()
import yaml  # noqa: E402
import kubernetes_validate  # noqa: E402
from kubernetes_validate import utils as kv_utils  # noqa: E402


# ----------------------------------------------------------------------------------- the tree --

class Tree:
    """Every YAML file under the root: manifests (with their documents) and kustomizations."""

    def __init__(self, root):
        self.root = root
        self.problems = []
        self.manifests = {}       # relative path -> [documents]
        self.kustomizations = {}  # relative dir -> parsed kustomization.yaml
        for dirpath, _, files in os.walk(root):
            for f in sorted(files):
                if not f.endswith((".yaml", ".yml")):
                    continue
                path = os.path.join(dirpath, f)
                rel = os.path.relpath(path, root)
                try:
                    with open(path) as fh:
                        docs = [d for d in yaml.safe_load_all(fh) if d is not None]
                except yaml.YAMLError as e:
                    self.problems.append("%s: does not parse as YAML: %s" % (rel, e))
                    continue
                if f in ("kustomization.yaml", "kustomization.yml"):
                    self.kustomizations[os.path.dirname(rel) or "."] = docs[0] if docs else {}
                else:
                    self.manifests[rel] = docs

    def resources(self):
        for rel, docs in sorted(self.manifests.items()):
            for doc in docs:
                yield rel, doc

    def find(self, kind, name=None):
        return [(rel, d) for rel, d in self.resources()
                if isinstance(d, dict) and d.get("kind") == kind
                and (name is None or (d.get("metadata") or {}).get("name") == name)]

    def workloads(self):
        return [(rel, d) for rel, d in self.resources()
                if isinstance(d, dict) and d.get("kind") in ("Deployment", "DaemonSet", "StatefulSet")]


def ident(doc):
    md = doc.get("metadata") or {}
    return "%s/%s" % (doc.get("kind"), md.get("name"))


def image_name(image):
    """`registry:5000/team/logship:tag` -> `logship`."""
    return str(image or "").rsplit("/", 1)[-1].split(":")[0].split("@")[0]


def logship_containers(tree):
    """(file, workload, pod spec, container, daemon) for each container running a logship daemon."""
    out = []
    for rel, w in tree.workloads():
        pod = ((w.get("spec") or {}).get("template") or {}).get("spec") or {}
        for c in pod.get("containers") or []:
            argv = (c.get("command") or []) + (c.get("args") or [])
            daemon = next((os.path.basename(a) for a in argv[:1]
                           if os.path.basename(a) in ("logship-tail", "logship-stash")), None)
            if daemon is None and not argv and image_name(c.get("image")) == "logship":
                daemon = "logship-tail"  # the image's default command
            if daemon:
                out.append((rel, w, pod, c, daemon))
    return out


def config_of(tree, pod, c, daemon):
    """The config file the daemon reads: (path in the container, ConfigMap doc, key, text) or a problem."""
    argv = (c.get("command") or []) + (c.get("args") or [])
    if not argv:
        argv = ["logship-tail", "-c", "/etc/logship/filebeat.yml"]  # docker/Dockerfile's CMD
    flag = "-c" if daemon == "logship-tail" or "-f" not in argv else "-f"  # the stash takes both
    if flag not in argv or argv.index(flag) + 1 >= len(argv):
        return "%s: container %s: no `%s FILE` in its command" % (daemon, c.get("name"), flag)
    path = argv[argv.index(flag) + 1]
    volumes = {v.get("name"): v for v in pod.get("volumes") or []}
    for m in c.get("volumeMounts") or []:
        mount = m.get("mountPath", "").rstrip("/")
        if m.get("subPath"):
            if path != mount:
                continue
            key = m["subPath"]
        elif path.startswith(mount + "/") and "/" not in path[len(mount) + 1:]:
            key = path[len(mount) + 1:]
        else:
            continue
        vol = volumes.get(m.get("name")) or {}
        cm_name = (vol.get("configMap") or {}).get("name")
        if not cm_name:
            return "container %s: %s is mounted from volume %s, which is not a ConfigMap" % (
                c.get("name"), path, m.get("name"))
        cms = tree.find("ConfigMap", cm_name)
        if not cms:
            return "container %s: volume %s names ConfigMap %s, which no manifest defines" % (
                c.get("name"), m.get("name"), cm_name)
        data = cms[0][1].get("data") or {}
        if key not in data:
            return "container %s: ConfigMap %s has no key %s for %s (keys: %s)" % (
                c.get("name"), cm_name, key, path, ", ".join(sorted(data)) or "none")
        return path, cms[0][1], key, data[key]
    return "container %s: its config %s is on no volumeMount" % (c.get("name"), path)


# ------------------------------------------------------------------------------------- schema --

def check_schema(tree, versions):
    problems = list(tree.problems)
    for rel, doc in tree.resources():
        if not isinstance(doc, dict) or "apiVersion" not in doc or "kind" not in doc:
            problems.append("%s: a document without apiVersion/kind" % rel)
            continue
        for v in versions:
            try:
                kubernetes_validate.validate(doc, v, strict=True)
            except kv_utils.ValidationError as e:
                path = ".".join(str(p) for p in e.path) or "(top level)"
                problems.append("%s: %s does not validate against Kubernetes %s: %s: %s" % (
                    rel, ident(doc), v, path, e.message))
            except kv_utils.SchemaNotFoundError:
                problems.append("%s: %s: Kubernetes %s has no schema for kind %s in apiVersion %s" % (
                    rel, ident(doc), v, doc.get("kind"), doc.get("apiVersion")))
    return problems


def kustomize_resources(tree, kdir, seen_dirs=()):
    """Resolves a kustomization's resources like `kustomize build` (files and directories only)."""
    problems, files = [], []
    k = tree.kustomizations.get(kdir)
    if k is None:
        return ["%s: not a kustomization directory" % kdir], []
    if kdir in seen_dirs:
        return ["%s: kustomization cycle" % kdir], []
    for key in k:
        if key not in ("apiVersion", "kind", "resources", "images", "labels", "commonLabels",
                       "commonAnnotations", "namespace", "namePrefix", "nameSuffix"):
            problems.append("%s/kustomization.yaml: key %s is not checked by this test" % (kdir, key))
    for r in k.get("resources") or []:
        rel = os.path.normpath(os.path.join(kdir, r))
        full = os.path.join(tree.root, rel)
        if rel.startswith(".."):
            problems.append("%s/kustomization.yaml: resource %s is outside deploy/kubernetes" % (kdir, r))
        elif os.path.isdir(full):
            p, f = kustomize_resources(tree, rel, seen_dirs + (kdir,))
            problems += p
            files += f
        elif os.path.isfile(full):
            files.append(rel)
        else:
            problems.append("%s/kustomization.yaml: resource %s does not exist" % (kdir, r))
    return problems, files


def check_kustomize(tree):
    problems, listed = [], set()
    for kdir in sorted(tree.kustomizations):
        p, files = kustomize_resources(tree, kdir)
        problems += p
        listed.update(files)
        ids = {}
        for f in files:
            for doc in tree.manifests.get(f, []):
                md = doc.get("metadata") or {}
                key = (doc.get("apiVersion"), doc.get("kind"), md.get("namespace"), md.get("name"))
                if key in ids:
                    problems.append("%s: %s comes twice (%s and %s)" % (kdir, ident(doc), ids[key], f))
                ids[key] = f
    for rel in sorted(tree.manifests):
        if rel not in listed:
            problems.append("%s is in no kustomization.yaml" % rel)
    kubectl = shutil.which("kubectl")
    if not kubectl:
        print("note: kubectl is not on PATH: `kubectl kustomize` rendering not checked "
              "(the resources lists were checked above)")
        return problems
    for kdir in sorted(tree.kustomizations):
        r = subprocess.run([kubectl, "kustomize", os.path.join(tree.root, kdir)],
                           capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            problems.append("kubectl kustomize %s failed: %s" % (kdir, r.stderr.strip()))
    return problems


# ------------------------------------------------------------------------------------ configs --

def container_env(c):
    """The environment the container gets, with placeholders for values Kubernetes fills in."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    for e in c.get("env") or []:
        env[e["name"]] = str(e["value"]) if "value" in e else "placeholder-" + e["name"].lower()
    return env


def run_check(binary, daemon, config_text, env, name):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, name)
        with open(path, "w") as f:
            f.write(config_text)
        flag = "-c" if daemon == "logship-tail" else "-f"
        r = subprocess.run([binary, "--check", flag, path], env=env, capture_output=True, text=True,
                           stdin=subprocess.DEVNULL, timeout=60)
        out = (r.stdout + r.stderr).replace(path, name)
        return r.returncode, out


WARNING = re.compile(r'(\bWARN\b|"level":"warn")')


def uses_container_input(config_text):
    try:
        doc = yaml.safe_load(config_text) or {}
    except yaml.YAMLError:
        return False  # --check reports it
    inputs = doc.get("filebeat.inputs") or (doc.get("filebeat") or {}).get("inputs") or []
    return any(isinstance(i, dict) and i.get("type") == "container" for i in inputs)


def check_configs(tree, binaries):
    problems = []
    found = set()
    for rel, w, pod, c, daemon in logship_containers(tree):
        where = "%s: %s container %s" % (rel, ident(w), c.get("name"))
        cfg = config_of(tree, pod, c, daemon)
        if isinstance(cfg, str):
            problems.append("%s: %s" % (rel, cfg))
            continue
        path, cm, key, text = cfg
        found.add(daemon)
        env = container_env(c)
        label = "ConfigMap %s key %s" % ((cm.get("metadata") or {}).get("name"), key)
        rc, out = run_check(binaries[daemon], daemon, text, env, key)
        if daemon == "logship-tail" and uses_container_input(text):
            # Filebeat's `container` input: not in logship-tail yet (docs/kubernetes.md). Either it
            # has landed (then the config passes), or the input type is the only error, and the
            # rest of the config passes with the type swapped for `log`.
            if rc == 0:
                print("note: %s now passes --check: logship-tail reads `type: container`; "
                      "update docs/kubernetes.md and the DaemonSet's PREVIEW comments" % label)
            elif not re.search(r"filebeat\.inputs\[\d+\]\.type: .*\"container\"", out):
                problems.append("%s: %s fails --check (exit %d) for another reason than the "
                                "missing container input:\n%s" % (where, label, rc, out.strip()))
            swapped = re.sub(r"(?m)^(\s*-?\s*type:\s*)container\s*$", r"\1log", text)
            rc2, out2 = run_check(binaries[daemon], daemon, swapped, env, key)
            if rc2 != 0:
                problems.append("%s: %s with `type: log` instead of `container` fails --check "
                                "(exit %d):\n%s" % (where, label, rc2, out2.strip()))
            continue
        if rc != 0:
            problems.append("%s: %s fails `%s --check` (exit %d) with the container's env (%s):\n%s" % (
                where, label, daemon, rc, ", ".join(sorted(k for k in env if k != "PATH")) or "none",
                out.strip()))
        elif WARNING.search(out):
            problems.append("%s: %s passes --check but with warnings (ignored keys?):\n%s" % (
                where, label, out.strip()))
    for daemon in ("logship-tail", "logship-stash"):
        if daemon not in found:
            problems.append("no workload runs %s with a config from a ConfigMap" % daemon)
    return problems


# ------------------------------------------------------------------------------------- wiring --

def ci_get(node, *keys):
    """go-zero's case-insensitive lookup."""
    for k in keys:
        if not isinstance(node, dict):
            return None
        node = next((v for kk, v in node.items() if str(kk).lower() == k.lower()), None)
    return node


def fb_get(doc, dotted, default=None):
    """Filebeat's lookup: `a.b` is a path, and a literal dotted key at any level counts too."""
    if not isinstance(doc, dict):
        return default
    if dotted in doc:
        return doc[dotted]
    parts = dotted.split(".")
    for i in range(len(parts) - 1, 0, -1):
        head = ".".join(parts[:i])
        if head in doc:
            return fb_get(doc[head], ".".join(parts[i:]), default)
    return default


LOOPBACK = ("localhost", "127.0.0.1", "::1", "")


def admin_endpoint(daemon, config):
    """(host, port) the daemon's /healthz listens on, or a problem."""
    if daemon == "logship-tail":
        if fb_get(config, "http.enabled", False) is not True:
            return "http.enabled is not true: no /healthz for the probes"
        return str(fb_get(config, "http.host", "localhost")), int(fb_get(config, "http.port", 5066))
    clusters = ci_get(config, "Clusters") or []
    ports = set()
    for i, cl in enumerate(clusters):
        prom = ci_get(cl, "Input", "Kafka", "Prometheus") or {}
        port = int(ci_get(prom, "Port") or 0)
        if port <= 0:
            return "Clusters[%d].Input.Kafka.Prometheus.Port is not set: no /healthz for the probes" % i
        ports.add((str(ci_get(prom, "Host") or ""), port))
    if len(ports) != 1:
        return "the clusters do not share one Prometheus Host/Port: %s" % sorted(ports)
    return ports.pop()


def probe_port(c, probe):
    port = ((probe or {}).get("httpGet") or {}).get("port")
    if isinstance(port, str) and not port.isdigit():
        named = [p.get("containerPort") for p in c.get("ports") or [] if p.get("name") == port]
        return named[0] if named else "unknown port name %s" % port
    return int(port) if port is not None else None


def mount_for(c, path):
    """The volumeMount whose mountPath contains path (longest), or None."""
    best = None
    for m in c.get("volumeMounts") or []:
        mp = m.get("mountPath", "").rstrip("/")
        if path == mp or path.startswith(mp + "/"):
            if best is None or len(mp) > len(best.get("mountPath", "")):
                best = m
    return best


def glob_dir(pattern):
    parts = pattern.split("/")
    fixed = []
    for p in parts[:-1]:
        if any(ch in p for ch in "*?["):
            break
        fixed.append(p)
    return "/".join(fixed) or "/"


def labels_match(selector, labels):
    ml = (selector or {}).get("matchLabels") or {}
    return bool(ml) and all((labels or {}).get(k) == v for k, v in ml.items())


def check_wiring(tree):
    problems = []
    tail_topics, stash_topics = [], set()
    for rel, w, pod, c, daemon in logship_containers(tree):
        where = "%s: %s container %s" % (rel, ident(w), c.get("name"))
        node_agent = w.get("kind") == "DaemonSet"
        if c.get("image") != IMAGE:
            problems.append("%s: image %s, not %s (docs/kubernetes.md: override it in an overlay)" % (
                where, c.get("image"), IMAGE))
        cfg = config_of(tree, pod, c, daemon)
        if isinstance(cfg, str):
            problems.append("%s: %s" % (rel, cfg))
            continue
        try:
            config = yaml.safe_load(cfg[3]) or {}
        except yaml.YAMLError as e:
            problems.append("%s: its config does not parse as YAML: %s" % (where, str(e).replace("\n", " ")))
            continue

        # The admin endpoint, the probes, the declared port and the Prometheus annotation agree.
        ep = admin_endpoint(daemon, config)
        if isinstance(ep, str):
            problems.append("%s: %s" % (where, ep))
            continue
        host, port = ep
        if host in LOOPBACK:
            problems.append("%s: the admin endpoint listens on %r: the kubelet probes the pod IP, so "
                            "it must be 0.0.0.0" % (where, host))
        if port not in [p.get("containerPort") for p in c.get("ports") or []]:
            problems.append("%s: containerPort %d (the config's admin port) is not declared" % (where, port))
        liveness = c.get("livenessProbe")
        if not liveness or (liveness.get("httpGet") or {}).get("path") != "/healthz":
            problems.append("%s: no livenessProbe on /healthz" % where)
        for kind in ("livenessProbe", "readinessProbe", "startupProbe"):
            if c.get(kind) is None:
                continue
            pp = probe_port(c, c[kind])
            if pp != port:
                problems.append("%s: %s port %s is not the config's admin port %d" % (where, kind, pp, port))
        ann = (((w.get("spec") or {}).get("template") or {}).get("metadata") or {}).get("annotations") or {}
        if "prometheus.io/port" in ann and str(ann["prometheus.io/port"]) != str(port):
            problems.append("%s: annotation prometheus.io/port %s is not the admin port %d" % (
                where, ann["prometheus.io/port"], port))

        # Files the daemon reads and writes are on volumes.
        if daemon == "logship-tail":
            data = str(fb_get(config, "path.data", ""))
            m = mount_for(c, data) if data.startswith("/") else None
            if m is None or m.get("readOnly"):
                problems.append("%s: path.data %r (the registry) is not on a writable volumeMount" % (
                    where, data))
            inputs = fb_get(config, "filebeat.inputs", []) or []
            for i, inp in enumerate(inputs):
                for pattern in inp.get("paths") or []:
                    d = glob_dir(pattern)
                    m = mount_for(c, d)
                    if m is None:
                        problems.append("%s: filebeat.inputs[%d] path %s is on no volumeMount" % (
                            where, i, pattern))
                        continue
                    vol = next((v for v in pod.get("volumes") or [] if v.get("name") == m["name"]), {})
                    others = [o.get("name") for o in pod.get("containers") or [] if o is not c and any(
                        om.get("name") == m["name"] for om in o.get("volumeMounts") or [])]
                    if not node_agent and not others:
                        problems.append("%s: the log volume %s is shared with no other container" % (
                            where, m["name"]))
                    if node_agent and "hostPath" not in vol:
                        problems.append("%s: the log volume %s is not a hostPath" % (where, m["name"]))
                    if not m.get("readOnly"):
                        problems.append("%s: the log volume %s is not mounted readOnly" % (where, m["name"]))
            if node_agent:
                for host_dir in ("/var/log/containers", "/var/log/pods"):
                    m = mount_for(c, host_dir)
                    vol = next((v for v in pod.get("volumes") or [] if m and v.get("name") == m["name"]), {})
                    if not m or (vol.get("hostPath") or {}).get("path") != host_dir or not m.get("readOnly"):
                        problems.append("%s: %s is not mounted read-only from the node (hostPath)" % (
                            where, host_dir))
            tail_topics.append((where, fb_get(config, "output.kafka.topic")))
        else:
            for cl in ci_get(config, "Clusters") or []:
                topics = ci_get(cl, "Input", "Kafka", "Topics") or []
                stash_topics.update(topics if isinstance(topics, list) else [topics])

        # Security: the image's non-root user (the node agent excepted), no writes to the image.
        psc, csc = pod.get("securityContext") or {}, c.get("securityContext") or {}
        uid = csc.get("runAsUser", psc.get("runAsUser"))
        non_root = csc.get("runAsNonRoot", psc.get("runAsNonRoot"))
        if not node_agent and (uid != IMAGE_UID or non_root is not True):
            problems.append("%s: must run as the image's user %d with runAsNonRoot (has runAsUser=%s, "
                            "runAsNonRoot=%s)" % (where, IMAGE_UID, uid, non_root))
        if csc.get("readOnlyRootFilesystem") is not True:
            problems.append("%s: readOnlyRootFilesystem is not true" % where)
        if csc.get("allowPrivilegeEscalation") is not False:
            problems.append("%s: allowPrivilegeEscalation is not false" % where)
        if "ALL" not in ((csc.get("capabilities") or {}).get("drop") or []):
            problems.append("%s: capabilities are not dropped (drop: [ALL])" % where)
        res = c.get("resources") or {}
        for part in ("requests", "limits"):
            for r in ("cpu", "memory"):
                if r not in (res.get(part) or {}):
                    problems.append("%s: no resources.%s.%s" % (where, part, r))

    for where, topic in tail_topics:
        if topic not in stash_topics:
            problems.append("%s: ships to topic %r, which no logship-stash reads (%s)" % (
                where, topic, ", ".join(sorted(stash_topics)) or "none"))

    # Selectors, the PodDisruptionBudget, RBAC, ConfigMaps, namespaces.
    namespaces = {(d.get("metadata") or {}).get("name") for _, d in tree.find("Namespace")}
    cluster_scoped = ("Namespace", "ClusterRole", "ClusterRoleBinding")
    for rel, d in tree.resources():
        ns = (d.get("metadata") or {}).get("namespace")
        if d.get("kind") not in cluster_scoped and ns not in namespaces:
            problems.append("%s: %s is in namespace %s, which namespace.yaml does not create" % (
                rel, ident(d), ns))
    for rel, w in tree.workloads():
        tmpl = (w.get("spec") or {}).get("template") or {}
        if not labels_match((w.get("spec") or {}).get("selector"), (tmpl.get("metadata") or {}).get("labels")):
            problems.append("%s: %s: spec.selector does not match the pod template's labels" % (rel, ident(w)))
        for v in (tmpl.get("spec") or {}).get("volumes") or []:
            cm = (v.get("configMap") or {}).get("name")
            if cm and not tree.find("ConfigMap", cm):
                problems.append("%s: %s: volume %s names ConfigMap %s, which no manifest defines" % (
                    rel, ident(w), v.get("name"), cm))
    stash_pods = [w for _, w, _, _, daemon in logship_containers(tree) if daemon == "logship-stash"]
    pdbs = tree.find("PodDisruptionBudget")
    if not pdbs:
        problems.append("no PodDisruptionBudget for logship-stash")
    for rel, pdb in pdbs:
        sel = (pdb.get("spec") or {}).get("selector")
        if not any(labels_match(sel, ((w["spec"]["template"].get("metadata") or {}).get("labels")))
                   for w in stash_pods):
            problems.append("%s: %s selects no logship-stash pods" % (rel, ident(pdb)))
    for rel, w in tree.workloads():
        if w.get("kind") != "DaemonSet":
            continue
        sa = (w["spec"]["template"].get("spec") or {}).get("serviceAccountName")
        ns = (w.get("metadata") or {}).get("namespace")
        if not any((d.get("metadata") or {}).get("namespace") == ns for _, d in tree.find("ServiceAccount", sa)):
            problems.append("%s: %s: serviceAccountName %s is not defined in namespace %s" % (
                rel, ident(w), sa, ns))
            continue
        granted = set()
        for _, b in tree.find("ClusterRoleBinding"):
            if not any(s.get("kind") == "ServiceAccount" and s.get("name") == sa and s.get("namespace") == ns
                       for s in b.get("subjects") or []):
                continue
            for _, role in tree.find("ClusterRole", (b.get("roleRef") or {}).get("name")):
                for rule in role.get("rules") or []:
                    if "" in (rule.get("apiGroups") or []):
                        for res in rule.get("resources") or []:
                            for verb in rule.get("verbs") or []:
                                granted.add((res, verb))
        for res in ("pods", "namespaces", "nodes"):
            for verb in ("get", "list", "watch"):
                if (res, verb) not in granted:
                    problems.append("%s: %s: ServiceAccount %s/%s may not %s %s (add_kubernetes_metadata)" % (
                        rel, ident(w), ns, sa, verb, res))
        if not (w["spec"]["template"].get("spec") or {}).get("tolerations"):
            problems.append("%s: %s has no tolerations: it would skip tainted nodes" % (rel, ident(w)))
    return problems


# ---------------------------------------------------------------------------------- mutations --

def edit_text(rel, old, new):
    """Replaces the first occurrence of old (which must be there) in one file."""
    def apply(root):
        path = os.path.join(root, rel)
        with open(path) as f:
            text = f.read()
        if old not in text:
            raise AssertionError("mutation anchor %r not found in %s" % (old, rel))
        with open(path, "w") as f:
            f.write(text.replace(old, new, 1))
    return apply


def edit_doc(rel, kind, fn):
    """Edits one parsed document (by kind) of a manifest; comments are lost on the copy."""
    def apply(root):
        path = os.path.join(root, rel)
        with open(path) as f:
            docs = [d for d in yaml.safe_load_all(f) if d is not None]
        target = [d for d in docs if d.get("kind") == kind]
        if not target:
            raise AssertionError("no %s in %s" % (kind, rel))
        fn(target[0])
        with open(path, "w") as f:
            yaml.safe_dump_all(docs, f, sort_keys=False)
    return apply


def container(doc, name):
    return next(c for c in doc["spec"]["template"]["spec"]["containers"] if c["name"] == name)


def drop_env(doc, container_name, var):
    c = container(doc, container_name)
    c["env"] = [e for e in c["env"] if e["name"] != var]


SIDE, SIDE_CM = "sidecar/deployment.yaml", "sidecar/configmap.yaml"
STASH, STASH_CM = "stash/deployment.yaml", "stash/configmap.yaml"
NODE, NODE_CM, RBAC = "daemonset/daemonset.yaml", "daemonset/configmap.yaml", "daemonset/rbac.yaml"

# (group, description, mutation, expected substring of a problem)
MUTATIONS = [
    ("schema", "misspelt field", edit_text(SIDE, "livenessProbe:", "livenesProbe:"),
     "'livenesProbe' was unexpected"),
    ("schema", "wrong type", edit_text(STASH, "replicas: 2", "replicas: two"), "is not of type 'integer'"),
    ("schema", "unknown apiVersion", edit_text(STASH, "apiVersion: apps/v1", "apiVersion: apps/v2"),
     "has no schema for kind Deployment in apiVersion apps/v2"),
    ("schema", "missing kustomization resource",
     edit_text("stash/kustomization.yaml", "- poddisruptionbudget.yaml", "- pdb.yaml"),
     "resource pdb.yaml does not exist"),
    ("schema", "manifest in no kustomization",
     edit_text("stash/kustomization.yaml", "  - poddisruptionbudget.yaml\n", ""),
     "stash/poddisruptionbudget.yaml is in no kustomization.yaml"),
    ("configs", "tail config invalid", edit_text(SIDE_CM, "multiline.match: after", "multiline.match: sideways"),
     "fails `logship-tail --check`"),
    ("configs", "tail config key misspelt", edit_text(SIDE_CM, "close_renamed: false", "close_renamd: false"),
     "passes --check but with warnings"),
    ("configs", "env the tail config needs is missing", edit_doc(SIDE, "Deployment", lambda d: drop_env(
        d, "logship-tail", "POD_NAME")), "${POD_NAME} is not set"),
    ("configs", "stash config invalid", edit_text(STASH_CM, '        Index: "courseware-{{yyyy-MM-dd}}"\n', ""),
     "fails `logship-stash --check`"),
    ("configs", "env the stash config needs is missing", edit_doc(STASH, "Deployment", lambda d: drop_env(
        d, "logship-stash", "ES_URL")), "${ES_URL} is not set"),
    ("configs", "config file not where the ConfigMap is mounted",
     edit_text(STASH, '"-f", "/etc/logship/stash.yml"', '"-f", "/etc/logship/go-stash.yml"'),
     "has no key go-stash.yml"),
    ("configs", "DaemonSet config broken beyond the input type",
     edit_text(NODE_CM, "compression: gzip", "compression: brotli"), "with `type: log` instead of `container`"),
    ("wiring", "tail probe port != http.port", edit_text(SIDE_CM, "http.port: 5066", "http.port: 5067"),
     "livenessProbe port 5066 is not the config's admin port 5067"),
    ("wiring", "stash probe port != Prometheus.Port", edit_text(STASH_CM, "Port: 9101", "Port: 9102"),
     "readinessProbe port 9101 is not the config's admin port 9102"),
    ("wiring", "tail admin endpoint on loopback", edit_text(SIDE_CM, "http.host: 0.0.0.0", "http.host: 127.0.0.1"),
     "the admin endpoint listens on '127.0.0.1'"),
    ("wiring", "stash admin endpoint on loopback", edit_text(STASH_CM, "Host: 0.0.0.0", "Host: 127.0.0.1"),
     "the admin endpoint listens on '127.0.0.1'"),
    ("wiring", "tail admin endpoint off", edit_text(SIDE_CM, "http.enabled: true", "http.enabled: false"),
     "http.enabled is not true"),
    ("wiring", "liveness not on /healthz", edit_text(SIDE, "path: /healthz", "path: /metrics"),
     "no livenessProbe on /healthz"),
    ("wiring", "Prometheus annotation port", edit_text(STASH, 'prometheus.io/port: "9101"', 'prometheus.io/port: "9100"'),
     "annotation prometheus.io/port 9100"),
    ("wiring", "registry not on a volume", edit_text(SIDE, "mountPath: /var/lib/logship", "mountPath: /var/lib/other"),
     "path.data '/var/lib/logship' (the registry) is not on a writable volumeMount"),
    ("wiring", "log volume not shared with the service", edit_doc(SIDE, "Deployment", lambda d: container(
        d, "courseware-api").__setitem__("volumeMounts", [])), "is shared with no other container"),
    ("wiring", "runs as root", edit_text(SIDE, "runAsUser: 10001", "runAsUser: 0"), "must run as the image's user"),
    ("wiring", "writable root filesystem", edit_doc(STASH, "Deployment", lambda d: container(
        d, "logship-stash")["securityContext"].__setitem__("readOnlyRootFilesystem", False)),
     "readOnlyRootFilesystem is not true"),
    ("wiring", "no memory limit", edit_doc(SIDE, "Deployment", lambda d: container(
        d, "logship-tail")["resources"]["limits"].pop("memory")), "no resources.limits.memory"),
    ("wiring", "other image", edit_text(STASH, "image: logship:local", "image: kevinwan/go-stash:latest"),
     "image kevinwan/go-stash:latest, not logship:local"),
    ("wiring", "topic mismatch", edit_text(STASH_CM, "- courseware-log\n", "- other-log\n"),
     "ships to topic 'courseware-log', which no logship-stash reads"),
    ("wiring", "PDB selects nothing", edit_doc("stash/poddisruptionbudget.yaml", "PodDisruptionBudget", lambda d: d[
        "spec"]["selector"]["matchLabels"].__setitem__("app.kubernetes.io/name", "go-stash")), "selects no logship-stash pods"),
    ("wiring", "selector does not match", edit_doc(STASH, "Deployment", lambda d: d["spec"]["selector"][
        "matchLabels"].__setitem__("app.kubernetes.io/name", "stash")), "spec.selector does not match"),
    ("wiring", "ConfigMap name typo", edit_doc(STASH, "Deployment", lambda d: d["spec"]["template"]["spec"][
        "volumes"][0]["configMap"].__setitem__("name", "logship-stsh")), "names ConfigMap logship-stsh"),
    ("wiring", "RBAC subject wrong", edit_text(RBAC, "    name: logship-tail\n    namespace: logship",
                                               "    name: filebeat\n    namespace: logship"),
     "may not list pods"),
    ("wiring", "RBAC without nodes", edit_text(RBAC, '["pods", "namespaces", "nodes"]', '["pods", "namespaces"]'),
     "may not watch nodes"),
    ("wiring", "DaemonSet without /var/log/pods", edit_text(NODE, "path: /var/log/pods", "path: /var/log/pod"),
     "/var/log/pods is not mounted read-only from the node"),
    ("wiring", "DaemonSet without tolerations", edit_doc(NODE, "DaemonSet", lambda d: d["spec"]["template"][
        "spec"].pop("tolerations")), "has no tolerations"),
    ("wiring", "wrong namespace", edit_text(STASH, "namespace: logship", "namespace: default"),
     "is in namespace default"),
]


def run_group(group, root, binaries, versions):
    tree = Tree(root)
    if group == "schema":
        return check_schema(tree, versions) + check_kustomize(tree)
    if group == "configs":
        return tree.problems + check_configs(tree, binaries)
    if group == "wiring":
        return tree.problems + check_wiring(tree)
    raise ValueError(group)


def run_mutations(root, binaries):
    problems = []
    for group, what, mutate, expected in MUTATIONS:
        with tempfile.TemporaryDirectory() as tmp:
            copy_root = os.path.join(tmp, "kubernetes")
            shutil.copytree(root, copy_root)
            try:
                mutate(copy_root)
            except (AssertionError, KeyError, StopIteration, IndexError) as e:
                problems.append("mutation %r could not be applied: %r" % (what, e))
                continue
            got = run_group(group, copy_root, binaries, KUBERNETES_VERSIONS[:1])
            if any(expected in p for p in got):
                print("ok: %s check catches: %s" % (group, what))
            else:
                problems.append("the %s check does not catch %r: expected a problem with %r, got:\n  %s" % (
                    group, what, expected, "\n  ".join(got) or "(none)"))
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tail", required=True, help="the logship-tail binary")
    ap.add_argument("--stash", required=True, help="the logship-stash binary")
    ap.add_argument("--root", default=os.path.join(REPO, "deploy", "kubernetes"))
    ap.add_argument("groups", nargs="+", choices=["schema", "configs", "wiring", "mutations"])
    args = ap.parse_args()
    binaries = {"logship-tail": args.tail, "logship-stash": args.stash}
    for name, path in binaries.items():
        if not os.access(path, os.X_OK):
            print("FAILED: %s is not an executable: %s (build it first)" % (name, path))
            return 1
    failed = 0
    for group in args.groups:
        if group == "mutations":
            problems = run_mutations(args.root, binaries)
        else:
            problems = run_group(group, args.root, binaries, KUBERNETES_VERSIONS)
        for p in problems:
            print("FAILED [%s] %s" % (group, p))
        if problems:
            failed += 1
        else:
            extra = " (Kubernetes %s, kubernetes-validate %s)" % (
                ", ".join(KUBERNETES_VERSIONS), kv_utils.__version__) if group == "schema" else ""
            print("ok: %s%s" % (group, extra))
    print("%d passed, %d failed" % (len(args.groups) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
