"""Rule c3_feature_choice_eval_episodes: C3b's test episodes of one seed (coupled experiment trials, deconfounded test trial)."""

from pacs.envs.odd_one_out import OddOneOutConfig
from pacs.experiments import odd_one_out
from pacs.runtime import configure_logging, provenance

configure_logging(snakemake.log[0])
seed, params = int(snakemake.wildcards.seed), snakemake.params
episodes = odd_one_out.draw_feature_choice_eval_episodes(
    OddOneOutConfig.from_dict(params.env), params.confounded_dims, params.eval["episodes_per_split"],
    params.eval["eval_seed"], seed,
)
odd_one_out.write_eval_episodes(
    snakemake.output[0], episodes,
    provenance({"env": params.env, "confounded_dims": params.confounded_dims, "eval": params.eval}, seed),
)
