"""Statistics of Experiment 5 on the tidy item table of ``pacs.experiments.content_effects``.

Items are a random sample from their generator, so every interval accounts for
them. Seeds are training seeds of a pipeline LM, or prompt seeds of a few-shot
prompt (a zero-shot prompt has one). Content effects are linear contrasts of
condition means (``CONTRASTS``); every seed answers the same items, so items are
crossed with seeds and a contrast's standard error adds an item part to the seed
part (``cell_contrast``, ``pacs.stats.crossed_contrast``): t-intervals and
two-sided t-tests on Satterthwaite degrees of freedom, Holm over the contrasts of
one model and prompt. Cell rates (accuracy, acceptance, Wason categories) use the
same crossed standard error on the logit scale (``rate_table``).

Why not a bootstrap here: a two-way bootstrap that resamples seeds and items
independently was measured on simulated crossed data (1,500 data sets, 30 items,
500 resamples): its percentile interval covered 0.96-0.995 (it counts the
residual variance about three times over) and 0.90 with 3 seeds when seeds
dominate, and like every seed resampling it cannot give p-values at Holm's small
levels. The moment estimates of the crossed design are exact in expectation.
Their t reference counts the item and the residual mean square as separate
Satterthwaite terms (``crossed_contrast``). Measured on 0/1 answers of a logistic
model with random item, seed and seed-by-condition intercepts (C5's contrasts,
24 or 72 items per condition, base rates 0.6 and 0.9, 8 designs, 10,000 data
sets each; tests/test_stats_validity.py): under the null the rejection rate,
averaged over designs, is 0.045 at 0.05 and 0.0062 at 0.05/8 with 3 seeds (0.046
and 0.0054 with 5); the 95% intervals cover 0.930-0.970 and the 90% ones
0.882-0.929 with 3 seeds (0.945-0.969 and 0.896-0.924 with 5). The weak spot is
3 seeds with a seed-by-condition interaction and many items, where the seed
part (2 df) dominates: 0.069 at 0.05 and 0.018 at 0.05/8 (one design of 8).
With a single-df-term Satterthwaite (the earlier formula) the 3-seed means were
0.065 and 0.019. An item missing for some seed is left out of a contrast, with
a logged count, rather than switching the method.

The regressions (``regression_table``) treat the design as crossed too: a random
intercept per item, answered by every seed or prompt, and a fixed effect per seed
or prompt. A GLMM with crossed random effects for both (two-dimensional
integration per item and seed) is not fitted; with 3-10 seeds a fixed seed
effect costs a few degrees of freedom and estimates the seed variation without
a distributional assumption. The mixed-effects logistic regression pools a
model's prompts (or seeds) with a fixed effect for each and a random intercept
per item (``pacs.mixed_effects``).
Items of different sources (``"generated"`` or an extra file's name,
``pacs.probes.sources``) are never pooled: every table has a row per source.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from pacs.labels import world_lm_label
from pacs.probes.stimuli import GENERATED
from pacs.stats import (BootstrapSettings, crossed_contrast, crossed_rate_interval, holm, minimum_detectable_effect,
                        seed_level_test, summarize, t_interval, t_p_value)

VB, VU, IB, IU = "valid-believable", "valid-unbelievable", "invalid-believable", "invalid-unbelievable"
SCORES = ("dcpmi", "plain")
SCORE_NAMES = {"dcpmi": "DC-PMI", "plain": "plain log-probability"}
WORLD_LM_PREFIX = world_lm_label("")
log = logging.getLogger(__name__)
# the columns of a table without rows (a task with no items), so that it is written and read back as such
SUMMARY_COLUMNS = ("mean", "ci_low", "ci_high", "n_seeds", "n_units")
EMPTY_COLUMNS = {
    "acceptance": ("model", "shots", "source", "condition", *SUMMARY_COLUMNS, "score"),
    "contrasts": ("model", "shots", "source", "score", "contrast", "task", "label", "estimate", "ci_low", "ci_high",
                  "t", "p_value", "mde", "p_holm", "n_items"),
    "categories": ("model", "shots", "source", "condition", *SUMMARY_COLUMNS, "category"),
    "regression": ("model", "task", "source", "term", "estimate", "ci_low", "ci_high", "p_value", "odds_ratio",
                   "n_obs", "n_groups", "converged", "score", "random_intercepts"),
    "corpora": ("contrast", "treated", "control", "score", "estimate", "ci_low", "ci_high", "t", "p_value",
                "n_items"),
    "training": ("measure", *SUMMARY_COLUMNS, "corpus"),
}


@dataclass(frozen=True)
class Contrast:
    """A weighted sum of condition means of ``value`` on one task."""

    name: str
    task: str
    value: str  # "correct" or "accepted" (the score's suffix is added)
    weights: tuple[tuple[str, float], ...]
    label: str


CONTRASTS = (
    Contrast("belief_congruence", "syllogism", "correct",
             ((VB, 0.5), (IU, 0.5), (VU, -0.5), (IB, -0.5)),
             "syllogisms: accuracy when belief agrees with logic minus when it conflicts"),
    Contrast("realistic_advantage", "wason", "correct", (("realistic", 1.0), ("arbitrary", -1.0)),
             "Wason: accuracy on realistic minus arbitrary rules"),
    Contrast("nli_consistency", "nli", "correct", (("consistent", 1.0), ("violate", -1.0)),
             "NLI: accuracy when the hypothesis agrees with the world minus when it violates it"),
)
# Indices of syllogism acceptance (the share of " yes"), as in Evans et al. (1983).
BELIEF_INDICES = (
    Contrast("belief", "syllogism", "accepted", ((VB, 0.5), (IB, 0.5), (VU, -0.5), (IU, -0.5)),
             "belief: acceptance of believable minus unbelievable conclusions"),
    Contrast("logic", "syllogism", "accepted", ((VB, 0.5), (VU, 0.5), (IB, -0.5), (IU, -0.5)),
             "logic: acceptance of valid minus invalid arguments"),
    Contrast("interaction", "syllogism", "accepted", ((IB, 1.0), (IU, -1.0), (VB, -1.0), (VU, 1.0)),
             "interaction: belief effect on invalid minus on valid arguments"),
)


def item_settings(settings: BootstrapSettings) -> BootstrapSettings:
    """The bootstrap settings with items always resampled within seeds."""
    return replace(settings, resample_episodes=True)


def cell_contrast(frame: pd.DataFrame, value: str, cell_col: str, weights: dict[str, float],
                  settings: BootstrapSettings, key, seed_col: str = "seed", item_col: str = "item_id") -> dict:
    """Estimate, 95% and 90% CIs, t statistic (``t``), two-sided p and MDE of
    sum_c w_c * mean(value | cell c), averaged over seeds.

    When the seeds answered the same items of each cell (``item_col``), items are
    crossed with seeds and the standard error has a seed and an item part
    (``stats.crossed_contrast``); with a single seed the same formula is the Welch
    test over items. An item that some seed did not answer is left out of the
    contrast (a warning in the log gives the count; ``n_items`` is what was used),
    so one missing answer never changes the method. Only when no item is answered
    by more than one seed (nested) are the per-seed contrasts the replicates
    (t-test, S - 1 df). Intervals are t-intervals on those degrees of freedom
    (``settings.level`` and 0.90); ``key`` names the contrast in the log. No
    bootstrap runs, so the result carries no bootstrap settings."""
    frame = frame[frame[cell_col].isin(weights)].dropna(subset=[value])
    seeds = sorted(frame[seed_col].unique())
    if not seeds:
        raise ValueError(f"no observations of {value} in cells {sorted(weights)}")
    for seed in seeds:
        present = set(frame.loc[frame[seed_col] == seed, cell_col])
        for cell in weights:
            if cell not in present:
                raise ValueError(f"seed {seed} has no {value} observations in {cell!r}")
    crossed = crossed_matrices(frame, value, cell_col, list(weights), seed_col, item_col, drop_incomplete=True)
    if crossed is not None:
        matrices, dropped = crossed
        if dropped:
            log.warning("%s: %d item(s) not answered by every seed left out of the contrast of %s", key, dropped,
                        value)
        estimate, se, df = crossed_contrast(matrices, list(weights.values()))
        design = "crossed" if len(seeds) > 1 else "items"
        n_items = sum(m.shape[-1] for m in matrices)
    else:
        per_seed = [sum(w * frame.loc[(frame[seed_col] == s) & (frame[cell_col] == c), value].mean()
                        for c, w in weights.items()) for s in seeds]
        estimate, se, df = seed_level_test(per_seed)
        design = "nested"
        n_items = frame[item_col].nunique() if item_col in frame.columns else len(frame)
    estimate, se, df = float(estimate), float(se), float(df)
    low, high = t_interval(estimate, se, df, settings.level)
    low90, high90 = t_interval(estimate, se, df, 0.90)
    return {
        "estimate": estimate, "ci_low": float(low), "ci_high": float(high),
        "ci90_low": float(low90), "ci90_high": float(high90),
        "t": estimate / se if se > 0 else float(np.sign(estimate) * np.inf) if estimate else float("nan"),
        "se": se, "df": df, "p_value": float(t_p_value(estimate, se, df)),
        "mde": minimum_detectable_effect(low, high, settings.level), "design": design,
        "n_seeds": len(seeds), "n_items": int(n_items), "n_units": len(frame),
    }


def crossed_matrices(frame: pd.DataFrame, value: str, cell_col: str, cells: list[str], seed_col: str,
                     item_col: str, drop_incomplete: bool = False) -> tuple[list[np.ndarray], int] | None:
    """One (seed x item) matrix of ``value`` per cell (with one seed: always, each row
    an item) and the number of items left out; None when the items are not shared
    (no item answered by more than one seed, or ``item_col`` absent). An item some
    seed did not answer is left out with ``drop_incomplete``, else the design counts
    as not crossed (None). A seed answering an item twice is an error."""
    n_seeds = frame[seed_col].nunique()
    if n_seeds == 1:
        return [frame.loc[frame[cell_col] == c, value].to_numpy(dtype=float)[None, :] for c in cells], 0
    if item_col not in frame.columns or not frame[item_col].duplicated().any():
        return None
    matrices, dropped = [], 0
    for cell in cells:
        rows = frame[frame[cell_col] == cell]
        twice = rows.duplicated([seed_col, item_col])
        if twice.any():
            first = rows[twice].iloc[0]
            raise ValueError(f"seed {first[seed_col]} answered item {first[item_col]!r} of {cell!r} twice ({value})")
        wide = rows.pivot(index=seed_col, columns=item_col, values=value)
        complete = wide.notna().all()
        if not complete.all() and not drop_incomplete:
            return None
        dropped += int((~complete).sum())
        matrices.append(wide.loc[:, complete].to_numpy(dtype=float))
    return matrices, dropped


def rate_table(frame: pd.DataFrame, value: str, by: list[str], settings: BootstrapSettings,
               seed_col: str = "seed", item_col: str = "item_id") -> pd.DataFrame:
    """Mean of a 0/1 ``value`` per group of ``by`` with its 95% CI: crossed (items
    shared by every seed, or one seed's items: ``crossed_rate_interval``) where the
    group's answers form a complete seed x item matrix, else the nested interval of
    ``summarize``. Same columns as ``summarize``; ``interval`` names the method."""
    table = summarize(frame, value, by, item_settings(settings), seed_col=seed_col, bounds=(0.0, 1.0))
    for index, (_, group) in zip(table.index, frame.groupby(by, sort=True)):
        group = group.dropna(subset=[value])
        crossed = crossed_matrices(group.assign(_cell=0), value, "_cell", [0], seed_col, item_col)
        if crossed is None or crossed[0][0].shape[-1] < 2:
            continue
        low, high = crossed_rate_interval(crossed[0][0], settings.level)
        table.loc[index, ["ci_low", "ci_high", "interval", "n_boot", "boot_seed"]] = [
            float(low), float(high), "crossed logit-t", np.nan, np.nan]
    return table


def accuracy_table(items: pd.DataFrame, settings: BootstrapSettings) -> pd.DataFrame:
    """Mean correctness per model, shots, item source, task and condition, under each score."""
    frames = [rate_table(items, f"correct_{score}", ["model", "shots", "source", "task", "condition"], settings).assign(score=score)
              for score in SCORES]
    return pd.concat(frames, ignore_index=True)


def acceptance_table(items: pd.DataFrame, settings: BootstrapSettings) -> pd.DataFrame:
    """Share of " yes" per model, shots, item source and syllogism condition, under each score."""
    syllogisms = items[items.task == "syllogism"]
    if syllogisms.empty:
        return pd.DataFrame(columns=list(EMPTY_COLUMNS["acceptance"]))
    return pd.concat([rate_table(syllogisms, f"accepted_{score}", ["model", "shots", "source", "condition"], settings)
                      .assign(score=score) for score in SCORES], ignore_index=True)


def contrast_table(items: pd.DataFrame, contrasts, settings: BootstrapSettings) -> pd.DataFrame:
    """Each contrast whose task and conditions are present, per model, shots, item source
    and score; Holm over the contrasts of one (model, shots, source, score)."""
    settings = item_settings(settings)
    rows = []
    for (model, shots, source), frame in items.groupby(["model", "shots", "source"], sort=True):
        for contrast in contrasts:
            task_rows = frame[frame.task == contrast.task]
            if not set(dict(contrast.weights)) <= set(task_rows.condition):
                continue
            for score in SCORES:
                value = f"{contrast.value}_{score}"
                result = cell_contrast(task_rows, value, "condition", dict(contrast.weights), settings,
                                       (model, shots, source, contrast.name, score))
                rows.append({"model": model, "shots": shots, "source": source, "score": score,
                             "contrast": contrast.name,
                             "task": contrast.task, "label": contrast.label, **result})
    table = pd.DataFrame(rows) if rows else pd.DataFrame(columns=list(EMPTY_COLUMNS["contrasts"]))
    if not table.empty:
        table["p_holm"] = table.groupby(["model", "shots", "source", "score"])["p_value"].transform(
            lambda p: holm(p.to_numpy()))
    return table


def human_indices(acceptance: dict[str, float]) -> pd.DataFrame:
    """The belief, logic and interaction indices of published acceptance rates (no CI:
    the source gives no item-level data)."""
    return pd.DataFrame([{"contrast": c.name, "label": c.label,
                          "estimate": sum(w * acceptance[cell] for cell, w in c.weights)} for c in BELIEF_INDICES])


def corpus_difference(items: pd.DataFrame, contrast: Contrast, treated: str, control: str,
                      settings: BootstrapSettings, score: str) -> dict:
    """The contrast in ``treated`` corpus minus in ``control``: pipeline LMs of the same
    seeds answer the same items, so the contrast is taken of per-item differences
    (treated minus control answer), paired by seed and item."""
    frame = items[items.corpus.isin([treated, control]) & (items.task == contrast.task)]
    value = f"{contrast.value}_{score}"
    wide = frame.pivot_table(index=["seed", "item_id", "condition"], columns="corpus", values=value,
                             aggfunc="first").reset_index()
    if wide[[treated, control]].isna().any().any():
        raise ValueError(f"corpora {treated} and {control} did not answer the same items in every seed")
    paired = wide.assign(difference=wide[treated] - wide[control])
    result = cell_contrast(paired, "difference", "condition", dict(contrast.weights), item_settings(settings),
                           ("corpus", contrast.name, treated, control, score))
    return {"contrast": contrast.name, "treated": treated, "control": control, "score": score, **result}


def corpus_contrasts(items: pd.DataFrame, couplings: dict, settings: BootstrapSettings) -> pd.DataFrame:
    """The world LMs' belief-congruence contrast of every training corpus against the
    control, the corpus of weakest belief-validity coupling (``couplings``: corpus ->
    coupling), for each score; empty (with its columns) when no world LM answered."""
    world = items[items.corpus.fillna("") != ""]
    control = min(couplings, key=couplings.get)
    rows = [corpus_difference(world, CONTRASTS[0], treated, control, settings, score)
            for treated in couplings if treated != control for score in SCORES] if not world.empty else []
    return pd.DataFrame(rows) if rows else pd.DataFrame(columns=list(EMPTY_COLUMNS["corpora"]))


def category_table(items: pd.DataFrame, settings: BootstrapSettings) -> pd.DataFrame:
    """Share of each Wason error category per model, shots, item source and condition (DC-PMI choices)."""
    wason = items[items.task == "wason"]
    frames = []
    for category in sorted(wason.wason_category.unique()):
        indicator = wason.assign(chosen=(wason.wason_category == category).astype(float))
        frames.append(rate_table(indicator, "chosen", ["model", "shots", "source", "condition"], settings)
                      .assign(category=category))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(EMPTY_COLUMNS["categories"]))


def regression_table(items: pd.DataFrame, reference_conditions: dict[str, str], score: str = "dcpmi") -> pd.DataFrame:
    """Per model, task and item source: correct ~ condition (+ a fixed effect per prompt or seed) with
    random intercepts for items when each item is answered more than once (several
    seeds or prompts), else an ordinary logistic regression. The reference level is
    the task's first condition (else the first present). A source with items of one
    condition of a task has nothing to compare and no rows."""
    # imported here: statsmodels costs every workflow start a quarter second (the Snakefile imports this module)
    from pacs.mixed_effects import fixed_effects_logit, random_intercept_logit

    tables = []
    for (model, task, source), frame in items.groupby(["model", "task", "source"], sort=True):
        present = sorted(frame.condition.unique())
        if len(present) < 2:
            continue
        frame = frame.assign(repetition=frame.prompt + " | seed " + frame.seed.astype(str))
        reference = reference_conditions.get(task, present[0])
        reference = reference if reference in present else present[0]
        formula = f"C(condition, Treatment({reference!r}))"
        if frame.repetition.nunique() > 1:
            table = random_intercept_logit(frame, formula + " + C(repetition)", f"correct_{score}", "item_id")
        else:  # one answer per item: no item variance to estimate
            table = fixed_effects_logit(frame, formula, f"correct_{score}")
        tables.append(table.assign(model=model, task=task, source=source, reference=reference, score=score,
                                   n_repetitions=frame.repetition.nunique(),
                                   random_intercepts=frame.repetition.nunique() > 1))
    return pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=list(EMPTY_COLUMNS["regression"]))


def condition_terms(regression: pd.DataFrame) -> pd.DataFrame:
    """The condition rows of a regression table, with the condition's name in ``term``
    and the odds ratio's CI."""
    rows = regression[regression.term.str.startswith("C(condition")].copy()
    rows["term"] = rows.term.str.extract(r"\[T\.(.+)\]$", expand=False)
    rows["odds_ratio_low"], rows["odds_ratio_high"] = np.exp(rows.ci_low), np.exp(rows.ci_high)
    return rows


def respondent(model: str, shots) -> str:
    """Who answered: a pretrained LM with its prompt, or a world LM (trained, never
    prompted with examples; its corpus is in its name, see ``labels.world_lm_label``)."""
    return model if model.startswith(WORLD_LM_PREFIX) else f"{model}, {int(shots)}-shot"


def with_respondent(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with a ``respondent`` column (the model alone where prompts are pooled: no ``shots``)."""
    if "shots" not in table.columns:
        return table.assign(respondent=table["model"])
    return table.assign(respondent=[respondent(m, s) for m, s in zip(table.model, table.shots)])


def with_source(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` whose respondents on items of an extra file are named with it
    (``"SmolLM2-135M, 0-shot [theirs.jsonl]"``), for figures that show every source."""
    if "source" not in table.columns or table.empty:
        return table
    return table.assign(respondent=[respondent if source == GENERATED else f"{respondent} [{source}]"
                                    for respondent, source in zip(table.respondent, table.source)])
