"""Experiment 4 (C4): language models running causal experimentation strategies.

Episodes are those of Experiment 1 (held-out causal links), written as text by
``pacs.envs.dag_text``.

(a) Pipeline LM: a word-level transformer trained only by next-token prediction
    on expert episodes as text, with or without Note lines (explanations and
    reasoning); at test it writes its own lines, closed loop: its Test and Action
    lines are parsed and carried out, and the environment writes the results.
(b) Pretrained LM (SmolLM2-135M-Instruct by default): a few-shot prompt of k
    expert episodes (with or without Notes), then the test episode; each test and
    the final action are chosen by option log-probabilities, closed loop.

Both act on the same test episodes as the baselines, and give the same tidy
episode table as the agents of Experiment 1 (plus ``model``, ``explanations``,
``shots`` and ``invalid_actions``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

import pandas as pd
import torch
from tqdm import tqdm

from pacs.baselines import POLICIES
from pacs.envs import dag_text
from pacs.envs.causal_dag import (DagEnvConfig, DagEpisodes, expert_goal_action, goal_action_id, goal_action_parts,
                                  sample_under_intervention)
from pacs.experiments.dag import Design, episode_frame, held_out_link_design
from pacs.labels import REFERENCE_BASELINES
from pacs.models.language_model import LanguageModel
from pacs.runtime import derive_seed

log = logging.getLogger(__name__)

INSTRUCTION = (
    "Each episode below is an experiment on a hidden causal system. Tests set one variable and show the "
    "values of all variables. At the goal, one action must make the goal variable as large as possible.\n\n"
)


@dataclass(frozen=True)
class TextSettings:
    decimals: int = 0
    max_new_tokens: int = 40  # per generated line
    max_lines_per_action: int = 3  # Note lines a model may write before it must act


def language_design(env: dict, splits) -> Design:
    """Experiment 1's episodes on ``splits``, under the seed namespace ``lm`` (C4's id before
    the claim ids, kept so that its draws stay the same)."""
    return replace(held_out_link_design(env), experiment="lm", eval_splits=tuple(splits),
                   agent_variants=(), baselines=REFERENCE_BASELINES)


def expert_documents(design: Design, split: str, n_episodes: int, explanations: bool, decimals: int,
                     *seed_parts) -> list[str]:
    """``n_episodes`` expert episodes of ``split`` as text (the same episodes whether
    or not ``explanations`` adds the Note lines)."""
    generator = torch.Generator().manual_seed(derive_seed("lm", "documents", split, *seed_parts))
    episodes = design.draw(split, n_episodes, generator)
    return [dag_text.serialize(e, explanations, decimals) for e in dag_text.expert_text_episodes(episodes, design.env)]


def few_shot_prompt(design: Design, shots: int, explanations: bool, decimals: int, prompt_seed: int) -> str:
    """The instruction and ``shots`` training-distribution expert episodes."""
    examples = expert_documents(design, design.train_split, shots, explanations, decimals, "prompt", prompt_seed)
    return INSTRUCTION + "".join(example + "\n" for example in examples)


# --- closed loop -----------------------------------------------------------------


@dataclass
class EpisodeRun:
    tests: list[int]
    goal: tuple[int, int] | None  # None: no valid action was produced
    invalid_actions: int
    transcript: str


def _next_agent_line(lm: LanguageModel, text: str, settings: TextSettings) -> tuple[str, str]:
    """Let the model write lines until one is not a Note; return (text, that line)."""
    line = ""
    for _ in range(settings.max_lines_per_action):
        line = lm.generate(text, settings.max_new_tokens)
        line = line if line.endswith("\n") else line + "\n"
        text += line
        if not line.strip().startswith("Note"):
            break
    return text, line


def _notes_only(lm: LanguageModel, text: str, settings: TextSettings) -> str:
    """Keep the Note lines the model writes next; drop the first other line (the
    environment, not the model, writes what comes after the Notes)."""
    for _ in range(settings.max_lines_per_action):
        line = lm.generate(text, settings.max_new_tokens)
        if not line.strip().startswith("Note"):
            break
        text += line if line.endswith("\n") else line + "\n"
    return text


def _observe(batch: DagEpisodes, index: int, step: int, variable: int, value: float) -> list[float]:
    sample = sample_under_intervention(
        batch.weights[index: index + 1], batch.noise[index: index + 1, step], torch.tensor([variable]), value
    )
    return [float(v) for v in sample[0]]


def run_episode(lm: LanguageModel, batch: DagEpisodes, index: int, design: Design, prompt: str, mode: str,
                settings: TextSettings) -> EpisodeRun:
    """One closed-loop episode. ``mode`` ``generate``: the model writes its lines and
    they are parsed; ``options``: each choice is the best-scoring option."""
    env, n_vars = design.env, design.env.n_vars
    text = prompt + dag_text.header_line(n_vars, env.intervention_value, settings.decimals)
    tests, invalid = [], 0
    for step in range(env.explore_steps):
        if mode == "options":
            # options carry only what differs between them (the rest of the line is fixed)
            options = [f" {dag_text.NAMES[v]}" for v in range(n_vars)]
            variable = int(lm.score_options(text + "Test", options).argmax())
            text += dag_text.test_line(variable)
        else:
            text, line = _next_agent_line(lm, text, settings)
            try:
                variable = dag_text.parse_test(line, n_vars)
            except dag_text.EpisodeTextError:
                invalid += 1
                break  # the model stopped exploring (or wrote nonsense): go to the goal
        tests.append(variable)
        text += dag_text.result_line(_observe(batch, index, step, variable, env.intervention_value),
                                     settings.decimals)
    if mode == "generate":  # the model's Notes on the last result come before the Goal line
        text = _notes_only(lm, text, settings)
    target = int(batch.targets[index])
    text += dag_text.goal_line(target)
    goal = None
    if mode == "options":
        choices = [(v, s) for v in range(n_vars) if v != target for s in (1, -1)]
        lines = [dag_text.action_line(v, s, env.intervention_value, settings.decimals) for v, s in choices]
        options = [line[len("Action:"):].rstrip(".\n") for line in lines]  # " set B to -5"
        scores = lm.score_options(text + "Action:", options)
        goal = choices[int(scores.argmax())]
        text += lines[int(scores.argmax())]
    else:
        text, line = _next_agent_line(lm, text, settings)
        try:
            goal = dag_text.parse_action(line, n_vars)
            if goal[0] == target:
                goal = None
        except dag_text.EpisodeTextError:
            pass
        invalid += goal is None
    return EpisodeRun(tests, goal, invalid, text[len(prompt):])


def language_model_table(lm: LanguageModel, episodes: dict[str, DagEpisodes], design: Design, prompt: str,
                         mode: str, settings: TextSettings, seed: int, n_episodes: int, **columns):
    """Closed-loop runs of ``lm`` on the first ``n_episodes`` of each split: (tidy
    episode table, transcripts). An episode without a valid final action gets a
    uniformly random one (seeded) and counts in ``invalid_actions``. A policy that
    must know which episode it acts in (``ExpertTextReplay``) has ``start_episode``
    called before each."""
    frames, transcripts = [], []
    for split, batch in episodes.items():
        batch = batch.select(torch.arange(min(n_episodes, len(batch))))
        generator = torch.Generator().manual_seed(derive_seed("lm", "fallback", seed, split, columns.get("policy")))
        explore = torch.full((len(batch), design.env.explore_steps), -1, dtype=torch.long)
        goal = torch.empty(len(batch), dtype=torch.long)
        invalid = torch.zeros(len(batch))
        for index in tqdm(range(len(batch)), desc=f"{lm.name} {split}", mininterval=5.0):
            if hasattr(lm, "start_episode"):
                lm.start_episode(batch, index)
            run = run_episode(lm, batch, index, design, prompt, mode, settings)
            explore[index] = dag_text.exploration_plan(run.tests, design.env.explore_steps)
            if run.goal is None:
                target = int(batch.targets[index])
                variable = int(torch.randint(design.env.n_vars - 1, (1,), generator=generator))
                variable += variable >= target
                sign = 1.0 if torch.rand(1, generator=generator) < 0.5 else -1.0
                run.goal = (variable, int(sign))
            goal[index] = goal_action_id(torch.tensor(run.goal[0]), torch.tensor(float(run.goal[1])))
            invalid[index] = run.invalid_actions
            transcripts.append(f"### {split} episode {index}\n{run.transcript}")
        frame = episode_frame(design, batch, explore, goal, seed=seed, split=split, **columns)
        frame["invalid_actions"] = invalid.numpy()
        frame["tests_run"] = (explore >= 0).sum(dim=1).numpy()
        frames.append(frame)
        log.info("%s on %s: mean reward/optimal %.3f, invalid actions per episode %.3f", columns.get("policy"),
                 split, frame.reward_over_optimal.mean(), frame.invalid_actions.mean())
    return pd.concat(frames, ignore_index=True), "\n".join(transcripts)


class ExpertTextReplay:
    """The positive control of the text pipeline: the expert acting through the text
    interface, in place of a language model (``generate`` mode only).

    It writes the ``Test`` lines of the episode's own expert order and, after the
    ``Goal`` line, the ``Action`` line the expert chooses from the results as the text
    shows them: the transcript is parsed back (``dag_text.parse``, values rounded as
    printed) and handed to the expert's goal rule. So its episodes pass through the
    same serializer, parser, closed loop and scoring as a language model's, and its
    reward equals the expert's except where rounding changes the expert's choice. The
    episode's exploration order is the one thing not in the text; ``start_episode``
    tells it (the expert's order is a random permutation drawn with the episode)."""

    name = "expert text replay"

    def __init__(self, env: DagEnvConfig, decimals: int):
        self.env, self.decimals = env, decimals
        self.order: list[int] = []

    def start_episode(self, batch: DagEpisodes, index: int) -> None:
        self.order = [int(v) for v in batch.expert_order[index]]

    def generate(self, context: str, max_new_tokens: int) -> str:
        episode = dag_text.parse(context[context.rindex("Variables:"):])
        if episode.target is None:  # exploring: the expert's next test, or nothing once done
            step = len(episode.tests)
            return dag_text.test_line(self.order[step]) if step < len(self.order) else "\n"
        goal = expert_goal_action(torch.tensor([episode.tests]), torch.tensor([episode.results]),
                                  torch.tensor([episode.target]), self.env)
        variable, sign = goal_action_parts(goal)
        return dag_text.action_line(int(variable[0]), int(sign[0]), episode.intervention_value, self.decimals)


def baseline_table(episodes: dict[str, DagEpisodes], design: Design, seed: int, n_episodes: int) -> pd.DataFrame:
    """Experiment 4's baselines (no training-set prior) on the same test episodes."""
    frames = []
    for split, batch in episodes.items():
        batch = batch.select(torch.arange(min(n_episodes, len(batch))))
        for policy in design.baselines:
            generator = torch.Generator().manual_seed(derive_seed("lm", "baseline", policy, seed, split))
            choice = POLICIES[policy](batch, design.env, generator=generator)
            frame = episode_frame(design, batch, choice.explore, choice.goal, seed=seed, split=split, policy=policy)
            frames.append(frame.assign(model=policy, explanations="none", shots=0, invalid_actions=0.0,
                                       tests_run=(choice.explore >= 0).sum(dim=1).numpy()))
    return pd.concat(frames, ignore_index=True)


# --- (a) the pipeline LM's corpus and training -------------------------------------

DOCUMENT_SEPARATOR = "\n\n"


def write_documents(path, documents: list[str]) -> None:
    """Text documents in one file, separated by a blank line (documents have none)."""
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(DOCUMENT_SEPARATOR.join(d.rstrip("\n") for d in documents) + "\n")


def read_documents(path) -> list[str]:
    with open(path, encoding="utf-8") as handle:
        return [d + "\n" for d in handle.read().strip("\n").split(DOCUMENT_SEPARATOR)]


def new_pipeline_lm(documents: list[str], model: dict, seed: int):
    """A fresh word-level LM for ``documents`` and its tokenizer: the vocabulary is the
    corpus's, the window its longest document plus room for longer generated notes."""
    from pacs.models.text_lm import WordTokenizer, build_text_model

    tokenizer = WordTokenizer.from_corpus(documents)
    max_len = max(len(tokenizer.encode(d)) for d in documents) + 64
    return build_text_model(len(tokenizer), max_len, model, derive_seed("lm", "init", seed)), tokenizer


def fit_pipeline_lm(train_path, validation_paths: dict, model: dict, settings, seed: int, device, model_path,
                    log_path, meta: dict, monitor: str) -> None:
    """Next-token training of a fresh word-level LM on the documents at ``train_path``
    (the vocabulary is the corpus's), validated on each named document file and
    stopped on the one named ``monitor``; writes the best model (with its
    vocabulary) and the training log. An interrupted job resumes."""
    from pacs.models.text_lm import corpus_dataset, save_pipeline_lm
    from pacs.tables import write_table
    from pacs.train import TrainJob, train

    documents = read_documents(train_path)
    lm, tokenizer = new_pipeline_lm(documents, model, seed)
    max_len = lm.cfg.max_len
    validation = {f"val_{name}": corpus_dataset(read_documents(path), tokenizer, max_len)
                  for name, path in validation_paths.items()}
    log.info("pipeline LM: %d documents, vocabulary %d, window %d tokens", len(documents), len(tokenizer), max_len)
    job = TrainJob.for_checkpoint(model_path, train_path)
    training_log = train(lm, corpus_dataset(documents, tokenizer, max_len), validation, settings, seed, device,
                         monitor=f"val_{monitor}", job=job)
    save_pipeline_lm(model_path, lm, tokenizer, meta)
    training_log.insert(0, "seed", seed)
    write_table(training_log, log_path)
    job.discard_resume_state()
