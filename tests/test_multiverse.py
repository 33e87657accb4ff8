"""The multiverse (pacs.claims.multiverse): overrides, the universes planned, their verdicts through
a claim's own decide (adequacy included), the specification curve's order and the
robustness counts, on small synthetic multiverses with known verdicts."""

import pandas as pd
import pytest

from conftest import job_stats
from pacs import figures
from pacs.claims import multiverse
from pacs.adequacy import UNDERTRAINED, Adequacy
from pacs.claims.spec import Claim, Decision
from pacs.claims.registry import load_config as load, resolve_config
from pacs.config import ConfigError, OverrideError, override
from pacs.verdicts import Verdict
from test_config import CONFIG, SCHEMA

POINT = {"verdicts": {"margin": 0.1, "alpha": 0.05}, "score": "dcpmi", "stats": {"n_boot": 10}}


def test_an_override_sets_a_dotted_key_and_leaves_the_configured_point_alone():
    changed = override(POINT, {"verdicts.margin": 0.2, "score": "plain"})
    assert changed["verdicts"] == {"margin": 0.2, "alpha": 0.05} and changed["score"] == "plain"
    assert POINT["verdicts"]["margin"] == 0.1 and POINT["score"] == "dcpmi"


@pytest.mark.parametrize("key, named", [("verdicts.margn", "verdicts.margn"), ("scores.x", "scores"),
                                        ("score.x", "score.x")])
def test_an_unknown_key_is_a_one_line_error_naming_it(key, named):
    with pytest.raises(OverrideError) as error:
        override(POINT, {key: 1})
    assert f"'{named}'" in str(error.value) and "\n" not in str(error.value)


def test_the_config_check_names_the_choice_with_an_unknown_key():
    with pytest.raises(ConfigError) as error:
        load(CONFIG, SCHEMA, {"multiverse": {"c1": [{"key": "c1.verdict.above_margn", "kind": "analysis",
                                                     "alternatives": [0.2]}]}})
    assert "'multiverse.c1[0].key'" in str(error.value) and "above_margn" in str(error.value)
    assert "\n" not in str(error.value)


def test_the_config_check_names_an_alternative_that_breaks_a_relation():
    with pytest.raises(ConfigError, match=r"'multiverse.c5\[0\].alternatives'.*respondent_shots=3"):
        load(CONFIG, SCHEMA, {"multiverse": {"c5": [{"key": "c5.verdict.respondent_shots", "kind": "analysis",
                                                     "alternatives": [3]}]}})


CHOICES = [{"key": "verdicts.margin", "kind": "analysis", "alternatives": [0.05, 0.1, 0.2]},
           {"key": "score", "kind": "analysis", "alternatives": ["dcpmi", "plain"]},
           {"key": "verdicts.alpha", "kind": "analysis", "run": False, "alternatives": [0.01]},
           {"key": "stats.n_boot", "kind": "design", "alternatives": [100]}]


def test_a_universe_equal_to_the_configured_point_is_not_planned():
    names = [u.name for u in multiverse.universes(CHOICES, POINT, claim="c1")]
    assert names == ["verdicts.margin=0.05", "verdicts.margin=0.2", "score=plain"]


def test_adding_one_alternative_plans_exactly_one_more_universe():
    before = multiverse.universes(CHOICES, POINT, claim="c1")
    added = [{**CHOICES[0], "alternatives": [*CHOICES[0]["alternatives"], 0.3]}, *CHOICES[1:]]
    after = multiverse.universes(added, POINT, claim="c1")
    assert [u for u in after if u not in before] == [multiverse.Universe("verdicts.margin=0.3", "verdicts.margin", 0.3)]


def test_a_universe_that_changes_what_the_statistics_read_is_refused_naming_it():
    with pytest.raises(ValueError, match="multiverse.cX: stats.n_boot is read by cX's statistics"):
        multiverse.plan("cX", CHOICES[:1] + [{**CHOICES[3], "kind": "analysis"}], POINT,
                        ["verdicts", "score", "stats"], ["stats"])
    with pytest.raises(ValueError, match="multiverse.cX: score is not read by cX's verdicts"):
        multiverse.plan("cX", CHOICES, POINT, ["verdicts"], [])


class ToyRule:
    def text(self) -> str:
        return "supported when the effect exceeds the margin"


def toy_claim():
    """A claim whose one row is supported when its effect (0.15) exceeds the margin."""
    def decide(tables, trained, params):
        effect = float(tables["effect"])
        supported = effect > params["verdicts"]["margin"]
        verdict = Verdict("CX", "toy", "effect", effect, effect - 0.02, effect + 0.02, 3.0, 0.01, 0.05,
                          "supported" if supported else "not supported", "toy")
        return [Decision.qualified("CX", verdict, ToyRule(), trained["training_logs"]),
                Decision("CXOther", not_tested="not tested")]
    return Claim(id="c9", title="toy", statistics=None, tables={}, results=None, decide=decide, figures={},
                 learning_curves={})


def test_each_universe_is_decided_by_the_claim_with_its_overrides_and_the_configured_point_first():
    planned = multiverse.universes(CHOICES, POINT, claim="c1")
    rows = multiverse.evaluate(toy_claim(), {"effect": 0.15}, {"training_logs": Adequacy(("converged",))},
                               POINT, planned)
    assert list(rows.universe) == ["configured", *[u.name for u in planned]]
    assert list(rows.verdict) == ["supported", "supported", "not supported", "supported"]
    assert set(rows.prefix) == {"CX"}, "a row that was not tested has no universe row"


def test_a_universe_of_learners_that_did_not_converge_reads_undertrained():
    rows = multiverse.evaluate(toy_claim(), {"effect": 0.15}, {"training_logs": Adequacy(("converged", "stalled"))},
                               POINT, multiverse.universes(CHOICES, POINT, claim="c1"))
    assert set(rows.verdict) == {UNDERTRAINED}


def synthetic():
    """Two verdict rows over a configured point and four universes with known verdicts."""
    table = [("configured", "", "", "A", 0.30, "supported"), ("m=0.05", "m", "0.05", "A", 0.30, "supported"),
             ("m=0.2", "m", "0.2", "A", 0.10, "not supported"), ("a=0.01", "a", "0.01", "A", 0.25, "inconclusive"),
             ("s=plain", "s", "plain", "A", 0.35, "supported"),
             ("configured", "", "", "B", -0.1, "not supported"), ("m=0.05", "m", "0.05", "B", -0.1, "not supported"),
             ("m=0.2", "m", "0.2", "B", -0.3, "not supported"), ("a=0.01", "a", "0.01", "B", -0.1, "not supported"),
             ("s=plain", "s", "plain", "B", 0.2, "supported")]
    return pd.DataFrame([{"universe": u, "kind": "configured" if u == "configured" else "analysis", "choice": c,
                          "value": v, "prefix": p, "test": "t", "effect_label": "e", "effect": e,
                          "ci_low": e - 0.05, "ci_high": e + 0.05, "verdict": d} for u, c, v, p, e, d in table])


def test_the_curve_is_sorted_by_effect_with_ties_by_name():
    curve = figures.curve_order(synthetic().query("prefix == 'A'"))
    assert list(curve.universe) == ["m=0.2", "a=0.01", "configured", "m=0.05", "s=plain"]
    assert list(curve["rank"]) == [0, 1, 2, 3, 4]


def test_robustness_counts_the_universes_where_each_verdict_holds_and_names_the_flips():
    robust = multiverse.robustness(synthetic()).set_index("prefix")
    assert robust.loc["A", ["verdict", "holds", "n", "flipped_by"]].tolist() == ["supported", 3, 5, "m=0.2; a=0.01"]
    assert robust.loc["B", ["holds", "n", "flipped_by"]].tolist() == [4, 5, "s=plain"]
    assert [multiverse.robustness_cell(r) for r in robust.itertuples()] == ["3/5; flips: m=0.2; a=0.01",
                                                                             "4/5; flips: s=plain"]


def test_the_choice_that_matters_most_flips_the_most_verdicts_then_moves_the_effect_most():
    ranked = multiverse.influence(synthetic())
    assert ranked.set_index("choice").loc["m", "flips"] == 1 and ranked.set_index("choice").loc["s", "flips"] == 1
    assert ranked.choice.iloc[0] == "s", "s and m flip one each; s moves an effect further (0.3 against 0.2)"
    assert "matters most is s" in multiverse.paragraph("c9", synthetic())


def test_the_specification_curve_draws_every_verdict_row(tmp_path):
    out = tmp_path / "curve.pdf"
    figures.specification_curve_figure(synthetic(), [out], "toy")
    assert out.stat().st_size > 0


def planned_jobs(work, *args) -> dict[str, int]:
    """Rule -> jobs a smoke dry run of ``args`` (config values, then ``--`` and targets) would execute."""
    from test_probes_workflow import SMOKE, snakemake

    result = snakemake(work, "--dry-run", "--quiet", "rules", *SMOKE, *args)
    return job_stats(result.stdout + result.stderr)


def test_adding_one_alternative_reruns_only_that_claims_multiverse_job(tmp_path):
    """With every result of two claims' multiverse jobs up to date (stand-ins), one more
    alternative for C2 (its configured block, one margin added) plans exactly one job, C2's
    multiverse job: nothing upstream (no statistics, no training) and not C1's."""
    import yaml

    from test_probes_workflow import ROOT, SMOKE, snakemake, stand_in

    work = tmp_path / "pacs"
    targets = ["results/multiverse/c1/universes.csv", "results/multiverse/c2/universes.csv"]
    stand_in(work, targets)
    assert planned_jobs(work, "--", *targets) == {}
    choices = yaml.safe_load((ROOT / "config.yaml").read_text())["multiverse"]["c2"]
    choices[0]["alternatives"].append(0.3)
    added = "multiverse={c2: " + yaml.safe_dump(choices, default_flow_style=True).strip() + "}"
    assert planned_jobs(work, added, "--", *targets) == {"multiverse": 1}
    plan = snakemake(work, "--dry-run", *SMOKE, added, "--", *targets).stdout
    outputs = [line.strip() for line in plan.splitlines() if line.strip().startswith("output:")]
    assert outputs == ["output: results/multiverse/c2/universes.csv, results/multiverse/c2/robustness.csv"]


def test_a_row_tested_only_in_another_universe_has_no_robustness_and_an_empty_curve_still_draws(tmp_path):
    rows = pd.concat([synthetic(), synthetic().query("universe == 'm=0.2' and prefix == 'A'").assign(prefix="C")])
    assert list(multiverse.robustness(rows).prefix) == ["A", "B"]
    assert set(multiverse.influence(rows).choice) == {"a", "m", "s"}
    out = tmp_path / "empty.pdf"
    figures.specification_curve_figure(synthetic().iloc[:0], [out], "nothing tested")
    assert out.stat().st_size > 0


def test_leave_one_out_gives_one_universe_per_seed_left_out():
    choice = {"key": "seeds", "kind": "analysis", "alternatives": "leave_one_out"}
    point = {**POINT, "seeds": [0, 1, 2]}
    assert [u.value for u in multiverse.universes([choice], point, claim="c1")] == [[1, 2], [0, 2], [0, 1]]
    assert multiverse.universes([choice], {**POINT, "seeds": [4]}, claim="c1") == []


def test_a_universe_keeps_the_files_of_its_seeds_and_the_shared_ones():
    paths = ["results/c1/seed0/agent.parquet", "results/c1/seed12/agent.parquet", "results/c1/summary.csv",
             "results/c5/pretrained/nli_0shot_seed1.parquet", "results/c6/rc/seed1/plain/training_log.csv"]
    assert multiverse.seed_files(paths, [12]) == ["results/c1/seed12/agent.parquet", "results/c1/summary.csv",
                                                  "results/c5/pretrained/nli_0shot_seed1.parquet"]


JOB = {"inputs": {"agent": []}, "params": {"stats": {"n_boot": 10}, "log_conditions": {"a": "b"}},
       "keys": {"stats": "stats"}, "tables": {"summary": "summary"}}


def test_a_statistics_universe_reruns_the_wired_jobs_with_its_params_and_is_refused_without_them():
    choice = {"key": "stats.n_boot", "kind": "analysis", "alternatives": [100]}
    [universe] = multiverse.plan("cX", [choice], POINT, ["verdicts"], ["stats"], [JOB])
    assert multiverse.reruns_statistics(universe, ["stats"])
    assert multiverse.statistics_params(JOB, POINT, universe.overrides) == {"stats": {"n_boot": 100},
                                                                          "log_conditions": {"a": "b"}}
    with pytest.raises(ValueError, match="not wired to rerun"):
        multiverse.plan("cX", [{**choice, "key": "score", "alternatives": ["plain"]}], POINT, ["verdicts"],
                        ["score"], [JOB])


def test_a_rerun_universe_is_decided_on_its_own_tables_and_adequacy():
    planned = [multiverse.Universe("seeds=[0]", "seeds", [0]), multiverse.Universe("verdicts.margin=0.2",
                                                                                  "verdicts.margin", 0.2)]
    converged = {"training_logs": Adequacy(("converged",))}
    rerun = {"seeds=[0]": ({"effect": 0.05}, {"training_logs": Adequacy(("stalled",))})}
    rows = multiverse.evaluate(toy_claim(), {"effect": 0.15}, converged, POINT, planned, lambda universe: rerun.get(universe.name))
    assert list(rows.effect) == [0.15, 0.05, 0.15]
    assert list(rows.verdict) == ["supported", UNDERTRAINED, "not supported"]


def test_the_paragraph_says_when_no_choice_moves_anything():
    still = synthetic().assign(effect=0.3, verdict="supported")
    assert multiverse.paragraph("c9", still).endswith("No choice flips a verdict or moves a deciding effect.")


# Design universes: each its own run (rule design_universe), in its own folder


DESIGN = [{"key": "stats.n_boot", "kind": "design", "alternatives": [10, 100, 1000]},
          {"key": "score", "kind": "design", "alternatives": ["plain"]},
          {"key": "verdicts.margin", "kind": "analysis", "alternatives": [0.2]}]


def test_a_design_universe_runs_where_the_preset_names_its_key_or_itself_and_never_at_the_configured_point():
    assert multiverse.universes(DESIGN, POINT, ("design",), claim="c1") == []
    by_key = multiverse.universes(DESIGN, POINT, ("design",), ["stats.n_boot"], claim="c1")
    assert [u.name for u in by_key] == ["stats.n_boot=100", "stats.n_boot=1000"], "10 is the configured run"
    assert {u.kind for u in by_key} == {"design"}
    assert [u.name for u in multiverse.universes(DESIGN, POINT, ("design",), ["stats.n_boot=1000"], claim="c1")] == [
        "stats.n_boot=1000"]
    assert len(multiverse.universes(DESIGN, POINT, ("design",), "all", claim="c1")) == 3
    assert multiverse.not_run(DESIGN, POINT, ["stats.n_boot=1000"], claim="c1") == ["stats.n_boot=100", "score=plain"]


def test_a_design_entry_that_names_no_universe_is_refused_naming_it():
    with pytest.raises(ValueError, match=r"multiverse_design\[1\]: 'stats.n_boot=10' names no design"):
        multiverse.plan_design({"c9": DESIGN}, POINT, ["score", "stats.n_boot=10"])
    planned = multiverse.plan_design({"c9": DESIGN, "c8": []}, POINT, ["score"])
    assert planned == {"c9": [multiverse.Universe("score=plain", "score", "plain", "design")], "c8": []}


def test_a_size_choice_scales_the_configured_value():
    choice = {"key": "stats.n_boot", "kind": "design", "alternatives": {"times": [0.25, 4]}}
    assert [u.value for u in multiverse.universes([choice], POINT, ("design",), "all", claim="c1")] == [2, 40]
    assert [u.value for u in multiverse.universes([{**choice, "key": "verdicts.margin"}], POINT, ("design",),
                                                  "all", claim="c1")] == [0.025, 0.4]


def test_a_universe_folder_is_a_plain_name_and_a_long_one_is_cut_with_a_hash():
    short = multiverse.Universe("c1.env.held_out_links=[[2, 3]]", "c1.env.held_out_links", [[2, 3]], "design")
    assert short.slug == "c1.env.held_out_links_2_3"
    assert multiverse.design_folder("c1", short) == "results/multiverse/design/c1/c1.env.held_out_links_2_3"
    mix = {"expert": 0.3333333333, "noisy_expert": 0.3333333333, "random_exploit": 0.3333333334}
    name = f"c6.return_conditioning.mix={multiverse.value_label(mix)}"
    assert name == "c6.return_conditioning.mix={expert: 0.333333, noisy_expert: 0.333333, random_exploit: 0.333333}"
    long = multiverse.Universe(name, "c6.return_conditioning.mix", mix, "design")
    other = multiverse.Universe(name.replace("expert:", "expert :"), "c6.return_conditioning.mix", mix, "design")
    assert len(long.slug) <= 48 and "/" not in long.slug and long.slug != other.slug


def test_a_design_universe_runs_with_the_configured_config_but_its_one_key():
    """The config written to a universe's folder resolves to itself (its preset is applied
    already), and differs from the configured run's in the universe's key alone (besides
    its empty multiverse)."""
    configured = load(CONFIG, SCHEMA, {"preset": "smoke"})
    universe = multiverse.Universe("c1.env.noise_std=1", "c1.env.noise_std", 1.0, "design")
    own = multiverse.universe_config(configured, universe, claim="c1")
    assert resolve_config(own, SCHEMA) == own
    assert own["c1"]["env"]["noise_std"] == 1.0 and own["seeds"] == configured["seeds"] == [0, 1]
    same = {key: value for key, value in own.items() if key not in ("c1", "multiverse", "multiverse_design", "presets")}
    assert same == {key: configured[key] for key in same}
    assert override(own, {"c1.env.noise_std": configured["c1"]["env"]["noise_std"]})["c1"] == configured["c1"]
    assert own["multiverse"] == {} and own["multiverse_design"] == []


def test_a_universe_param_reads_the_same_whatever_order_the_config_keys_came_in():
    """Snakemake compares a param's text: a --config override that moves a key must not rerun a universe."""
    one = {"seeds": [0, 1], "c6": {"mix": {"expert": 0.5, "noisy": 0.5}, "train": (1, {"b": 1, "a": 2})}}
    other = {"c6": {"train": [1, {"a": 2, "b": 1}], "mix": {"noisy": 0.5, "expert": 0.5}}, "seeds": [0, 1]}
    assert repr(one) != repr(other) and repr(multiverse.canonical(one)) == repr(multiverse.canonical(other))
    assert multiverse.canonical(one) == {"c6": {"mix": {"expert": 0.5, "noisy": 0.5}, "train": [1, {"a": 2, "b": 1}]},
                                         "seeds": [0, 1]}


def test_the_nested_run_builds_the_claims_verdict_rows_in_the_universe_folder():
    command = multiverse.design_command("/repo/Snakefile", "results/multiverse/design/c1/u", 3, "results/verdicts/c1.csv")
    assert command[1:3] == ["-m", "snakemake"]
    assert command[command.index("--directory") + 1] == "results/multiverse/design/c1/u"
    assert command[command.index("--snakefile") + 1] == "/repo/Snakefile"
    assert command[command.index("--cores") + 1] == "3" and command[-2:] == ["--", "results/verdicts/c1.csv"]


def test_the_nested_run_takes_the_parent_runs_job_rate_limit_from_the_environment():
    args = ("/repo/Snakefile", "results/multiverse/design/c1/u", 2, "results/verdicts/c1.csv")
    limited = multiverse.design_command(*args, environ={multiverse.JOB_RATE_VARIABLE: "1000/10s"})
    assert limited[limited.index("--max-jobs-per-timespan") + 1] == "1000/10s"
    assert "--max-jobs-per-timespan" not in multiverse.design_command(*args, environ={})


def test_a_design_universe_whose_learners_did_not_converge_reads_undertrained():
    """A design universe's rows are its own run's verdict rows (rule report_numbers there),
    which its own learners' adequacy qualifies."""
    claim = toy_claim()
    claim = Claim(**{**vars(claim), "results": lambda tables, params: ""})
    universe = multiverse.Universe("stats.n_boot=100", "stats.n_boot", 100, "design")
    stalled = claim.report_numbers({"effect": 0.15}, {"training_logs": Adequacy(("converged", "stalled"))}, POINT)
    rows = multiverse.design_rows(universe, stalled.verdict_rows)
    assert list(rows.verdict) == [UNDERTRAINED] and list(rows.kind) == ["design"]
    converged = claim.report_numbers({"effect": 0.15}, {"training_logs": Adequacy(("converged",))}, POINT)
    assert list(multiverse.design_rows(universe, converged.verdict_rows).verdict) == ["supported"]
    assert list(rows.columns) == list(multiverse.UNIVERSE_COLUMNS) and rows.value.iloc[0] == "100"


def with_design():
    """The synthetic multiverse and two design universes with known verdicts."""
    design = [("n=100", "n", "100", "A", 0.05, "not supported"), ("n=100", "n", "100", "B", -0.2, "not supported"),
              ("w=2", "w", "2", "A", 0.4, "supported"), ("w=2", "w", "2", "B", 0.25, UNDERTRAINED)]
    return pd.concat([synthetic(), pd.DataFrame([
        {"universe": u, "kind": "design", "choice": c, "value": v, "prefix": p, "test": "t", "effect_label": "e",
         "effect": e, "ci_low": e - 0.05, "ci_high": e + 0.05, "verdict": d} for u, c, v, p, e, d in design])],
        ignore_index=True)


def test_design_universes_join_the_curve_and_the_robustness_counts():
    rows = with_design()
    curve = figures.curve_order(rows.query("prefix == 'A'"))
    assert list(curve.universe) == ["n=100", "m=0.2", "a=0.01", "configured", "m=0.05", "s=plain", "w=2"]
    robust = multiverse.robustness(rows).set_index("prefix")
    assert robust.loc["A", ["holds", "n", "flipped_by"]].tolist() == [4, 7, "m=0.2; a=0.01; n=100"]
    assert robust.loc["B", ["holds", "n", "flipped_by"]].tolist() == [5, 7, "s=plain; w=2"]
    ranked = multiverse.influence(rows).set_index("choice")
    assert ranked.loc["n", "flips"] == 1 and ranked.loc["w", "flips"] == 1


def test_the_section_names_the_design_universes_run_and_not_run(tmp_path):
    text = multiverse.section({"c9": with_design()}, lambda claim: f"figures/{claim}.pdf",
                              {"c9": {"ran": ["n=100", "w=2"], "not_run": ["n=1000"]}})
    assert "Design universes run at this preset: n=100, w=2." in text
    assert "Listed but not run at this preset: n=1000." in text
    assert "No design universe runs at this preset." in multiverse.section({"c9": synthetic()}, str)
    out = tmp_path / "curve.pdf"
    figures.specification_curve_figure(with_design(), [out], "toy")
    assert out.stat().st_size > 0


def test_one_design_alternative_plans_only_its_own_run_and_the_configured_point_no_training(tmp_path):
    """With C1's multiverse and its design universe c1.env.noise_std=1 up to date (stand-ins),
    one more alternative of that choice plans exactly that universe's run (one job, in its
    own folder) and C1's multiverse job; an alternative equal to the configured value plans
    no run and no training (it is the configured run, whose learners it reuses)."""
    import yaml

    from test_probes_workflow import ROOT, SMOKE, snakemake, stand_in

    work = tmp_path / "pacs"
    target = "results/multiverse/c1/universes.csv"
    design = "multiverse_design=[c1.env.noise_std]"
    stand_in(work, [target], (design,))
    assert planned_jobs(work, design, "--", target) == {}
    choices = yaml.safe_load((ROOT / "config.yaml").read_text())["multiverse"]["c1"]
    [noise] = [choice for choice in choices if choice["key"] == "c1.env.noise_std"]

    def with_noise(alternatives):
        noise["alternatives"] = alternatives
        return "multiverse={c1: " + yaml.safe_dump(choices, default_flow_style=True, width=10**6).strip() + "}"

    added = with_noise([0.1, 1.0, 0.5])
    assert planned_jobs(work, added, design, "--", target) == {"design_universe": 1, "multiverse": 1}
    plan = snakemake(work, "--dry-run", *SMOKE, added, design, "--", target).stdout
    outputs = [line.strip() for line in plan.splitlines() if line.strip().startswith("output:")]
    assert "output: results/multiverse/design/c1/c1.env.noise_std_0.5/results/verdicts/c1.csv" in outputs
    assert planned_jobs(work, with_noise([0.1]), design, "--", target) == {"multiverse": 1}, \
        "the configured value: no design run, no training; only the multiverse job, which lost a universe"


def test_a_seed_subset_keeps_its_seeds_files_in_inputs_and_file_labels_and_shared_inputs_whole():
    job = {"inputs": {"agent": ["r/seed0/a.parquet", "r/seed1/a.parquet"],
                      "pretrained": ["r/seed0/p.parquet", "r/seed1/p.parquet"]},
           "shared": ["pretrained"]}
    assert multiverse.seed_inputs(job, [1]) == {"agent": ["r/seed1/a.parquet"],
                                                "pretrained": ["r/seed0/p.parquet", "r/seed1/p.parquet"]}
    params = {"log_sizes": {"r/size5/seed0/log.csv": 5, "r/size5/seed1/log.csv": 5, "r/shared.csv": 1},
              "stats": {"n_boot": 10}, "splits": {"held_out": "x"}}
    assert multiverse.seed_params(params, [0]) == {"log_sizes": {"r/size5/seed0/log.csv": 5, "r/shared.csv": 1},
                                                   "stats": {"n_boot": 10}, "splits": {"held_out": "x"}}


@pytest.mark.parametrize("claim", ["c3", "c4", "c6"])
def test_the_statistics_choices_of_c3_c4_c6_run_as_analysis_universes(claim):
    """Their small-sample correction, equivalence margin and seed subsets are no longer
    listed with run: false (their statistics jobs are wired to rerun)."""
    import yaml

    from test_probes_workflow import ROOT

    choices = yaml.safe_load((ROOT / "config.yaml").read_text())["multiverse"][claim]
    keys = {choice["key"] for choice in choices if choice.get("run", True)}
    assert {"stats.small_sample_correction", f"{claim}.verdict.equivalence_margin", "seeds"} <= keys


def test_leave_one_out_and_seed_subsets_follow_the_claims_own_seeds():
    """A claim with its own seeds (``c3.seeds``) leaves out each of them; a claim without
    keeps the global ones; a seed subset must lie within the claim's seeds, and a universe
    on its seeds changes the key that holds them."""
    choice = {"key": "seeds", "kind": "analysis", "alternatives": "leave_one_out"}
    point = {**POINT, "seeds": [0, 1], "c3": {"seeds": [5, 6, 7]}}
    own = multiverse.universes([choice], point, claim="c3")
    assert [u.value for u in own] == [[6, 7], [5, 7], [5, 6]]
    assert [u.value for u in multiverse.universes([choice], point, claim="c1")] == [[1], [0]]
    assert multiverse.universe_seeds(point, "c3", own[0]) == [6, 7]
    assert multiverse.universe_overrides(point, "c3", own[0]) == {"c3.seeds": [6, 7]}
    assert multiverse.universe_overrides(point, "c1", own[0]) == {"seeds": [6, 7]}
    unchanged = multiverse.Universe("stats.n_boot=20", "stats.n_boot", 20)
    assert multiverse.universe_seeds(point, "c3", unchanged) == [5, 6, 7]
    # an explicit subset equal to the claim's seeds is the configured run, not a universe
    subsets = {"key": "seeds", "kind": "analysis", "alternatives": [[5, 6, 7], [5, 6]]}
    assert [u.value for u in multiverse.universes([subsets], point, claim="c3")] == [[5, 6]]


def test_the_config_check_takes_seed_subsets_of_the_claims_own_seeds_only():
    subset = {"key": "seeds", "kind": "analysis", "alternatives": [[2, 3]]}
    config = load(CONFIG, SCHEMA, {"preset": "smoke", "c3": {"seeds": [2, 3, 4]}, "multiverse": {"c3": [subset]}})
    assert config["c3"]["seeds"] == [2, 3, 4]
    with pytest.raises(ConfigError) as error:  # [2, 3] are not among c1's seeds (the global [0, 1])
        load(CONFIG, SCHEMA, {"preset": "smoke", "c3": {"seeds": [2, 3, 4]}, "multiverse": {"c1": [subset]}})
    assert str(error.value) == ("config key 'multiverse.c1[0].alternatives': seeds [2, 3] are not a subset of "
                                "c1's seeds (seeds: [0, 1])")


def test_a_design_universe_on_a_claims_own_seeds_runs_with_them():
    configured = load(CONFIG, SCHEMA, {"preset": "smoke", "c6": {"seeds": [0, 1, 2]}})
    universe = multiverse.Universe("seeds=[0, 2]", "seeds", [0, 2], "design")
    own = multiverse.universe_config(configured, universe, claim="c6")
    assert own["c6"]["seeds"] == [0, 2] and own["seeds"] == configured["seeds"] == [0, 1]
    assert resolve_config(own, SCHEMA) == own
