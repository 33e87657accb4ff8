"""Statistics of Experiment 5 on the tidy item table of ``pacs.experiments.content_effects``.

Items are a random sample from their generator, so every interval resamples
them: the hierarchical bootstrap draws seeds (training seeds of a pipeline LM, or
prompt seeds of a few-shot prompt; a zero-shot prompt has one), then items within
each seed and condition. Content effects are linear contrasts of condition means
(``CONTRASTS``), tested by the same bootstrap (two-sided p, Holm over the
contrasts of one model, prompt and item source). The mixed-effects logistic
regression pools a model's prompts (or seeds) with a fixed effect for each and a
random intercept per item (``pacs.mixed_effects``). Items of different sources
(``"generated"`` or an extra file's name, ``pacs.probes.sources``) are never
pooled: every table has a row per source.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from pacs.labels import world_lm_label
from pacs.probes.stimuli import GENERATED
from pacs.mixed_effects import fixed_effects_logit, random_intercept_logit
from pacs.stats import (BootstrapSettings, bootstrap_p_value, bootstrap_z, group_rng, holm, interval,
                        minimum_detectable_effect, summarize)

VB, VU, IB, IU = "valid-believable", "valid-unbelievable", "invalid-believable", "invalid-unbelievable"
SCORES = ("dcpmi", "plain")
SCORE_NAMES = {"dcpmi": "DC-PMI", "plain": "plain log-probability"}
WORLD_LM_PREFIX = world_lm_label("")
# the columns of a table without rows (a task with no items), so that it is written and read back as such
SUMMARY_COLUMNS = ("mean", "ci_low", "ci_high", "n_seeds", "n_units")
EMPTY_COLUMNS = {
    "acceptance": ("model", "shots", "source", "condition", *SUMMARY_COLUMNS, "score"),
    "contrasts": ("model", "shots", "source", "score", "contrast", "task", "label", "estimate", "ci_low", "ci_high",
                  "z", "p_value", "mde", "p_holm"),
    "categories": ("model", "shots", "source", "condition", *SUMMARY_COLUMNS, "category"),
    "regression": ("model", "task", "source", "term", "estimate", "ci_low", "ci_high", "p_value", "odds_ratio",
                   "n_obs", "n_groups", "converged", "score", "random_intercepts"),
    "regimes": ("contrast", "treated", "control", "score", "estimate", "ci_low", "ci_high", "z", "p_value"),
    "training": ("measure", *SUMMARY_COLUMNS, "regime"),
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
                  settings: BootstrapSettings, key, seed_col: str = "seed") -> dict:
    """Estimate, CI, z, two-sided p and MDE of sum_c w_c * mean(value | cell c), averaged
    over seeds; the bootstrap resamples seeds, then items within each seed and cell."""
    frame = frame[frame[cell_col].isin(weights)].dropna(subset=[value])
    seeds = sorted(frame[seed_col].unique())
    if not seeds:
        raise ValueError(f"no observations of {value} in cells {sorted(weights)}")
    rng = group_rng(settings, key)
    n_seeds = len(seeds)
    per_seed_estimate, per_seed_draws = [], []
    for seed in seeds:
        rows = frame[frame[seed_col] == seed]
        estimate, draws = 0.0, np.zeros((n_seeds, settings.n_boot))
        for cell, weight in weights.items():
            values = rows.loc[rows[cell_col] == cell, value].to_numpy(dtype=float)
            if len(values) == 0:
                raise ValueError(f"seed {seed} has no {value} observations in {cell!r}")
            estimate += weight * values.mean()
            # one independent item resample per slot, so a seed drawn twice gets two
            draws += weight * values[rng.integers(len(values), size=(n_seeds, settings.n_boot, len(values)))].mean(-1)
        per_seed_estimate.append(estimate)
        per_seed_draws.append(draws)
    estimate = float(np.mean(per_seed_estimate))
    draws = np.stack(per_seed_draws)  # (seed, slot, replicate)
    picks = rng.integers(n_seeds, size=(settings.n_boot, n_seeds))
    distribution = draws[picks, np.arange(n_seeds)[None, :], np.arange(settings.n_boot)[:, None]].mean(axis=1)
    low, high = interval(estimate, distribution, len(seeds), settings)
    return {
        "estimate": estimate, "ci_low": low, "ci_high": high,
        "z": bootstrap_z(estimate, distribution, len(seeds), settings),
        "p_value": bootstrap_p_value(estimate, distribution, len(seeds), settings),
        "mde": minimum_detectable_effect(low, high, settings.level),
        "n_seeds": len(seeds), "n_units": len(frame), "n_boot": settings.n_boot, "boot_seed": settings.rng_seed,
    }


def accuracy_table(items: pd.DataFrame, settings: BootstrapSettings) -> pd.DataFrame:
    """Mean correctness per model, shots, item source, task and condition, under each score."""
    frames = [summarize(items, f"correct_{score}", ["model", "shots", "source", "task", "condition"],
                        item_settings(settings),
                        bounds=(0.0, 1.0)).assign(score=score) for score in SCORES]
    return pd.concat(frames, ignore_index=True)


def acceptance_table(items: pd.DataFrame, settings: BootstrapSettings) -> pd.DataFrame:
    """Share of " yes" per model, shots, item source and syllogism condition, under each score."""
    syllogisms = items[items.task == "syllogism"]
    if syllogisms.empty:
        return pd.DataFrame(columns=list(EMPTY_COLUMNS["acceptance"]))
    return pd.concat([summarize(syllogisms, f"accepted_{score}", ["model", "shots", "source", "condition"],
                                item_settings(settings), bounds=(0.0, 1.0)).assign(score=score)
                      for score in SCORES], ignore_index=True)


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


def regime_difference(items: pd.DataFrame, contrast: Contrast, treated: str, control: str,
                      settings: BootstrapSettings, score: str) -> dict:
    """The contrast in ``treated`` regime minus in ``control``: pipeline LMs of the same
    seeds answer the same items, so the contrast is taken of per-item differences
    (treated minus control answer), paired by seed and item."""
    frame = items[items.regime.isin([treated, control]) & (items.task == contrast.task)]
    value = f"{contrast.value}_{score}"
    wide = frame.pivot_table(index=["seed", "item_id", "condition"], columns="regime", values=value,
                             aggfunc="first").reset_index()
    if wide[[treated, control]].isna().any().any():
        raise ValueError(f"regimes {treated} and {control} did not answer the same items in every seed")
    paired = wide.assign(difference=wide[treated] - wide[control])
    result = cell_contrast(paired, "difference", "condition", dict(contrast.weights), item_settings(settings),
                           ("regime", contrast.name, treated, control, score))
    return {"contrast": contrast.name, "treated": treated, "control": control, "score": score, **result}


def category_table(items: pd.DataFrame, settings: BootstrapSettings) -> pd.DataFrame:
    """Share of each Wason error category per model, shots, item source and condition (DC-PMI choices)."""
    wason = items[items.task == "wason"]
    frames = []
    for category in sorted(wason.wason_category.unique()):
        indicator = wason.assign(chosen=(wason.wason_category == category).astype(float))
        frames.append(summarize(indicator, "chosen", ["model", "shots", "source", "condition"],
                                item_settings(settings),
                                bounds=(0.0, 1.0)).assign(category=category))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(EMPTY_COLUMNS["categories"]))


def regression_table(items: pd.DataFrame, reference_conditions: dict[str, str], score: str = "dcpmi") -> pd.DataFrame:
    """Per model, task and item source: correct ~ condition (+ a fixed effect per prompt or seed) with
    random intercepts for items when each item is answered more than once (several
    seeds or prompts), else an ordinary logistic regression. The reference level is
    the task's first condition (else the first present). A source with items of one
    condition of a task has nothing to compare and no rows."""
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
    prompted with examples; its regime is in its name, see ``labels.world_lm_label``)."""
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
