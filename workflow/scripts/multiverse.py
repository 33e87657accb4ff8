"""Rule multiverse: one claim's verdict rows in every universe (pacs.claims.multiverse): each
analysis universe from the statistics tables and training logs its report numbers read
(rerunning its statistics where a universe changes what they read: the wired statistics jobs,
on the universe's seeds), each design universe from its own run's verdict rows; and their
robustness."""

import tempfile
from pathlib import Path

import pandas as pd

from pacs.claims import multiverse
from pacs.claims.registry import REGISTRY
from pacs.claims.spec import assess_training, load_tables
from pacs.runtime import configure_logging
from pacs.tables import read_table, write_table

configure_logging(snakemake.log[0])
claim = REGISTRY[snakemake.wildcards.claim]
params = snakemake.params
trained = assess_training(snakemake.input, params.expert_imitators, params.expert_agreement_floor)
tables = load_tables(claim, snakemake.input)
wired = {universe["name"]: universe for universe in params.universes}


def rerun(universe):
    """The universe's statistics tables (each wired job rerun with its params, on its seeds'
    files, and read back as the report reads them) and its learners' adequacy."""
    own = wired[universe.name]
    if own["statistics_params"] is None:
        return None
    seeds, rerun_tables = own["seeds"], dict(tables)
    with tempfile.TemporaryDirectory() as folder:
        for index, (job, job_params) in enumerate(zip(params.statistics, own["statistics_params"])):
            computed = claim.statistics(multiverse.seed_inputs(job, seeds), multiverse.seed_params(job_params, seeds))
            for output, table in job["tables"].items():
                path = Path(folder) / f"{index}_{output}{Path(snakemake.input[table]).suffix}"
                write_table(computed[output], path)
                rerun_tables[table] = read_table(path, tuple(claim.tables.get(table, ())))
    logs = {name: multiverse.seed_files(files, seeds) for name, files in snakemake.input.items()
            if name.startswith("training_logs")}
    return rerun_tables, assess_training(logs, params.expert_imitators, params.expert_agreement_floor)


planned = [multiverse.Universe(u["name"], u["choice"], u["value"]) for u in params.universes]
rows = multiverse.evaluate(claim, tables, trained, params.settings, planned, rerun)
# each design universe's rows: its own run's verdict rows (rule design_universe), qualified
# there by its own learners' adequacy
design = [multiverse.design_rows(multiverse.Universe(**universe),
                                 read_table(snakemake.input[f"design{index}"], multiverse.UNIVERSE_COLUMNS[4:]))
          for index, universe in enumerate(params.design)]
rows = pd.concat([rows, *design], ignore_index=True)
write_table(rows, snakemake.output.universes)
write_table(multiverse.robustness(rows), snakemake.output.robustness)
