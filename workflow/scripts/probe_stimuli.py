"""Rule probe_stimuli: Experiment 5's generated items, and the pool of solved few-shot examples."""

import logging

from pacs.experiments import content_effects
from pacs.probes.stimuli import balanced, read_stimuli, write_stimuli
from pacs.runtime import configure_logging

configure_logging(snakemake.log[0])
params = snakemake.params
stimuli = content_effects.generated_stimuli(params.counts, params.seed)
for path in snakemake.input.extra:  # fail here, before any model runs, on a malformed extra file
    logging.getLogger("probes").info("%s: %d valid items", path, len(read_stimuli(path)))
pool = content_effects.generated_stimuli({task: params.pool for task in params.counts}, f"examples:{params.seed}")
write_stimuli(snakemake.output.stimuli, stimuli)
write_stimuli(snakemake.output.examples, pool)
logging.getLogger("probes").info("items per (task, condition): %s", balanced(stimuli))
