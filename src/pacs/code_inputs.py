"""The code a pipeline step runs, derived from imports, and a fingerprint of its behaviour.

A rule's script imports modules of ``pacs``; those import others. ``CodeGraph.closure``
follows the import statements through the package's syntax trees (nothing is
imported or run) and returns every module file the script can execute: the
modules it names, the submodules named in ``from pacs.x import y``, relative
imports, and the ``__init__.py`` of every package on the way (importing
``pacs.envs.dag_task`` runs ``pacs/envs/__init__.py`` first). Imports inside
functions count too: a module is listed when the script may run it.

``behaviour_fingerprint`` hashes a module's syntax tree without its docstrings
(comments never reach the tree, nor do line numbers or blank lines), so it moves
when the code changes and stays put when only the prose does.
``FingerprintStore`` keeps one small file per module holding that hash, rewritten
only when the hash differs, so the file's modification time, which Snakemake
compares with a job's outputs, moves only when the behaviour may have changed.
The workflow lists those files as the rules' inputs (``workflow/rules/common.smk``).

Every workflow start (a dry run included) needs the imports and fingerprint of
every module. ``CodeGraph`` can keep them in a cache file keyed by a SHA-256 of
each file's text (and the Python version, whose syntax trees they come from), so
a start parses only the files whose text changed; a missing, stale or unreadable
cache only costs the parsing.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import sys
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = "pacs"
# Bumped when the way fingerprints are computed changes, so every stored one is rewritten.
FINGERPRINT_FORMAT = "pacs-ast-1"


class CodeInputError(ValueError):
    """A script or module cannot be read, parsed, or imports a package module that does not exist."""


def module_name(path: Path, source_root: Path) -> str:
    """``src/pacs/envs/dag_task.py`` -> ``pacs.envs.dag_task``; a package's ``__init__.py`` -> the package."""
    parts = path.relative_to(source_root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def module_file(name: str, source_root: Path) -> Path | None:
    """The file that defines module ``name`` under ``source_root`` (``x.py`` or ``x/__init__.py``), or None."""
    base = source_root.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


ALL_MODULES = "*"  # in ``maybe``: every module of the package


def _inside(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def _with_parents(name: str) -> list[str]:
    """``a.b.c`` -> ``a``, ``a.b``, ``a.b.c``: importing a module runs its parent packages first."""
    parts = name.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def imported_names(tree: ast.AST, importer: str | None, is_package: bool,
                   package: str = PACKAGE) -> tuple[set[str], set[str]]:
    """Names of ``package``'s modules that the import statements of ``tree`` refer to.

    ``importer`` is the dotted name of the module the tree belongs to (None for a
    script outside the package), ``is_package`` whether it is a package's
    ``__init__``; both resolve relative imports. Returns ``(modules, maybe)``:
    ``modules`` must exist (with their parent packages); ``maybe`` are names
    ``x.y`` from ``from x import y`` that are modules only if such a file exists
    (otherwise ``y`` is a function, class or constant of ``x``). A module that lists the
    modules of its own package (``pkgutil.iter_modules``, as ``pacs.claims.registry``
    finds the claims) may import any of them: ``maybe`` then holds ``<package>.*``.
    """
    modules: set[str] = set()
    maybe: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _inside(alias.name, package):
                    modules.update(_with_parents(alias.name))
        elif isinstance(node, ast.ImportFrom):
            base = _resolve_from(node, importer, is_package)
            if not _inside(base, package):
                continue
            modules.update(_with_parents(base))
            maybe.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
        elif (importer and isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "iter_modules"):
            own_package = importer if is_package else importer.rpartition(".")[0]
            maybe.add(f"{own_package}.{ALL_MODULES}")
    return modules, maybe


def _resolve_from(node: ast.ImportFrom, importer: str | None, is_package: bool) -> str:
    """The absolute module name of ``from <module> import ...``, relative ones included."""
    if node.level == 0:
        return node.module or ""
    if importer is None:
        raise CodeInputError(f"line {node.lineno}: relative import outside a package")
    anchor = importer.split(".") if is_package else importer.split(".")[:-1]
    if node.level - 1 > len(anchor) - 1:
        raise CodeInputError(f"{importer}, line {node.lineno}: relative import beyond the top-level package")
    anchor = anchor[: len(anchor) - (node.level - 1)]
    return ".".join(anchor + ([node.module] if node.module else []))


def read_source(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise CodeInputError(f"{path}: cannot read ({error.strerror})") from None


def parse_source(source: str, filename: str) -> ast.Module:
    """The syntax tree of Python source; a clear one-line error when it is not valid Python.

    Warnings the compiler raises while parsing (e.g. an invalid escape in a
    docstring) are the module's own business, not the workflow's: silenced here.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(source, filename=filename)
    except SyntaxError as error:
        raise CodeInputError(f"{filename}:{error.lineno}: not valid Python ({error.msg})") from None


def strip_docstrings(tree: ast.AST) -> ast.AST:
    """Remove the docstring of the module and of every class and function, in place; returns ``tree``."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                node.body = body[1:]
    return tree


def behaviour_fingerprint(source: str, filename: str = "<module>") -> str:
    """SHA-256 (hex) of a module's syntax tree without docstrings, line numbers or comments.

    The hash depends on the Python version's AST layout, so a new Python may
    rewrite every fingerprint once (and rerun what depends on them).
    """
    return tree_fingerprint(parse_source(source, filename))


def tree_fingerprint(tree: ast.Module) -> str:
    """``behaviour_fingerprint`` of a parsed module (its docstrings are stripped from ``tree``)."""
    text = f"{FINGERPRINT_FORMAT}\n{ast.dump(strip_docstrings(tree), include_attributes=False)}"
    return hashlib.sha256(text.encode()).hexdigest()


# What a cache file must say to be used: entries depend on these.
CACHE_VERSION = {"format": FINGERPRINT_FORMAT, "imports": 2, "python": sys.version}


@dataclass
class CodeGraph:
    """The import graph of one package, read from its files once and cached.

    ``source_root`` is the folder holding the package (``src``); paths returned
    are files under it or the scripts themselves. ``cache_file``: where what was
    learnt from each file's text (imported names, behaviour fingerprint) is kept
    between runs, keyed by a hash of that text (None: in memory only); written
    by ``save_cache``.
    """

    source_root: Path
    package: str = PACKAGE
    cache_file: Path | None = None
    _facts: dict[Path, dict] = field(default_factory=dict, repr=False)
    _imports: dict[Path, list[Path]] = field(default_factory=dict, repr=False)
    _closures: dict[Path, list[Path]] = field(default_factory=dict, repr=False)
    _cache: dict[str, dict] | None = field(default=None, repr=False)
    _cache_changed: bool = field(default=False, repr=False)

    def _cached(self) -> dict[str, dict]:
        if self._cache is None:
            self._cache = {}
            if self.cache_file is not None and self.cache_file.is_file():
                try:
                    saved = json.loads(self.cache_file.read_text())
                    if saved.get("version") == CACHE_VERSION and saved.get("package") == self.package:
                        self._cache = saved["files"]
                except (OSError, ValueError, KeyError, AttributeError):
                    pass  # unreadable: parse again, and write a fresh one
        return self._cache

    def facts(self, path: Path) -> dict:
        """What the text of ``path`` says: ``modules`` and ``maybe`` (``imported_names``) and
        ``fingerprint`` (``behaviour_fingerprint``); parsed only when the text is new."""
        if path not in self._facts:
            source = read_source(path)
            text_hash = hashlib.sha256(source.encode()).hexdigest()
            inside = path.resolve().is_relative_to(self.source_root.resolve())
            importer = module_name(path, self.source_root) if inside else None
            # the same text names other modules from another place (relative imports)
            key = f"{importer}|{path.name == '__init__.py'}|{text_hash}"
            entry = self._cached().get(str(path))
            if entry is None or entry["key"] != key:
                tree = parse_source(source, str(path))
                try:
                    modules, maybe = imported_names(tree, importer, path.name == "__init__.py", self.package)
                except CodeInputError as error:
                    raise CodeInputError(f"{path}: {error}") from None
                entry = {"key": key, "modules": sorted(modules), "maybe": sorted(maybe),
                         "fingerprint": tree_fingerprint(tree)}
                self._cached()[str(path)] = entry
                self._cache_changed = True
            self._facts[path] = entry
        return self._facts[path]

    def save_cache(self) -> None:
        """Write the cache file if anything was parsed since it was read (atomically; two
        runs writing at once leave one complete file, and a lost entry is parsed again)."""
        if self.cache_file is None or not self._cache_changed:
            return
        self.cache_file.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.cache_file.parent, prefix=f".{self.cache_file.name}.")
        try:
            with os.fdopen(handle, "w") as stream:
                json.dump({"version": CACHE_VERSION, "package": self.package, "files": self._cached()}, stream)
            os.replace(temporary, self.cache_file)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        self._cache_changed = False

    def direct_imports(self, path: Path) -> list[Path]:
        """Files of the package modules that ``path`` (a module of the package, or a script) imports itself."""
        if path not in self._imports:
            facts = self.facts(path)
            files = set()
            for name in facts["modules"]:
                found = module_file(name, self.source_root)
                if found is None:
                    raise CodeInputError(f"{path}: imports {name}, which is not a module under {self.source_root}")
                files.add(found)
            for name in facts["maybe"]:
                if name.endswith(f".{ALL_MODULES}"):  # every module of a package that lists its own
                    init = module_file(name.removesuffix(f".{ALL_MODULES}"), self.source_root)
                    files.update(p for p in init.parent.glob("*.py") if p not in (init, path))  # not itself
                elif (found := module_file(name, self.source_root)) is not None:
                    files.add(found)
            self._imports[path] = sorted(files)
        return self._imports[path]

    def closure(self, script: Path) -> list[Path]:
        """Every package module ``script`` may run (transitively), sorted; the script itself not included."""
        if script not in self._closures:
            seen: set[Path] = set()
            todo = list(self.direct_imports(script))
            while todo:
                path = todo.pop()
                if path not in seen:
                    seen.add(path)
                    todo.extend(self.direct_imports(path))
            self._closures[script] = sorted(seen)
        return self._closures[script]

    def package_modules(self) -> list[Path]:
        """Every module file of the package."""
        return sorted((self.source_root / self.package).rglob("*.py"))


def fingerprint_file(store: Path, source: Path) -> Path:
    """Where the fingerprint of ``source`` (a path relative to the repository) is kept: ``store/<source>.sha256``."""
    return store / f"{source.as_posix()}.sha256"


def write_if_changed(target: Path, digest: str, first_mtime: float) -> bool:
    """Store ``digest`` in ``target`` unless it already holds it; True when written.

    Written atomically (a temporary file renamed into place), so concurrent
    workflow runs never read half a file; two runs writing the same digest leave
    the same content. A file written for the first time gets ``first_mtime`` (the
    module's own modification time: what the outputs were compared with before
    a fingerprint existed, so an up-to-date result stays up to date); a changed
    digest gets the current time.
    """
    existed = target.is_file()
    if existed and target.read_text().strip() == digest:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "w") as stream:
            stream.write(digest + "\n")
        if not existed:
            os.utime(temporary, (first_mtime, first_mtime))
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True


@dataclass
class FingerprintStore:
    """Fingerprint files for the modules of a repository, kept under ``store`` (relative to the working directory).

    ``repository`` is the repository root the sources are read from; fingerprint
    paths mirror the sources' paths relative to it.
    """

    repository: Path
    store: Path
    graph: CodeGraph
    _written: dict[Path, Path] = field(default_factory=dict, repr=False)

    def fingerprint(self, source: Path) -> Path:
        """The fingerprint file of ``source`` (an absolute path under ``repository``), brought up to date once."""
        if source not in self._written:
            target = fingerprint_file(self.store, source.relative_to(self.repository))
            digest = self.graph.facts(source)["fingerprint"]
            write_if_changed(target, digest, source.stat().st_mtime)
            self._written[source] = target
        return self._written[source]

    def code_inputs(self, script: Path) -> list[str]:
        """Fingerprint files of ``script`` and of every package module it may run: a rule's code inputs."""
        inputs = [str(self.fingerprint(path)) for path in (script, *self.graph.closure(script))]
        self.graph.save_cache()
        return inputs

    def digests(self, script: Path) -> dict[str, str]:
        """The behaviour fingerprints themselves (not their files) of ``script`` and of every
        package module it may run, by path relative to ``repository``: what a record of a
        result (``pacs.tuning``) keeps, to tell later whether the code that made it moved."""
        digests = {path.relative_to(self.repository).as_posix(): self.graph.facts(path)["fingerprint"]
                   for path in (script, *self.graph.closure(script))}
        self.graph.save_cache()
        return digests

