"""Rule c5_pretrained_score: a pretrained LM answers one task's items (generated and
extra, each with its source) by option scores, with a zero-shot prompt in one of the configured wordings or a few-shot prompt."""

import logging
import time

from pacs.experiments import content_effects
from pacs.labels import pretrained_label
from pacs.models.language_model import load_language_model
from pacs.probes.stimuli import read_sourced_stimuli, read_stimuli
from pacs.runtime import configure_logging, pick_device, set_threads
from pacs.tables import write_table

configure_logging(snakemake.log[0])
set_threads(snakemake.threads)
params, wildcards, inputs = snakemake.params, snakemake.wildcards, snakemake.input
items = read_sourced_stimuli(inputs.stimuli)
name = pretrained_label(params.model_name)
started = time.perf_counter()
lm = load_language_model(inputs.model, pick_device(params.device), name=name)
logging.getLogger("c5").info("loaded %s in %.1f s; %d %s items", name, time.perf_counter() - started,
                                 len(items), wildcards.task)
item_table, option_table = content_effects.score_items(
    lm, items, int(wildcards.shots), int(wildcards.seed), read_stimuli(inputs.examples), wording=params.wording,
    model=name, corpus="")
write_table(item_table, snakemake.output.answers)
write_table(option_table, snakemake.output.options)
