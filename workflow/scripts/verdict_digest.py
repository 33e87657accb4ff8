"""Rule verdict_digest: the run's verdicts at a glance, as Markdown (pacs.verdict_digest)."""

from pacs.runtime import config_hash, configure_logging, git_commit
from pacs.verdict_digest import write_digest

configure_logging(snakemake.log[0])
config = snakemake.params.config
write_digest(snakemake.input.table, snakemake.output.digest, config["preset"], git_commit(), config_hash(config))
