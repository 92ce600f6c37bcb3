#!/usr/bin/env python3
"""Every field of a config struct is read by code other than the parser that fills it in.

The config layer records which keys of a file were read, and keys read without effect are declared
with Node::noEffect so that --check names them. What it cannot see is a key parsed into a struct
field that nothing ever reads (go-stash's CaFile was parsed into EsOutputConfig::ca_file and never
handed to the HTTP client). This test finds such fields: for each member of the config structs it
looks in src/ for a read, `x.field` or `x->field` that is not the target of an assignment or of
push_back/insert, outside the parsers (they read fields back only to validate them).

Reads are attributed to a struct by the type of the receiver `x` where it can be told: a
parameter, variable or member declared with a config struct's type (`const EsOutputConfig& e`,
`EsClientOptions options`, `KafkaOutputConfig kafka;`). So `options.ca_file` in the HTTP client does
not vouch for EsOutputConfig::ca_file. A receiver of unknown type counts for every struct that
declares the field (no false alarms, at worst a miss).

Usage: config_fields_read_test.py SOURCE_DIR
"""
import pathlib
import re
import sys

HEADERS = [
    "include/logship/tail/tail_config.h",
    "include/logship/tail/logging_config.h",
    "include/logship/stash/config.h",
    "include/logship/kafka/partitioner.h",
    "include/logship/es/es_client.h",
]
NOT_CONFIG = {
    "EsVersion", "HttpResult",      # answers parsed from Elasticsearch, not settings
    "LoadArgs", "HostOverrides",    # command-line inputs, applied by the loaders themselves
}
# The parsers read fields back to validate them (`if (!e.ca_file.empty()) check...`): such a read
# says nothing about whether the setting takes effect, so they do not count.
PARSERS = {"src/tail/tail_config.cpp", "src/tail/kafka_output_config.cpp", "src/tail/logging_config.cpp", "src/stash/config.cpp"}
# Fields whose effect is produced by the parser itself, and where it goes.
APPLIED_BY_PARSER = {
    ("KafkaOutputConfig", "hosts"): "librdkafka's bootstrap.servers (parseKafkaOutput)",
    ("KafkaInputConfig", "prometheus"): "StashConfig::prometheus, first cluster wins (parseStashConfig)",
    ("KafkaInputConfig", "log_level"): "StashConfig::log_level (parseStashConfig)",
    ("KafkaInputConfig", "log_encoding"): "StashConfig::log_encoding (parseStashConfig)",
}

STRUCT_RE = re.compile(r"^struct (\w+) \{$")
# `  type name = default;`, `  type name{default};`, `  type name;` (comments allowed after)
MEMBER_RE = re.compile(
    r"^\s+(?=\S)(?!return|using|static|friend|enum|struct|class)([\w:<>,\s\*&]+?)\s+\*?(\w+)\s*(=[^;]*|\{[^;]*\})?;")
WRITE_SUFFIX = re.compile(r"\s*(=(?!=)|\.push_back\(|\.emplace_back\(|\.insert\(|\.assign\(|\.clear\(\))")
IDENT_BEFORE = re.compile(r"(\w+)\s*(?:\[[^\]]*\]|\(\))?\s*$")


def members(header: pathlib.Path):
    """(struct, field, field type, line) for the plain data members of each top-level struct."""
    out = []
    struct, depth = None, 0
    for no, line in enumerate(header.read_text().splitlines(), 1):
        code = line.split("//", 1)[0]
        m = STRUCT_RE.match(code.strip()) if depth == 0 else None
        if m:
            struct, depth = m.group(1), 1
            continue
        if struct is None:
            continue
        if depth == 1 and "(" not in code:
            mm = MEMBER_RE.match(code)
            if mm:
                out.append((struct, mm.group(2), mm.group(1), no))
        depth += code.count("{") - code.count("}")
        if depth <= 0:
            struct, depth = None, 0
    return out


def declared_types(text, struct_names):
    """identifier -> set of config struct types it is declared with in `text`."""
    names = "|".join(sorted(struct_names))
    decl = re.compile(r"\b(?:\w+::)*(" + names + r")\b\s*(?:const\s*)?[&*]?\s*(\w+)\s*[;,)={\[]")
    found = {}
    for m in decl.finditer(text):
        found.setdefault(m.group(2), set()).add(m.group(1))
    return found


def main():
    root = pathlib.Path(sys.argv[1])
    fields = [(rel, s, f, t, no) for rel in HEADERS for s, f, t, no in members(root / rel) if s not in NOT_CONFIG]
    structs = {s for _, s, _, _, _ in fields}
    declaring = {}
    for _, s, f, _, _ in fields:
        declaring.setdefault(f, set()).add(s)

    files = [p for p in sorted((root / "src").rglob("*")) if p.suffix in (".cpp", ".h")]
    files += sorted((root / "include").rglob("*.h"))
    texts = {str(p.relative_to(root)): p.read_text() for p in files}
    # Members and parameters declared in any header are visible in every file (x.member_.field).
    global_types = {}
    for rel, text in texts.items():
        if rel.endswith(".h"):
            for ident, types in declared_types(text, structs).items():
                global_types.setdefault(ident, set()).update(types)

    read = set(APPLIED_BY_PARSER)  # (struct, field)
    for rel, text in texts.items():
        if rel in PARSERS:
            continue
        local = declared_types(text, structs)
        for field, owners in declaring.items():
            for m in re.finditer(r"(?:\.|->)" + re.escape(field) + r"\b", text):
                if WRITE_SUFFIX.match(text, m.end()):
                    continue
                recv = IDENT_BEFORE.search(text, 0, m.start())
                types = set()
                if recv:
                    types = (local.get(recv.group(1)) or global_types.get(recv.group(1)) or set()) & owners
                for s in (types or owners):
                    read.add((s, field))

    unread = [f"{rel}:{no}: {s}::{f} is parsed but never read" for rel, s, f, _, no in fields if (s, f) not in read]
    if len(fields) < 40:
        print(f"only {len(fields)} config fields found: the header parser no longer matches the headers")
        return 1
    for u in unread:
        print(u)
    print(f"{len(fields)} config fields checked, {len(unread)} never read")
    return 1 if unread else 0


if __name__ == "__main__":
    sys.exit(main())
