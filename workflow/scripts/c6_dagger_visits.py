"""Rule c6_dagger_visits: the previous learner visits one round's episodes; the oracle labels its states."""

from pacs.data import save_dataset
from pacs.experiments import dagger, regimes
from pacs.models.transformer import load_checkpoint
from pacs.runtime import configure_logging, pick_device, provenance, set_threads

configure_logging(snakemake.log[0])
set_threads(snakemake.threads)
seed, round_index, params = int(snakemake.wildcards.seed), int(snakemake.wildcards.round), snakemake.params
device = pick_device(params.device)
design = regimes.regime_design(params.data["env"])
visits = dagger.visit_and_relabel(load_checkpoint(snakemake.input.model, device), design, round_index,
                                  params.n_episodes, params.data["data_seed"], seed, device)
save_dataset(snakemake.output[0], visits,
             provenance({"data": params.data, "n_episodes": params.n_episodes, "round": round_index}, seed))
