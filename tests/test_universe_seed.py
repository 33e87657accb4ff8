"""Seeding a design universe from the configured run (pacs.claims.universe_seed): on a small
workflow of its own, run for real, and on the repository's workflow with stand-ins."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import job_stats
from pacs.claims import universe_seed

SNAKEMAKE = str(Path(sys.executable).parent / "snakemake")

# data <- size; two learners, only one of which reads the weight; a collector of both
TOY_SNAKEFILE = """
configfile: "config.yaml"

rule collect:
    input: "learners/weighted.txt", "learners/plain.txt"
    output: "verdicts/toy.csv"
    shell: "cat {input} > {output}"

rule data:
    output: "data/episodes.txt"
    params: size=config["size"]
    shell: "echo {params.size} > {output}"

rule weighted:
    input: rules.data.output
    output: "learners/weighted.txt"
    params: weight=config["weight"]
    shell: "echo {params.weight} | cat - {input} > {output}"

rule plain:
    input: rules.data.output
    output: "learners/plain.txt"
    shell: "cat {input} > {output}"

rule long_name:
    output: "deep/" + "a" * 120 + "/" + "b" * 120 + "/out.txt"
    shell: "touch {output}"
"""


def toy_run(workdir: Path, *args: str) -> str:
    """The toy workflow (the Snakefile of the configured run, as a universe's run uses it) run in ``workdir``."""
    snakefile = next(folder / "Snakefile" for folder in (workdir, *workdir.parents) if (folder / "Snakefile").is_file())
    result = subprocess.run([SNAKEMAKE, "--snakefile", str(snakefile), "--directory", str(workdir),
                             "--cores", "1", *args], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout + result.stderr


@pytest.fixture(scope="module")
def toy_configured(tmp_path_factory) -> Path:
    """The toy workflow run for real at size 10, weight 1 (once per module)."""
    root = tmp_path_factory.mktemp("toy") / "configured"
    root.mkdir()
    (root / "Snakefile").write_text(TOY_SNAKEFILE)
    (root / "config.yaml").write_text(yaml.safe_dump({"size": 10, "weight": 1}))
    toy_run(root, "--", "verdicts/toy.csv", "deep/" + "a" * 120 + "/" + "b" * 120 + "/out.txt")
    return root


@pytest.fixture
def configured(toy_configured, tmp_path) -> Path:
    """A test's own copy of the toy run (files, records and modification times)."""
    return Path(shutil.copytree(toy_configured, tmp_path / "configured", symlinks=True))


def universe(root: Path, name: str, **config) -> tuple[Path, universe_seed.Seeding]:
    """A universe folder of the toy workflow with ``config`` changed, seeded from ``root``."""
    folder = root / "universes" / name
    folder.mkdir(parents=True)
    (folder / "config.yaml").write_text(yaml.safe_dump({"size": 10, "weight": 1, **config}))
    return folder, universe_seed.seed(folder, root, root / "Snakefile", "verdicts/toy.csv")


def test_the_record_path_is_where_snakemake_keeps_the_record_of_an_output(configured):
    """Snakemake's own naming, for a short path and one whose encoding outgrows a file name."""
    long_path = "deep/" + "a" * 120 + "/" + "b" * 120 + "/out.txt"
    for output in ("verdicts/toy.csv", "data/episodes.txt", long_path):
        assert universe_seed.record_path(configured, output).is_file(), output
    assert universe_seed.record_path(configured, long_path).parent.name.startswith("@")
    assert not universe_seed.record_path(configured, "data/other.txt").exists()


def test_a_universe_reruns_only_the_learner_that_reads_its_key_and_what_follows(configured):
    folder, seeding = universe(configured, "weight2", weight=2)
    assert sorted(seeding.copied) == ["data/episodes.txt", "learners/plain.txt", "learners/weighted.txt",
                                      "verdicts/toy.csv"]
    assert not seeding.missing
    plan = job_stats(toy_run(folder, "--dry-run", "--quiet", "rules", "--", "verdicts/toy.csv"))
    assert plan == {"collect": 1, "weighted": 1}
    assert (folder / "data/episodes.txt").samefile(configured / "data/episodes.txt"), "linked, not copied"
    record = universe_seed.record_path(configured, "learners/weighted.txt")
    assert not universe_seed.record_path(folder, "learners/weighted.txt").samefile(record), "records are copied"
    before = record.read_text()
    toy_run(folder, "--", "verdicts/toy.csv")
    assert (folder / "verdicts/toy.csv").read_text().split() == ["2", "10", "10"]
    assert (configured / "verdicts/toy.csv").read_text().split() == ["1", "10", "10"], "the configured run untouched"
    assert (configured / "learners/weighted.txt").read_text().split()[0] == "1" and record.read_text() == before


def test_a_universe_that_changes_the_data_reruns_everything_downstream_of_it(configured):
    folder, _ = universe(configured, "size20", size=20)
    plan = job_stats(toy_run(folder, "--dry-run", "--quiet", "rules", "--", "verdicts/toy.csv"))
    assert plan == {"data": 1, "weighted": 1, "plain": 1, "collect": 1}


def test_a_universe_equal_to_the_configured_run_has_nothing_to_do(configured):
    folder, _ = universe(configured, "same")
    assert job_stats(toy_run(folder, "--dry-run", "--quiet", "rules", "--", "verdicts/toy.csv")) == {}


def test_an_output_without_its_record_is_not_seeded_nor_what_follows_it(configured):
    """Seeding a file without its record would leave Snakemake no params to compare, and a
    seeded collector downstream of a missing learner would look up to date (Snakemake does not
    rerun a job for a missing input): the universe's run makes both."""
    universe_seed.record_path(configured, "learners/weighted.txt").unlink()
    folder, seeding = universe(configured, "norecord")
    assert seeding.missing == ("learners/weighted.txt",)
    assert sorted(seeding.copied) == ["data/episodes.txt", "learners/plain.txt"]
    assert "the first learners/weighted.txt" in seeding.summary()
    assert not (folder / "learners/weighted.txt").exists() and not (folder / "verdicts/toy.csv").exists()
    plan = job_stats(toy_run(folder, "--dry-run", "--quiet", "rules", "--", "verdicts/toy.csv"))
    assert plan == {"weighted": 1, "collect": 1}
    toy_run(folder, "--", "verdicts/toy.csv")
    assert (folder / "verdicts/toy.csv").read_text() == (configured / "verdicts/toy.csv").read_text()


def test_what_depends_on_a_lacking_output_is_closed_over_the_planned_inputs():
    inputs = {"v.csv": ("a.txt", "b.txt"), "a.txt": ("d.txt",), "b.txt": ("d.txt",), "d.txt": ("config.yaml",),
              "r.pdf": ("v.csv",)}
    assert universe_seed.downstream_of({"a.txt"}, inputs) == {"a.txt", "v.csv", "r.pdf"}
    assert universe_seed.downstream_of({"d.txt"}, inputs) == set(inputs)
    assert universe_seed.downstream_of(set(), inputs) == set()


def test_a_file_the_universe_made_itself_is_kept(configured):
    """A universe run killed midway goes on with its own files: seeding again copies nothing over them."""
    folder, _ = universe(configured, "own", weight=2)
    toy_run(folder, "--", "verdicts/toy.csv")
    again = universe_seed.seed(folder, configured, configured / "Snakefile", "verdicts/toy.csv")
    assert (folder / "learners/weighted.txt").read_text().split()[0] == "2"
    assert len(again.copied) == 4 and again.fingerprints == 0


def test_the_summary_table_is_read_and_a_missing_one_is_an_error():
    text = "output_file\tdate\trule\tlog-file(s)\tstatus\tplan\na.txt\t-\tr\t-\tmissing\tupdate pending\n"
    assert universe_seed.parse_summary("Building DAG of jobs...\n" + text) == ["a.txt"]
    with pytest.raises(universe_seed.SeedError, match="no table"):
        universe_seed.parse_summary("Building DAG of jobs...\n")


def test_a_broken_universe_workflow_is_a_one_line_error_naming_its_folder(tmp_path):
    (tmp_path / "Snakefile").write_text("this is not a workflow\n")
    with pytest.raises(universe_seed.SeedError, match=f"snakemake --summary in {tmp_path} failed"):
        universe_seed.planned_files(tmp_path / "Snakefile", tmp_path, "verdicts/toy.csv")


@pytest.fixture(scope="module")
def configured_claims(tmp_path_factory) -> Path:
    """A repository copy whose smoke C3 and C6 verdict rows, and everything they need, exist
    as up-to-date stand-ins, each with its metadata record (as a real run leaves them)."""
    from test_probes_workflow import SMOKE, snakemake, stand_in

    work = tmp_path_factory.mktemp("seeded") / "pacs"
    targets = ["results/verdicts/c3.csv", "results/verdicts/c6.csv"]
    stand_in(work, targets)
    snakemake(work, "--touch", "--forceall", *SMOKE, "--", *targets)  # a record for every output
    return work


def seeded_universe_plan(work: Path, claim: str, key: str, value, *, complete: bool = True
                         ) -> tuple[str, dict[str, int], universe_seed.Seeding]:
    """The plan (dry run) of a seeded design universe of ``claim`` with ``key`` set to ``value``:
    its text, rule -> jobs, and the seeding (``complete``: the configured run has every output)."""
    from pacs.claims import multiverse
    from pacs.claims.registry import REGISTRY, load_config
    from test_config import CONFIG, SCHEMA
    from test_probes_workflow import snakemake

    universe = multiverse.Universe(f"{key}={value}", key, value, "design")
    folder = work / multiverse.design_folder(claim, universe)
    folder.mkdir(parents=True)
    config = multiverse.universe_config(load_config(CONFIG, SCHEMA, {"preset": "smoke"}), universe, claim=claim)
    (folder / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    target = REGISTRY[claim].verdict_rows_file
    seeding = universe_seed.seed(folder, work, work / "Snakefile", target)
    assert not seeding.missing if complete else seeding.missing
    plan = snakemake(folder, "--snakefile", str(work / "Snakefile"), "--directory", str(folder), "--dry-run", "--",
                     target).stdout
    return plan, job_stats(plan), seeding


def planned_outputs(plan: str, name: str) -> list[str]:
    """The planned jobs' outputs that end in ``name``."""
    return [path for line in plan.splitlines() if line.strip().startswith("output:")
            for path in line.split(":", 1)[1].replace(",", " ").split() if path.endswith(name)]


def test_a_c6_mix_universe_retrains_only_the_return_conditioned_learners(configured_claims):
    plan, jobs, _ = seeded_universe_plan(configured_claims, "c6", "c6.return_conditioning.mix",
                                      {"expert": 0.5, "noisy_expert": 0.25, "random_exploit": 0.25})
    retrained = planned_outputs(plan, "agent.safetensors")
    made = sorted(str(path.relative_to(configured_claims)) for path in
                  (configured_claims / "results/c6/rc").rglob("agent.safetensors"))
    assert retrained and set(retrained) <= set(made), "return-conditioned learners only"
    assert not any(rule.startswith(("c6_dagger", "c6_fusion")) for rule in jobs)
    assert "c6_eval_episodes" not in jobs and "c6_baselines" not in jobs, "the test episodes are reused"


def test_a_c3_explanation_weight_universe_retrains_only_the_learners_with_explanations(configured_claims):
    plan, jobs, _ = seeded_universe_plan(configured_claims, "c3", "c3.explanation_weight", 2.0)
    retrained = planned_outputs(plan, "agent.safetensors")
    made = sorted(str(path.relative_to(configured_claims)) for path in
                  (configured_claims / "results/c3").rglob("*-with/seed*/agent.safetensors"))
    assert sorted(retrained) == made and made
    assert not any("training_data" in rule or rule.endswith("_data") for rule in jobs), "the data are reused"


def test_a_c3a_confounded_universe_trains_only_the_new_learners_and_reuses_the_main_ones(configured_claims):
    """C3a on confounded training: the configured run has none of its learners below the main
    size (not seeded, nor what reads them); the main confounded learners stand in at the main size."""
    plan, jobs, seeding = seeded_universe_plan(configured_claims, "c3", "c3.efficiency.confounding", "confounded",
                                               complete=False)
    retrained = sorted(planned_outputs(plan, "agent.safetensors"))
    assert retrained and all("/efficiency/" in path and "/confounded-" in path for path in retrained), retrained
    assert len(retrained) == 2 * 2, "one size below the main one (smoke: 500), two arms, two seeds"
    assert all("/efficiency/" in path for path in seeding.missing)
    assert "c3_train_agent" not in jobs and not any("feature_choice" in rule for rule in jobs)
    assert "efficiency_c3_statistics" in jobs
