"""Code inputs derived from imports (pacs.code_inputs), their fingerprints, and the workflow's use of them."""

import ast
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import pacs.code_inputs as code_inputs
from pacs.code_inputs import (
    CodeGraph,
    CodeInputError,
    FingerprintStore,
    behaviour_fingerprint,
    fingerprint_file,
    imported_names,
    module_name,
    write_if_changed,
)

ROOT = Path(__file__).resolve().parents[1]
STORE = Path("results/code_fingerprints")


def names(source: str, importer: str | None = "pkg.sub.mod", is_package: bool = False):
    return imported_names(ast.parse(textwrap.dedent(source)), importer, is_package, package="pkg")


# --- the import statements -------------------------------------------------------------------------------


def test_absolute_imports_name_the_module_and_its_parent_packages():
    modules, maybe = names("import pkg.a.b as b\nimport os\nimport pkgother.x\n")
    assert modules == {"pkg", "pkg.a", "pkg.a.b"} and maybe == set()


def test_from_imports_may_name_submodules():
    modules, maybe = names("from pkg.a import b, c\nfrom pkg import d\nfrom pkg.e import *\n")
    assert modules == {"pkg", "pkg.a", "pkg.e"}
    assert maybe == {"pkg.a.b", "pkg.a.c", "pkg.d"}


def test_relative_imports_resolve_against_the_importer():
    assert names("from . import x\n") == ({"pkg", "pkg.sub"}, {"pkg.sub.x"})
    assert names("from ..a import y\n") == ({"pkg", "pkg.a"}, {"pkg.a.y"})
    # in a package's __init__, "." is the package itself
    assert names("from .z import w\n", importer="pkg.sub", is_package=True) == (
        {"pkg", "pkg.sub", "pkg.sub.z"}, {"pkg.sub.z.w"})


def test_imports_inside_functions_count():
    modules, _ = names("def f():\n    import pkg.lazy\n    return pkg.lazy.g()\n")
    assert "pkg.lazy" in modules


def test_a_package_that_lists_its_own_modules_may_import_each_of_them():
    source = "import pkgutil\nNAMES = [m.name for m in pkgutil.iter_modules(__path__)]\n"
    assert names(source, importer="pkg.sub", is_package=True)[1] == {"pkg.sub.*"}
    assert names(source, importer="pkg.sub.registry")[1] == {"pkg.sub.*"}, "its own package's modules"


def test_a_relative_import_beyond_the_package_is_an_error():
    with pytest.raises(CodeInputError, match="beyond the top-level package"):
        names("from .... import x\n")
    with pytest.raises(CodeInputError, match="relative import outside a package"):
        names("from . import x\n", importer=None)


# --- the transitive closure over a small package on disk -------------------------------------------------


def write_tree(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


@pytest.fixture
def repository(tmp_path) -> Path:
    write_tree(tmp_path, {
        "src/pacs/__init__.py": "",
        "src/pacs/base.py": "CONSTANT = 1\n",
        "src/pacs/unused.py": "import pacs.base\n",
        "src/pacs/group/__init__.py": "from .helpers import helper\n",
        "src/pacs/group/helpers.py": "from ..base import CONSTANT\n\ndef helper():\n    return CONSTANT\n",
        "src/pacs/group/lazy.py": "def late():\n    from pacs import deep\n    return deep.VALUE\n",
        "src/pacs/deep.py": '"""A module."""\n\nVALUE = 2  # a comment\n',
        "workflow/scripts/step.py": "import numpy\nfrom pacs.group import lazy\nfrom pacs.group import helper\n",
    })
    return tmp_path


def relative_names(paths, root):
    return [str(Path(p).relative_to(root)) for p in paths]


def test_the_closure_follows_submodules_relative_and_lazy_imports(repository):
    graph = CodeGraph(repository / "src")
    closure = graph.closure(repository / "workflow" / "scripts" / "step.py")
    assert relative_names(closure, repository / "src") == [
        "pacs/__init__.py", "pacs/base.py", "pacs/deep.py", "pacs/group/__init__.py",
        "pacs/group/helpers.py", "pacs/group/lazy.py"]
    assert module_name(repository / "src/pacs/group/__init__.py", repository / "src") == "pacs.group"


def test_importing_a_missing_module_is_a_one_line_error_naming_both(repository):
    write_tree(repository, {"workflow/scripts/broken.py": "from pacs.nowhere import thing\n"})
    with pytest.raises(CodeInputError, match=r"broken\.py: imports pacs\.nowhere, which is not a module"):
        CodeGraph(repository / "src").closure(repository / "workflow" / "scripts" / "broken.py")


def test_a_syntax_error_names_the_file_and_line(repository):
    write_tree(repository, {"src/pacs/deep.py": "VALUE = (\n"})
    with pytest.raises(CodeInputError, match=r"deep\.py:1: not valid Python"):
        CodeGraph(repository / "src").closure(repository / "workflow" / "scripts" / "step.py")


# --- behaviour fingerprints ------------------------------------------------------------------------------

MODULE = '''
"""Module docstring."""

import math


class Box:
    """A box."""

    size: int = 3

    def volume(self):
        """Cubed."""
        return self.size ** 3  # why: cubes


def scale(x):
    return math.sqrt(x) * 2
'''


def test_fingerprints_ignore_docstrings_comments_and_layout():
    reworded = (MODULE.replace('"""Module docstring."""', '"""Another module docstring,\n\nlonger."""')
                .replace('"""A box."""\n', "")
                .replace("# why: cubes", "# reworded")
                .replace("def scale(x):\n", "def scale(x):\n    '''Added later.'''\n\n\n"))
    assert reworded != MODULE
    assert behaviour_fingerprint(reworded) == behaviour_fingerprint(MODULE)


@pytest.mark.parametrize("edit", [("* 2", "* 3"), ("size: int = 3", "size: int = 4"),
                                  ("import math", "import math as m\nmath = m"), ("sqrt(x)", "sqrt(x + 0)")])
def test_fingerprints_follow_the_code(edit):
    assert behaviour_fingerprint(MODULE.replace(*edit)) != behaviour_fingerprint(MODULE)


def test_a_string_that_is_not_a_docstring_is_code():
    assert behaviour_fingerprint('x = 1\n"not first"\n') != behaviour_fingerprint("x = 1\n")


def test_write_if_changed_dates_a_new_file_by_its_source_and_keeps_it_until_the_digest_changes(tmp_path):
    target = tmp_path / "store" / "m.py.sha256"
    assert write_if_changed(target, "aa", first_mtime=1_000_000.0)
    assert target.read_text() == "aa\n" and target.stat().st_mtime == 1_000_000.0
    assert not write_if_changed(target, "aa", first_mtime=2_000_000.0)
    assert target.stat().st_mtime == 1_000_000.0
    assert write_if_changed(target, "bb", first_mtime=2_000_000.0)
    assert target.read_text() == "bb\n" and target.stat().st_mtime > 2_000_000.0
    assert [p.name for p in target.parent.iterdir()] == ["m.py.sha256"], "no temporary file left behind"


def test_the_store_lists_the_script_and_its_modules_and_rewrites_only_changed_behaviour(repository, monkeypatch):
    monkeypatch.chdir(repository)
    script = repository / "workflow" / "scripts" / "step.py"

    def parse_workflow():  # what each workflow parse does: a fresh graph and store
        return FingerprintStore(repository, STORE, CodeGraph(repository / "src")).code_inputs(script)

    inputs = parse_workflow()
    assert inputs[0] == str(STORE / "workflow/scripts/step.py.sha256")
    assert inputs[1:] == [str(fingerprint_file(STORE, Path("src") / p)) for p in (
        "pacs/__init__.py", "pacs/base.py", "pacs/deep.py", "pacs/group/__init__.py",
        "pacs/group/helpers.py", "pacs/group/lazy.py")]
    deep = repository / "src/pacs/deep.py"
    stored = Path(fingerprint_file(STORE, Path("src/pacs/deep.py")))
    assert stored.stat().st_mtime == deep.stat().st_mtime, "a first fingerprint carries its module's time"
    old = 1_000_000.0
    for path in map(Path, inputs):
        os.utime(path, (old, old))

    deep.write_text('"""Reworded."""\n\n# moved\nVALUE = 2\n')
    parse_workflow()
    assert all(Path(p).stat().st_mtime == old for p in inputs), "prose edits leave every fingerprint alone"

    deep.write_text("VALUE = 3\n")
    parse_workflow()
    assert [p for p in inputs if Path(p).stat().st_mtime != old] == [str(stored)]


def test_the_parse_cache_parses_only_files_whose_text_changed_and_answers_as_parsing_does(repository, monkeypatch):
    monkeypatch.chdir(repository)
    script = repository / "workflow" / "scripts" / "step.py"
    cache = STORE / "parse_cache.json"
    parsed = []
    parse = code_inputs.parse_source
    monkeypatch.setattr(code_inputs, "parse_source",
                        lambda source, filename: parsed.append(Path(filename).name) or parse(source, filename))

    def parse_workflow(cache_file=cache):
        parsed.clear()
        inputs = FingerprintStore(repository, STORE, CodeGraph(repository / "src", cache_file=cache_file)) \
            .code_inputs(script)
        return {path: Path(path).read_text() for path in inputs}

    uncached = parse_workflow(cache_file=None)
    assert len(parsed) == len(uncached) == 7
    assert parse_workflow() == uncached and len(parsed) == 7 and cache.is_file()
    assert parse_workflow() == uncached and parsed == [], "a start with nothing edited parses nothing"

    deep = repository / "src/pacs/deep.py"
    deep.write_text("VALUE = 3\nfrom pacs import unused\n")
    edited = parse_workflow()
    assert parsed == ["deep.py", "unused.py"], "the edited file, and the module it now imports"
    assert edited == parse_workflow(cache_file=None), "the same fingerprints and closure as parsing everything"
    stored = str(fingerprint_file(STORE, Path("src/pacs/deep.py")))
    assert edited[stored].strip() == behaviour_fingerprint(deep.read_text()) != uncached[stored].strip()

    for stale in ("{not json", json.dumps({"version": {**code_inputs.CACHE_VERSION, "python": "2.7"},
                                           "package": "pacs", "files": {}})):
        cache.write_text(stale)
        assert parse_workflow() == edited and len(parsed) == 8, "an unreadable or foreign cache is parsed afresh"


# --- the workflow: every rule's code inputs are its script's closure -------------------------------------

RULE_INPUTS = """
import json, sys
from pathlib import Path
from snakemake.api import SnakemakeApi
from snakemake.settings.types import ConfigSettings, OutputSettings, ResourceSettings
root = Path(sys.argv[1])
with SnakemakeApi(OutputSettings()) as api:
    workflow = api.workflow(ResourceSettings(), ConfigSettings(config={"preset": "smoke"}),
                            snakefile=root / "Snakefile", workdir=root)._workflow
    rules = {rule.name: {"script": rule.script, "input": [str(f) for f in rule.input if isinstance(f, str)],
                         "basedir": str(rule.basedir)} for rule in workflow.rules}
print("RULES" + json.dumps(rules))
"""


@pytest.fixture(scope="module")
def rules() -> dict:
    """Each rule of the workflow (smoke preset): its script and its input paths, as Snakemake parsed them."""
    result = subprocess.run([sys.executable, "-c", RULE_INPUTS, str(ROOT)], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.split("RULES", 1)[1])


def test_every_rule_with_a_script_depends_on_the_fingerprints_of_exactly_what_it_runs(rules):
    graph = CodeGraph(ROOT / "src")
    with_scripts = {name: rule for name, rule in rules.items() if rule["script"]}
    assert len(with_scripts) >= 45  # every stage of C1-C6, with one generic figure and report-numbers rule
    for name, rule in with_scripts.items():
        script = (Path(rule["basedir"]) / rule["script"]).resolve()
        # a rule derived from another (budget.smk's and sweep.smk's learner rules, C3b's stages: use rule X
        # as <qualifier>_X; C4's corpus-size curve: X_sized) reruns that rule's script at other settings
        derived = name.endswith(f"_{script.stem}") or name.removesuffix("_sized") == script.stem
        assert script.stem == name or derived, \
            f"rule {name} runs {rule['script']}: each rule runs the script of its name"
        code = [Path(p) for p in rule["input"] if p.startswith(str(STORE))]
        if name == "design_universe":  # a design universe's own run may run every script (its own
            # Snakemake run then reruns only what changed): it depends on all of them
            scripts = sorted((ROOT / "workflow" / "scripts").glob("*.py"))
            every = {fingerprint_file(STORE, path.relative_to(ROOT)) for other in scripts
                     for path in (other, *graph.closure(other))}
            assert code == sorted(every), "rule design_universe: code inputs are not those of every script"
            continue
        expected = [fingerprint_file(STORE, path.relative_to(ROOT)) for path in (script, *graph.closure(script))]
        assert code == expected, f"rule {name}: code inputs are not those of {rule['script']}"
    # no rule lists a module by hand any more
    assert not [p for rule in rules.values() for p in rule["input"] if p.startswith("src/")]


def test_the_modules_the_issue_found_unlisted_are_now_inputs(rules):
    def modules(rule):
        return {p.removeprefix(f"{STORE}/src/pacs/") for p in rules[rule]["input"]}

    # derive_seed seeds every draw; labels.SPLIT_ORDER names C1's splits; the C5 corpus writes documents
    assert {"runtime.py.sha256", "labels.py.sha256"} <= modules("causal_training_data")
    assert "experiments/language.py.sha256" in modules("c5_world_corpus")
    assert "models/transformer.py.sha256" not in modules("causal_statistics")
    # the registry finds the claim modules by name: the generic report-numbers job runs them all,
    # a claim's statistics job only its own claim's module
    assert {f"claims/c{n}.py.sha256" for n in range(1, 7)} <= modules("report_numbers")
    assert "claims/c3.py.sha256" in modules("c3_statistics") and "claims/c5.py.sha256" not in modules("c3_statistics")


# --- the README's package layers match the imports -------------------------------------------------------


def readme_layers() -> list[list[str]]:
    """The README's package layers, lowest first: the backticked module names of each numbered line."""
    text = (ROOT / "README.md").read_text()
    section = text.split("## Package layers", 1)[1].split("\n## ", 1)[0]
    return [re.findall(r"`([\w.]+)`", line.split(":", 1)[0])
            for line in section.splitlines() if re.match(r"\d+\. `", line)]


def test_the_readme_layers_place_every_module_and_no_module_imports_a_higher_layer():
    layers = readme_layers()
    assert len(layers) >= 5
    layer_of = {f"pacs.{name}": number for number, names in enumerate(layers) for name in names}
    graph = CodeGraph(ROOT / "src")
    source_root = ROOT / "src"

    def layer(module: str) -> int:
        placed = [prefix for prefix in layer_of if module == prefix or module.startswith(prefix + ".")]
        assert placed, f"the README's package layers do not place {module}"
        return layer_of[max(placed, key=len)]

    files = {module_name(path, source_root): path for path in graph.package_modules()}
    files.pop("pacs")  # the empty top-level package
    for module in files:
        layer(module)
    unknown = sorted(set(layer_of) - set(files))
    assert not unknown, f"the README places modules that do not exist: {unknown}"
    upward = [(module, imported) for module, path in sorted(files.items())
              for imported in (module_name(p, source_root) for p in graph.direct_imports(path))
              if imported != "pacs" and layer(imported) > layer(module)]
    assert not upward, f"imports of a higher layer (module, imported): {upward}"


# --- no import cycle, no private name across modules ------------------------------------------------------


def package_import_graph() -> dict[str, set[str]]:
    """Every module of ``pacs`` -> the ``pacs`` modules it may import itself (``CodeGraph.direct_imports``:
    imports inside functions and the packages on the way included)."""
    source_root = ROOT / "src"
    graph = CodeGraph(source_root)
    return {module_name(path, source_root): {module_name(p, source_root) for p in graph.direct_imports(path)}
            for path in graph.package_modules()}


def import_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of ``graph`` as its modules in order (the first repeated at the end), or []."""
    state: dict[str, str] = {}  # "open" while on the current path, "done" after

    def visit(module: str, path: list[str]) -> list[str]:
        state[module] = "open"
        for imported in sorted(graph.get(module, ())):
            if state.get(imported) == "open":
                return [*path[path.index(imported):], module, imported] if imported in path else [module, imported]
            if imported not in state and (found := visit(imported, [*path, module])):
                return found
        state[module] = "done"
        return []

    for module in sorted(graph):
        if module not in state and (found := visit(module, [])):
            return found
    return []


def test_the_cycle_finder_finds_a_cycle_and_passes_a_tree():
    assert import_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert import_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []
    assert import_cycle({"a": {"a"}}) == ["a", "a"]


def test_no_import_cycle_among_pacs_modules():
    graph = package_import_graph()
    assert "pacs.models.batching" in graph["pacs.models.text_lm"], "the LMs' batching helpers have their own module"
    assert not import_cycle(graph), f"an import cycle among pacs modules: {' -> '.join(import_cycle(graph))}"


def private_imports(tree: ast.AST, importer: str, is_package: bool) -> list[str]:
    """``module.name`` for each private name (leading underscore) that ``tree`` imports from another
    ``pacs`` module, by ``from x import _y`` or ``import x._y``."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = code_inputs._resolve_from(node, importer, is_package)
            if (base == "pacs" or base.startswith("pacs.")) and base != importer:
                found += [f"{base}.{alias.name}" for alias in node.names if alias.name.startswith("_")]
        elif isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if alias.name.startswith("pacs.")
                      and any(part.startswith("_") and part != "__init__" for part in alias.name.split("."))]
    return found


def test_the_private_import_finder_sees_both_forms():
    tree = ast.parse("from pacs.train import _step, evaluate\nfrom .text_lm import _words\nimport pacs._hidden\n")
    assert private_imports(tree, "pacs.models.language_model", False) == [
        "pacs.train._step", "pacs.models.text_lm._words", "pacs._hidden"]


def test_no_pacs_module_or_script_imports_a_private_name_of_another_module():
    source_root = ROOT / "src"
    graph = CodeGraph(source_root)
    found = {}
    for path in [*graph.package_modules(), *sorted((ROOT / "workflow" / "scripts").glob("*.py"))]:
        inside = path.is_relative_to(source_root)
        importer = module_name(path, source_root) if inside else "<script>"
        if names := private_imports(ast.parse(path.read_text()), importer, path.name == "__init__.py"):
            found[str(path.relative_to(ROOT))] = names
    assert not found, f"private names imported across modules (expose them as public functions): {found}"
