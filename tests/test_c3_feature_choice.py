"""C3b (explanations pick the feature): perfectly confounded data that never tells the
confounded dimensions apart, test episodes that do, and the verdict rule on share tables."""

import numpy as np
import pandas as pd
import pytest
import torch

from conftest import job_stats
from pacs.adequacy import Adequacy
from pacs.claims import c3
from pacs.envs.odd_one_out import DIMENSIONS, OddOneOutConfig, OddOneOutTask, expert_actions
from pacs.experiments import odd_one_out
from pacs.stats import BootstrapSettings

CFG = OddOneOutConfig()
PAIR = ["colour", "shape"]
X, Y, Z = (DIMENSIONS.index(name) for name in ("colour", "shape", "texture"))


def levels(n_episodes=2000, seed=0):
    return {level: odd_one_out.draw_perfect_demonstrations(CFG, "train", level, PAIR, n_episodes, 5, seed)
            for level in PAIR}


def odd_objects(objects):
    """(B, O, D) -> (B, O, D) True where an object's value is unique among the objects."""
    return (objects[:, :, None, :] == objects[:, None, :, :]).sum(2) == 1


def test_naming_x_or_y_changes_only_the_explanations_of_perfectly_confounded_training_episodes():
    colour, shape = levels().values()
    assert torch.equal(colour.tokens, shape.tokens), "every token (objects, rewards, phases) is the same"
    for head in ("transform", "pick"):
        assert torch.equal(colour.labels[head], shape.labels[head]), f"the expert's {head} targets are the same"
    assert torch.equal(colour.support["transform"], shape.support["transform"])
    # the latent is the named dimension in the coupled episodes, texture in the others
    coupled = colour.extras["latent"] == X
    assert torch.equal(shape.extras["latent"] == Y, coupled) and torch.all(colour.extras["latent"][~coupled] == Z)
    assert 0.6 < coupled.float().mean() < 0.73, "two of three latents fall on the coupled pair"
    explained = torch.stack([colour.labels[f"explain_{i}"] for i in range(6)], -1)
    other = torch.stack([shape.labels[f"explain_{i}"] for i in range(6)], -1)
    differs = (explained != other).any(-1)  # (B, L)
    assert differs[coupled].any(1).all(), "every coupled episode's explanations name its level's dimension"
    assert not differs[~coupled].any(), "texture episodes are explained alike"


def test_every_perfectly_confounded_trial_makes_the_chosen_object_odd_along_both_dimensions():
    episodes = odd_one_out.sample_episodes(1000, CFG, "perfect", torch.Generator().manual_seed(1), coupled=(X, Y))
    assert torch.equal(episodes.test_odd[:, X], episodes.test_odd[:, Y]), "one test object is odd in both"
    assert torch.all(episodes.test_odd[:, Z] != episodes.test_odd[:, X])
    task = OddOneOutTask(episodes, CFG)
    generator = torch.Generator().manual_seed(2)
    for step in range(CFG.n_steps):  # any policy: random transforms and picks
        action = torch.randint(task.valid_actions(step).shape[1], (1000,), generator=generator)
        task.act(step, action)
        if step % 2 == 0 and step < CFG.n_steps - 1:
            obj, dim = action // CFG.n_dims, action % CFG.n_dims
            odd = odd_objects(task.objects)[torch.arange(1000), obj]  # (B, D)
            along_pair = (dim == X) | (dim == Y)
            assert torch.all(odd[along_pair][:, [X, Y]]), "a transform along X or Y makes it odd in both"
            assert not odd[along_pair][:, Z].any() and not odd[~along_pair][:, [X, Y]].any()


def test_a_random_policy_is_rewarded_alike_whichever_confounded_dimension_is_named():
    draws = {name: odd_one_out.sample_episodes(1500, CFG, "perfect", torch.Generator().manual_seed(3), coupled=(X, Y),
                                               named=DIMENSIONS.index(name)) for name in PAIR}
    tokens = []
    for episodes in draws.values():
        task, generator = OddOneOutTask(episodes, CFG), torch.Generator().manual_seed(4)
        for step in range(CFG.n_steps):
            task.act(step, torch.randint(task.valid_actions(step).shape[1], (1500,), generator=generator))
        tokens.append(task.tokens)
    assert torch.equal(*tokens)


def test_feature_choice_test_episodes_separate_the_confounded_dimensions_after_coupled_experiments():
    episodes = odd_one_out.draw_feature_choice_eval_episodes(CFG, PAIR, 1000, 6, 0)
    assert torch.all(episodes.latent == X)
    ordered = episodes.test_odd.sort(1).values
    assert torch.all(ordered[:, 1:] != ordered[:, :-1]), "colour, shape and texture odd objects all differ"
    task = OddOneOutTask(episodes, CFG)
    batch = torch.arange(1000)
    for step in range(CFG.n_steps):
        action = expert_actions(task, step)
        task.act(step, action)
    # experiments along shape are rewarded as along colour: the experiments never say which
    shape_tried = task.transformed[:, :, 1] == Y
    assert shape_tried.any() and torch.all(task.rewards[:, :-1][shape_tried] == 1)
    assert torch.all(task.picks[:, -1] == episodes.test_odd[batch, X]), "the expert follows the latent (colour)"


def shares_rows(x_effect, y_effect, seeds=8, episodes=1000, seed=0):
    """Simulated C3b episode rows: per seed and episode, each group picks the colour-, the
    shape- or the texture-odd object; ``x_effect``/``y_effect`` shift the explained groups.
    The scripted baselines that always pick the colour- (shape-) odd object beside them."""
    rng = np.random.default_rng(seed)
    frames = []
    base = np.array([0.45, 0.45, 0.10])
    for policy, confounding, explanations, shift in (
            ("colour, with explanations", "colour", "with", x_effect),
            ("shape, with explanations", "shape", "with", -y_effect),
            ("colour, without explanations", "colour", "without", 0.0),
            ("follow_colour", "none", "none", 0), ("follow_shape", "none", "none", 1)):
        if explanations == "none":  # a scripted baseline: always the odd object along its dimension
            choice = np.full(seeds * episodes, shift)
        else:
            choice = rng.choice(3, size=seeds * episodes, p=base + np.array([shift / 2, -shift / 2, 0.0]))
        frames.append(pd.DataFrame({
            "experiment": "ooo", "seed": np.repeat(np.arange(seeds), episodes), "split": "deconfounded",
            "policy": policy, "episode": np.tile(np.arange(episodes), seeds),
            "confounding": confounding, "explanations": explanations, "test_correct": (choice == 0) * 1.0,
            "follows_other": (choice != 0) * 1.0, "follows_colour": (choice == 0) * 1.0,
            "follows_shape": (choice == 1) * 1.0, "follows_texture": (choice == 2) * 1.0, "follows_none": 0.0,
        }))
    return pd.concat(frames, ignore_index=True)


PARAMS = {"stats": {"n_boot": 200, "level": 0.95, "rng_seed": 0, "resample_episodes": True,
                    "small_sample_correction": True},
          "feature_choice": {"enabled": True, "confounded_dims": PAIR, "margin": 0.05}}




def statistics_of(episodes, monkeypatch):
    monkeypatch.setattr(c3.analysis, "read_episode_tables", lambda paths, required: episodes.copy())
    monkeypatch.setattr(c3.analysis, "learner_training_summary", lambda *args, **kwargs: pd.DataFrame())
    return c3.feature_choice_statistics({"agent": [], "baselines": [], "training_logs": []},
                                        {**PARAMS, "log_conditions": {}})


@pytest.mark.parametrize("x_effect, y_effect, expected", [
    (0.5, 0.5, "supported"),  # each explained group follows its own feature far more
    (0.0, 0.0, "not supported"),  # explanations change nothing: both contrasts equivalent to zero
    (0.5, -0.5, "not supported"),  # the shape-explained group follows colour: one contrast reversed
])
def test_the_feature_choice_rule_on_simulated_share_tables(x_effect, y_effect, expected, monkeypatch):
    tables = statistics_of(shares_rows(x_effect, y_effect), monkeypatch)
    contrasts = tables["contrasts"]
    assert set(contrasts.metric) == {"follows_colour", "follows_shape"}
    assert np.allclose(np.sort(contrasts.p_holm), np.sort(np.minimum(1, np.maximum.accumulate(
        np.sort(contrasts.p_value) * [2, 1])))), "Holm over the two contrasts"
    shares = tables["shares"].set_index(["group", "metric"])
    assert shares.loc[("colour explained", "follows_colour"), "mean"] == pytest.approx(
        0.45 + x_effect / 2, abs=0.05)
    rule = c3.feature_choice_rule({"alpha": 0.05}, PARAMS["feature_choice"])
    verdict = c3.feature_choice_verdict(contrasts, rule)
    assert verdict.verdict == expected
    decision = c3.Decision.qualified("CThreeFeature", verdict, rule, Adequacy(("converged", "cap")))
    assert decision.verdict.verdict == "undertrained"
    # whatever the learners do, the scripted followers read supported and one group's picks for all not
    called = c3.controls.call(tables["controls"], c3.feature_choice_verdict, rule, c3.feature_control_text(*PAIR))
    assert [control.verdict for _, control in called] == ["supported", "not supported"]


def test_where_c3b_is_not_run_its_statistics_hold_the_baselines_alone_and_its_row_says_not_run(monkeypatch):
    baselines = shares_rows(0.5, 0.5).query("explanations == 'none'")
    off = {**PARAMS["feature_choice"], "enabled": False}
    monkeypatch.setattr(c3.analysis, "read_episode_tables", lambda paths, required: baselines.copy())
    tables = c3.feature_choice_statistics({"agent": [], "baselines": ["b.parquet"], "training_logs": []},
                                          {**PARAMS, "feature_choice": off, "log_conditions": {}})
    assert set(tables["shares"].group) == {"follow_colour", "follow_shape"}
    assert tables["contrasts"].empty and tables["controls"].empty and tables["training"].empty
    assert {"diff", "p_holm"} <= set(tables["contrasts"].columns) and "control" in tables["controls"].columns
    decision = c3.feature_choice_decision(tables, {}, off, c3.feature_choice_rule({"alpha": 0.05}, off))
    assert decision.prefix == "CThreeFeature" and decision.verdict.verdict == "not run at this preset"
    assert r"c3.feature\_choice.enabled" in decision.verdict.reason  # TeX, as the report prints it
    # learners given to a preset that does not run them: an error naming the switch, not a silent row
    with pytest.raises(ValueError, match="c3.feature_choice.enabled is false but 1 learner"):
        c3.feature_choice_statistics({"agent": ["a.parquet"], "baselines": [], "training_logs": []},
                                     {**PARAMS, "feature_choice": off, "log_conditions": {}})


def test_the_feature_choice_rule_names_a_missing_contrast():
    rule = c3.feature_choice_rule({"alpha": 0.05}, PARAMS["feature_choice"])
    with pytest.raises(ValueError, match="C3: .*follows_shape"):
        c3.feature_choice_verdict(pd.DataFrame({"metric": ["follows_colour"]}), rule)


def smoke_plan(tmp_path, targets, *config: str) -> tuple[str, dict[str, int]]:
    """A dry run of the smoke preset (with the ``key=value`` overrides ``config``) for
    ``targets`` in a copy of the repository: its text and its job count per rule."""
    import shutil

    from test_probes_workflow import COPY_IGNORE, ROOT, SMOKE, snakemake

    work = tmp_path / "pacs"
    shutil.copytree(ROOT, work, ignore=COPY_IGNORE)
    plan = snakemake(work, "--dry-run", *SMOKE, *config, "--", *targets)
    text = plan.stdout + plan.stderr
    return text, job_stats(text)


def test_the_dry_run_plans_three_learner_groups_per_seed_on_two_data_levels(tmp_path):
    text, jobs = smoke_plan(tmp_path, ["results/verdicts/c3.csv", "paper/build/figures/c3_feature_choice.pdf"])
    seeds = 2  # the smoke preset's
    assert {rule: jobs.get(rule) for rule in ("c3_feature_choice_data", "c3_feature_choice_eval_episodes",
                                              "feature_choice_c3_train_agent", "feature_choice_c3_active_test",
                                              "feature_choice_c3_baselines", "feature_choice_c3_statistics")} == {
        "c3_feature_choice_data": 2 * seeds, "c3_feature_choice_eval_episodes": seeds,
        "feature_choice_c3_train_agent": 3 * seeds, "feature_choice_c3_active_test": 3 * seeds,
        "feature_choice_c3_baselines": seeds, "feature_choice_c3_statistics": 1}
    for learner in ("colour-with", "shape-with", "colour-without"):
        assert f"results/c3/feature_choice/{learner}/seed0/agent.safetensors" in text
    assert "shape-without" not in text, "one learner without explanations: its data are either level's"


def test_a_preset_that_leaves_c3b_to_the_extended_tier_plans_no_c3b_learner(tmp_path):
    _, jobs = smoke_plan(tmp_path, ["results/verdicts/c3.csv", "paper/build/figures/c3_feature_choice.pdf"],
                         "c3={'feature_choice': {'enabled': False}}")
    assert not {"c3_feature_choice_data", "feature_choice_c3_train_agent", "feature_choice_c3_active_test"} & set(jobs)
    # its baselines on its own test episodes still run: the statistics and the report read them
    assert jobs["feature_choice_c3_baselines"] == 2 and jobs["feature_choice_c3_statistics"] == 1
    assert jobs["c3_train_agent"] == 8, "C3's own learners are planned as before"


def test_the_feature_choice_figure_draws_the_shares_of_every_group(tmp_path):
    from pacs import figures

    shares = pd.DataFrame([{"group": g, "metric": m, "mean": 0.4, "ci_low": 0.3, "ci_high": 0.5,
                            "seed_means": "0.35;0.45"}
                           for g in ("colour explained", "shape explained", "no explanations")
                           for m in ("follows_colour", "follows_shape", "follows_none")])
    figures.feature_choice_figure({"shares": shares}, {"groups": ["colour explained", "shape explained",
                                                                  "no explanations"],
                                                       "metrics": ["follows_colour", "follows_shape"], "title": "t",
                                                       "run": True},
                                  [tmp_path / "c3b.png"])
    assert (tmp_path / "c3b.png").stat().st_size > 1000


# --- C3a's size rule (issue 32, item 1): chosen from validation only ---------------------------------

def write_log(path, seed, values, best_step, test_values):
    """A training log: the pick agreement on validation at steps 250, 500, ...; a test column that must be ignored."""
    steps = [250 * (i + 1) for i in range(len(values))]
    pd.DataFrame({"seed": seed, "step": steps, "train_loss": 1.0, "val_deconfounded_loss": 1.0,
                  "val_deconfounded_agreement_pick": values, "test_correct": test_values,
                  "monitor": "val_deconfounded", "best_step": best_step, "stop_reason": "converged"}).to_csv(path,
                                                                                                   index=False)
    return path


def test_the_size_rule_reads_validation_at_the_kept_step_and_never_test(tmp_path):
    logs = {}
    # per size: validation pick agreement at the kept step (the last value is after it and must be ignored)
    for size, kept_value in ((1000, 0.27), (3000, 0.6), (10000, 0.9), (30000, 0.99)):
        for seed in (0, 1):
            path = tmp_path / f"{size}_{seed}.csv"
            logs[write_log(path, seed, [0.2, kept_value, 0.0], 500, [1.0 - kept_value] * 3)] = size
    kept = c3.kept_validation(logs, "val_deconfounded_agreement_pick")
    assert sorted(kept.value.unique()) == [0.27, 0.6, 0.9, 0.99], "each learner's value at its kept step"
    # floor: chance for a pick among 4 objects; ceiling 1; margin 0.05: 1,000 sits on the floor, 30,000 on the ceiling
    assert c3.deciding_sizes(kept, floor=0.25, ceiling=1.0, margin=0.05) == [3000, 10000]
    assert c3.deciding_sizes(kept, floor=0.25, ceiling=1.0, margin=0.3) == [3000]
    with pytest.raises(ValueError, match="never read test data"):
        c3.kept_validation(logs, "test_correct")
