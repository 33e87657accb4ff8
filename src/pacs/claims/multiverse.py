"""The multiverse: each claim's verdicts under every reasonable reconstruction choice.

A *choice* is a config key we had to fix without a number from the papers (a margin,
C5's score, ...), with its reasonable alternatives (config ``multiverse.<claim>``). A
*universe* is the configured run with one choice set to one alternative (one choice at a
time around the configured point, as Steegen et al. 2016 vary them); an alternative equal
to the configured value is the configured point itself and is not a universe of its own.
Analysis choices (``kind: analysis``) reuse the trained learners; design choices
(``kind: design``) need their own training: each design universe is the claim's whole run
in its own folder (``design_folder``), with its own config (``universe_config``), and its
rows are that run's verdict rows (``design_rows``), qualified by its own learners' adequacy.
That run starts from the configured run's outputs (``pacs.claims.universe_seed``), so it
retrains only what the universe's key changes.

Tables here are tidy: one row per (universe, verdict row), with the columns of
``UNIVERSE_COLUMNS``; the functions are pure, so the robustness counts are tested on synthetic multiverses with known verdicts.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pacs.config import choice_value, claim_seeds, claim_seeds_key, lookup, multiverse_alternatives, override
from pacs.labels import CONFIGURED
from pacs.report import tex_escape
from pacs.verdicts import NOT_RUN

# one row per (universe, verdict row): the universe's name, its kind (configured, analysis or
# design), the choice it varies and the alternative it takes (the configured point has
# neither), the verdict row's macro prefix
UNIVERSE_COLUMNS = ("universe", "kind", "choice", "value", "prefix", "test", "effect_label", "effect", "ci_low",
                    "ci_high", "verdict")
# where each design universe runs (its own results tree below its folder, ``design_folder``)
DESIGN_DIR = "results/multiverse/design"


@dataclass(frozen=True)
class Universe:
    """One universe: its name, the choice it varies (a dotted config key), its value, and
    the choice's kind (``analysis``: decided on the configured learners; ``design``: its own run)."""

    name: str
    choice: str
    value: object
    kind: str = "analysis"

    @property
    def overrides(self) -> dict:
        return {self.choice: self.value}

    @property
    def slug(self) -> str:
        """The universe's folder name: its name with every run of other characters than
        letters, digits, '.', '-' as one '_' (a long one cut, with a hash of the whole name)."""
        plain = re.sub(r"[^A-Za-z0-9.\-]+", "_", self.name).strip("_")
        if len(plain) <= 48:
            return plain
        return f"{plain[:39]}_{hashlib.sha1(self.name.encode()).hexdigest()[:8]}"


def value_label(value) -> str:
    """How an alternative is printed in a universe's name and the dot matrix."""
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(value_label(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {value_label(v)}" for key, v in value.items()) + "}"
    return f"{value:g}" if isinstance(value, float) else str(value)


def runs(choice: dict, name: str, design: list | str) -> bool:
    """Whether universe ``name`` of a choice runs at this preset: an analysis choice's unless
    ``run: false``; a design choice's when ``design`` (config ``multiverse_design``) is
    ``all`` or names its key (every alternative) or the universe itself."""
    if not choice.get("run", True):
        return False
    return choice["kind"] == "analysis" or design == "all" or choice["key"] in design or name in design


def universes(choices: list[dict], config: dict, run_kinds=("analysis",), design: list | str = (), *,
              claim: str) -> list[Universe]:
    """The universes of one claim's ``multiverse`` choices (each ``{key, kind, alternatives,
    run}``; the key ``seeds`` is the claim's own, ``pacs.config.claim_seeds``): one per
    alternative of each choice of a kind in ``run_kinds`` that runs at this preset (``runs``,
    with ``design`` the design keys or universes it runs), in the config's order, without the
    alternatives equal to the configured value (that universe is the configured run itself:
    no second training)."""
    planned = []
    for choice in choices:
        if choice["kind"] not in run_kinds:
            continue
        configured = choice_value(config, claim, choice["key"])
        for value in multiverse_alternatives(choice, config, claim):
            name = f"{choice['key']}={value_label(value)}"
            if value != configured and runs(choice, name, design):
                planned.append(Universe(name, choice["key"], value, choice["kind"]))
    return planned


def not_run(choices: list[dict], config: dict, design: list | str, *, claim: str) -> list[str]:
    """The names of the design universes listed for ``claim`` that do not run at this preset."""
    every = universes([{**choice, "run": True} for choice in choices], config, ("design",), "all", claim=claim)
    running = {u.name for u in universes(choices, config, ("design",), design, claim=claim)}
    return [u.name for u in every if u.name not in running]


def plan_design(multiverse: dict[str, list[dict]], config: dict, design: list | str) -> dict[str, list[Universe]]:
    """Each claim's design universes that run at this preset (``design``: config
    ``multiverse_design``); an entry of ``design`` that names no design choice's key nor
    any of their universes (other than the configured run) is a ``ValueError`` naming it."""
    planned = {claim: universes(choices, config, ("design",), design, claim=claim)
               for claim, choices in multiverse.items()}
    if design != "all":
        known = {choice["key"] for choices in multiverse.values() for choice in choices if choice["kind"] == "design"}
        known |= {u.name for claim, choices in multiverse.items()
                  for u in universes([{**c, "run": True} for c in choices], config, ("design",), "all", claim=claim)}
        for index, name in enumerate(design):
            if name not in known:
                raise ValueError(f"multiverse_design[{index}]: {name!r} names no design choice or universe of "
                                 "the multiverse block (an alternative equal to the configured value is the "
                                 "configured run)")
    return planned


def design_folder(claim: str, universe: Universe) -> str:
    """The folder of a design universe's own run (its results tree, config and log)."""
    return f"{DESIGN_DIR}/{claim}/{universe.slug}"


def universe_overrides(config: dict, claim: str, universe: Universe) -> dict:
    """The config keys a universe of ``claim`` sets: its choice's, where ``seeds`` is the key
    that holds the claim's own seeds (``pacs.config.claim_seeds_key``)."""
    key = claim_seeds_key(config, claim) if universe.choice == "seeds" else universe.choice
    return {key: universe.value}


def universe_seeds(config: dict, claim: str, universe: Universe) -> list[int]:
    """The training seeds a universe of ``claim`` decides on: the claim's, or its subset."""
    return claim_seeds(override(config, universe_overrides(config, claim, universe)), claim)


def universe_config(config: dict, universe: Universe, *, claim: str) -> dict:
    """The config a design universe of ``claim`` runs with: the resolved configured one with
    the universe's override (``universe_overrides``), its preset already applied (the preset's
    block emptied, so resolving it again changes nothing) and no multiverse of its own."""
    changed = override(config, universe_overrides(config, claim, universe))
    changed["presets"] = {name: {} for name in changed["presets"]}
    changed["multiverse"] = {}
    changed["multiverse_design"] = []
    return changed


def canonical(value):
    """``value`` with every mapping's keys sorted, all the way down: a job param whose text
    (what Snakemake compares to rerun a job) does not depend on the order the config's keys
    were read in, which a ``--config`` override changes without changing a value."""
    if isinstance(value, dict):
        return {key: canonical(value[key]) for key in sorted(value, key=str)}
    if isinstance(value, (list, tuple)):
        return [canonical(item) for item in value]
    return value


def nested_command(snakefile, folder, target: str, *options: str) -> list[str]:
    """A Snakemake call of this repository's Snakefile in a design universe's folder (which
    holds its config.yaml) for ``target``, with ``options``; ``--nolock``: only the one job
    that owns the folder works there."""
    return [sys.executable, "-m", "snakemake", "--snakefile", str(snakefile), "--directory", str(folder),
            "--nolock", *options, "--", target]


# the environment variable holding the parent run's --max-jobs-per-timespan (workflow/run_workflow.sh)
JOB_RATE_VARIABLE = "PACS_MAX_JOBS_PER_TIMESPAN"


def design_command(snakefile, folder, cores: int, target: str, environ=os.environ) -> list[str]:
    """The nested workflow run of a design universe, building ``target`` (the claim's verdict
    rows) on ``cores`` cores; ``--rerun-incomplete``: a run killed midway goes on where it stopped;
    the parent's job rate limit where ``environ`` holds it (``JOB_RATE_VARIABLE``)."""
    rate = environ.get(JOB_RATE_VARIABLE)
    return nested_command(snakefile, folder, target, "--cores", str(cores), "--rerun-incomplete",
                          *(["--max-jobs-per-timespan", rate] if rate else []))


def touches(key: str, read: str) -> bool:
    """Whether overriding config key ``key`` changes the value at ``read`` (one holds the other)."""
    return key == read or key.startswith(read + ".") or read.startswith(key + ".")


def verdict_rows(universe: str, choice: str, value, decisions, kind: str = "analysis") -> pd.DataFrame:
    """One universe's rows (``UNIVERSE_COLUMNS``) from a claim's decisions
    (``pacs.claims.spec.Decision``); decisions without a verdict (not tested) have no row, nor
    those not run at this preset (``universe_rows``)."""
    rows = [{"prefix": d.prefix, **vars(d.verdict)} for d in decisions if d.verdict is not None]
    return universe_rows(universe, kind if choice else CONFIGURED, choice, value, pd.DataFrame(rows))


def universe_rows(universe: str, kind: str, choice: str, value, verdicts: pd.DataFrame) -> pd.DataFrame:
    """One universe's rows (``UNIVERSE_COLUMNS``) from verdict rows (one per verdict, with
    ``prefix`` and the ``pacs.verdicts.Verdict`` fields); a row not run at this preset
    (``NOT_RUN``) is no verdict and holds in no universe: it has no row."""
    label = value_label(value) if choice else ""
    rows = [{"universe": universe, "kind": kind, "choice": choice, "value": label,
             **{column: row[column] for column in UNIVERSE_COLUMNS[4:]}} for _, row in verdicts.iterrows()
            if row["verdict"] != NOT_RUN]
    return pd.DataFrame(rows, columns=list(UNIVERSE_COLUMNS))


def design_rows(universe: Universe, verdicts: pd.DataFrame) -> pd.DataFrame:
    """A design universe's rows (``UNIVERSE_COLUMNS``) from its own run's verdict rows (rule
    ``report_numbers`` in its folder), which its own learners' adequacy already qualifies:
    learners that did not converge there read undertrained, never a verdict."""
    return universe_rows(universe.name, "design", universe.choice, universe.value, verdicts)


def robustness(rows: pd.DataFrame) -> pd.DataFrame:
    """Per verdict row (``prefix``): the configured verdict, in how many of the ``n``
    universes (the configured one included) it holds (``holds``), and the universes that
    give another verdict (``flipped_by``: '; '-joined ``key=value``, in order)."""
    out = []
    for prefix, group in rows.groupby("prefix", sort=False):
        configured = group[group.universe == CONFIGURED]
        if configured.empty:  # tested only in some other universe: no configured verdict to hold
            continue
        verdict = configured.verdict.iloc[0]
        flipped = group[group.verdict != verdict]
        out.append({"prefix": prefix, "verdict": verdict, "holds": int((group.verdict == verdict).sum()),
                    "n": len(group), "flipped_by": "; ".join(flipped.universe)})
    return pd.DataFrame(out, columns=["prefix", "verdict", "holds", "n", "flipped_by"])


def influence(rows: pd.DataFrame) -> pd.DataFrame:
    """Per choice: the verdicts its universes flip (over all verdict rows) and the largest
    move of an effect away from the configured one; most influential first (flips, then move)."""
    configured = rows[rows.universe == CONFIGURED].set_index("prefix")
    varied = rows[(rows.universe != CONFIGURED) & rows.prefix.isin(configured.index)]
    out = []
    for choice, group in varied.groupby("choice", sort=False):
        base = configured.loc[group.prefix]
        out.append({"choice": choice, "flips": int((group.verdict.to_numpy() != base.verdict.to_numpy()).sum()),
                    "move": float((group.effect.to_numpy() - base.effect.to_numpy()).__abs__().max())})
    table = pd.DataFrame(out, columns=["choice", "flips", "move"])
    return table.sort_values(["flips", "move", "choice"], ascending=[False, False, True], kind="mergesort",
                             ignore_index=True)


def robustness_cell(row) -> str:
    """The verdict table's robustness cell: 'k/n' and the choices that flip the verdict."""
    cell = f"{int(row.holds)}/{int(row.n)}"
    flipped = row.flipped_by if isinstance(row.flipped_by, str) else ""  # read back from CSV: NaN when none
    return f"{cell}; flips: {flipped}" if flipped else cell


def paragraph(claim: str, rows: pd.DataFrame) -> str:
    """A sentence or two naming the claim's choice that matters most (plain text)."""
    ranked, robust = influence(rows), robustness(rows)
    n = rows.universe.nunique()
    if ranked.empty:
        return f"{claim.upper()} has no universe besides the configured one."
    top = ranked.iloc[0]
    held = sum(r.holds == r.n for r in robust.itertuples())
    head = (f"{claim.upper()}: {n} universes; {held} of {len(robust)} verdict rows hold in all of them. ")
    moved = f"move a deciding effect by up to {top.move:.3g}" if top.move > 0 else "move no deciding effect"
    if top.flips == 0:
        if top.move == 0:
            return head + "No choice flips a verdict or moves a deciding effect."
        return head + f"No choice flips a verdict; {top.choice} matters most: its alternatives {moved}."
    return head + (f"The choice that matters most is {top.choice}: its alternatives flip {int(top.flips)} "
                   f"verdict{'s' if top.flips != 1 else ''} and {moved}.")


def plan(claim: str, choices: list[dict], config: dict, verdict_keys, statistics_keys, statistics_jobs=(),
         run_kinds=("analysis",)) -> list[Universe]:
    """A claim's universes (``universes``), checked against what it reads: ``verdict_keys``,
    the top-level config keys its report numbers are wired with; ``statistics_keys``, the
    dotted keys its statistics jobs read; ``statistics_jobs``, those jobs as wired for a
    rerun (``statistics_params``), whose params' config keys (and ``seeds``, by their input
    files) a universe may change. A universe must change something the claim reads, and
    only what its statistics jobs rerun with among what they read; either problem is a
    ``ValueError`` naming the key."""
    rerun = {"seeds"} if statistics_jobs else set()
    rerun |= {key for job in statistics_jobs for key in job["keys"].values()}
    planned = universes(choices, config, run_kinds, claim=claim)
    for universe in planned:
        where = f"multiverse.{claim}: {universe.choice}"
        read = [key for key in statistics_keys if touches(universe.choice, key)]
        if universe.choice.split(".")[0] not in verdict_keys and not read:
            raise ValueError(f"{where} is not read by {claim}'s verdicts (they read {', '.join(verdict_keys)})")
        if read and not any(touches(universe.choice, key) for key in rerun):
            raise ValueError(f"{where} is read by {claim}'s statistics ({read[0]}), which are not wired to rerun "
                             "with it (wire_claim statistics=...; or set run: false)")
    return planned


def reruns_statistics(universe: Universe, statistics_keys) -> bool:
    """Whether the universe changes what the claim's statistics read (they must be rerun)."""
    return any(touches(universe.choice, key) for key in statistics_keys)


def statistics_params(job: dict, config: dict, overrides: dict) -> dict:
    """A wired statistics job's params in a universe: each param that ``job["keys"]`` maps to
    a config key takes that key's value in the overridden config; the others stay."""
    changed = override(config, overrides)
    return {name: lookup(changed, job["keys"][name]) if name in job["keys"] else value
            for name, value in job["params"].items()}


SEED_FOLDER = re.compile(r"seed(\d+)")


def seed_files(paths, seeds) -> list[str]:
    """The files of ``paths`` that belong to ``seeds``: a path with a folder ``seed<k>`` is
    kept when k is one of them; a path without one (shared by every seed) is kept."""
    kept = []
    for path in paths:
        folders = [int(m[1]) for part in Path(path).parts[:-1] if (m := SEED_FOLDER.fullmatch(part))]
        if all(seed in seeds for seed in folders):
            kept.append(str(path))
    return kept


def seed_inputs(job: dict, seeds) -> dict[str, list[str]]:
    """A wired statistics job's input files on ``seeds`` (``seed_files``); the inputs it names
    ``shared`` (their seed folders are not training seeds: C4's prompt seeds) stay whole."""
    return {name: list(files) if name in job.get("shared", ()) else seed_files(files, seeds)
            for name, files in job["inputs"].items()}


def seed_params(params: dict, seeds) -> dict:
    """A statistics job's params on ``seeds``: a param that maps files to labels (a dict whose
    keys are all paths) keeps the files of those seeds and the shared ones (``seed_files``)."""
    def by_file(value) -> bool:
        return isinstance(value, dict) and bool(value) and all(isinstance(k, str) and "/" in k for k in value)

    return {name: {path: value[path] for path in seed_files(value, seeds)} if by_file(value) else value
            for name, value in params.items()}


def evaluate(claim, tables, trained, params: dict, planned: list[Universe], rerun=None) -> pd.DataFrame:
    """Every universe's verdict rows (``UNIVERSE_COLUMNS``): the claim's ``decide`` on the same
    statistics tables and learners' adequacy (``trained``: so a universe of learners that did not
    converge reads undertrained, as the configured one does), with ``params`` (the claim's wired
    verdict params) overridden per universe (the keys it holds); the configured point first.
    ``rerun(universe)``, where given, returns the universe's own (tables, trained), from its
    statistics rerun, or None to keep the configured ones."""
    frames = [verdict_rows(CONFIGURED, "", None, claim.decide(tables, trained, params))]
    for universe in planned:
        own = rerun(universe) if rerun is not None else None
        universe_tables, universe_trained = own if own is not None else (tables, trained)
        overrides = {key: value for key, value in universe.overrides.items() if key.split(".")[0] in params}
        frames.append(verdict_rows(universe.name, universe.choice, universe.value,
                                   claim.decide(universe_tables, universe_trained, override(params, overrides)),
                                   universe.kind))
    return pd.concat(frames, ignore_index=True)


def design_sentence(ran: list[str], listed: list[str]) -> str:
    """Which design universes ran at this preset and which are listed but did not."""
    said = [f"Design universes run at this preset: {', '.join(ran)}." if ran else
            "No design universe runs at this preset."]
    if listed:
        said.append(f"Listed but not run at this preset: {', '.join(listed)}.")
    return " ".join(said)


def section(claims: dict[str, pd.DataFrame], figure_path, design: dict[str, dict] | None = None) -> str:
    """The report's multiverse subsections (LaTeX): per claim, its paragraph, the design
    universes that ran and those that did not (``design[claim]``: ``ran`` and ``not_run``
    names) and its specification curve (``figure_path(claim)``: the figure's path from paper/build)."""
    parts = []
    for claim, rows in claims.items():
        own = (design or {}).get(claim, {})
        said = paragraph(claim, rows) + " " + design_sentence(own.get("ran", []), own.get("not_run", []))
        parts += [f"\\subsection*{{{claim.upper()}}}", tex_escape(said),
                  "", "\\begin{figure}[H]", "\\centering",
                  f"\\includegraphics[width=\\linewidth]{{{figure_path(claim)}}}",
                  f"\\caption{{{claim.upper()}: the deciding effect of each verdict row with its 95\\% CI in "
                  "every universe (analysis universes: circles, on the configured learners; design universes: "
                  "squares, each its own training run), sorted by effect and coloured by verdict; below, the "
                  "choice each universe takes (rules \\texttt{multiverse}, \\texttt{design\\_universe}, "
                  f"\\texttt{{multiverse\\_figure}}, from \\texttt{{results/multiverse/{claim}/universes.csv}}).}}",
                  "\\end{figure}", ""]
    return "\n".join(parts)
