"""The multiverse: each claim's verdicts under every reasonable reconstruction choice.

A *choice* is a config key we had to fix without a number from the papers (a margin,
C5's score, ...), with its reasonable alternatives (config ``multiverse.<claim>``). A
*universe* is the configured run with one choice set to one alternative (one choice at a
time around the configured point, as Steegen et al. 2016 vary them); an alternative equal
to the configured value is the configured point itself and is not a universe of its own.
Analysis choices (``kind: analysis``) reuse the trained learners; design choices
(``kind: design``) would need their own training and are listed for the extended tier only.

Tables here are tidy: one row per (universe, verdict row), with the columns of
``UNIVERSE_COLUMNS``; the functions are pure, so the robustness counts are tested on synthetic multiverses with known verdicts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pacs.config import lookup, multiverse_alternatives, override
from pacs.labels import CONFIGURED
from pacs.report import tex_escape

# one row per (universe, verdict row): the universe's name, the choice it varies and the
# alternative it takes (the configured point has neither), the verdict row's macro prefix
UNIVERSE_COLUMNS = ("universe", "choice", "value", "prefix", "test", "effect_label", "effect", "ci_low",
                    "ci_high", "verdict")


@dataclass(frozen=True)
class Universe:
    """One universe: its name, the choice it varies (a dotted config key), its value."""

    name: str
    choice: str
    value: object

    @property
    def overrides(self) -> dict:
        return {self.choice: self.value}


def value_label(value) -> str:
    """How an alternative is printed in a universe's name and the dot matrix."""
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(value_label(v) for v in value) + "]"
    return f"{value:g}" if isinstance(value, float) else str(value)


def universes(choices: list[dict], config: dict, run_kinds=("analysis",)) -> list[Universe]:
    """The universes of one claim's ``multiverse`` choices (each ``{key, kind, alternatives,
    run}``): one per alternative of each choice of a kind in ``run_kinds`` (and ``run`` not
    false), in the config's order, without the alternatives equal to the configured value
    (that universe is the configured run itself)."""
    planned = []
    for choice in choices:
        if choice["kind"] not in run_kinds or not choice.get("run", True):
            continue
        configured = lookup(config, choice["key"])
        for value in multiverse_alternatives(choice, config):
            if value != configured:
                planned.append(Universe(f"{choice['key']}={value_label(value)}", choice["key"], value))
    return planned


def touches(key: str, read: str) -> bool:
    """Whether overriding config key ``key`` changes the value at ``read`` (one holds the other)."""
    return key == read or key.startswith(read + ".") or read.startswith(key + ".")


def verdict_rows(universe: str, choice: str, value, decisions) -> pd.DataFrame:
    """One universe's rows (``UNIVERSE_COLUMNS``) from a claim's decisions
    (``pacs.claims.spec.Decision``); decisions without a verdict (not tested) have no row."""
    rows = [{"universe": universe, "choice": choice, "value": value_label(value) if choice else "",
             "prefix": d.prefix, "test": d.verdict.test, "effect_label": d.verdict.effect_label,
             "effect": d.verdict.effect, "ci_low": d.verdict.ci_low, "ci_high": d.verdict.ci_high,
             "verdict": d.verdict.verdict} for d in decisions if d.verdict is not None]
    return pd.DataFrame(rows, columns=list(UNIVERSE_COLUMNS))


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
        return f"{claim.upper()} has no analysis universe besides the configured one."
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
    planned = universes(choices, config, run_kinds)
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
                                   claim.decide(universe_tables, universe_trained, override(params, overrides))))
    return pd.concat(frames, ignore_index=True)


def section(claims: dict[str, pd.DataFrame], figure_path) -> str:
    """The report's multiverse subsections (LaTeX): per claim, its paragraph and its
    specification curve (``figure_path(claim)``: the figure's path from paper/build)."""
    parts = []
    for claim, rows in claims.items():
        parts += [f"\\subsection*{{{claim.upper()}}}", tex_escape(paragraph(claim, rows)), "",
                  "\\begin{figure}[H]", "\\centering",
                  f"\\includegraphics[width=\\linewidth]{{{figure_path(claim)}}}",
                  f"\\caption{{{claim.upper()}: the deciding effect of each verdict row with its 95\\% CI in "
                  "every analysis universe, sorted by effect and coloured by verdict; below, the choice each "
                  "universe takes (rules \\texttt{multiverse}, \\texttt{multiverse\\_figure}, from "
                  f"\\texttt{{results/multiverse/{claim}/universes.csv}}).}}", "\\end{figure}", ""]
    return "\n".join(parts)
