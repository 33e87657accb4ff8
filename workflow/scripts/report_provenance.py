"""Rule report_provenance: commit, config hash, versions and machine, as LaTeX."""

from pacs import report
from pacs.runtime import configure_logging, provenance

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
report.write_tex(snakemake.output[0], report.macro("ProvenanceTable", report.key_value_table(items)))
