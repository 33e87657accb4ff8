"""Rule c6_dagger_training_set: what one arm's learner of one round trains on (with its labelled steps)."""

from pacs.data import load_dataset
from pacs.envs.dag_task import head_sizes
from pacs.experiments import dagger, regimes
from pacs.runtime import configure_logging, provenance

configure_logging(snakemake.log[0])
seed, data, wildcards = int(snakemake.wildcards.seed), snakemake.params.data, snakemake.wildcards
arm, round_index = wildcards.arm, int(wildcards.round)
design = regimes.regime_design(data["env"])
train = dagger.training_set(arm, round_index, [load_dataset(path) for path in snakemake.input.expert],
                            [load_dataset(path) for path in snakemake.input.visits])
validation = regimes.expert_validation_sets(design, dagger.REGIME, data["val_episodes"], data["data_seed"], seed)
meta = {**provenance({"data": data, "arm": arm, "round": round_index}, seed),
        "labelled_steps": dagger.labelled_steps(train)}
regimes.save_training_set(snakemake.output.train, snakemake.output.validation, train, validation,
                          head_sizes(design.env), meta)
