"""Rule c5_world_stimuli: the pipeline LM's test syllogisms, in its made-up world."""

from pacs.probes import syllogisms, world
from pacs.probes.stimuli import write_stimuli
from pacs.runtime import configure_logging

configure_logging(snakemake.log[0])
params = snakemake.params
lexicon = world.made_up_lexicon(world.WorldSettings(**params.world))
write_stimuli(snakemake.output[0], syllogisms.generate_syllogisms(params.n, f"world:{params.seed}", lexicon))
