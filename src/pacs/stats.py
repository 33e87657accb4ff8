"""Statistics as small pure functions on arrays and tidy frames (no torch).

The unit of replication is the training seed; episodes (or items) are nested in
seeds. A mean is the mean of the per-seed means. Its confidence interval comes
from a hierarchical bootstrap: resample seeds with replacement and, optionally,
the episodes within each drawn seed.

Calibration (measured by tests/test_stats.py on simulated nested data): the plain
percentile interval of the two-stage bootstrap covers the truth in about 84% of
repeats with 5 seeds when seed-to-seed variation dominates, and in about 99% when
episode noise dominates. The default here is therefore the seed-level bootstrap
with the small-sample correction ``sqrt(S / (S - 1)) * t_{S-1} / z`` applied to
the percentile interval's half-widths, which covers ~95% in both regimes. Both
choices are config keys (``stats.resample_episodes``,
``stats.small_sample_correction``). With a single seed the episodes are always
resampled (seed variation cannot be estimated, and the report says so).

p-values are not read off the bootstrap: with S seeds a resampling distribution
cannot reach past its most extreme seed, so its tail is far too thin at the
levels Holm compares with (0.05 / 24 and below). A seed-level contrast is tested
by the one-sample t-test on its per-seed values, t with S - 1 degrees of freedom
(``seed_level_test``): exact for normal seed means, and valid at every level.
With a single seed the units inside it (episodes) are the replicates instead.
Rates (and any metric with known bounds) are different near a bound: seed means
pile up against it and their spread under-states the uncertainty on the side
away from it (a rate of mean 0.97 and seed SD 0.04 covered only 83-89% with the
bootstrap). ``summarize`` with ``bounds`` and at least 2 seeds therefore builds
the interval on the logit scale (``bounded_mean_interval``).

Items shared by every seed are crossed with seeds, not nested: ``crossed_contrast``
adds the item variance the seed-level test cannot see (moment estimates of the
two-way crossed design, Satterthwaite degrees of freedom with the item and the
residual mean square as separate terms: the item variance is their difference).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

# scipy is imported inside the functions that use it: every workflow start imports this
# module (through the claims' specs), and scipy.stats would cost each start about 0.4 s.


@dataclass(frozen=True)
class BootstrapSettings:
    n_boot: int = 2000
    level: float = 0.95
    rng_seed: int = 0
    resample_episodes: bool = False
    small_sample_correction: bool = True


def group_rng(settings: BootstrapSettings, key) -> np.random.Generator:
    """A generator fixed by the settings' seed and the group's key (so a group's
    interval does not depend on which other groups were analysed)."""
    return np.random.default_rng([settings.rng_seed, zlib.crc32(repr(key).encode())])


def hierarchical_bootstrap(
    groups: list[np.ndarray], n_boot: int, rng: np.random.Generator, resample_episodes: bool
) -> np.ndarray:
    """Bootstrap distribution (n_boot,) of the mean of per-seed means.

    ``groups``: one array of episode values per seed. Seeds are drawn with
    replacement; within each drawn seed the episodes are redrawn with replacement
    when ``resample_episodes`` (always, when there is a single seed)."""
    n_groups = len(groups)
    if n_groups == 0:
        raise ValueError("no groups to bootstrap")
    resample_episodes = resample_episodes or n_groups == 1
    picks = rng.integers(n_groups, size=(n_boot, n_groups))
    draws = np.empty((n_boot, n_groups))
    for index, values in enumerate(groups):
        chosen = picks == index
        n_chosen = int(chosen.sum())
        if n_chosen == 0:
            continue
        if resample_episodes:
            draws[chosen] = values[rng.integers(len(values), size=(n_chosen, len(values)))].mean(axis=1)
        else:
            draws[chosen] = values.mean()
    return draws.mean(axis=1)


def interval(
    estimate: float, distribution: np.ndarray, n_groups: int, settings: BootstrapSettings,
    level: float | None = None,
) -> tuple[float, float]:
    """Percentile interval of a bootstrap distribution, widened about the estimate by
    the small-sample factor when there are at least two seeds and it is enabled.
    ``level``: the coverage (default: the settings' level; 0.90 for equivalence tests)."""
    level = settings.level if level is None else level
    alpha = 1 - level
    low, high = np.quantile(distribution, [alpha / 2, 1 - alpha / 2])
    factor = small_sample_factor(n_groups, settings, level)
    return estimate + factor * (low - estimate), estimate + factor * (high - estimate)


def small_sample_factor(n_groups: int, settings: BootstrapSettings, level: float | None = None) -> float:
    from scipy import stats as scipy_stats
    if not settings.small_sample_correction or n_groups < 2:
        return 1.0
    alpha = 1 - (settings.level if level is None else level)
    t_quantile = scipy_stats.t.ppf(1 - alpha / 2, n_groups - 1)
    z_quantile = scipy_stats.norm.ppf(1 - alpha / 2)
    return float(np.sqrt(n_groups / (n_groups - 1)) * t_quantile / z_quantile)


def t_p_value(estimate, se, df):
    """Two-sided p-value of 'the mean is 0' from an estimate, its standard error and
    the t distribution's degrees of freedom (arrays broadcast). A zero SE gives p = 0
    for a nonzero estimate and 1 for a zero one."""
    from scipy import stats as scipy_stats
    estimate, se, df = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (estimate, se, df)))
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(se > 0, np.abs(estimate) / np.where(se > 0, se, 1.0), np.where(estimate == 0, 0.0, np.inf))
    p = 2 * scipy_stats.t.sf(t, np.maximum(df, 1))
    return np.where(np.isnan(se), np.nan, np.minimum(p, 1.0))


def seed_level_test(values, axis: int = -1):
    """Estimate, standard error and degrees of freedom of the mean of independent
    replicate values (per-seed means, or the episodes of a single seed): the mean,
    SD / sqrt(n), n - 1. Vectorized over the other axes."""
    values = np.asarray(values, dtype=float)
    n = values.shape[axis]
    if n < 2:
        raise ValueError(f"a t-test needs at least 2 replicates, got {n}")
    return values.mean(axis=axis), values.std(axis=axis, ddof=1) / np.sqrt(n), n - 1


def crossed_contrast(cells, weights):
    """Estimate, standard error and Satterthwaite degrees of freedom of
    sum_c w_c * mean(Y_c) where each Y_c (..., S seeds, I_c items) has every item
    answered by every seed (items crossed with seeds, distinct items per cell).

    Model per cell: y = mu_c + seed_c + item + noise. Var(estimate) =
    Var(per-seed contrast) / S + sum_c w_c^2 (item variance_c / I_c). The item
    part is a difference of two mean squares, (MS_items_c - MS_residual_c) / (S I_c)
    (the residual is already in the seed term), clipped at 0. The Satterthwaite
    degrees of freedom count each mean square as its own term: the per-seed
    contrasts' variance (S - 1 df), and for each cell MS_items (I_c - 1 df) and
    MS_residual ((S - 1)(I_c - 1) df), whose coefficients are w_c^2 / (S I_c) and
    its negative. Entering the difference as one mean square with I_c - 1 df
    overstates the df: with 3 seeds the test then rejected at two to three times the
    smallest Holm levels. A cell whose item part is clipped to 0 adds nothing to
    the variance and nothing to the df sum (with every cell clipped: S - 1 df, the
    seed-level t-test, conservative where the items do vary a little).

    With one seed only the item part is there (the residual is then inside it;
    I_c - 1 df per cell: the Welch test over items). Vectorized over the leading
    axes. Calibration on 0/1 answers of a logistic model (tests/test_stats_validity.py)
    is in ``pacs.probes.analysis``."""
    cells = [np.asarray(c, dtype=float) for c in cells]
    n_seeds = cells[0].shape[-2]
    per_seed = sum(w * c.mean(axis=-1) for c, w in zip(cells, weights))  # (..., S)
    estimate = per_seed.mean(axis=-1)
    item_parts, df_terms = [], []  # df_terms: (variance term)^2 / its df, summed in the denominator
    for cell, weight in zip(cells, weights):
        n_items = cell.shape[-1]
        if n_items < 2:
            raise ValueError(f"a crossed contrast needs at least 2 items per cell, got {n_items}")
        item_means = cell.mean(axis=-2)
        items_term = weight ** 2 * item_means.var(axis=-1, ddof=1) / n_items  # w^2 MS_items / (S I)
        if n_seeds > 1:
            residual = (cell - cell.mean(axis=-1, keepdims=True) - item_means[..., None, :]
                        + cell.mean(axis=(-2, -1), keepdims=True))
            residual_var = (residual ** 2).sum(axis=(-2, -1)) / ((n_seeds - 1) * (n_items - 1))
            residual_term = weight ** 2 * residual_var / (n_seeds * n_items)  # w^2 MS_residual / (S I)
            kept = items_term > residual_term
            item_parts.append(np.where(kept, items_term - residual_term, 0.0))
            df_terms.append(np.where(kept, items_term ** 2 / (n_items - 1)
                                     + residual_term ** 2 / ((n_seeds - 1) * (n_items - 1)), 0.0))
        else:
            item_parts.append(items_term)
            df_terms.append(items_term ** 2 / (n_items - 1))
    seed_part = per_seed.var(axis=-1, ddof=1) / n_seeds if n_seeds > 1 else np.zeros_like(estimate)
    variance = seed_part + sum(item_parts)
    denominator = sum(df_terms)
    if n_seeds > 1:
        denominator = denominator + seed_part ** 2 / (n_seeds - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        df = np.where(denominator > 0, variance ** 2 / np.where(denominator > 0, denominator, 1.0), 1.0)
    df = np.maximum(df, 1.0)
    return estimate, np.sqrt(variance), df


def widened_to_hold(low, high, mean):
    """[low, high] stretched to contain ``mean``: a mean at a bound (every seed at
    100%) keeps the bound inside its interval, and rounding on the logit scale never
    leaves the mean just outside."""
    return np.minimum(low, mean), np.maximum(high, mean)


def crossed_rate_interval(matrix, level: float):
    """CI for the mean of a [0, 1] rate over a (..., seeds, items) matrix of answers
    with items crossed with seeds: the standard error and degrees of freedom of
    ``crossed_contrast`` carried to the logit scale by the delta method (centre the
    logit of the mean, moved 0.5 / (N + 1) inside a bound), t quantile. When every
    answer is the same (SE 0) the SE of a pooled proportion of N answers is used,
with N - 1 degrees of freedom.

    Measured coverage of a nominal 95% interval (4,000 data sets of 0/1 answers,
    40 items, logit = mu + seed + item effects; tests/test_stats_validity.py):
    mean 0.66: 0.96 with 3, 5, 10 seeds; mean 0.95: 0.973, 0.971, 0.959 with 3, 5,
    10 seeds (conservative near the ceiling: the item part is often clipped there,
    and then the df are the seeds' S - 1). With one seed
    the interval is about that seed's items only (seed variation is unknown)."""
    from scipy import special as scipy_special
    from scipy import stats as scipy_stats
    matrix = np.asarray(matrix, dtype=float)
    estimate, se, df = crossed_contrast([matrix], [1.0])
    n_answers = matrix.shape[-1] * matrix.shape[-2]
    edge = 0.5 / (n_answers + 1)
    centre = np.clip(estimate, edge, 1 - edge)
    pooled_se = 1 / np.sqrt(n_answers * centre * (1 - centre))
    logit_se = np.where(se > 0, se / (centre * (1 - centre)), pooled_se)
    df = np.where(se > 0, df, n_answers - 1)
    half = scipy_stats.t.ppf(1 - (1 - level) / 2, df) * logit_se
    logit_centre = scipy_special.logit(centre)
    return widened_to_hold(scipy_special.expit(logit_centre - half), scipy_special.expit(logit_centre + half),
                           estimate)


def t_interval(estimate, se, df, level: float):
    """estimate -/+ t_{df, 1 - (1 - level) / 2} * se."""
    from scipy import stats as scipy_stats
    half = scipy_stats.t.ppf(1 - (1 - level) / 2, df) * np.asarray(se)
    return estimate - half, estimate + half


def bootstrap_z(estimate: float, distribution: np.ndarray, n_groups: int, settings: BootstrapSettings) -> float:
    """Test statistic: the estimate over its bootstrap standard error (widened by the
    same small-sample factor as the interval)."""
    se = small_sample_factor(n_groups, settings) * float(np.std(distribution, ddof=1))
    if se > 0:
        return estimate / se
    return float("nan") if estimate == 0 else float(np.sign(estimate) * np.inf)


def minimum_detectable_effect(ci_low: float, ci_high: float, level: float = 0.95, power: float = 0.8) -> float:
    """Smallest true effect the design detects with probability ``power`` at the
    two-sided ``1 - level`` test, given the width of a CI obtained under it:
    (z_{1-alpha/2} + z_power) * SE, with SE = half-width / z_{1-alpha/2}. Normal
    approximation; Holm's correction makes the real threshold somewhat larger."""
    from scipy import stats as scipy_stats
    z_level = scipy_stats.norm.ppf(1 - (1 - level) / 2)
    se = (ci_high - ci_low) / (2 * z_level)
    return float((z_level + scipy_stats.norm.ppf(power)) * se)


def contrast_p_value(groups: list[np.ndarray]) -> float:
    """Two-sided p of 'the mean of per-seed means is 0': t-test on the per-seed means
    (S - 1 df), or, with a single seed, on its units (n - 1 df; NaN with one unit)."""
    replicates = np.array([g.mean() for g in groups]) if len(groups) > 1 else groups[0]
    if len(replicates) < 2:
        return float("nan")
    return float(t_p_value(*seed_level_test(replicates)))


def bounded_mean_interval(seed_means, units_per_seed, bounds: tuple[float, float], level: float):
    """CI for the mean of per-seed means of a metric bounded by ``bounds``, on the logit
    scale of the metric rescaled to [0, 1]: centre logit(mean of seed means), so the
    interval targets the mean (not the median); standard error the root mean square
    of two estimates on that scale, the delta method's SE(mean) / (m (1 - m)) and the
    SE of the logits of the seed means (which grows with the skew near a bound);
    t quantile with S - 1 df. For the logits, seed means are kept 0.5 / (n + 1)
    inside the bounds (n: that seed's units, the resolution of its mean); the centre
    moves only when the mean itself is at a bound. Vectorized over leading axes of
    ``seed_means`` (..., S).

    Measured coverage of a nominal 95% interval (40,000 repeats): beta-distributed
    seed means (1000 units each) of mean 0.97 and seed SD 0.04: 0.94-0.95 with 3,
    5, 10 seeds; mean 0.6, SD 0.1: 0.95 (tests/test_stats_validity.py). Weak spot:
    a mean of only 100 0/1 episodes per seed at that ceiling, where many seeds
    score 100%: 0.90-0.94."""
    from scipy import special as scipy_special
    from scipy import stats as scipy_stats
    low_bound, high_bound = bounds
    span = high_bound - low_bound
    scaled = (np.asarray(seed_means, dtype=float) - low_bound) / span
    eps = np.broadcast_to(0.5 / (np.asarray(units_per_seed, dtype=float) + 1), scaled.shape)
    n_seeds = scaled.shape[-1]
    if n_seeds < 2:
        raise ValueError(f"a seed-level interval needs at least 2 seeds, got {n_seeds}")
    mean = scaled.mean(axis=-1)
    edge = eps.min(axis=-1)
    centre = np.where(mean <= 0, edge, np.where(mean >= 1, 1 - edge, mean))
    delta_se = scaled.std(axis=-1, ddof=1) / np.sqrt(n_seeds) / (centre * (1 - centre))
    logits = scipy_special.logit(np.clip(scaled, eps, 1 - eps))
    spread_se = logits.std(axis=-1, ddof=1) / np.sqrt(n_seeds)
    se = np.sqrt((delta_se ** 2 + spread_se ** 2) / 2)
    half = scipy_stats.t.ppf(1 - (1 - level) / 2, n_seeds - 1) * se
    logit_centre = scipy_special.logit(centre)
    low, high = (low_bound + span * scipy_special.expit(logit_centre + sign * half) for sign in (-1, 1))
    return widened_to_hold(low, high, low_bound + span * mean)


def seeds_for_power(seed_sd: float, shift: float, level: float, power: float, max_seeds: int = 10_000) -> float:
    """Fewest seeds S (at least 2) for which the two-sided one-sample t-test at
    ``level`` on S per-seed values of SD ``seed_sd`` detects a true difference of
    ``shift`` with probability at least ``power`` (noncentral t, exact for normal
    seed values). NaN when ``seed_sd`` is unknown or ``shift`` is not positive; inf
    past ``max_seeds``. Zero spread: 2 seeds suffice."""
    from scipy import stats as scipy_stats
    if not np.isfinite(seed_sd) or not shift > 0:
        return float("nan")
    if seed_sd <= 0:
        return 2.0
    n = np.arange(2, max_seeds + 1)
    df = n - 1
    critical = scipy_stats.t.ppf(1 - level / 2, df)
    noncentrality = shift / seed_sd * np.sqrt(n)
    achieved = scipy_stats.nct.sf(critical, df, noncentrality) + scipy_stats.nct.cdf(-critical, df, noncentrality)
    enough = np.flatnonzero(achieved >= power)
    return float(n[enough[0]]) if len(enough) else float("inf")


def contrast_se(groups: list[np.ndarray]) -> float:
    """The standard error behind ``contrast_p_value``: SD of the per-seed means over
    sqrt(S) (or, with one seed, of its units over sqrt(n)); NaN with one value."""
    replicates = np.array([g.mean() for g in groups]) if len(groups) > 1 else groups[0]
    if len(replicates) < 2:
        return float("nan")
    return float(seed_level_test(replicates)[1])


def _groups(frame: pd.DataFrame, value: str, seed_col: str) -> list[np.ndarray]:
    return [g[value].to_numpy(dtype=float) for _, g in frame.groupby(seed_col, sort=True)]


def _mean_of_seed_means(groups: list[np.ndarray]) -> float:
    return float(np.mean([g.mean() for g in groups]))


def summarize(
    frame: pd.DataFrame,
    value: str,
    by: list[str],
    settings: BootstrapSettings,
    seed_col: str = "seed",
    bounds: tuple[float, float] | None = None,
) -> pd.DataFrame:
    """Mean of ``value`` per group of ``by`` with its hierarchical-bootstrap CI.

    ``bounds``: the range the value can take (e.g. (0, 1) for a rate). With at
    least 2 seeds the interval is then ``bounded_mean_interval`` (logit scale,
    keeps its coverage near a bound); with one seed the episode bootstrap's
    interval is clipped to the bounds. Returns one row per group: the ``by``
    columns, mean, ci_low, ci_high, n_seeds, n_units (episodes), n_boot, boot_seed
    (empty where no bootstrap ran),
    interval (which method made the CI), seed_means (the per-seed means, in seed
    order, as text: ``format_seed_means``; figures draw them beside the mean)."""
    rows = []
    for key, group in frame.groupby(by, sort=True):
        groups = _groups(group, value, seed_col)
        estimate = _mean_of_seed_means(groups)
        if bounds is not None and len(groups) > 1:
            low, high = (float(x) for x in bounded_mean_interval(
                [g.mean() for g in groups], [len(g) for g in groups], bounds, settings.level))
            method = "logit-t"
        else:
            distribution = hierarchical_bootstrap(
                groups, settings.n_boot, group_rng(settings, key), settings.resample_episodes
            )
            low, high = interval(estimate, distribution, len(groups), settings)
            method = "bootstrap"
            if bounds is not None:
                low, high = max(low, bounds[0]), min(high, bounds[1])
        key = key if isinstance(key, tuple) else (key,)
        bootstrapped = method == "bootstrap"
        rows.append({
            **dict(zip(by, key)), "mean": estimate, "ci_low": low, "ci_high": high, "interval": method,
            "n_seeds": len(groups), "n_units": len(group),
            "n_boot": settings.n_boot if bootstrapped else np.nan,
            "boot_seed": settings.rng_seed if bootstrapped else np.nan,
            "seed_means": format_seed_means([g.mean() for g in groups]),
        })
    return pd.DataFrame(rows)


def format_seed_means(values) -> str:
    """Per-seed means as one table cell ("0.91;0.87;..."), so a summary row keeps them."""
    return ";".join(repr(float(v)) for v in values)


def parse_seed_means(text) -> list[float]:
    """The inverse of ``format_seed_means`` (an empty or missing cell: no values)."""
    if not isinstance(text, str) or not text:
        return []
    return [float(v) for v in text.split(";")]


def holm(p_values) -> np.ndarray:
    """Holm-Bonferroni adjusted p-values (same order as given), along the last axis
    (so a stack of families is adjusted family by family)."""
    p = np.asarray(p_values, dtype=float)
    n_tests = p.shape[-1]
    order = np.argsort(p, axis=-1)
    ranked = np.take_along_axis(p, order, axis=-1) * (n_tests - np.arange(n_tests))
    ranked = np.minimum(np.maximum.accumulate(ranked, axis=-1), 1.0)
    adjusted = np.empty_like(ranked)
    np.put_along_axis(adjusted, order, ranked, axis=-1)
    return adjusted


def paired_differences(
    frame: pd.DataFrame,
    value: str,
    condition_col: str,
    reference: str,
    others: list[str],
    unit_cols: list[str],
    by: list[str],
    settings: BootstrapSettings,
    seed_col: str = "seed",
    family_cols: list[str] | None = None,
) -> pd.DataFrame:
    """Paired contrasts ``reference - other`` on shared units (same seed and episode).

    For each group of ``by`` and each other condition: mean difference with its
    hierarchical-bootstrap CI (95%, and 90% for equivalence tests: ``ci90_low``,
    ``ci90_high``), the two-sided p-value of the seed-level t-test
    (``contrast_p_value``), Holm-adjusted p over the family (all rows sharing
    ``family_cols``; default: the whole table), the test statistic z
    (difference / bootstrap SE), the standardized effect
    d_z = mean difference / SD of unit-level differences, and the minimum
    detectable effect at 80% power (``mde``).
    """
    wide = frame.pivot_table(index=[*by, *unit_cols], columns=condition_col, values=value, aggfunc="first")
    wide = wide.reset_index()
    rows = []
    for key, group in wide.groupby(by, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        for other in others:
            if other not in group.columns or reference not in group.columns:
                continue  # a policy without this metric (e.g. precision without exploring)
            pair = group[[seed_col, reference, other]].dropna()
            if pair.empty:
                continue
            diff = pd.DataFrame({seed_col: pair[seed_col], "diff": pair[reference] - pair[other]})
            groups = _groups(diff, "diff", seed_col)
            estimate = _mean_of_seed_means(groups)
            distribution = hierarchical_bootstrap(
                groups, settings.n_boot, group_rng(settings, (*key, other)), settings.resample_episodes
            )
            low, high = interval(estimate, distribution, len(groups), settings)
            low90, high90 = interval(estimate, distribution, len(groups), settings, level=0.90)
            spread = float(np.std(diff["diff"], ddof=1)) if len(diff) > 1 else float("nan")
            rows.append({
                **dict(zip(by, key)), "reference": reference, "other": other,
                "diff": estimate, "ci_low": low, "ci_high": high, "ci90_low": low90, "ci90_high": high90,
                "z": bootstrap_z(estimate, distribution, len(groups), settings),
                "p_value": contrast_p_value(groups), "se": contrast_se(groups),
                "effect_size_dz": estimate / spread if spread > 0 else float("nan"),
                "n_seeds": len(groups), "n_units": len(diff),
                "n_boot": settings.n_boot, "boot_seed": settings.rng_seed,
            })
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    table["mde"] = [minimum_detectable_effect(lo, hi, settings.level) for lo, hi in zip(table.ci_low, table.ci_high)]
    if family_cols:
        table["p_holm"] = table.groupby(family_cols)["p_value"].transform(lambda p: holm(p.to_numpy()))
    else:
        table["p_holm"] = holm(table["p_value"].to_numpy())
    return table
