"""Rule multiverse: one claim's verdict rows in every analysis universe (pacs.claims.multiverse), from
the statistics tables and training logs its report numbers read, and their robustness."""

from pacs.claims import multiverse
from pacs.claims.registry import REGISTRY
from pacs.claims.spec import assess_training, load_tables
from pacs.runtime import configure_logging
from pacs.tables import write_table

configure_logging(snakemake.log[0])
claim = REGISTRY[snakemake.wildcards.claim]
params = snakemake.params
trained = assess_training(snakemake.input, params.expert_imitators, params.expert_agreement_floor)
planned = [multiverse.Universe(**universe) for universe in params.universes]
rows = multiverse.evaluate(claim, load_tables(claim, snakemake.input), trained, params.settings, planned)
write_table(rows, snakemake.output.universes)
write_table(multiverse.robustness(rows), snakemake.output.robustness)
