"""The rule files as text: every step's body is declared once (a rule that runs a step at other
settings derives from it with ``use rule X as Y with:``), and no rule file reads a global that
another rule file defines, except common.smk's shared helpers and the files it includes itself."""

import io
import re
import shutil
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "workflow" / "rules"
SHARED = "common.smk"
RULE = re.compile(r"^(?P<indent>[ \t]*)(?:rule|checkpoint) (?P<name>\w+):", re.M)
BODY = re.compile(r"^[ \t]+(?P<kind>script|shell|run|notebook|wrapper):[ \t]*\n?[ \t]*(?P<value>.*)$", re.M)
TOP_LEVEL_NAME = re.compile(r"^(?:def |class )?(?P<name>[A-Za-z_]\w*)\b(?=\s*(?:=[^=]|\(|:))", re.M)
IMPORTED = re.compile(r"^(?:from [\w.]+ )?import (?:\((?P<wrapped>[^)]*)\)|(?P<names>.+))$", re.M)
INCLUDE = re.compile(r'^[ \t]*include:\s*"(?P<file>[\w.]+\.smk)"', re.M)
KEYWORDS = {"rule", "checkpoint", "use", "include", "configfile", "wildcard_constraints", "ruleorder",
            "localrules", "if", "for", "else", "elif", "with", "def", "class", "return"}


def rule_files() -> dict[str, str]:
    return {path.name: path.read_text() for path in sorted(RULES.glob("*.smk"))}


def declared_bodies(text: str) -> list[tuple[str, str]]:
    """(rule, its body: the kind and value of its script/shell/run directive) of every rule
    declared with ``rule X:`` (not derived by ``use rule``)."""
    starts = list(RULE.finditer(text))
    bodies = []
    for index, match in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(text)
        block = text[match.end():end]
        # the rule's block ends at the first line indented no deeper than its header
        lines = []
        for line in block.splitlines()[1:]:
            if line.strip() and len(line) - len(line.lstrip()) <= len(match["indent"]):
                break
            lines.append(line)
        body = BODY.search("\n".join(lines))
        if body:
            bodies.append((match["name"], f"{body['kind']}: {body['value'].strip()}"))
    return bodies


def test_every_step_body_is_declared_by_one_rule_and_derived_elsewhere():
    declared = {}
    for name, text in rule_files().items():
        for rule, body in declared_bodies(text):
            declared.setdefault(body, []).append(f"{name}:{rule}")
    assert len(declared) >= 40, "the parser found too few rule bodies"
    twins = {body: rules for body, rules in declared.items() if len(rules) > 1}
    assert not twins, f"rules re-declaring one body (derive with `use rule X as Y with:`): {twins}"


def test_the_check_finds_a_re_declared_twin():
    text = rule_files()["c3.smk"]
    twin = text + "\n\nrule budget_twin:\n    input:\n        x=1,\n    script:\n        \"../scripts/c3_train_agent.py\"\n"
    bodies = [body for _, body in declared_bodies(twin)]
    assert bodies.count('script: "../scripts/c3_train_agent.py"') == 2
    derived = text + "\n\nuse rule c3_train_agent as budget_twin with:\n    log:\n        \"x.log\",\n"
    assert [body for _, body in declared_bodies(derived)].count('script: "../scripts/c3_train_agent.py"') == 1


def top_level_names(text: str) -> set[str]:
    """The globals a rule file defines: its top-level assignments, functions and imports."""
    names = {m["name"] for m in TOP_LEVEL_NAME.finditer(text) if m["name"] not in KEYWORDS}
    for match in IMPORTED.finditer(text):
        for part in (match["wrapped"] or match["names"]).split(","):
            if part.strip():
                names.add(part.split(" as ")[-1].strip())
    return names


def names_read(text: str) -> set[str]:
    """Every identifier the file's code reads: not in strings or comments, not an attribute
    (``rules.x``), not a keyword argument's name (``model=...``) and not in an import statement
    (``from m import a as b`` defines ``b``, it reads nothing of the workflow); f-strings' fields count."""
    tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    read, in_import = set(), False
    for index, token in enumerate(tokens):
        if token.type == tokenize.NEWLINE:
            in_import = False
        starts_statement = index == 0 or tokens[index - 1].type in (tokenize.NEWLINE, tokenize.NL, tokenize.INDENT,
                                                                    tokenize.DEDENT)
        if token.type == tokenize.NAME and token.string in ("from", "import") and starts_statement:
            in_import = True
        if in_import:
            continue
        if token.type == tokenize.STRING and token.string.lstrip("rbRB").startswith(("f", "F")):
            read |= set(re.findall(r"(?<![\w.{])\{+([A-Za-z_]\w*)", token.string))
            continue
        if token.type != tokenize.NAME:
            continue
        before = tokens[index - 1].string if index else ""
        after = tokens[index + 1].string if index + 1 < len(tokens) else ""
        if before == "." or (after == "=" and before in ("(", ",", "\n", "")):
            continue
        read.add(token.string)
    return read


def included(name: str, files: dict[str, str]) -> set[str]:
    """The rule files ``name`` includes, transitively."""
    found, todo = set(), [name]
    while todo:
        for match in INCLUDE.finditer(files[todo.pop()]):
            if match["file"] in files and match["file"] not in found:
                found.add(match["file"])
                todo.append(match["file"])
    return found


def foreign_reads(files: dict[str, str]) -> dict[str, list[str]]:
    """Per rule file: the globals it reads that only another rule file defines (not itself,
    common.smk or a file it includes)."""
    defined = {name: top_level_names(text) for name, text in files.items()}
    shared = defined[SHARED] | {n for f in included(SHARED, files) for n in defined[f]}
    problems = {}
    for name, text in files.items():
        own = defined[name] | shared | {n for f in included(name, files) for n in defined[f]}
        elsewhere = {n: other for other, names in defined.items() if other != name for n in names}
        foreign = sorted(f"{n} ({elsewhere[n]})" for n in names_read(text) - own if n in elsewhere)
        if foreign:
            problems[name] = foreign
    return problems


def test_no_rule_file_reads_another_rule_files_globals():
    files = rule_files()
    assert {"C3_TRAIN", "c3_train_agent"} <= top_level_names(files["c3.smk"]) | {"c3_train_agent"}
    assert not foreign_reads(files)


def test_the_check_finds_a_global_read_across_rule_files():
    files = rule_files()
    files["sweep.smk"] += '\n\nX = {"c3": C3_TRAIN}\n'
    assert foreign_reads(files).get("sweep.smk") == ["C3_TRAIN (c3.smk)"]


@pytest.mark.parametrize("rule_file, call, message", [
    ("c3.smk", 'wire_budget(\n    "c3",',
     "pacs: claim c3: its spec declares a budget analysis but its rule file does not call wire_budget"),
    ("c6.smk", 'wire_sweep(\n    "c6",',
     "pacs: claim c6: its spec names a sweep learner but its rule file does not call wire_sweep"),
])
def test_a_claim_whose_spec_takes_part_but_whose_rule_file_wires_nothing_stops_the_workflow(
        tmp_path, rule_file, call, message):
    from test_probes_workflow import COPY_IGNORE, SMOKE, snakemake

    work = tmp_path / "pacs"
    shutil.copytree(ROOT, work, ignore=COPY_IGNORE)
    rules = work / "workflow" / "rules" / rule_file
    assert call in rules.read_text()
    rules.write_text(rules.read_text().replace(call, "(lambda *args, **kwargs: None)(" + call.split("(", 1)[1]))
    result = snakemake(work, "--dry-run", *SMOKE, check=False)
    assert result.returncode != 0
    assert [line for line in result.stderr.splitlines() if line.startswith("pacs:")] == [message]
