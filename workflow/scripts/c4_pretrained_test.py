"""Rule c4_pretrained_test: a pretrained LM, prompted with k expert episodes, chooses each
test and the final action by option log-probabilities, closed loop."""

import logging
import time
from pathlib import Path

from pacs.experiments import dag, language
from pacs.labels import pipeline_lm_policy, pretrained_label, pretrained_policy
from pacs.models.language_model import load_language_model
from pacs.runtime import configure_logging, pick_device, set_threads
from pacs.tables import write_table

configure_logging(snakemake.log[0])
set_threads(snakemake.threads)
params, wildcards = snakemake.params, snakemake.wildcards
seed, shots, explanations = int(wildcards.seed), int(wildcards.shots), wildcards.explanations
design = language.language_design(params.env, params.splits)
settings = language.TextSettings(**params.text)
started = time.perf_counter()
name = pretrained_label(params.model_name)
lm = load_language_model(snakemake.input.model, pick_device(params.device), name=name)
logging.getLogger("c4").info("loaded %s in %.1f s", name, time.perf_counter() - started)
prompt = language.few_shot_prompt(design, shots, explanations == "with", settings.decimals, seed)
table, transcripts = language.language_model_table(
    lm, dag.read_eval_episodes(snakemake.input.episodes, design), design, prompt=prompt, mode="options",
    settings=settings, seed=seed, n_episodes=params.episodes_per_split,
    policy=pretrained_policy(name, shots, explanations), model=name, explanations=explanations, shots=shots,
)
write_table(table, snakemake.output.episodes)
Path(snakemake.output.transcripts).write_text(f"### prompt\n{prompt}\n{transcripts}", encoding="utf-8")
