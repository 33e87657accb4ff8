"""Shared fixtures: small environment configs, hand-built episodes, and the smoke run."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from pacs.envs.causal_dag import DagEnvConfig, DagEpisodes


ROOT = Path(__file__).resolve().parents[1]
# what a copy of the repository for a workflow run leaves out
COPY_IGNORE = shutil.ignore_patterns(
    ".venv", ".git", "results", "logs", "benchmarks", "build", ".snakemake", "__pycache__", "*.egg-info", "tests",
)


def dry_run(*args: str) -> str:
    """The plan of `snakemake -n <args>` in the repository itself (the configured preset unless
    args name one): its stdout, after checking that the dry run succeeded."""
    result = subprocess.run([str(Path(sys.executable).parent / "snakemake"), "-n", *args], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def job_stats(text: str) -> dict[str, int]:
    """Rule -> jobs of the "Job stats" table a Snakemake plan prints ({} when it says there is
    nothing to be done)."""
    if "Nothing to be done" in text:
        return {}
    jobs = {}
    for row in text.split("Job stats:")[1].splitlines()[3:]:
        parts = row.split()
        if len(parts) != 2 or parts[0] == "total":
            break
        jobs[parts[0]] = int(parts[1])
    return jobs


@pytest.fixture(scope="session")
def smoke_run(tmp_path_factory) -> Path:
    """The smoke preset from nothing to the report, run once per session in a copy of the
    repository (the developer's own results/ untouched): tests/test_pipeline.py's run, and the
    local reference of tests/test_slurm.py when the session holds both."""
    work = tmp_path_factory.mktemp("pipeline") / "pacs"
    shutil.copytree(ROOT, work, ignore=COPY_IGNORE)
    snakemake = str(Path(sys.executable).parent / "snakemake")
    result = subprocess.run([snakemake, "--cores", "2", "--config", "preset=smoke"], cwd=work, capture_output=True,
                            text=True, timeout=3600)
    if result.returncode != 0:
        raise AssertionError(f"the smoke run failed:\n{result.stderr[-4000:]}")
    return work


@pytest.fixture
def env_cfg() -> DagEnvConfig:
    return DagEnvConfig()


def hand_built_episode(weights, target, noise=None, order=None, noise_std=0.0) -> tuple[DagEpisodes, DagEnvConfig]:
    """One episode on a given weight matrix (W[i][j] for i -> j), target and noise."""
    w = torch.tensor(weights, dtype=torch.float32)[None]
    n = w.shape[-1]
    cfg = DagEnvConfig(n_vars=n, explore_steps=n, noise_std=noise_std, held_out_links=())
    noise = torch.zeros(1, n + 1, n) if noise is None else torch.tensor(noise, dtype=torch.float32)[None]
    order = torch.arange(n)[None] if order is None else torch.tensor(order)[None]
    return DagEpisodes(w, torch.tensor([target]), noise, order), cfg


def one_line_error(error_type: type[Exception], call) -> str:
    """The message ``call()`` raises as ``error_type``, checked to be one line."""
    with pytest.raises(error_type) as raised:
        call()
    message = str(raised.value)
    assert "\n" not in message
    return message


TINY_WORDS = ["the", "cat", "dog", "sat", "on", "mat", "a", "red", "blue", "Test", "A", "B", "C", "."]


@pytest.fixture
def tiny_gpt2_dir(tmp_path):
    """A 2-layer random GPT-2 and a word-level tokenizer, saved as a local HF directory."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    vocab = {w: i for i, w in enumerate(["<unk>", "<eos>", "\n", *TINY_WORDS])}
    backend = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.Split("\n", behavior="isolated"), pre_tokenizers.WhitespaceSplit()]
    )
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=backend, unk_token="<unk>", eos_token="<eos>")
    torch.manual_seed(0)
    model = GPT2LMHeadModel(GPT2Config(vocab_size=len(vocab), n_positions=64, n_embd=16, n_layer=2, n_head=2))
    model.save_pretrained(tmp_path)
    tokenizer.save_pretrained(tmp_path)
    return tmp_path
