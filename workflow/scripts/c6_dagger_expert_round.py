"""Rule c6_dagger_expert_round: the expert's demonstrations of one DAgger round's episodes."""

from pacs.data import save_dataset
from pacs.experiments import dagger, regimes
from pacs.runtime import configure_logging, provenance

configure_logging(snakemake.log[0])
seed, round_index, params = int(snakemake.wildcards.seed), int(snakemake.wildcards.round), snakemake.params
design = regimes.regime_design(params.data["env"])
save_dataset(snakemake.output[0],
             dagger.expert_round(design, round_index, params.n_episodes, params.data["data_seed"], seed),
             provenance({"data": params.data, "n_episodes": params.n_episodes, "round": round_index}, seed))
