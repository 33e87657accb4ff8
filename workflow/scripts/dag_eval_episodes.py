"""Rule dag_eval_episodes: fresh test episodes of every split for one seed."""

from pacs.envs.causal_dag import DagEnvConfig
from pacs.experiments import dag
from pacs.runtime import configure_logging, provenance

configure_logging(snakemake.log[0])
seed = int(snakemake.wildcards.seed)
params = snakemake.params
episodes = dag.draw_eval_episodes(
    DagEnvConfig.from_dict(params.env), params.eval["episodes_per_split"], params.eval["eval_seed"], seed
)
dag.write_eval_episodes(snakemake.output[0], episodes, provenance({"env": params.env, "eval": params.eval}, seed))
