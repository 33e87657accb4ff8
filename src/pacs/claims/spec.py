"""What a claim's experiment hands the report: the spec every claim module exports.

A ``Claim`` holds its statistics (episode tables and training logs in, tables with
CIs out; its statistics rule calls it), names the statistics tables its report
numbers read, two functions (the section's results macros, and its verdicts), its
figures and learning-curve figures, its rule file and any extra files its report
section needs. The workflow's generic rules (``report_numbers``, ``figure``) and the
PDF's inputs are derived from these specs (``pacs.claims.registry.REGISTRY``); the
report functions are pure (tables in, text and verdicts out) so they are unit-tested
without a pipeline run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from pacs import report
from pacs.adequacy import Adequacy, assess, qualify
from pacs.claims.config_checks import ClaimConfig
from pacs.tables import read_table
from pacs.verdicts import validate

VERDICT_PARTS = ("Verdict", "Reason", "Effect", "PHolm", "Rule")
NUMBER_WORDS = ("Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine")


def macro_prefix(claim_id: str) -> str:
    """How a claim id is spelled in its LaTeX macro names, which are letters only:
    ``c3`` -> ``CThree`` (every macro a claim writes starts with it)."""
    letter, digits = claim_id[0], claim_id[1:]
    if not claim_id.isascii() or not letter.isalpha() or not digits.isdigit():
        raise ValueError(f"claim id {claim_id!r} is not a letter and a number")
    return letter.upper() + "".join(NUMBER_WORDS[int(d)] for d in digits)


@dataclass(frozen=True)
class Decision:
    """One verdict row of a claim and the macro prefix it is printed under; a test
    that could not run has no verdict, only the sentence printed in its place."""

    prefix: str
    verdict: object = None  # a pacs.verdicts.Verdict
    rule: object = None  # the rule that decided it (prints itself)
    not_tested: str = ""

    @classmethod
    def qualified(cls, prefix: str, verdict, rule, trained: Adequacy, controls=None) -> "Decision":
        """The verdict as its controls validate it (``controls``: (positive, negative), each
        (what it is, its verdict); ``pacs.verdicts.validate``: "cannot be decided by this
        design" unless both read as they must), then as its learners' adequacy qualifies it
        (``pacs.adequacy.qualify``: ``undertrained`` when they did not all converge, whatever
        the controls read: a verdict about learners that did not finish is about neither the
        claim nor the design, so it stays undertrained in every universe that keeps them)."""
        return cls(prefix, qualify(cls.controlled(prefix, verdict, rule, controls).verdict, trained), rule)

    @classmethod
    def controlled(cls, prefix: str, verdict, rule, controls=None) -> "Decision":
        """The verdict as its controls validate it (see ``qualified``); unchanged without controls."""
        return cls(prefix, verdict if controls is None else validate(verdict, *controls), rule)

    def macros(self) -> str:
        if self.verdict is None:
            return "\n".join(report.macro(f"{self.prefix}{part}", self.not_tested) for part in VERDICT_PARTS)
        return report.verdict_macros(self.prefix, self.verdict, self.rule)


@dataclass(frozen=True)
class ReportNumbers:
    """A claim's generated LaTeX (results and verdict macros) and its verdict rows."""

    results: str
    verdict: str
    verdict_rows: pd.DataFrame


@dataclass(frozen=True)
class Claim:
    """One claim's experiment, as the report sees it.

    id: ``c1``...``c6``, the one name used in files, folders, macros and wildcards.
    statistics(inputs, params) -> dict[str, DataFrame]: the claim's statistics, from its
        statistics rule's named inputs (episode tables, training logs, ...) and params
        (``stats``, the training logs' ``log_conditions``, ...) to its named output tables.
    tables: statistics tables the report numbers read: input name -> required columns.
    results(tables, params) -> str: the section's setup and results macros.
    decide(tables, trained, params) -> list[Decision]: the verdicts; ``trained`` maps
        each ``training_logs*`` input to the adequacy of those learners.
    figures: figure name (``paper/build/figures/<name>.pdf``) -> the function of ``pacs.figures``
        that draws it, ``draw(tables, params, out_paths)`` (params: the figure's wired params).
    learning_curves: learning-curve figure name -> its title.
    extra_report_inputs: further files the report section needs (made by the claim's rule file).
    rule_file: its rule file under workflow/rules (the experiment's own stages), which the
        Snakefile includes; ``<id>.smk`` unless claims share one.
    config: its part of the config's start-up checks (``pacs.claims.config_checks.ClaimConfig``:
        its learners' model and the relations between its keys).
    budget: its budget sensitivity (a ``pacs.budget.BudgetAnalysis``: what its verdict at
        each model width reads and decides, and the verdict rows it qualifies), or None
        when it takes no part; its rule file wires the learners (``wire_budget``).
    sweep_learner: the learner the hyperparameter sweep tunes for it (``pacs.sweep``), as the
        sweep's tables name it; empty when it takes no part; its rule file wires that
        learner's grid (``wire_sweep``).
    original_claim: the claim as its source states it (shortened), printed beside its verdict rows.
    margins: each margin or threshold of its verdict block (``<id>.verdict.<key>``) -> where it comes
        from, printed beside the value in the report's margin table.
    config_defaults: its config section's default values (``<id>.<key>``), when its module holds the
        section instead of config.yaml: merged under the config (config.yaml, the preset and the
        command line win, key by key; ``pacs.claims.registry.resolve_config``), and every key and
        type given there is checked against them (``config_checks.matches_defaults``) before its
        own ``config`` relations run. Empty: its section is config.yaml's (C1...C6).
    """

    id: str
    title: str
    statistics: Callable[[Mapping, Mapping], dict[str, pd.DataFrame]]
    tables: Mapping[str, tuple[str, ...]]
    results: Callable[[Mapping[str, pd.DataFrame], Mapping], str]
    decide: Callable[[Mapping[str, pd.DataFrame], Mapping[str, Adequacy], Mapping], list[Decision]]
    figures: Mapping[str, str]
    learning_curves: Mapping[str, str]
    extra_report_inputs: tuple[str, ...] = field(default=())
    rule_file: str = ""
    config: ClaimConfig = field(default=ClaimConfig())
    budget: object = None
    sweep_learner: str = ""
    original_claim: str = ""
    margins: Mapping[str, str] = field(default_factory=dict)
    config_defaults: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self):
        if not self.rule_file:
            object.__setattr__(self, "rule_file", f"{self.id}.smk")

    @property
    def verdict_rows_file(self) -> str:
        """The claim's verdict rows (one CSV row per verdict), written by the ``report_numbers`` rule."""
        return f"results/verdicts/{self.id}.csv"

    @property
    def macro_files(self) -> tuple[str, str]:
        """The claim's generated macros (results, verdicts), written by the ``report_numbers`` rule."""
        return f"paper/build/generated/{self.id}_results.tex", f"paper/build/generated/{self.id}_verdict.tex"

    def report_inputs(self) -> list[str]:
        """Every file of this claim that the PDF reads: its generated macros (results and
        verdicts), its figures and learning curves, and any extra inputs it names."""
        return [*self.macro_files,
                *[f"paper/build/figures/{name}.pdf" for name in self.figures],
                *[f"paper/build/figures/learning_{name}.pdf" for name in self.learning_curves],
                *self.extra_report_inputs]

    def report_numbers(self, tables: Mapping[str, pd.DataFrame], trained: Mapping[str, Adequacy],
                       params: Mapping) -> ReportNumbers:
        """The section's macros and verdict rows from its statistics tables."""
        decisions = self.decide(tables, trained, params)
        rows = [{**d.verdict.as_row(), "prefix": d.prefix} for d in decisions if d.verdict is not None]
        return ReportNumbers(self.results(tables, params), "\n".join(d.macros() for d in decisions),
                             pd.DataFrame(rows))


def macro_inputs(claims) -> str:
    """The LaTeX that loads every claim's generated macros (``\\input`` lines relative to
    paper/build, where the report is compiled), in the order of ``claims``."""
    return "\n".join(f"\\input{{{path.removeprefix('paper/build/')}}}" for claim in claims
                     for path in claim.macro_files)


def load_tables(claim: Claim, inputs: Mapping[str, str]) -> dict[str, pd.DataFrame]:
    """Read the statistics tables ``claim`` names from a rule's named inputs (checking their columns)."""
    return {name: read_table(inputs[name], tuple(required)) for name, required in claim.tables.items()}


def assess_training(inputs: Mapping[str, object], expert_imitators=(),
                    expert_agreement_floor: float | None = None) -> dict[str, Adequacy]:
    """The adequacy of the learners behind each ``training_logs*`` input (a list of
    training logs), the ``expert_imitators`` among them held to ``expert_agreement_floor``."""
    return {name: assess(paths, expert_imitators, expert_agreement_floor)
            for name, paths in inputs.items() if name.startswith("training_logs")}
