"""Rule causal_eval_episodes: fresh test episodes of every split for one seed."""

from pacs.experiments import dag
from pacs.runtime import configure_logging, provenance

configure_logging(snakemake.log[0])
seed = int(snakemake.wildcards.seed)
params = snakemake.params
design = dag.make_design(snakemake.wildcards.experiment, params.design)
episodes = dag.draw_eval_episodes(design, params.eval["episodes_per_split"], params.eval["eval_seed"], seed)
dag.write_eval_episodes(snakemake.output[0], episodes, provenance({"design": params.design, "eval": params.eval}, seed))
