// docker/Dockerfile and docker/docker-compose.yml, checked without a Docker engine: the compose file
// is parsed with yaml-cpp, the Dockerfile as text. Every check is a function returning the list of
// problems it finds; the real files must yield none, and each check is also run on a deliberately
// broken copy of the real file to show that it notices the breakage. Also: the Dockerfile builds with
// the classic builder (no BuildKit-only syntax), the build context's .dockerignore, and the runtime
// package list covering every library the daemons link. scripts/docker-test builds and runs both
// files on a real engine (an integration test; see docs/docker.md).
#include <sys/wait.h>
#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "support/paths.h"

namespace fs = std::filesystem;
using logship::testing::readFile;
using logship::testing::sourceDir;
using Problems = std::vector<std::string>;

namespace {

const std::vector<std::string> kServices = {"kafka",          "kafka-init",   "elasticsearch", "kibana",
                                            "courseware-api", "logship-tail", "logship-stash"};
const std::set<std::string> kConditions = {"service_started", "service_healthy", "service_completed_successfully"};

fs::path repo() { return fs::weakly_canonical(sourceDir()); }
fs::path composeDir() { return repo() / "docker"; }
fs::path composePath() { return composeDir() / "docker-compose.yml"; }
fs::path dockerfilePath() { return composeDir() / "Dockerfile"; }

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string joined(const Problems& p) {
  std::string out;
  for (const auto& s : p) out += "  - " + s + "\n";
  return out;
}

// A path named by the compose file or the Dockerfile must exist and stay inside the repository.
std::optional<std::string> repoPathProblem(const fs::path& base, const std::string& rel, const std::string& what) {
  const fs::path root = repo();
  const fs::path p = fs::weakly_canonical(base / rel);
  const std::string inside = p.lexically_relative(root).string();
  if (inside.empty() || inside.rfind("..", 0) == 0)
    return what + " " + rel + " points outside the repository (" + p.string() + ")";
  if (!fs::exists(p)) return what + " " + rel + " does not exist (" + p.string() + ")";
  return std::nullopt;
}

// ------------------------------------------------------------------------------ compose checks --

// yaml-cpp: a missing key of a const node is an invalid node whose Type() throws; test it first.
bool isMap(const YAML::Node& n) { return n && n.IsMap(); }
bool isSeq(const YAML::Node& n) { return n && n.IsSequence(); }
bool isScalar(const YAML::Node& n) { return n && n.IsScalar(); }

std::vector<std::string> scalars(const YAML::Node& n) {  // a scalar or a list of scalars
  std::vector<std::string> out;
  if (!n) return out;
  if (n.IsScalar()) out.push_back(n.as<std::string>());
  if (n.IsSequence())
    for (const auto& item : n)
      if (item.IsScalar()) out.push_back(item.as<std::string>());
  return out;
}

std::string commandLine(const YAML::Node& service) {
  std::string out;
  for (const char* key : {"entrypoint", "command"})
    for (const auto& s : scalars(service[key])) out += s + " ";
  return out;
}

struct Mount {
  std::string type;  // bind | volume
  std::string source;
  std::string target;
};

std::vector<Mount> mounts(const YAML::Node& service) {
  std::vector<Mount> out;
  if (!isSeq(service["volumes"])) return out;
  for (const auto& v : service["volumes"]) {
    Mount m;
    if (v.IsMap()) {
      m.type = v["type"] ? v["type"].as<std::string>() : "volume";
      m.source = v["source"] ? v["source"].as<std::string>() : "";
      m.target = v["target"] ? v["target"].as<std::string>() : "";
    } else {
      std::string s = v.as<std::string>();
      auto colon = s.find(':');
      m.source = s.substr(0, colon);
      std::string rest = colon == std::string::npos ? "" : s.substr(colon + 1);
      m.target = rest.substr(0, rest.find(':'));
      bool is_path = !m.source.empty() && (m.source[0] == '.' || m.source[0] == '/' || m.source[0] == '~');
      m.type = is_path ? "bind" : "volume";
    }
    out.push_back(m);
  }
  return out;
}

// The Dockerfile a service's `build:` resolves to, if any.
std::optional<fs::path> builtDockerfile(const YAML::Node& service) {
  const YAML::Node b = service["build"];
  if (!b) return std::nullopt;
  std::string context = isScalar(b) ? b.as<std::string>() : (b["context"] ? b["context"].as<std::string>() : ".");
  std::string dockerfile = isMap(b) && b["dockerfile"] ? b["dockerfile"].as<std::string>() : "Dockerfile";
  return fs::weakly_canonical(composeDir() / context / dockerfile);
}

Problems checkCompose(const YAML::Node& doc) {
  Problems p;
  const YAML::Node services = doc["services"];
  if (!isMap(services)) return {"no services: mapping"};
  const YAML::Node volumes = doc["volumes"];

  for (const auto& name : kServices)
    if (!services[name]) p.push_back("missing service " + name);

  for (const auto& entry : services) {
    const std::string name = entry.first.as<std::string>();
    const YAML::Node s = entry.second;
    if (!s["image"] && !s["build"]) p.push_back(name + ": neither image nor build");
    for (const auto& m : mounts(s)) {
      if (m.type == "bind") {
        if (auto e = repoPathProblem(composeDir(), m.source, name + ": bind mount")) p.push_back(*e);
      } else if (!m.source.empty() && !(isMap(volumes) && volumes[m.source])) {
        p.push_back(name + ": named volume " + m.source + " is not declared under volumes:");
      }
    }
    const YAML::Node env_files = s["env_file"];
    std::vector<std::string> env_paths = scalars(env_files);
    if (isSeq(env_files))
      for (const auto& e : env_files)
        if (isMap(e) && e["path"] && !(e["required"] && !e["required"].as<bool>()))
          env_paths.push_back(e["path"].as<std::string>());
    for (const auto& e : env_paths)
      if (auto err = repoPathProblem(composeDir(), e, name + ": env_file")) p.push_back(*err);
    if (const YAML::Node b = s["build"]) {
      std::string context = isScalar(b) ? b.as<std::string>() : (b["context"] ? b["context"].as<std::string>() : ".");
      if (auto err = repoPathProblem(composeDir(), context, name + ": build context")) {
        p.push_back(*err);
      } else if (auto df = builtDockerfile(s); !fs::exists(*df)) {
        p.push_back(name + ": build dockerfile " + df->string() + " does not exist");
      }
    }
    const YAML::Node deps = s["depends_on"];
    std::vector<std::string> dep_names = scalars(deps);
    if (isMap(deps)) {
      for (const auto& d : deps) {
        dep_names.push_back(d.first.as<std::string>());
        std::string cond = d.second["condition"] ? d.second["condition"].as<std::string>() : "service_started";
        if (!kConditions.count(cond)) p.push_back(name + ": unknown depends_on condition " + cond);
        const YAML::Node target = services[d.first.as<std::string>()];
        if (cond == "service_healthy" && target && !target["healthcheck"] && !target["build"])
          p.push_back(name + ": waits for " + d.first.as<std::string>() + " to be healthy, which has no healthcheck");
      }
    }
    for (const auto& d : dep_names)
      if (!services[d]) p.push_back(name + ": depends on unknown service " + d);
  }
  // Role checks: each looks only at services that exist (a missing one is reported above).
  auto has = [&](const char* name) { return bool(services[name]); };
  for (const char* name : {"kafka", "elasticsearch", "kibana", "courseware-api"}) {
    const YAML::Node hc = has(name) ? services[name]["healthcheck"] : YAML::Node();
    if (has(name) && !(isMap(hc) && hc["test"])) p.push_back(std::string(name) + ": no healthcheck");
  }

  if (has("kafka-init")) {
    const std::string init = commandLine(services["kafka-init"]);
    if (!contains(init, "--create") || !contains(init, "courseware-log"))
      p.push_back("kafka-init does not create the topic courseware-log: " + init);
    const YAML::Node restart = services["kafka-init"]["restart"];
    if (restart && restart.as<std::string>() != "no") p.push_back("kafka-init must be one-shot (restart: \"no\")");
  }

  const fs::path wanted = fs::weakly_canonical(dockerfilePath());
  for (const char* name : {"logship-tail", "logship-stash"}) {
    if (!has(name)) continue;
    const YAML::Node s = services[name];
    auto df = builtDockerfile(s);
    if (!df && s["image"]) {  // the same image tag as a service that builds it
      for (const auto& other : services)
        if (other.second["image"] && other.second["image"].as<std::string>() == s["image"].as<std::string>())
          if (auto o = builtDockerfile(other.second)) df = o;
    }
    if (!df || *df != wanted) p.push_back(std::string(name) + ": does not run the image built from docker/Dockerfile");
    const YAML::Node dep = isMap(s["depends_on"]) ? s["depends_on"]["kafka-init"] : YAML::Node();
    if (!dep || !dep["condition"] || dep["condition"].as<std::string>() != "service_completed_successfully")
      p.push_back(std::string(name) + ": must wait for kafka-init (condition: service_completed_successfully)");

    // The config file named on the command line is a bind mount of a file in the repository.
    std::vector<std::string> args = scalars(s["command"]);
    if (args.empty() || args[0] != name) p.push_back(std::string(name) + ": command does not start " + name);
    std::string config;
    for (size_t i = 0; i + 1 < args.size(); ++i)
      if (args[i] == "-c" || args[i] == "-f") config = args[i + 1];
    bool mounted = false;
    for (const auto& m : mounts(s))
      if (m.type == "bind" && m.target == config && !config.empty()) mounted = true;
    if (!mounted)
      p.push_back(std::string(name) + ": its config " + (config.empty() ? "(none)" : config) + " is not bind-mounted");
  }
  if (has("logship-tail") && !contains(commandLine(services["logship-tail"]), "output.kafka.hosts=[\"kafka:9092\"]"))
    p.push_back("logship-tail: no -E output.kafka.hosts=[\"kafka:9092\"] override");

  // The sidecar shares the sample service's log volume.
  if (has("logship-tail") && has("courseware-api")) {
    std::set<std::string> service_volumes;
    for (const auto& m : mounts(services["courseware-api"]))
      if (m.type == "volume") service_volumes.insert(m.source);
    bool shared = false;
    for (const auto& m : mounts(services["logship-tail"]))
      if (m.type == "volume" && service_volumes.count(m.source)) shared = true;
    if (!shared) p.push_back("logship-tail does not share a volume with courseware-api");
  }
  return p;
}

Problems checkComposeText(const std::string& text) {
  try {
    return checkCompose(YAML::Load(text));
  } catch (const YAML::Exception& e) {
    return {std::string("does not parse: ") + e.what()};
  }
}

// --------------------------------------------------------------------------- Dockerfile checks --

struct Instruction {
  std::string keyword;  // upper case
  std::string args;
};
struct Stage {
  std::string image;
  std::string name;
  std::vector<Instruction> instructions;
  std::string text() const {
    std::string t;
    for (const auto& i : instructions) t += i.keyword + " " + i.args + "\n";
    return t;
  }
};

std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t b = 0;
  while (b < s.size() && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  return s.substr(b);
}

std::vector<std::string> words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// Logical instructions: comments dropped, `\` continuations joined.
std::vector<Instruction> parseDockerfile(const std::string& text) {
  std::vector<Instruction> out;
  std::istringstream in(text);
  std::string logical;
  for (std::string line; std::getline(in, line);) {
    std::string t = trim(line);
    if (t.empty() || t[0] == '#') continue;
    bool continued = t.back() == '\\';
    if (continued) {
      t.pop_back();
      t = trim(t);
    }
    logical += t + " ";
    if (continued) continue;
    auto ws = words(logical);
    std::string kw = ws[0];
    std::transform(kw.begin(), kw.end(), kw.begin(), [](unsigned char c) { return std::toupper(c); });
    out.push_back({kw, trim(logical.substr(logical.find(ws[0]) + ws[0].size()))});
    logical.clear();
  }
  return out;
}

std::vector<Stage> stages(const std::vector<Instruction>& instructions) {
  std::vector<Stage> out;
  for (const auto& i : instructions) {
    if (i.keyword == "FROM") {
      auto ws = words(i.args);
      Stage s;
      for (size_t k = 0; k < ws.size(); ++k) {
        if (ws[k].rfind("--", 0) == 0) continue;
        if (s.image.empty()) s.image = ws[k];
        std::string lower = ws[k];
        std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
        if (lower == "as" && k + 1 < ws.size()) s.name = ws[k + 1];
      }
      out.push_back(s);
    } else if (!out.empty()) {
      out.back().instructions.push_back(i);
    }
  }
  return out;
}

struct Copy {
  std::string from;  // --from=..., empty for the build context
  std::vector<std::string> sources;
};

Copy parseCopy(const std::string& args) {
  Copy c;
  std::vector<std::string> ws;
  std::string a = trim(args);
  while (a.rfind("--", 0) == 0) {  // options first
    auto end = a.find_first_of(" \t");
    std::string opt = a.substr(0, end);
    if (opt.rfind("--from=", 0) == 0) c.from = opt.substr(7);
    a = end == std::string::npos ? "" : trim(a.substr(end));
  }
  if (!a.empty() && a[0] == '[') {  // JSON form
    try {
      for (const auto& item : YAML::Load(a)) ws.push_back(item.as<std::string>());
    } catch (const YAML::Exception&) {
    }
  } else {
    ws = words(a);
  }
  if (!ws.empty()) ws.pop_back();  // the destination
  c.sources = ws;
  return c;
}

std::set<std::string> packageList(const fs::path& file) {
  std::set<std::string> out;
  std::istringstream in(readFile(file));
  for (std::string line; std::getline(in, line);) {
    line = trim(line);
    if (!line.empty() && line[0] != '#') out.insert(line);
  }
  return out;
}

Problems checkDockerfile(const std::string& text) {
  Problems p;
  auto all = parseDockerfile(text);
  auto st = stages(all);
  if (st.size() < 2) return {"needs at least two FROM stages (build and runtime), found " + std::to_string(st.size())};
  const Stage& build = st.front();
  const Stage& runtime = st.back();
  const std::string bt = build.text(), rt = runtime.text();

  if (build.image.rfind("debian:bookworm", 0) != 0 || contains(build.image, "slim"))
    p.push_back("build stage is not debian:bookworm: " + build.image);
  if (!contains(bt, "packages-build.txt") || !contains(bt, "xargs apt-get install"))
    p.push_back("build stage does not install scripts/packages-build.txt");
  if (!contains(bt, "-G Ninja") || !contains(bt, "logship-tail") || !contains(bt, "logship-stash"))
    p.push_back("build stage does not build logship-tail and logship-stash with CMake + Ninja");
  // The image builds the daemons only: without BUILD_TESTING=OFF it would need GoogleTest.
  if (!contains(bt, "-DBUILD_TESTING=OFF")) p.push_back("build stage does not configure with -DBUILD_TESTING=OFF");

  if (runtime.image != "debian:bookworm-slim")
    p.push_back("runtime stage is not debian:bookworm-slim: " + runtime.image);
  if (!contains(rt, "packages-runtime.txt") || !contains(rt, "xargs apt-get install"))
    p.push_back("runtime stage does not install scripts/packages-runtime.txt");
  if (contains(rt, "packages-build.txt")) p.push_back("runtime stage installs the build packages");

  std::set<std::string> earlier;
  for (size_t i = 0; i + 1 < st.size(); ++i) {
    earlier.insert(std::to_string(i));
    if (!st[i].name.empty()) earlier.insert(st[i].name);
  }
  bool copies_tail = false, copies_stash = false;
  std::string user, healthcheck;
  bool has_cmd = false, has_volume = false;
  for (const auto& i : runtime.instructions) {
    if (i.keyword == "COPY" && contains(i.args, "--from=")) {
      Copy c = parseCopy(i.args);
      if (!earlier.count(c.from)) p.push_back("COPY --from=" + c.from + " names no earlier stage");
      for (const auto& s : c.sources) {
        copies_tail |= contains(s, "logship-tail");
        copies_stash |= contains(s, "logship-stash");
      }
    }
    if (i.keyword == "USER") user = i.args;
    if (i.keyword == "HEALTHCHECK") healthcheck = i.args;
    if (i.keyword == "CMD" || i.keyword == "ENTRYPOINT") has_cmd = true;
    if (i.keyword == "VOLUME" && contains(i.args, "/var/lib/logship")) has_volume = true;
  }
  if (!copies_tail || !copies_stash) p.push_back("runtime stage does not copy both binaries from the build stage");
  std::string uname = user.substr(0, user.find(':'));
  if (uname.empty() || uname == "root" || uname == "0")
    p.push_back("runtime stage must end with a non-root USER, has: '" + user + "'");
  if (!contains(healthcheck, "/healthz")) p.push_back("runtime stage has no HEALTHCHECK on /healthz");
  const auto runtime_packages = packageList(repo() / "scripts/packages-runtime.txt");
  for (const char* tool : {"curl", "wget"})
    if (contains(healthcheck, tool) && !runtime_packages.count(tool))
      p.push_back(std::string("HEALTHCHECK uses ") + tool + ", which scripts/packages-runtime.txt does not install");
  if (!has_cmd) p.push_back("runtime stage has neither CMD nor ENTRYPOINT");
  if (!has_volume) p.push_back("runtime stage declares no VOLUME /var/lib/logship");

  // Every file taken from the build context (the repository root, see docker-compose.yml) exists.
  for (const auto& i : all) {
    if (i.keyword != "COPY" && i.keyword != "ADD") continue;
    Copy c = parseCopy(i.args);
    if (!c.from.empty()) continue;
    if (c.sources.empty()) p.push_back(i.keyword + " without a source: " + i.args);
    for (const auto& s : c.sources)
      if (auto e = repoPathProblem(repo(), s, i.keyword + " source")) p.push_back(*e);
  }
  return p;
}

// The classic builder (Debian 12's docker.io 20.10 has no buildx, so DOCKER_BUILDKIT=0) must be able
// to build the file, and BuildKit must not need a registry: no `# syntax=` parser directive (BuildKit
// would pull that frontend image), and none of the flags or heredocs only BuildKit knows.
Problems checkClassicBuilder(const std::string& text) {
  Problems p;
  std::istringstream in(text);
  static const std::regex directive(R"(^\s*#\s*syntax\s*=.*)", std::regex::icase);
  for (std::string line; std::getline(in, line);)
    if (std::regex_match(line, directive)) p.push_back("parser directive needs BuildKit: " + trim(line));
  const std::map<std::string, std::set<std::string>> allowed = {
      {"COPY", {"--from", "--chown"}}, {"ADD", {"--chown"}}, {"RUN", {}}};
  for (const auto& i : parseDockerfile(text)) {
    auto a = allowed.find(i.keyword);
    if (a == allowed.end()) continue;
    std::string rest;
    for (const auto& w : words(i.args)) {
      if (!rest.empty() || w.rfind("--", 0) != 0) {  // options come first
        rest += w + " ";
        continue;
      }
      std::string opt = w.substr(0, w.find('='));
      if (!a->second.count(opt))
        p.push_back(i.keyword + " " + opt + " is BuildKit-only (the classic builder rejects it)");
    }
    if (rest.rfind("<<", 0) == 0) p.push_back(i.keyword + " heredoc is BuildKit-only: " + trim(rest));
  }
  return p;
}

// The build context is the repository root; the classic builder reads only <context>/.dockerignore
// (BuildKit would prefer a docker/Dockerfile.dockerignore, so there must be none: one list).
Problems checkDockerignore(const std::string& text) {
  Problems p;
  std::set<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    line = trim(line);
    if (!line.empty() && line[0] != '#') lines.insert(line);
  }
  for (const char* must : {".git", "build", "build-*"})
    if (!lines.count(must)) p.push_back(std::string(".dockerignore does not exclude ") + must);
  for (const char* needed : {"src", "include", "tests", "scripts", "CMakeLists.txt", "*"})
    if (lines.count(needed))
      p.push_back(std::string(".dockerignore excludes ") + needed + ", which the Dockerfile copies");
  return p;
}

// Runtime libraries: every shared library the daemons link directly (NEEDED) must come from a
// package of scripts/packages-runtime.txt, or from one every Debian image has. `libs` maps each
// library to its Debian package (from dpkg -S on this build machine, a Debian 12 like the image).
const std::set<std::string> kInEveryDebianImage = {"libc6", "libgcc-s1", "libstdc++6"};
Problems checkRuntimePackages(const std::map<std::string, std::string>& libs, const std::set<std::string>& listed) {
  Problems p;
  for (const auto& [lib, pkg] : libs) {
    if (pkg.empty())
      p.push_back(lib + ": no Debian package owns it");
    else if (!listed.count(pkg) && !kInEveryDebianImage.count(pkg))
      p.push_back(lib + " (package " + pkg + ") is not in scripts/packages-runtime.txt");
  }
  return p;
}

std::string output(const std::string& cmd) {
  std::string out;
  std::unique_ptr<FILE, int (*)(FILE*)> f(popen((cmd + " 2>/dev/null").c_str(), "r"), pclose);
  if (!f) return out;
  std::array<char, 4096> buf{};
  for (size_t n; (n = fread(buf.data(), 1, buf.size(), f.get())) > 0;) out.append(buf.data(), n);
  return out;
}

std::string quoted(const std::string& s) { return "'" + s + "'"; }

// Package owning each path, from one `dpkg -S` call ("pkg:arch: path" lines; unknown paths are absent).
std::map<std::string, std::string> owners(const std::vector<std::string>& paths) {
  std::map<std::string, std::string> out;
  std::string cmd = "dpkg -S";
  for (const auto& p : paths) cmd += " " + quoted(p);
  std::istringstream in(output(cmd));
  for (std::string line; std::getline(in, line);) {
    auto sep = line.find(": ");
    if (sep == std::string::npos) continue;
    std::string pkg = line.substr(0, sep);
    pkg = pkg.substr(0, pkg.find_first_of(":,"));
    out[trim(line.substr(sep + 2))] = pkg;
  }
  return out;
}

// NEEDED entries of both daemons -> path (ldd) -> owning package (dpkg -S, with and without /usr:
// dpkg records a merged-/usr system's libraries under either prefix).
std::map<std::string, std::string> linkedLibraryPackages() {
  std::map<std::string, std::vector<std::string>> candidates;  // library -> paths to ask dpkg about
  for (const char* bin : {"logship-tail", "logship-stash"}) {
    const std::string path = logship::testing::daemonPath(bin).string();
    std::map<std::string, std::string> where;
    std::istringstream ldd(output("ldd " + quoted(path)));
    for (std::string line; std::getline(ldd, line);) {
      auto w = words(line);
      if (w.size() >= 3 && w[1] == "=>") where[w[0]] = w[2];
    }
    std::istringstream dyn(output("objdump -p " + quoted(path)));
    for (std::string line; std::getline(dyn, line);) {
      auto w = words(line);
      if (w.size() != 2 || w[0] != "NEEDED") continue;
      auto& c = candidates[w[1]];
      const std::string lib_path = where[w[1]];
      if (lib_path.empty() || !c.empty()) continue;
      std::error_code ec;
      c = {lib_path, lib_path.rfind("/usr/", 0) == 0 ? lib_path.substr(4) : "/usr" + lib_path,
           fs::canonical(lib_path, ec).string()};
    }
  }
  std::vector<std::string> all;
  for (const auto& [lib, paths] : candidates) all.insert(all.end(), paths.begin(), paths.end());
  const auto owner = owners(all);
  std::map<std::string, std::string> out;
  for (const auto& [lib, paths] : candidates) {
    out[lib] = "";
    for (const auto& p : paths)
      if (auto it = owner.find(p); it != owner.end() && out[lib].empty()) out[lib] = it->second;
  }
  return out;
}

// ---------------------------------------------------------------------------------- helpers --

void expectProblem(const Problems& p, const std::string& needle) {
  bool found = std::any_of(p.begin(), p.end(), [&](const std::string& s) { return contains(s, needle); });
  EXPECT_TRUE(found) << "expected a problem mentioning '" << needle << "', got:\n" << joined(p);
}

// Replaces `from` (which must occur in `text`) with `to`.
std::string mutate(std::string text, const std::string& from, const std::string& to) {
  auto pos = text.find(from);
  EXPECT_NE(pos, std::string::npos) << "mutation anchor not found: " << from;
  if (pos != std::string::npos) text.replace(pos, from.size(), to);
  return text;
}

YAML::Node realCompose() { return YAML::LoadFile(composePath().string()); }
std::string realDockerfile() { return readFile(dockerfilePath()); }

// ------------------------------------------------------------------------------------- tests --

TEST(DockerCompose, ParsesAndPassesEveryCheck) {
  YAML::Node doc;
  ASSERT_NO_THROW(doc = realCompose());
  Problems p = checkCompose(doc);
  EXPECT_TRUE(p.empty()) << joined(p);
}

TEST(DockerCompose, BrokenYamlIsReported) {
  expectProblem(checkComposeText(readFile(composePath()) + "\n  bad: [unclosed\n"), "does not parse");
}

TEST(DockerCompose, MissingServiceIsReported) {
  YAML::Node doc = realCompose();
  doc["services"].remove("kibana");
  expectProblem(checkCompose(doc), "missing service kibana");
}

TEST(DockerCompose, MissingBindMountIsReported) {
  std::string text = mutate(readFile(composePath()), "./stash.yml:", "./no-such-stash.yml:");
  expectProblem(checkComposeText(text), "bind mount ./no-such-stash.yml does not exist");
}

TEST(DockerCompose, BindMountOutsideTheRepositoryIsReported) {
  std::string text = mutate(readFile(composePath()), "../scripts/gen-logs:", "/etc/hostname:");
  expectProblem(checkComposeText(text), "points outside the repository");
}

TEST(DockerCompose, MissingEnvFileIsReported) {
  YAML::Node doc = realCompose();
  doc["services"]["logship-stash"]["env_file"] = "./no-such.env";
  expectProblem(checkCompose(doc), "env_file ./no-such.env does not exist");
}

TEST(DockerCompose, MissingBuildContextIsReported) {
  std::string text = mutate(readFile(composePath()), "context: ..", "context: ../no-such-dir");
  expectProblem(checkComposeText(text), "build context ../no-such-dir does not exist");
}

TEST(DockerCompose, DaemonsMustRunTheImageBuiltFromTheDockerfile) {
  YAML::Node doc = realCompose();
  doc["services"]["logship-stash"].remove("build");
  doc["services"]["logship-stash"]["image"] = "kevinwan/go-stash:latest";
  expectProblem(checkCompose(doc), "logship-stash: does not run the image built from docker/Dockerfile");

  doc = realCompose();
  doc["services"]["logship-tail"]["build"]["dockerfile"] = "docker-compose.yml";
  expectProblem(checkCompose(doc), "logship-tail: does not run the image built from docker/Dockerfile");
}

TEST(DockerCompose, TopicCreationMustGateTheDaemons) {
  YAML::Node doc = realCompose();
  doc["services"]["logship-tail"]["depends_on"]["kafka-init"]["condition"] = "service_started";
  expectProblem(checkCompose(doc), "logship-tail: must wait for kafka-init");

  doc = realCompose();
  doc["services"]["kafka-init"]["command"] = YAML::Load("[--bootstrap-server, kafka:9092, --list]");
  expectProblem(checkCompose(doc), "kafka-init does not create the topic courseware-log");
}

TEST(DockerCompose, DependenciesAndHealthchecksAreConsistent) {
  YAML::Node doc = realCompose();
  doc["services"]["elasticsearch"].remove("healthcheck");
  expectProblem(checkCompose(doc), "waits for elasticsearch to be healthy, which has no healthcheck");

  doc = realCompose();
  doc["services"]["logship-stash"]["depends_on"]["zookeeper"]["condition"] = "service_started";
  expectProblem(checkCompose(doc), "depends on unknown service zookeeper");
}

TEST(DockerCompose, DaemonConfigMustBeMounted) {
  std::string text = mutate(readFile(composePath()), "/etc/logship/filebeat.yml:ro", "/etc/other.yml:ro");
  expectProblem(checkComposeText(text), "logship-tail: its config /etc/logship/filebeat.yml is not bind-mounted");
}

TEST(DockerCompose, UndeclaredNamedVolumeIsReported) {
  YAML::Node doc = realCompose();
  doc["volumes"].remove("tail-data");
  expectProblem(checkCompose(doc), "named volume tail-data is not declared");
}

TEST(Dockerfile, PassesEveryCheck) {
  Problems p = checkDockerfile(realDockerfile());
  EXPECT_TRUE(p.empty()) << joined(p);
}

TEST(Dockerfile, NeedsTwoStages) {
  std::string text = realDockerfile();
  // Drop everything from the runtime stage's FROM on.
  auto pos = text.find("FROM debian:bookworm-slim");
  ASSERT_NE(pos, std::string::npos);
  expectProblem(checkDockerfile(text.substr(0, pos)), "at least two FROM stages");
}

TEST(Dockerfile, BuildStageMustUseTheSharedPackageList) {
  std::string text = realDockerfile();
  text = mutate(text, "grep -v '^#' /tmp/packages-build.txt", "echo g++ cmake");
  text = mutate(text, "COPY scripts/packages-build.txt /tmp/packages-build.txt", "");
  expectProblem(checkDockerfile(text), "build stage does not install scripts/packages-build.txt");
}

TEST(Dockerfile, RuntimeStageMustUseTheRuntimePackageList) {
  std::string text = realDockerfile();
  text = mutate(text, "COPY scripts/packages-runtime.txt /tmp/packages-runtime.txt", "");
  text = mutate(text, "grep -v '^#' /tmp/packages-runtime.txt", "echo librdkafka1");
  text = mutate(text, "rm -rf /var/lib/apt/lists/* /tmp/packages-runtime.txt", "true");
  expectProblem(checkDockerfile(text), "runtime stage does not install scripts/packages-runtime.txt");
}

TEST(Dockerfile, MustNotRunAsRoot) {
  expectProblem(checkDockerfile(mutate(realDockerfile(), "USER logship:logship", "USER root")), "non-root USER");
  expectProblem(checkDockerfile(mutate(realDockerfile(), "USER logship:logship", "USER 0:0")), "non-root USER");
  expectProblem(checkDockerfile(mutate(realDockerfile(), "USER logship:logship", "")), "non-root USER");
}

TEST(Dockerfile, NeedsHealthcheckOnHealthz) {
  expectProblem(checkDockerfile(mutate(realDockerfile(), "\"/healthz\"", "\"/metrics\"")), "HEALTHCHECK on /healthz");
  expectProblem(checkDockerfile(mutate(realDockerfile(), "CMD [\"/usr/local/bin/logship-healthcheck\", \"/healthz\"]",
                                       "CMD curl -fsS http://127.0.0.1:5066/healthz")),
                "HEALTHCHECK uses curl");
}

TEST(Dockerfile, CopySourcesMustExist) {
  expectProblem(checkDockerfile(mutate(realDockerfile(), "COPY include /src/include", "COPY includes /src/include")),
                "COPY source includes does not exist");
  expectProblem(checkDockerfile(mutate(realDockerfile(), "docker/healthcheck.sh", "docker/no-such-healthcheck.sh")),
                "COPY source docker/no-such-healthcheck.sh does not exist");
}

TEST(Dockerfile, RuntimeCopiesBothBinariesFromAnEarlierStage) {
  expectProblem(checkDockerfile(mutate(realDockerfile(), "/build/logship-stash /usr/local/bin/", "/usr/local/bin/")),
                "copy both binaries");
  expectProblem(checkDockerfile(mutate(realDockerfile(), "COPY --from=build", "COPY --from=builder")),
                "COPY --from=builder names no earlier stage");
}

TEST(Dockerfile, BuildsWithTheClassicBuilder) {
  Problems p = checkClassicBuilder(realDockerfile());
  EXPECT_TRUE(p.empty()) << joined(p);
  expectProblem(checkClassicBuilder("# syntax=docker/dockerfile:1\n" + realDockerfile()), "parser directive");
  expectProblem(checkClassicBuilder("#Syntax = docker/dockerfile:1.7\n" + realDockerfile()), "parser directive");
  expectProblem(checkClassicBuilder(
                    mutate(realDockerfile(), "COPY docker/healthcheck.sh", "COPY --chmod=0755 docker/healthcheck.sh")),
                "COPY --chmod is BuildKit-only");
  expectProblem(checkClassicBuilder(mutate(realDockerfile(), "COPY --from=build", "COPY --link --from=build")),
                "COPY --link is BuildKit-only");
  expectProblem(
      checkClassicBuilder(mutate(realDockerfile(), "RUN cmake", "RUN --mount=type=cache,target=/root/.ccache cmake")),
      "RUN --mount is BuildKit-only");
  expectProblem(checkClassicBuilder(mutate(realDockerfile(), "RUN chmod 0755 /usr/local/bin/logship-healthcheck",
                                           "RUN <<EOF\nchmod 0755 /usr/local/bin/logship-healthcheck\nEOF")),
                "heredoc is BuildKit-only");
  // What the classic builder does accept is not reported.
  EXPECT_TRUE(checkClassicBuilder("FROM a AS b\nCOPY --chown=1:1 x /y\nFROM c\nCOPY --from=b /y /z\n").empty());
}

TEST(Dockerfile, BuildContextIgnoreFileIsAtTheRoot) {
  ASSERT_TRUE(fs::exists(repo() / ".dockerignore")) << "the classic builder reads only <context>/.dockerignore";
  EXPECT_FALSE(fs::exists(composeDir() / "Dockerfile.dockerignore"))
      << "BuildKit would use docker/Dockerfile.dockerignore instead of .dockerignore: keep one list";
  const std::string text = readFile(repo() / ".dockerignore");
  Problems p = checkDockerignore(text);
  EXPECT_TRUE(p.empty()) << joined(p);
  expectProblem(checkDockerignore(mutate(text, "\nbuild\n", "\n")), "does not exclude build");
  expectProblem(checkDockerignore(text + "src\n"), "excludes src");
}

TEST(DockerRuntimePackages, CoverEveryLibraryTheDaemonsLink) {
  if (output("command -v dpkg").empty() || output("command -v objdump").empty())
    GTEST_SKIP() << "needs dpkg and objdump (a Debian build machine)";
  const auto libs = linkedLibraryPackages();
  ASSERT_GE(libs.size(), 8u) << "objdump -p found too few NEEDED libraries";
  ASSERT_TRUE(libs.count("librdkafka.so.1")) << "the daemons link librdkafka";
  const auto listed = packageList(repo() / "scripts/packages-runtime.txt");
  Problems p = checkRuntimePackages(libs, listed);
  EXPECT_TRUE(p.empty()) << joined(p);

  // The list as it was before issue 9 (libhowardhinnant-date3 is no Debian package) is caught.
  auto old_list = listed;
  old_list.erase("libdate-tz3");
  old_list.insert("libhowardhinnant-date3");
  expectProblem(checkRuntimePackages(libs, old_list), "libdate-tz.so.3 (package libdate-tz3) is not in");
  auto no_kafka = listed;
  no_kafka.erase("librdkafka1");
  expectProblem(checkRuntimePackages(libs, no_kafka), "librdkafka.so.1 (package librdkafka1)");
}

TEST(Dockerfile, ContinuationsAndCommentsAreParsed) {
  auto ins =
      parseDockerfile("# c\nFROM a AS b\nRUN x \\\n  # inner comment\n  y\ncopy --chmod=0755 [\"p q\", \"/d\"]\n");
  ASSERT_EQ(ins.size(), 3u);
  EXPECT_EQ(ins[1].keyword, "RUN");
  EXPECT_EQ(ins[1].args, "x y");
  EXPECT_EQ(ins[2].keyword, "COPY");
  EXPECT_EQ(parseCopy(ins[2].args).sources, std::vector<std::string>{"p q"});
}

// The daemons themselves accept the configs that compose mounts (`--check`, exit 0).
int runCheck(const std::string& bin, const std::string& flag, const fs::path& config) {
  std::string cmd = "'" + logship::testing::daemonPath(bin).string() + "' " + flag + " '" + config.string() +
                    "' --check >/dev/null 2>&1 </dev/null";
  int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

TEST(DockerConfigs, DaemonsAcceptTheMountedConfigs) {
  EXPECT_EQ(runCheck("logship-tail", "-c", composeDir() / "filebeat.yml"), 0);
  EXPECT_EQ(runCheck("logship-stash", "-f", composeDir() / "stash.yml"), 0);
}

}  // namespace
