"""Rule learning_curves: one experiment's learning curves (validation loss and agreement vs episodes seen)."""

import pandas as pd

from pacs.figures import learning_curve_figure
from pacs.runtime import configure_logging
from pacs.tables import read_table

configure_logging(snakemake.log[0])
columns = ("seed", "step", "episodes_seen", "monitor", "best_step", "stop_reason")
logs = pd.concat([
    read_table(path, columns).assign(learner=str(path), condition=snakemake.params.conditions[path])
    for path in snakemake.input.logs
], ignore_index=True)
learning_curve_figure(logs, [snakemake.output.pdf], snakemake.params.title)
