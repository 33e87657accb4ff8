"""Rule c6_rc_training_set: the mixed demonstrations as one return-conditioning learner sees them."""

from pacs.data import load_dataset
from pacs.envs.dag_task import head_sizes
from pacs.experiments import regimes, return_conditioning
from pacs.runtime import configure_logging, provenance

configure_logging(snakemake.log[0])
seed, learner = int(snakemake.wildcards.seed), snakemake.wildcards.rc_learner
data, settings = snakemake.params.data, snakemake.params.settings
design = regimes.regime_design(data["env"])
train, validation = return_conditioning.learner_training_set(
    load_dataset(snakemake.input.mixture), design, settings, learner, data["val_episodes"], data["data_seed"], seed)
regimes.save_training_set(snakemake.output.train, snakemake.output.validation, train, validation,
                          head_sizes(design.env), provenance({"data": data, "settings": settings, "learner": learner},
                                                             seed))
