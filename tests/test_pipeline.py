"""End to end: the smoke preset from nothing to paper/build/report.pdf, then partial reruns.

The workflow runs in a copy of the repository so the developer's own results/
are untouched (the ``smoke_run`` fixture of tests/conftest.py).
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from contextlib import contextmanager
import time
from pathlib import Path

import pandas as pd
import pytest

from conftest import job_stats
from pacs.code_inputs import CodeGraph, fingerprint_file

ROOT = Path(__file__).resolve().parents[1]
SNAKEMAKE = str(Path(sys.executable).parent / "snakemake")
SMOKE = ["--config", "preset=smoke"]

# under `make test` (pytest-xdist, --dist loadfile) every test of this file runs on the one
# worker that builds the smoke run (tests/conftest.py); the other worker runs the other files
pytestmark = pytest.mark.slow


def snakemake(workdir: Path, *args: str, timeout: int = 3600) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [SNAKEMAKE, "--cores", "2", *args], cwd=workdir, capture_output=True, text=True, timeout=timeout,
    )
    if result.returncode != 0:
        raise AssertionError(f"snakemake {' '.join(args)} failed:\n{result.stderr[-4000:]}")
    return result


TARGETS = ("tune",)  # workflow targets a test may plan besides the default one


def planned_jobs(workdir: Path, *args: str) -> dict[str, int]:
    """Rule -> number of jobs a dry run would execute."""
    targets = [a for a in args if a in TARGETS]  # before the options: --quiet and --config take many values
    result = snakemake(workdir, *targets, "--dry-run", "--quiet", "rules", *[a for a in args if a not in TARGETS])
    return job_stats(result.stdout + result.stderr)


@contextmanager
def edited_module(workdir: Path, module: str, edit: Callable[[str], str]):
    """``src/pacs/<module>`` with its text replaced by ``edit(text)`` for the duration; afterwards
    the module and its behaviour fingerprint are put back as they were, times included, as if
    the edit had never happened (a dry run under the edit rewrites the fingerprint)."""
    source = Path("src") / "pacs" / module
    files = [workdir / source, workdir / fingerprint_file(Path("results/code_fingerprints"), source)]
    saved = [(path, path.read_bytes(), path.stat()) for path in files]
    text = files[0].read_text()
    edited = edit(text)
    assert edited != text, f"the edit of {module} changes nothing"
    try:
        files[0].write_text(edited)
        yield
    finally:
        for path, content, stat in saved:
            path.write_bytes(content)
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


@pytest.fixture(scope="module")
def workdir(smoke_run) -> Path:
    """The finished smoke run (tests/conftest.py, shared with tests/test_slurm.py)."""
    return smoke_run


VERDICT_WORDS = {"supported", "not supported", "inconclusive", "undertrained", "cannot be decided by this design"}


def test_smoke_run_builds_the_report_with_the_c1_figure_and_table(workdir):
    pdf = workdir / "paper" / "build" / "report.pdf"
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 20_000
    # LaTeX recorded every file it read: the generated numbers and the figure are among them
    inputs = (workdir / "paper" / "build" / "report.fls").read_text()
    for needed in (*[f"generated/c{i}_{kind}.tex" for i in range(1, 7) for kind in ("results", "verdict")],
                   *[f"figures/{name}.pdf" for name in ("c1", "c2", "c3", "c4", "c5", "c6_rc", "c6_dagger",
                                                        "c6_fusion")]):
        assert needed in inputs, f"{needed} not read by LaTeX"
    results = (workdir / "paper" / "build" / "generated" / "c1_results.tex").read_text()
    assert "agent (imitation, intervenes)" in results and "correlational" in results
    assert re.search(r"-?\d\.\d\d \[-?\d\.\d\d, -?\d\.\d\d\]", results), "a mean [CI] cell"
    verdict = pd.read_csv(workdir / "results" / "verdicts" / "c1.csv")  # (i) above the baselines, (ii) near the expert
    assert len(verdict) == 2 and set(verdict.verdict) <= VERDICT_WORDS
    verdict_tex = (workdir / "paper" / "build" / "generated" / "c1_verdict.tex").read_text()
    assert all(word in verdict_tex for word in verdict.verdict)


def test_verdict_table_has_a_row_for_each_claim_that_ran(workdir):
    table = pd.read_csv(workdir / "results" / "verdicts" / "all.csv")
    # C1 has two rows: above the associational baselines, near the expert (gap share);
    # C3 three: explanations help (C3 proper), where learning is hard (C3a), pick the feature (C3b);
    # C4 four: the pipeline LM in distribution and on the held-out link, the prompted pretrained LM,
    # explanations; C5 four: syllogisms, Wason and NLI (pretrained LM), and the world LM's corpora;
    # C6 three: return conditioning, DAgger, data fusion
    assert table.claim.tolist() == ["C1", "C1", "C2", "C3", "C3", "C3", "C4", "C4", "C4", "C4", "C5", "C5", "C5",
                                    "C5", "C6", "C6", "C6"]
    assert set(table.verdict) <= VERDICT_WORDS
    # every row was called on its controls (C3a's, C3b's and the world LMs' included)
    assert table.positive_verdict.notna().all() and table.negative_verdict.notna().all(), \
        table.prefix[table.positive_verdict.isna() | table.negative_verdict.isna()].tolist()
    # an MDE is positive wherever the contrast varies at all (smoke LMs may answer identically); a
    # gap share has none (an interval against a threshold)
    assert (table.mde.gt(0) | table.ci_low.eq(table.ci_high) | table.mde.isna()).all()
    # a row with no contrast to read (C3a where no size qualifies) has no effect
    assert table.ci_low.le(table.effect)[table.effect.notna()].all()
    assert table.verdict[table.effect.isna()].isin(["cannot be decided by this design", "undertrained"]).all()
    tex = (workdir / "paper" / "build" / "generated" / "verdict_table.tex").read_text()
    for row in table.itertuples():
        assert f"\\textbf{{{row.verdict}}}" in tex
    provenance = (workdir / "paper" / "build" / "generated" / "provenance.tex").read_text()
    assert "train\\_agent" in provenance and "config hash" in provenance


def test_html_report_carries_the_figures_and_captions(workdir):
    snakemake(workdir, "--report", "report.html", *SMOKE)
    html = (workdir / "report.html").read_text()
    assert "Made by rule" in html and "hierarchical-bootstrap" in html
    # one generic rule draws every figure; each caption names its claim and the figure
    assert html.count("Made by rule") >= 8
    for claim in ("C1", "C2", "C3", "C4", "C5", "C6"):
        assert f"claim {claim}" in html


def test_odd_one_out_conditions_share_the_test_episodes(workdir):
    episodes = pd.read_parquet(workdir / "results" / "c3" / "episodes.parquet")
    assert episodes.policy.nunique() == 4 + 5, "four training conditions and five baselines"
    assert (episodes.groupby("policy").size() == 2 * 200).all()
    latent = episodes.groupby(["seed", "episode"]).latent.nunique()
    assert (latent == 1).all()


def test_tables_cover_every_policy_and_split(workdir):
    summary = pd.read_csv(workdir / "results" / "c1" / "summary.csv")
    every = summary[(summary.metric == "reward_over_optimal") & (summary.subset == "all")]
    assert len(every) == 9 * 3
    assert (every.ci_low <= every["mean"]).all() and (every["mean"] <= every.ci_high).all()
    episodes = pd.read_parquet(workdir / "results" / "c1" / "episodes.parquet")
    # every policy met the same episodes: same targets for the same (seed, split, episode)
    targets = episodes.groupby(["seed", "split", "episode"]).target.nunique()
    assert (targets == 1).all()
    assert (episodes.groupby(["policy", "split"]).size() == 2 * 200).all()


def test_logs_and_benchmarks_are_written(workdir):
    assert (workdir / "logs" / "c1" / "train_agent_seed0.log").read_text().count("train_loss") >= 1
    assert (workdir / "benchmarks" / "c1" / "train_agent_seed0.tsv").is_file()


def test_a_complete_run_has_nothing_left_to_do(workdir):
    assert planned_jobs(workdir, *SMOKE) == {}


def test_changing_the_number_of_test_episodes_does_not_retrain(workdir):
    jobs = planned_jobs(workdir, *SMOKE, "c1={eval: {episodes_per_split: 150}}")
    assert "causal_train_agent" not in jobs and "causal_training_data" not in jobs
    # only Experiment 1 (2 seeds) changed; Experiment 2 keeps its episodes
    assert jobs["causal_eval_episodes"] == 2 and jobs["causal_active_test"] == 2 and jobs["causal_baselines"] == 2
    assert jobs["report_numbers"] == 1 and "report_pdf" in jobs  # C1's; C2's numbers stand


def rules_running(module: str) -> set[str]:
    """Rules whose script may run ``src/pacs/<module>`` (each rule runs workflow/scripts/<rule>.py)."""
    graph = CodeGraph(ROOT / "src")
    return {script.stem for script in (ROOT / "workflow" / "scripts").glob("*.py")
            if ROOT / "src" / "pacs" / module in graph.closure(script)}


def test_editing_the_figures_code_reruns_only_the_figures_and_the_pdf(workdir):
    everything = planned_jobs(workdir, *SMOKE, "--forceall")
    with edited_module(workdir, "figures.py", lambda text: text + "\nEDITED = True\n"):
        jobs = planned_jobs(workdir, *SMOKE)
    figures = rules_running("figures.py")
    assert figures == {"figure", "learning_curves", "budget_figure", "multiverse_figure"}
    # the multiverse section's LaTeX lists the specification-curve figures it includes, so it follows them
    assert jobs == {**{rule: everything[rule] for rule in figures}, "multiverse_report": 1, "report_pdf": 1, "all": 1}


def test_editing_the_baselines_code_reruns_every_job_that_may_run_it_and_no_other_experiment(workdir):
    everything = planned_jobs(workdir, *SMOKE, "--forceall")
    with edited_module(workdir, "baselines.py", lambda text: text + "\nEDITED = True\n"):
        jobs = planned_jobs(workdir, *SMOKE)
    # experiments.dag imports the baselines, so C1/C2's data and agents, C4 and C6 (and C5's world
    # corpus, written by experiments.language) may run them: every job of those rules reruns
    # (the ensemble rules' scripts run them too, but those rules are not planned on a CPU)
    running = rules_running("baselines.py") & set(everything)
    assert {"causal_training_data", "causal_baselines", "c4_baselines", "c6_baselines"} <= running
    assert {rule: jobs.get(rule) for rule in running} == {rule: everything[rule] for rule in running}
    # Experiment 3 and the pretrained LM's probes neither run them nor read what they make
    assert not {"c3_training_data", "c3_train_agent", "c3_active_test", "c3_statistics", "c5_stimuli",
                "c5_pretrained_score", "c5_world_stimuli", "c4_materialize_smollm2"} & set(jobs)


def test_editing_only_docstrings_and_comments_plans_no_job(workdir):
    def reword(text: str) -> str:
        assert text.startswith('"""The one causal transformer') and "\ndef " in text
        return ('"""An added sentence. ' + text[3:]).replace("\ndef ", "\n# an added comment\ndef ", 1)

    with edited_module(workdir, "models/transformer.py", reword):
        assert planned_jobs(workdir, *SMOKE) == {}


def test_editing_the_report_prose_reruns_only_the_pdf(workdir):
    report = workdir / "paper" / "report.tex"
    text, stat = report.read_text(), report.stat()
    assert "\\end{document}" in text
    try:
        report.write_text(text.replace("\\end{document}", "An added sentence of prose.\n\\end{document}"))
        assert planned_jobs(workdir, *SMOKE) == {"report_pdf": 1, "all": 1}
    finally:
        report.write_text(text)
        os.utime(report, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def test_changing_a_constant_in_derive_seed_plans_the_data_of_every_experiment(workdir):
    everything = planned_jobs(workdir, *SMOKE, "--forceall")
    with edited_module(workdir, "runtime.py", lambda text: text.replace("digest[:8]", "digest[1:9]")):
        jobs = planned_jobs(workdir, *SMOKE)
    data = {"causal_training_data", "causal_eval_episodes", "c3_training_data", "c3_eval_episodes", "c4_corpus",
            "c4_eval_episodes", "c5_stimuli", "c5_world_stimuli", "c5_world_corpus", "c6_eval_episodes",
            "c6_rc_demonstrations", "c6_dagger_expert_round", "c6_fusion_training_set"}
    assert {rule: jobs.get(rule) for rule in data} == {rule: everything[rule] for rule in data}
    # every script logs through pacs.runtime, so with module-level fingerprints every job reruns
    assert jobs == everything


def test_language_models_and_baselines_meet_the_same_episodes(workdir):
    episodes = pd.read_parquet(workdir / "results" / "c4" / "episodes.parquet")
    policies = set(episodes.policy)
    assert {"pipeline LM, with explanations", "pipeline LM, without explanations",
            "SmolLM2-135M, 1-shot, with explanations", "SmolLM2-135M, 1-shot, without explanations",
            "expert", "optimal", "random", "correlational", "expert text replay"} == policies
    assert (episodes.groupby(["seed", "split", "episode"]).target.nunique() == 1).all()
    prompted = episodes[episodes.model == "SmolLM2-135M"]
    assert (prompted.groupby(["policy", "seed", "split"]).size() == 2).all()  # smoke: 2 per split and seed
    transcript = (workdir / "results" / "c4" / "seed0" / "pretrained_1shot_with_transcripts.txt").read_text()
    assert transcript.startswith("### prompt") and "Note:" in transcript.split("### in_distribution")[0]
    assert "Action: set" in transcript


def test_changing_the_prompt_does_not_retrain_the_pipeline_lm(workdir):
    jobs = planned_jobs(workdir, *SMOKE, "c4={pretrained: {shots: [2]}}")
    assert jobs["c4_pretrained_test"] == 4
    assert not {"c4_train", "c4_corpus", "c4_pipeline_test", "c4_materialize_smollm2"} & set(jobs)


def test_every_model_answers_every_item_of_its_tasks(workdir):
    items = pd.read_parquet(workdir / "results" / "c5" / "items.parquet")
    stimuli = pd.concat([pd.read_json(workdir / "results" / "c5" / "stimuli" / f"{task}.jsonl", lines=True)
                         for task in ("nli", "syllogism", "wason")], ignore_index=True)
    assert set(stimuli.source) == {"generated"} and set(items.source) == {"generated"}
    pretrained = items[items.model == "SmolLM2-135M"]
    # smoke: zero-shot only, in two wordings (prompt seeds 0 and 1), each answering every item
    assert set(pretrained.seed) == {0, 1} and set(pretrained.prompt) == {"0-shot wording 0", "0-shot wording 1"}
    for _, answered in pretrained.groupby("seed"):
        assert sorted(answered.item_id) == sorted(stimuli.item_id)
    counts = stimuli.groupby(["task", "condition"]).size()
    assert (counts == counts.index.get_level_values("task").map({"nli": 4, "syllogism": 4, "wason": 3})).all()
    world = items[items.model.str.startswith("world LM")]
    assert set(world.corpus) == {"independent", "confounded"} and set(world.task) == {"syllogism"}
    # every seed of both corpora answered the same world items
    per_seed = world.groupby(["corpus", "seed"]).item_id.apply(frozenset)
    assert per_seed.nunique() == 1 and len(per_seed) == 2 * 2
    accuracy = pd.read_csv(workdir / "results" / "c5" / "accuracy.csv")
    assert ((accuracy.ci_low <= accuracy["mean"]) & (accuracy["mean"] <= accuracy.ci_high)).all()
    regression = pd.read_csv(workdir / "results" / "c5" / "regression.csv")
    assert set(regression.model) == set(items.model)
    # the world LMs answer each item once per seed, zero-shot SmolLM2 once per wording: item intercepts
    assert regression.groupby("model").random_intercepts.first().to_dict() == {
        "SmolLM2-135M": True, "world LM, confounded": True, "world LM, independent": True}
    corpus = (workdir / "results" / "c5" / "world" / "seed0" / "corpus_confounded.txt").read_text()
    assert not set(stimuli.prompt) & set(corpus.split("\n\n"))


def test_dropping_in_a_stimulus_file_rescores_only_its_task(workdir):
    from pacs.probes.stimuli import read_sourced_stimuli, write_stimuli

    extra = workdir / "extra.jsonl"
    _, item = read_sourced_stimuli(workdir / "results" / "c5" / "stimuli" / "syllogism.jsonl")[0]
    write_stimuli(extra, [item.__class__(**{**item.__dict__, "item_id": "external-0001"})])
    jobs = planned_jobs(workdir, *SMOKE, f"c5={{extra_stimuli: [{extra}]}}")
    assert jobs["c5_stimuli"] == 1 and jobs["c5_pretrained_score"] == 2  # syllogisms only, in two wordings
    assert not {"c5_world_train", "c5_world_corpus", "c5_world_score", "c4_train",
                "causal_train_agent"} & set(jobs)
    # a mistyped path stops the run at start-up, although results exist
    result = subprocess.run([SNAKEMAKE, "-n", *SMOKE, f"c5={{extra_stimuli: [{workdir / 'extra.jsonI'}]}}"],
                            cwd=workdir, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0 and "extra.jsonI: file not found" in result.stderr


def test_every_c6_learner_meets_the_shared_test_episodes(workdir):
    for regime, learners in (("rc", 3), ("dagger", 1 + 2 * 1), ("fusion", 2)):
        episodes = pd.read_parquet(workdir / "results" / "c6" / regime / "episodes.parquet")
        assert (episodes.groupby(["seed", "split", "episode"]).target.nunique() == 1).all()
        assert {"expert", "optimal", "random", "correlational"} < set(episodes.policy)
        learner_rows = episodes[~episodes.policy.isin(["expert", "optimal", "random", "correlational"])]
        per_learner = 3 * 100 * 2  # splits x smoke test episodes x seeds
        extra = 2 if regime == "fusion" else 1  # fusion tables also hold the fusion expert per condition
        assert len(learner_rows) == learners * extra * per_learner
    dagger = pd.read_parquet(workdir / "results" / "c6" / "dagger" / "episodes.parquet")
    steps = dagger[dagger.policy.isin(["initial", "dagger", "plain"])].groupby(["policy", "round"]).labelled_steps
    assert steps.nunique().eq(1).all()
    by_round = steps.first().unstack("policy")
    # smoke: 100 initial episodes, 100 in its one later round, 6 labelled steps each; both arms equal
    assert by_round.loc[0, "initial"] == 600
    assert list(by_round.index) == [0, 1] and by_round.loc[1, "dagger"] == by_round.loc[1, "plain"] == 1200
    mixture = pd.read_csv(workdir / "results" / "c6" / "rc" / "mixture_summary.csv")
    shares = mixture[mixture.measure == "share"].set_index("kind")["mean"].round(3).to_dict()
    assert shares == {"expert": 0.2, "noisy_expert": 0.2, "random_exploit": 0.2, "wrong_sign": 0.4}


def test_adding_an_observational_condition_trains_only_that_condition(workdir):
    jobs = planned_jobs(workdir, *SMOKE, "c6={fusion: {observational_samples: [0, 20, 60]}}")
    assert jobs["c6_fusion_training_set"] == 2 and jobs["c6_train_agent"] == 2 and jobs["c6_fusion_active_test"] == 2
    assert jobs["c6_statistics"] == 1 and jobs["report_numbers"] == 1
    assert not {"c6_rc_demonstrations", "c6_rc_training_set", "c6_dagger_visits", "dagger_expert_rounds",
                "causal_train_agent"} & set(jobs)


def test_another_dagger_round_trains_only_that_round(workdir):
    jobs = planned_jobs(workdir, *SMOKE, "c6={dagger: {rounds: 2}}")
    # round 2 of 2 seeds: its expert episodes, the round-1 DAgger learner's visits, two arms' sets, learners, tests
    assert jobs["c6_dagger_expert_round"] == 2 and jobs["c6_dagger_visits"] == 2
    assert jobs["c6_dagger_training_set"] == 4 and jobs["c6_train_agent"] == 4 and jobs["c6_dagger_active_test"] == 4
    assert not {"c6_rc_demonstrations", "c6_fusion_training_set", "causal_train_agent"} & set(jobs)


def test_budget_sensitivity_reaches_the_verdict_table_and_the_report(workdir):
    table = pd.read_csv(workdir / "results" / "verdicts" / "all.csv").fillna({"budget_sensitivity": ""})
    noted = table[table.budget_sensitivity.str.startswith("same verdict at the two largest budgets: ")]
    # C4's budget analysis reads its pipeline LM on both strategy splits together, so both of the
    # pipeline LM's strategy rows (in distribution, held-out link) carry its note
    assert noted.claim.tolist() == ["C1", "C3", "C4", "C4"], "one note each: C1, C3, and C4's pipeline LM rows"
    budgets = pd.read_csv(workdir / "results" / "budget" / "budgets.csv")
    assert sorted(set(budgets.claim)) == ["C1", "C3", "C4"] and (budgets.ci_low <= budgets.effect).all()
    inputs = (workdir / "paper" / "build" / "report.fls").read_text()
    assert "generated/budget.tex" in inputs and "figures/budget.pdf" in inputs


def test_adding_a_budget_trains_only_that_budget(workdir):
    jobs = planned_jobs(workdir, *SMOKE, "budgets={width_multipliers: [0.5, 1, 2]}")
    # per seed: one C1 agent, two C3 agents (deconfounded, with and without explanations), one pipeline LM
    assert jobs["budget_causal_train_agent"] == 2 and jobs["budget_c3_train_agent"] == 4
    assert jobs["budget_c4_train"] == 2 and jobs["budget_verdict"] == 3 and jobs["budget_summary"] == 1
    assert not {"causal_train_agent", "c3_train_agent", "c4_train", "causal_statistics"} & set(jobs)


def wait_until_the_run_lock_is_free(work: Path, timeout: float) -> None:
    """Every process of the killed run has exited (SIGKILL takes effect asynchronously):
    the run lock that `make run` holds for the whole run, inherited by its jobs, is free."""
    import fcntl

    deadline = time.monotonic() + timeout
    with open(work / ".snakemake" / "make-run.lock", "a") as lock:
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                assert time.monotonic() < deadline, "the killed run's processes did not exit"
                time.sleep(0.1)
            else:
                fcntl.flock(lock, fcntl.LOCK_UN)
                return


def interrupted_training_job(work: Path) -> Path | None:
    """The model file of a causal-DAG training job that is mid-way: its log shows a
    training step and the model is not written yet."""
    for log in sorted(work.glob("logs/*/train_agent_seed*.log")):
        experiment, seed = log.parent.name, log.stem.removeprefix("train_agent_seed")
        model = work / "results" / experiment / f"seed{seed}" / "agent.safetensors"
        if experiment in ("c1", "c2") and not model.exists() and "train_loss" in log.read_text():
            return model
    return None


def result_tables(work: Path) -> dict[str, pd.DataFrame]:
    """Every results table, without the training logs' wall-clock column."""
    tables = {}
    for path in sorted([*work.glob("results/**/*.csv"), *work.glob("results/**/*.parquet")]):
        frame = pd.read_csv(path) if path.suffix == ".csv" else pd.read_parquet(path)
        tables[str(path.relative_to(work))] = frame.drop(columns=["elapsed_s"], errors="ignore")
    return tables


def test_a_run_killed_during_training_resumes_with_make_to_identical_numbers(workdir, tmp_path_factory):
    """kill -9 of the whole run (its process group) in the middle of a training job,
    then `make run` (what `make reproduce` runs after its set-up) with no flag:
    it finishes, and every table and generated number equals the uninterrupted run's.
    The run starts from a copy of the finished smoke run (times kept) whose C1 training
    data is made newer than what was trained on it, so it retrains C1's two agents in
    parallel and reruns what reads them, not the whole smoke run a second time (a
    deleted agent alone would not do: Snakemake leaves a missing intermediate file
    alone while everything after it is up to date)."""
    work = tmp_path_factory.mktemp("interrupted") / "pacs"
    shutil.copytree(workdir, work, symlinks=True)
    for seed in (0, 1):
        for data in ("train", "validation"):
            (work / "results" / "c1" / f"seed{seed}" / f"{data}.safetensors").touch()
        # the rerun's own log, not the finished run's, shows when its training is mid-way
        (work / "logs" / "c1" / f"train_agent_seed{seed}.log").unlink()
    command = ["make", "--no-print-directory", "run", "PRESET=smoke", "CORES=2", f"SNAKEMAKE={SNAKEMAKE}"]
    run = subprocess.Popen(command, cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           start_new_session=True)
    deadline = time.monotonic() + 1800
    while (model := interrupted_training_job(work)) is None:
        assert run.poll() is None and time.monotonic() < deadline, "the run never reached a training job mid-way"
        time.sleep(0.05)
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()
    wait_until_the_run_lock_is_free(work, timeout=120)
    assert not model.exists(), "killed in the middle of its training job"
    assert any((work / ".snakemake" / "incomplete").iterdir()) and any((work / ".snakemake" / "locks").iterdir())

    resumed = subprocess.run(command, cwd=work, capture_output=True, text=True, timeout=3600)
    assert resumed.returncode == 0, resumed.stderr[-4000:]
    assert "removing the lock of an interrupted run" in resumed.stdout
    assert planned_jobs(work, *SMOKE) == {}

    expected, got = result_tables(workdir), result_tables(work)
    assert sorted(got) == sorted(expected)
    for name, frame in expected.items():
        pd.testing.assert_frame_equal(got[name], frame, obj=name)
    generated = sorted((workdir / "paper" / "build" / "generated").glob("*.tex"))
    assert len(generated) > 10
    for path in generated:
        if path.name != "provenance.tex":  # stage times differ between runs
            assert (work / path.relative_to(workdir)).read_text() == path.read_text(), path.name


def test_with_the_ensemble_one_job_trains_the_seeds_of_a_condition_to_the_same_numbers(workdir, tmp_path_factory):
    """ensemble=always (what "auto" chooses on a GPU): one job per C1/C2 experiment and
    per C3 condition trains all its seeds, and each seed's training log equals the
    one-by-one run's up to floating-point reassociation (same evaluations and stops)."""
    ensemble = [*SMOKE, "ensemble=always"]
    rules = ["causal_train_ensemble", "c3_train_ensemble", "budget_causal_train_ensemble", "budget_c3_train_ensemble"]
    jobs = planned_jobs(workdir, *ensemble, "--forcerun", *rules)
    # C1, C2; C3's four conditions; the smoke budget x0.5 of C1 and of C3's deciding two
    assert [jobs[rule] for rule in rules] == [2, 4, 1, 2]
    assert not {"causal_train_agent", "c3_train_agent", "budget_causal_train_agent", "budget_c3_train_agent"} & set(jobs)

    # from a copy of the finished smoke run (times kept), so its training data are not drawn again;
    # the training logs the ensemble must write are removed from the copy first
    # (C3's own four conditions only: C3a's and C3b's learners are other rules')
    logs = sorted(path.relative_to(workdir) for pattern in ("results/c[12]/**/training_log.csv",
                                                            "results/c3/*/seed*/training_log.csv",
                                                            "results/budget/**/training_log.csv")
                  for path in workdir.glob(pattern))
    assert len(logs) == 12 + 2 + 4  # 2 seeds x (C1, C2, C3's four conditions; budget C1, C3's two)
    work = tmp_path_factory.mktemp("ensemble") / "pacs"
    shutil.copytree(workdir, work, symlinks=True)
    for path in logs:
        (work / path).unlink()
    result = snakemake(work, *ensemble, "--forcerun", *rules, "--until", *rules)
    ran = re.findall(r"^(?:local)?rule (\w+):", result.stdout + result.stderr, flags=re.MULTILINE)
    assert sorted(set(ran)) == sorted(rules), "only the ensemble jobs ran, no data drawn again"
    for path in logs:
        alone, together = pd.read_csv(workdir / path), pd.read_csv(work / path)
        assert list(together.columns) == list(alone.columns)
        assert together.step.tolist() == alone.step.tolist(), path
        assert together.stop_reason.iloc[0] == alone.stop_reason.iloc[0], path
        numbers = [c for c in alone.columns if c.startswith(("train_loss", "val_"))]
        pd.testing.assert_frame_equal(together[numbers], alone[numbers], rtol=1e-4, atol=1e-5, obj=str(path))
    assert (work / "benchmarks" / "c3" / "train_agent_deconfounded-with_ensemble.tsv").is_file()


def test_the_sweep_scores_each_experiment_and_keeps_its_points_when_the_config_moves(workdir):
    assert not (workdir / "results" / "sweep").exists()  # the default target runs no sweep
    snakemake(workdir, "tune", *SMOKE)  # the tuning tier: the sweep and its record
    record = json.loads((workdir / "results" / "tuning" / "record.json").read_text())
    assert record["preset"] == "smoke" and sorted(record["experiments"]) == ["c1", "c4", "c6"]
    table = pd.read_csv(workdir / "results" / "sweep" / "sweep.csv")
    assert sorted(set(table.experiment)) == ["c1", "c4", "c6"]
    regimes = table[table.experiment == "c6"]
    assert sorted(regimes.dropout) == [0.0, 0.2] and regimes.chosen.sum() == 1
    swept = workdir / "results" / "sweep" / "c6"
    # the configured point (C6's dropout 0.2) is the main experiment's learner, not trained again here
    assert [p.relative_to(swept).parts[1:] for p in swept.glob("*/*/*/seed0/training_log.csv")] == [
        ("d_model_32", "dropout_0", "seed0", "training_log.csv")]
    # C6's width doubles: the scored point (32, 0) is reused; (32, 0.2), no longer the configured
    # one, and the new (64, 0) train; the main C6 learners (now 64, 0.2) retrain
    jobs = planned_jobs(workdir, "tune", *SMOKE, "c6={model: {d_model: 64, d_mlp: 256}}",
                        "sweep={per_experiment: {c6: {width_multipliers: [0.5, 1]}}}")
    # (the tuning tier needs only the expert-only learner of each seed among the C6 learners)
    assert jobs["sweep_c6_train_agent"] == 2 and jobs["c6_train_agent"] == 2
    assert not {"sweep_causal_train_agent", "sweep_c4_train", "causal_train_agent"} & set(jobs)
    # half width for C1 and C4: at the configured lr that point is the budget x0.5's seed-0
    # learner (already trained), so only the point at twice the lr trains
    jobs = planned_jobs(workdir, "tune", *SMOKE, "sweep={width_multipliers: [0.5, 1]}")
    assert jobs["sweep_causal_train_agent"] == 1 and jobs["sweep_c4_train"] == 1 and jobs["sweep_table"] == 1
    assert not {"budget_causal_train_agent", "budget_c4_train", "causal_train_agent", "c4_train"} & set(jobs)
