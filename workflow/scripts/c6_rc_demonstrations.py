"""Rule c6_rc_demonstrations: one seed's mixed-quality demonstrations and what the mix holds."""

from pacs.data import save_dataset
from pacs.experiments import regimes, return_conditioning
from pacs.runtime import configure_logging, provenance
from pacs.tables import write_table

configure_logging(snakemake.log[0])
seed, data, settings = int(snakemake.wildcards.seed), snakemake.params.data, snakemake.params.settings
design = regimes.regime_design(data["env"])
mixed = return_conditioning.draw_mixture(design, settings, data["data_seed"], seed)
save_dataset(snakemake.output.mixture, mixed, provenance({"data": data, "settings": settings}, seed))
write_table(return_conditioning.mixture_kinds(mixed, settings, seed), snakemake.output.kinds)
