"""Rule c4_pipeline_test: the pipeline LM writes its own Test and Action lines, closed loop."""

from pathlib import Path

from pacs.experiments import dag, language
from pacs.labels import pipeline_lm_policy, pretrained_label, pretrained_policy
from pacs.models.language_model import load_language_model
from pacs.runtime import configure_logging, pick_device, set_threads
from pacs.tables import write_table

configure_logging(snakemake.log[0])
set_threads(snakemake.threads)
params, wildcards = snakemake.params, snakemake.wildcards
design = language.language_design(params.env, params.splits)
lm = load_language_model(snakemake.input.model, pick_device(params.device), name="pipeline LM")
table, transcripts = language.language_model_table(
    lm, dag.read_eval_episodes(snakemake.input.episodes, design), design, prompt="", mode="generate",
    settings=language.TextSettings(**params.text), seed=int(wildcards.seed),
    n_episodes=params.episodes_per_split,
    policy=pipeline_lm_policy(wildcards.explanations), model="pipeline LM",
    explanations=wildcards.explanations, shots=0,
)
write_table(table, snakemake.output.episodes)
Path(snakemake.output.transcripts).write_text(transcripts, encoding="utf-8")
