"""Rule c6_fusion_training_set: fusion-expert demonstrations with a number of observational samples."""

from pacs.experiments import data_fusion, regimes
from pacs.runtime import configure_logging, provenance

configure_logging(snakemake.log[0])
seed, n_observational = int(snakemake.wildcards.seed), int(snakemake.wildcards.n_observational)
data, settings = snakemake.params.data, snakemake.params.settings
design = regimes.regime_design(data["env"])
train, validation = data_fusion.training_set(design, settings, n_observational, data["val_episodes"],
                                             data["data_seed"], seed)
regimes.save_training_set(
    snakemake.output.train, snakemake.output.validation, train, validation,
    data_fusion.heads(design.env),
    provenance({"data": data, "settings": settings, "n_observational": n_observational}, seed),
)
