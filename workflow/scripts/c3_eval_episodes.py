"""Rule c3_eval_episodes: the deconfounded test episodes of one seed."""

from pacs.envs.odd_one_out import OddOneOutConfig
from pacs.experiments import odd_one_out
from pacs.runtime import configure_logging, provenance

configure_logging(snakemake.log[0])
seed, params = int(snakemake.wildcards.seed), snakemake.params
episodes = odd_one_out.draw_eval_episodes(
    OddOneOutConfig.from_dict(params.env), params.eval["episodes_per_split"], params.eval["eval_seed"], seed
)
odd_one_out.write_eval_episodes(snakemake.output[0], episodes, provenance({"env": params.env, "eval": params.eval}, seed))
