"""Rule c4_eval_episodes: one seed's test episodes for the language models and baselines."""

from pacs.experiments import dag, language
from pacs.runtime import configure_logging, provenance

configure_logging(snakemake.log[0])
params, seed = snakemake.params, int(snakemake.wildcards.seed)
design = language.language_design(params.env, params.splits)
episodes = dag.draw_eval_episodes(design, params.eval["episodes_per_split"], params.eval["eval_seed"], seed)
dag.write_eval_episodes(snakemake.output[0], episodes, provenance({"eval": params.eval}, seed))
