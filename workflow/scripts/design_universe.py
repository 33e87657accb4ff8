"""Rule design_universe: one design universe's own run (pacs.claims.multiverse): its config
written to its folder, then this repository's workflow run there up to the claim's verdict
rows (a nested Snakemake run; its output goes to the rule's log)."""

import subprocess
import sys
from pathlib import Path

import yaml

from pacs.claims import multiverse

params = snakemake.params
folder = Path(params.folder)
folder.mkdir(parents=True, exist_ok=True)
# the universe's whole config, its preset applied: the folder describes its own run
(folder / "config.yaml").write_text(yaml.safe_dump(params.config, sort_keys=False))
command = multiverse.design_command(params.snakefile, folder, snakemake.threads, params.target)
with open(snakemake.log[0], "w") as log:
    print(" ".join(command), file=log, flush=True)
    finished = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, check=False)
if finished.returncode != 0:
    sys.exit(f"pacs: design universe {params.name}: its run in {folder} failed "
             f"(exit {finished.returncode}; see {snakemake.log[0]})")
