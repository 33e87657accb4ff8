"""Rule design_universe: one design universe's own run (pacs.claims.multiverse): its config
written to its folder, the folder seeded with the configured run's outputs of that run
(pacs.claims.universe_seed: only what the universe's choice changes is then run again), then
this repository's workflow run there up to the claim's verdict rows (a nested Snakemake run;
its output goes to the rule's log)."""

import subprocess
import sys
from pathlib import Path

import yaml

from pacs.claims import multiverse, universe_seed

params, claim = snakemake.params, snakemake.wildcards.claim
universe = multiverse.Universe(**params.universe)
folder = Path(multiverse.design_folder(claim, universe))
folder.mkdir(parents=True, exist_ok=True)
# the universe's whole config, its preset applied: the folder describes its own run. In the
# configured run's key order, so that the params of the jobs its key does not touch read as
# they did there (seeding reuses those jobs' outputs)
own = multiverse.universe_config(snakemake.config, universe, claim=claim)
(folder / "config.yaml").write_text(yaml.safe_dump(own, sort_keys=False))
command = multiverse.design_command(params.snakefile, folder, snakemake.threads, params.target)
with open(snakemake.log[0], "w") as log:
    try:
        seeding = universe_seed.seed(folder, Path.cwd(), params.snakefile, params.target)
    except universe_seed.SeedError as error:
        sys.exit(f"pacs: design universe {universe.name}: {error}")
    print(seeding.summary(), file=log, flush=True)
    print(" ".join(command), file=log, flush=True)
    finished = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, check=False)
if finished.returncode != 0:
    sys.exit(f"pacs: design universe {universe.name}: its run in {folder} failed "
             f"(exit {finished.returncode}; see {snakemake.log[0]})")
