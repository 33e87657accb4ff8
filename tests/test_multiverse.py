"""The multiverse (pacs.claims.multiverse): overrides, the universes planned, their verdicts through
a claim's own decide (adequacy included), the specification curve's order and the
robustness counts, on small synthetic multiverses with known verdicts."""

import pandas as pd
import pytest

from pacs import figures
from pacs.claims import multiverse
from pacs.adequacy import UNDERTRAINED, Adequacy
from pacs.claims.spec import Claim, Decision
from pacs.claims.registry import load_config as load
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
    names = [u.name for u in multiverse.universes(CHOICES, POINT)]
    assert names == ["verdicts.margin=0.05", "verdicts.margin=0.2", "score=plain"]


def test_adding_one_alternative_plans_exactly_one_more_universe():
    before = multiverse.universes(CHOICES, POINT)
    added = [{**CHOICES[0], "alternatives": [*CHOICES[0]["alternatives"], 0.3]}, *CHOICES[1:]]
    after = multiverse.universes(added, POINT)
    assert [u for u in after if u not in before] == [multiverse.Universe("verdicts.margin=0.3", "verdicts.margin", 0.3)]


def test_a_universe_that_changes_what_the_statistics_read_is_refused_naming_it():
    with pytest.raises(ValueError, match="multiverse.cX: stats.n_boot is read by cX's statistics"):
        multiverse.plan("cX", CHOICES[:1] + [{**CHOICES[3], "kind": "analysis"}], POINT,
                        ["verdicts", "score", "stats"], ["stats"])
    with pytest.raises(ValueError, match="multiverse.cX: score is not read by cX's verdicts"):
        multiverse.plan("cX", CHOICES, POINT, ["verdicts"], [])


def toy_claim():
    """A claim whose one row is supported when its effect (0.15) exceeds the margin."""
    def decide(tables, trained, params):
        effect = float(tables["effect"])
        supported = effect > params["verdicts"]["margin"]
        verdict = Verdict("CX", "toy", "effect", effect, effect - 0.02, effect + 0.02, 3.0, 0.01, 0.05,
                          "supported" if supported else "not supported", "toy")
        return [Decision.qualified("CX", verdict, None, trained["training_logs"]),
                Decision("CXOther", not_tested="not tested")]
    return Claim(id="c9", title="toy", statistics=None, tables={}, results=None, decide=decide, figures={},
                 learning_curves={})


def test_each_universe_is_decided_by_the_claim_with_its_overrides_and_the_configured_point_first():
    planned = multiverse.universes(CHOICES, POINT)
    rows = multiverse.evaluate(toy_claim(), {"effect": 0.15}, {"training_logs": Adequacy(("converged",))},
                               POINT, planned)
    assert list(rows.universe) == ["configured", *[u.name for u in planned]]
    assert list(rows.verdict) == ["supported", "supported", "not supported", "supported"]
    assert set(rows.prefix) == {"CX"}, "a row that was not tested has no universe row"


def test_a_universe_of_learners_that_did_not_converge_reads_undertrained():
    rows = multiverse.evaluate(toy_claim(), {"effect": 0.15}, {"training_logs": Adequacy(("converged", "stalled"))},
                               POINT, multiverse.universes(CHOICES, POINT))
    assert set(rows.verdict) == {UNDERTRAINED}


def synthetic():
    """Two verdict rows over a configured point and four universes with known verdicts."""
    table = [("configured", "", "", "A", 0.30, "supported"), ("m=0.05", "m", "0.05", "A", 0.30, "supported"),
             ("m=0.2", "m", "0.2", "A", 0.10, "not supported"), ("a=0.01", "a", "0.01", "A", 0.25, "inconclusive"),
             ("s=plain", "s", "plain", "A", 0.35, "supported"),
             ("configured", "", "", "B", -0.1, "not supported"), ("m=0.05", "m", "0.05", "B", -0.1, "not supported"),
             ("m=0.2", "m", "0.2", "B", -0.3, "not supported"), ("a=0.01", "a", "0.01", "B", -0.1, "not supported"),
             ("s=plain", "s", "plain", "B", 0.2, "supported")]
    return pd.DataFrame([{"universe": u, "choice": c, "value": v, "prefix": p, "test": "t", "effect_label": "e",
                          "effect": e, "ci_low": e - 0.05, "ci_high": e + 0.05, "verdict": d}
                         for u, c, v, p, e, d in table])


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

    text = "".join(snakemake(work, "--dry-run", "--quiet", "rules", *SMOKE, *args).__getattribute__(stream)
                   for stream in ("stdout", "stderr"))
    if "Nothing to be done" in text:
        return {}
    rows = (row.split() for row in text.split("Job stats:")[1].splitlines()[3:])
    jobs = {}
    for parts in rows:
        if len(parts) != 2 or parts[0] == "total":
            break
        jobs[parts[0]] = int(parts[1])
    return jobs


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
    assert [u.value for u in multiverse.universes([choice], point)] == [[1, 2], [0, 2], [0, 1]]
    assert multiverse.universes([choice], {**POINT, "seeds": [4]}) == []


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
