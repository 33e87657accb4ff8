"""Rule report_provenance: commit, config hash, versions, machine and stage times, as LaTeX."""

from pacs import report
from pacs.runtime import configure_logging, provenance
from pacs.tables import benchmark_table

configure_logging(snakemake.log[0])
info = provenance(snakemake.params.config)
items = [
    ("preset", snakemake.params.config["preset"]),
    ("git commit", info["git_commit"]),
    ("config hash", info["config_hash"]),
    ("machine", info["machine"]),
    ("device", info["device"]),
    *[(f"{name} version", version) for name, version in info["versions"].items()],
]
times = report.stage_time_table(benchmark_table(snakemake.input.benchmarks))
report.write_tex(snakemake.output[0], "\n".join([
    report.macro("ProvenanceTable", report.key_value_table(items)),
    report.macro("StageTimeTable", times),
]))
