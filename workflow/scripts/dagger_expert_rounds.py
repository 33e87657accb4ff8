"""Rule dagger_expert_rounds: the expert's demonstrations of every DAgger round's episodes."""

from pacs.data import save_datasets
from pacs.experiments import dagger, regimes
from pacs.runtime import configure_logging, provenance

configure_logging(snakemake.log[0])
seed, data, settings = int(snakemake.wildcards.seed), snakemake.params.data, snakemake.params.settings
design = regimes.regime_design(data["env"])
save_datasets(snakemake.output[0], dagger.expert_rounds(design, settings, data["data_seed"], seed),
              provenance({"data": data, "settings": settings}, seed))
