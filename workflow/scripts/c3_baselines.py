"""Rule c3_baselines: expert, random and fixed-dimension learners on the test episodes."""

from pacs.envs.odd_one_out import OddOneOutConfig
from pacs.experiments import odd_one_out
from pacs.runtime import configure_logging
from pacs.tables import write_table

configure_logging(snakemake.log[0])
table = odd_one_out.baseline_table(
    odd_one_out.read_eval_episodes(snakemake.input.episodes), OddOneOutConfig.from_dict(snakemake.params.env),
    int(snakemake.wildcards.seed),
)
write_table(table, snakemake.output[0])
