#!/usr/bin/env python3
"""The documentation says what the code does (issue 13, section 4).

Reads README.md and docs/*.md and asks the real `anarchy` binary:
  flags    every flag a doc shows on an `anarchy SUB` command line is in `anarchy SUB --help`;
           every flag in backticks elsewhere is in some subcommand's help; every flag of every
           help is documented somewhere; a documented value of a flag with a fixed set of values
           is accepted, and a list of them (`--clock cpu|wall`) is the whole set
  formats  the `-o` extension lists (README, exact-mode.md, the -o help) are the writers' table,
           which the binary prints when an extension is unknown; formats.md's table matches it
           and its names are what `anarchy report --format` accepts
  config   exact-mode.md's example config file is accepted
  JSON     every key report-schema.md documents is in real reports (exact, sampling, hybrid,
           a diff), with the documented type, and every key of those reports is documented;
           keys documented as present "only when" something are checked when present

Usage: docs_match_code.py ANARCHY SOURCE_DIR. Prints every mismatch; exit status 1 if any.
"""
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

FLAG = re.compile(r"^(--[a-z][a-z0-9-]*|-[a-zA-Z])$")
SUBCOMMANDS = ("run", "profile", "fmt", "report")
REPORT_SUBCOMMANDS = ("diff", "merge")

problems = []
checked = {"flag mentions": 0, "flag values": 0, "formats": 0, "JSON keys": 0, "JSON objects": 0}


def problem(text):
    problems.append(text)


def run(anarchy, args, cwd=None):
    return subprocess.run([anarchy, *args], capture_output=True, text=True, cwd=cwd)


# ---- what the binary says ------------------------------------------------------------------

def help_flags(anarchy, command):
    """The flags `anarchy COMMAND --help` lists (short and long), and the help text. Spellings
    of one option (`-o,--output`) are listed together: [["-o", "--output"], ["--rate"], ...]."""
    out = run(anarchy, [*command, "--help"]).stdout
    options = []
    for line in out.splitlines():
        match = re.match(r"^\s{2}((?:-[a-zA-Z],)?--[a-z][a-z0-9-]*|-[a-zA-Z])\b", line)
        if match:
            options.append(match.group(1).split(","))
    if not options:
        problem(f"`anarchy {' '.join(command)} --help` lists no flags:\n{out}")
    return options, out


def enumerated_values(anarchy, command, flag, missing_input):
    """The values a flag accepts, from the error a bad value gets ("--clock must be wall or cpu"),
    or None when the error does not list them (the flag takes a number, a file...)."""
    err = run(anarchy, [*command, flag, "no-such-value", missing_input]).stderr
    match = re.search(re.escape(flag) + r" must be (?:one of )?([a-z][a-z, -]*?) or ([a-z-]+)\b", err)
    if not match:
        return None
    return {v.strip() for v in match.group(1).split(",")} | {match.group(2)}


def value_accepted(anarchy, command, flag, value, missing_input):
    """A value is accepted when the run gets past the flags to the missing input file."""
    err = run(anarchy, [*command, flag, value, missing_input]).stderr
    return missing_input in err and f"{flag} must be" not in err


def writers_table(anarchy, tmp):
    """{format name: extension}, as the binary lists them for an unknown extension."""
    err = run(anarchy, ["profile", "-o", os.path.join(tmp, "x.unknown"), "x.ai"]).stderr
    match = re.search(r"known: ([^)]*\)(?:, [^)]*\))*)", err)
    if not match:
        problem(f"`anarchy profile -o x.unknown` does not list the known formats: {err}")
        return {}
    return dict(re.findall(r"([a-z-]+) \((\.[a-z.]+)\)", match.group(1)))


# ---- what the docs say ---------------------------------------------------------------------

def doc_files(root):
    return [os.path.join(root, "README.md")] + sorted(glob.glob(os.path.join(root, "docs", "*.md")))


def code_blocks(text):
    """The lines of the fenced code blocks."""
    lines, inside = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            inside = not inside
        elif inside:
            lines.append(line)
    return lines


def command_of(tokens):
    """(subcommand path, the tokens after it) of `anarchy ...` tokens (without 'anarchy'). A
    message the command prints (`anarchy report diff: ...`) names its command with a colon."""
    if tokens and tokens[0].rstrip(":") != tokens[0]:
        tokens = [tokens[0].rstrip(":")] + tokens[1:]
    elif len(tokens) > 1 and tokens[0] == "report" and tokens[1].endswith(":"):
        tokens = [tokens[0], tokens[1].rstrip(":")] + tokens[2:]
    if tokens and tokens[0] in SUBCOMMANDS:
        if tokens[0] == "report" and len(tokens) > 1 and tokens[1] in REPORT_SUBCOMMANDS:
            return (tokens[0], tokens[1]), tokens[2:]
        return (tokens[0],), tokens[1:]
    return (), tokens


def flag_mentions(text):
    """(flag, the word after it) for each flag in a piece of a command line or a comment."""
    words = [w.strip("[](),;:`") for w in text.split()]
    mentions = []
    for i, word in enumerate(words):
        if FLAG.match(word):
            mentions.append((word, words[i + 1] if i + 1 < len(words) else ""))
    return mentions


def documented_commands(path):
    """(command, flag, next word, where) for every flag on an `anarchy` command line of a code
    block (with its indented continuation lines) or in an inline `anarchy ...` span."""
    text = open(path).read()
    name = os.path.relpath(path, os.path.dirname(os.path.dirname(path))) if "/docs/" in path \
        else os.path.basename(path)
    found = []
    current = None
    for line in code_blocks(text):
        stripped = line.strip()
        if stripped.startswith("anarchy "):
            current, rest = command_of(stripped.split()[1:])
            found += [(current, f, nxt, f"{name}: {stripped}") for f, nxt in flag_mentions(" ".join(rest))]
        elif current is not None and line[:1].isspace() and stripped.startswith(("#", "[", "-")):
            found += [(current, f, nxt, f"{name}: {stripped}") for f, nxt in flag_mentions(stripped)]
        else:
            current = None
    for span in re.findall(r"`(anarchy [^`]*)`", text):
        command, rest = command_of(span.split()[1:])
        found += [(command, f, nxt, f"{name}: `{span}`") for f, nxt in flag_mentions(" ".join(rest))]
    return found, name


def documented_loose_flags(path, name):
    """(flag, next word, where) for inline spans and table cells that start with a flag.
    benchmarks.md is left out: its flags are the bench scripts' (`--runs`)."""
    if name.endswith("benchmarks.md"):
        return []
    text = open(path).read()
    return [(f, nxt, f"{name}: `{span}`") for span in re.findall(r"`(--[a-z][^`]*)`", text)
            for f, nxt in flag_mentions(span)[:1]]


def check_flags(anarchy, root, tmp):
    helps, options = {}, {}
    for command in [(), *((s,) for s in SUBCOMMANDS), *(("report", s) for s in REPORT_SUBCOMMANDS)]:
        options[command] = help_flags(anarchy, command)[0]
        helps[command] = {flag for spellings in options[command] for flag in spellings}
    everywhere = set().union(*helps.values())
    missing_program = os.path.join(tmp, "missing.ai")
    documented = set()
    mentions = []
    for path in doc_files(root):
        commands, name = documented_commands(path)
        for command, flag, nxt, where in commands:
            documented.add((command, flag))
            if flag not in helps.get(command, set()):
                problem(f"{where}\n  `{flag}` is not an option of `anarchy {' '.join(command)}` "
                        f"(its --help lists {sorted(helps.get(command, set()))})")
            mentions.append((command, flag, nxt, where))
            checked["flag mentions"] += 1
        for flag, nxt, where in documented_loose_flags(path, name):
            documented.add(("*", flag))
            checked["flag mentions"] += 1
            if flag not in everywhere:
                problem(f"{where}\n  `{flag}` is not an option of any anarchy command")
            if flag in helps[("profile",)]:  # values are checked for `anarchy profile` flags
                mentions.append((("profile",), flag, nxt, where))
    for command, spellings_list in options.items():
        for spellings in spellings_list:
            if "--help" in spellings or any((command, f) in documented or ("*", f) in documented
                                            for f in spellings):
                continue
            problem(f"`anarchy {' '.join(command)} {spellings[-1]}` is documented nowhere "
                    "(README.md or docs/*.md)")
    check_flag_values(anarchy, mentions, missing_program)


def check_flag_values(anarchy, mentions, missing_program):
    """Documented values of flags with a fixed set of values (--mode, --clock, --delivery...)."""
    sets = {}
    for command, flag, nxt, where in mentions:
        if command != ("profile",) or not re.fullmatch(r"[a-z]+(\|[a-z]+)*", nxt or "-"):
            continue
        key = (command, flag)
        if key not in sets:
            sets[key] = enumerated_values(anarchy, command, flag, missing_program)
        accepted = sets[key]
        if accepted is None:
            continue
        values = nxt.split("|")
        checked["flag values"] += len(values)
        for value in values:
            if value not in accepted or not value_accepted(anarchy, command, flag, value, missing_program):
                problem(f"{where}\n  `{flag} {value}`: the binary accepts {sorted(accepted)}")
        if len(values) > 1 and set(values) != accepted:
            problem(f"{where}\n  `{flag} {nxt}` lists {sorted(values)}; the binary accepts {sorted(accepted)}")


# ---- formats -------------------------------------------------------------------------------

def check_formats(anarchy, root, tmp):
    table = writers_table(anarchy, tmp)
    if not table:
        return
    extensions = set(table.values())
    readme = open(os.path.join(root, "README.md")).read()
    match = re.search(r"-o picks the format by extension:((?:\s*#?\s*\.[a-z.]+)+)", readme)
    if not match:
        problem("README.md: no '-o picks the format by extension: ...' list")
    elif set(re.findall(r"\.[a-z.]*[a-z]", match.group(1))) != extensions:
        problem(f"README.md: -o extensions {sorted(set(re.findall(r'[.][a-z.]*[a-z]', match.group(1))))}, "
                f"the writers' table has {sorted(extensions)}")
    exact = open(os.path.join(root, "docs", "exact-mode.md")).read()
    match = re.search(r"its format chosen by the\s+extension:(.*?)Any other", exact, re.S)
    listed = set(re.findall(r"`(\.[a-z.]+)`", match.group(1))) if match else set()
    if listed != extensions:
        problem(f"docs/exact-mode.md: -o extensions {sorted(listed)}, the writers' table has {sorted(extensions)}")
    _, help_text = help_flags(anarchy, ("profile",))
    match = re.search(r"-o,--output.*?format by extension \(([^)]*)\)", help_text, re.S)
    listed = set(re.findall(r"\.[a-z.]*[a-z]", match.group(1))) if match else set()
    if listed != extensions:
        problem(f"`anarchy profile --help`: -o extensions {sorted(listed)}, the writers' table has "
                f"{sorted(extensions)}")
    formats = open(os.path.join(root, "docs", "formats.md")).read()
    rows = re.findall(r"^\| `([a-z-]+)` \| `(\.[a-z.]+)` \|", formats, re.M)
    if not rows:
        problem("docs/formats.md: no `name` | `.extension` table")
    checked["formats"] += len(extensions) + len(rows)
    for name, extension in rows:
        if table.get(name) != extension:
            problem(f"docs/formats.md: `{name}` `{extension}`; the writers' table has "
                    f"{name} -> {table.get(name)}")
        err = run(anarchy, ["report", os.path.join(tmp, "missing.json"), "--format", name]).stderr
        if "--format must be" in err:
            problem(f"docs/formats.md: `anarchy report --format {name}` is refused: {err.strip()}")


# ---- the config file -----------------------------------------------------------------------

def check_config_example(anarchy, root, tmp):
    """exact-mode.md's example config file is one the binary accepts, key for key."""
    text = open(os.path.join(root, "docs", "exact-mode.md")).read()
    match = re.search(r"```toml\n(.*?)```", text, re.S)
    if not match:
        problem("docs/exact-mode.md: no ```toml example config")
        return
    config = os.path.join(tmp, "example.toml")
    with open(config, "w") as f:
        f.write(match.group(1))
    program = os.path.join(tmp, "tiny.ai")
    with open(program, "w") as f:
        f.write("m{ main(){ return 0; } }\n")
    r = run(anarchy, ["profile", "--config", config, "-o", "example.json", program], cwd=tmp)
    if r.returncode != 0:
        problem(f"docs/exact-mode.md: the example config is refused ({r.returncode}): {r.stderr.strip()}")


# ---- JSON keys -----------------------------------------------------------------------------

PROGRAM = """m{
  fib(n){ if (n < 2) return n; return fib(n - 1) + fib(n - 2); }
  churn(){ for (i = 0; i < 30000; i++) { a = {}; b = {p: a}; a.q = b; } return 0; }
  main(){ t = 0; for (k = 0; k < 4; k++) { t = t + fib(17); } churn(); print(t); return 0; }
}
"""

# Where each section's table describes objects: a JSON path, `[]` for every element of an
# array, `**` for every node of the call_graph tree.
SECTION_PATHS = {
    "Top level": "",
    "`session`": "session",
    "`time_metrics`": "time_metrics.functions[]",
    "`memory_metrics`": "memory_metrics",
    "`operation_metrics`": "operation_metrics",
    "`call_graph`": "call_graph**",
    "`profiler`": "profiler",
    "`sampling`": "sampling",
    "`nodes`": "nodes[]",
}
# String keys with a fixed set of values: each value a report holds is named (in backticks) in
# the key's meaning.
ENUMERATED = {("`session`", "mode"), ("`session`", "granularity"), ("`sampling`", "clock"),
              ("`sampling`", "delivery"), ("`time_metrics`", "kind"), ("`call_graph`", "kind")}
# The keys whose sampled estimates carry a 95% interval (`<key>_ci95`).
CI95_KEYS = {"duration_ms", "self_ms", "percentage", "self_percentage"}
TYPES = {"int": (int,), "number": (int, float), "string": (str,), "bool": (bool,),
         "object": (dict,), "array": (list,)}


def make_reports(anarchy, tmp):
    """The reports the JSON checks read: {name: parsed JSON}, and a diff's --json output."""
    program = os.path.join(tmp, "keys.ai")
    with open(program, "w") as f:
        f.write(PROGRAM)
    depth = os.path.join(tmp, "depth.toml")
    with open(depth, "w") as f:
        f.write("[output]\nmax_call_stack_depth = 3\n")
    runs = {
        "exact": ["--mode", "exact", "-o", "exact.json", "-o", "exact.trace.json"],
        "exact-cut": ["--mode", "exact", "--config", depth, "-o", "cut.json"],
        "sampling": ["--mode", "sampling", "--rate", "2000", "-o", "sampling.json"],
        "hybrid": ["--mode", "hybrid", "--rate", "2000", "-o", "hybrid.json"],
    }
    reports = {}
    for name, flags in runs.items():
        r = run(anarchy, ["profile", "--label", "k=v", *flags, program], cwd=tmp)
        if r.returncode != 0:
            problem(f"anarchy profile {' '.join(flags)} failed ({r.returncode}): {r.stderr}")
            continue
        reports[name] = json.load(open(os.path.join(tmp, flags[flags.index("-o") + 1])))
    diff = run(anarchy, ["report", "diff", "exact.json", "cut.json", "--json"], cwd=tmp)
    try:
        reports["diff"] = json.loads(diff.stdout)
    except ValueError:
        problem(f"anarchy report diff --json printed no JSON ({diff.returncode}): {diff.stderr}")
    return reports


def schema_sections(text):
    """{section title: [(keys, type cell, meaning cell)]} from report-schema.md's tables, plus
    the `{a, b, c}` object lists in the text: {where: [keys]}."""
    sections, objects, title = {}, {}, None
    for line in text.splitlines():
        heading = re.match(r"^## (.*)", line)
        if heading:
            title = heading.group(1).strip()
            sections.setdefault(title, [])
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("| `") else None
        if cells and title and len(cells) >= 3:
            keys = re.findall(r"`([a-z_0-9]+)`", cells[0])
            if "`*_ci95`" in cells[0]:  # shorthand for the listed keys' intervals
                keys += [k + "_ci95" for k in keys if k in CI95_KEYS]
            sections[title].append((keys, cells[1], " | ".join(cells[2:])))
        lists = re.findall(r"^- `([a-z_]+)\[i\]`: `\{([^}]*)\}`", line)  # - `threads[i]`: `{...}`
        lists += re.findall(r"^\| `([a-z_]+)` \|[^|]*\|[^|]*?`\{([^}]*)\}`", line)  # | `gc_runs` | | `{...}`
        for owner, listed in lists:
            objects.setdefault(owner, []).append([k.strip() for k in listed.split(",")])
    return sections, objects


def objects_at(report, path):
    """The JSON objects a section path names in a report."""
    if path == "":
        return [report]
    tree = path.endswith("**")
    path = path.rstrip("*")
    values = [report]
    for part in path.split("."):
        each = part.endswith("[]")
        part = part[:-2] if each else part
        values = [v.get(part) for v in values if isinstance(v, dict)]
        if each:
            values = [e for v in values if isinstance(v, list) for e in v]
    values = [v for v in values if isinstance(v, dict)]
    if tree:
        stack, values = values, []
        while stack:
            node = stack.pop()
            values.append(node)
            stack += [c for c in node.get("children", []) if isinstance(c, dict)]
    return values


def type_ok(value, type_cell):
    """Whether a value has the documented type. Figures (int, number) may be null: the schema
    writes null for what was not measured. Unknown type words are not checked."""
    words = type_cell.replace(" or ", ",").replace(" of ", ",").split(",")
    allowed = set()
    for word in (w.strip() for w in words):
        if word == "null":
            allowed.add(type(None))
        elif word in TYPES:
            allowed.update(TYPES[word])
            if word in ("int", "number"):
                allowed.add(type(None))
        elif word:
            return True
    if isinstance(value, bool) and bool not in allowed:
        return False
    return not allowed or isinstance(value, tuple(allowed))


def check_section(section, rows, objects_by_report, functions_rows):
    """Each documented key in the objects (with its type), each key of the objects documented.
    A row "as in `time_metrics.functions`" also means what that section's row says."""
    documented = set()
    for keys, type_cell, meaning in rows:
        if "as in `time_metrics.functions`" in meaning:
            meaning += " " + " ".join(m for k, _, m in functions_rows if set(k) & set(keys))
        types = [t.strip() for t in type_cell.split(",")]
        conditional = re.search(r"\bonly (when|at)\b", meaning)
        for i, key in enumerate(keys):
            documented.add(key)
            checked["JSON keys"] += 1
            cell = types[i] if len(types) == len(keys) else type_cell
            seen = False
            for report, objects in objects_by_report.items():
                for obj in objects:
                    if key not in obj:
                        if not conditional:
                            problem(f"report-schema.md, {section}: `{key}` is missing from the {report} report")
                            break
                        continue
                    seen = True
                    named = f"`{obj[key]}`" if obj[key] else '`""`'
                    if (section, key) in ENUMERATED and isinstance(obj[key], str) and named not in meaning:
                        problem(f"report-schema.md, {section}: `{key}` is \"{obj[key]}\" in the {report} "
                                f"report, a value its meaning does not name")
                        break
                    if cell and not type_ok(obj[key], cell):
                        problem(f"report-schema.md, {section}: `{key}` is documented as {cell}, the "
                                f"{report} report has {json.dumps(obj[key])[:60]}")
                        break
            if not seen and not conditional:
                problem(f"report-schema.md, {section}: `{key}` is in no report")
    return documented


def check_json_keys(anarchy, root, tmp):
    text = open(os.path.join(root, "docs", "report-schema.md")).read()
    sections, object_lists = schema_sections(text)
    reports = make_reports(anarchy, tmp)
    profiles = {n: r for n, r in reports.items() if n != "diff"}
    for section, path in SECTION_PATHS.items():
        if section not in sections:
            problem(f"report-schema.md has no section '## {section}'")
            continue
        objects = {n: objects_at(r, path) for n, r in profiles.items()}
        objects = {n: o for n, o in objects.items() if o}
        documented = check_section(section, sections[section], objects, sections.get("`time_metrics`", []))
        if section == "`time_metrics`":  # the object's own keys are in the text above the table
            # The object's keys are the first paragraph; later ones describe the rows.
            lead = text.split("## `time_metrics`", 1)[1].split("|", 1)[0].strip().split("\n\n", 1)[0]
            documented_top = set(re.findall(r"`([a-z_]+)`", lead))
            for name, report in profiles.items():
                for key in set(report["time_metrics"]) ^ documented_top:
                    problem(f"report-schema.md, `time_metrics`: `{key}` is "
                            + ("not documented" if key in report["time_metrics"] else f"not in the {name} report"))
        for name, objs in objects.items():
            for key in sorted(set().union(*(o.keys() for o in objs)) - documented):
                problem(f"report-schema.md, {section}: the {name} report has `{key}`, which is not documented")
    check_object_lists(object_lists, reports)


def check_object_lists(object_lists, reports):
    """`threads[i]: {id, name, tid}`, `per_thread`, `gc_runs` and the diff's `{name, base_ms, ...}`."""
    where = {"threads": "threads[]", "timeline": "timeline[]", "frames": "frames[]",
             "per_thread": "sampling.per_thread[]", "gc_runs": "memory_metrics.gc_runs[]"}
    for owner, path in where.items():
        lists = object_lists.get(owner)
        if not lists:
            problem(f"report-schema.md: no `{owner}` object list ({{a, b, ...}})")
            continue
        keys = set(lists[0])
        checked["JSON objects"] += 1
        seen = False
        for name, report in reports.items():
            if name == "diff":
                continue
            for obj in objects_at(report, path):
                seen = True
                if set(obj) != keys:
                    problem(f"report-schema.md: `{owner}` objects are {{{', '.join(lists[0])}}}; the {name} "
                            f"report has {{{', '.join(obj)}}}")
                    break
        if not seen:
            problem(f"report-schema.md: no report has a `{owner}` object to compare")
    check_diff_json(reports.get("diff"))


def check_diff_json(diff):
    """`anarchy report diff --json`: the object's keys (the table under "### `--json` and `-o`")
    and each function's keys (its "Each function:" paragraph), both ways."""
    text = open(os.path.join(ROOT, "docs", "report-schema.md")).read()
    if "### `--json` and `-o`" not in text:
        problem("report-schema.md: no `--json` section for `anarchy report diff`")
        return
    part = text.split("### `--json` and `-o`", 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
    top = {k for line in part.splitlines() if line.startswith("| `")
           for k in re.findall(r"`([a-z_]+)`", line.strip("|").split("|")[0])}
    each = part.split("Each function:", 1)[1].split("\n\n", 1)[0] if "Each function:" in part else ""
    row_keys = set(re.findall(r"`([a-z_]+)`", each)) - {"null"}  # `null` is a value
    checked["JSON objects"] += 1
    if not isinstance(diff, dict):
        problem("`anarchy report diff --json` printed no object")
        return
    if set(diff) != top:
        problem(f"report-schema.md: diff --json documents {sorted(top)}; it prints {sorted(diff)}")
    for row in diff.get("functions", []):
        if set(row) != row_keys:
            problem(f"report-schema.md: diff --json functions are {sorted(row_keys)}; "
                    f"`anarchy report diff --json` prints {sorted(row)}")
            break

def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    anarchy, root = os.path.abspath(sys.argv[1]), sys.argv[2]
    global ROOT
    ROOT = root
    with tempfile.TemporaryDirectory() as tmp:
        check_flags(anarchy, root, tmp)
        check_formats(anarchy, root, tmp)
        check_config_example(anarchy, root, tmp)
        check_json_keys(anarchy, root, tmp)
    for text in problems:
        print("MISMATCH: " + text)
    if problems:
        print(f"docs_match_code: {len(problems)} mismatches between the docs and the code")
        return 1
    print("docs_match_code: README.md and docs/ agree with the binary (checked: " +
          ", ".join(f"{n} {what}" for what, n in checked.items()) + ")")
    return 0


if __name__ == "__main__":
    sys.exit(main())
