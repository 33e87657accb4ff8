"""Rule c5_stimuli: one task's items (generated, then those of the extra files that
hold items of the task, each with its source) and its few-shot example pool."""

import logging

from pacs.experiments import content_effects
from pacs.probes.stimuli import balanced, write_stimuli
from pacs.runtime import configure_logging

configure_logging(snakemake.log[0])
params, task = snakemake.params, snakemake.wildcards.task
items = content_effects.task_stimuli(task, params.per_condition, params.seed, snakemake.input.extra)
pool = content_effects.generated_stimuli({task: params.pool}, f"examples:{params.seed}")
write_stimuli(snakemake.output.stimuli, [s for _, s in items], sources=[source for source, _ in items])
write_stimuli(snakemake.output.examples, pool)
log = logging.getLogger("c5")
for source in dict.fromkeys(source for source, _ in items):
    log.info("%s items from %s per condition: %s", task, source,
             balanced(s for item_source, s in items if item_source == source))
