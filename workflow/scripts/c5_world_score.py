"""Rule c5_world_score: one seed's world LM answers the world's test syllogisms (zero-shot)."""

from pacs.experiments import content_effects
from pacs.labels import world_lm_label
from pacs.models.language_model import load_language_model
from pacs.probes.stimuli import GENERATED, read_stimuli
from pacs.runtime import configure_logging, pick_device, set_threads
from pacs.tables import write_table

configure_logging(snakemake.log[0])
set_threads(snakemake.threads)
wildcards = snakemake.wildcards
name = world_lm_label(wildcards.corpus)
lm = load_language_model(snakemake.input.model, pick_device(snakemake.params.device), name=name)
items = [(GENERATED, s) for s in read_stimuli(snakemake.input.stimuli)]
item_table, option_table = content_effects.score_items(lm, items, 0, int(wildcards.seed), [], model=name,
                                                       corpus=wildcards.corpus)
write_table(item_table, snakemake.output.answers)
write_table(option_table, snakemake.output.options)
