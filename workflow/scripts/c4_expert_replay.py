"""Rule c4_expert_replay: the positive control of the text pipeline, the expert acting
through the same text, parser and closed loop as the pipeline LM (ExpertTextReplay)."""

from pathlib import Path

from pacs.experiments import dag, language
from pacs.labels import EXPERT_TEXT_REPLAY
from pacs.runtime import configure_logging
from pacs.tables import write_table

configure_logging(snakemake.log[0])
params, wildcards = snakemake.params, snakemake.wildcards
design = language.language_design(params.env, params.splits)
settings = language.TextSettings(**params.text)
table, transcripts = language.language_model_table(
    language.ExpertTextReplay(design.env, settings.decimals), dag.read_eval_episodes(snakemake.input.episodes, design),
    design, prompt="", mode="generate", settings=settings, seed=int(wildcards.seed),
    n_episodes=params.episodes_per_split, policy=EXPERT_TEXT_REPLAY, model=EXPERT_TEXT_REPLAY,
    explanations="none", shots=0,
)
write_table(table, snakemake.output.episodes)
Path(snakemake.output.transcripts).write_text(transcripts, encoding="utf-8")
