"""Rule learning_curves: one experiment's learning curves (validation loss and agreement vs
episodes seen), each learner marked with its adequacy state (pacs.adequacy)."""

from pathlib import Path

import pandas as pd

from pacs.adequacy import learner_states
from pacs.figures import learning_curve_figure
from pacs.runtime import configure_logging
from pacs.tables import read_table

configure_logging(snakemake.log[0])
# how each learner stopped is its state, which learner_states reads and checks
columns = ("seed", "step", "episodes_seen", "monitor", "best_step")
# no logs: no learner of these curves was trained at this preset (the figure says so)
frames = [read_table(path, columns).assign(learner=str(Path(path)), condition=snakemake.params.conditions[path])
          for path in snakemake.input.logs]
logs = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[*columns, "learner", "condition"])
states = learner_states(snakemake.input.logs, snakemake.params.expert_imitators,
                        snakemake.params.expert_agreement_floor)
learning_curve_figure(logs.merge(states[["learner", "state"]], on="learner", validate="many_to_one"),
                      [snakemake.output.pdf], snakemake.params.title)
