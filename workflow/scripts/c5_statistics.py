"""Rule c5_statistics: C5 accuracies, acceptance rates, content-effect contrasts,
belief-bias indices, the world LM's regime contrast, Wason error categories, the
mixed-effects regressions and the world LMs' training summary."""

import pandas as pd

from pacs import analysis as agent_analysis
from pacs.experiments.content_effects import CONDITION_ORDER, ITEM_COLUMNS
from pacs.probes import analysis
from pacs.probes.analysis import EMPTY_COLUMNS
from pacs.runtime import configure_logging
from pacs.stats import BootstrapSettings
from pacs.tables import read_table, read_training_log, write_table

configure_logging(snakemake.log[0])
settings = BootstrapSettings(**snakemake.params.stats)
inputs, output = snakemake.input, snakemake.output
frames = [read_table(path, ITEM_COLUMNS) for path in [*inputs.pretrained, *inputs.world]]
items = pd.concat([f for f in frames if not f.empty], ignore_index=True)
items["regime"] = items["regime"].fillna("")
write_table(items, output.answers)

write_table(analysis.accuracy_table(items, settings), output.accuracy)
write_table(analysis.acceptance_table(items, settings), output.acceptance)
write_table(analysis.contrast_table(items, analysis.CONTRASTS, settings), output.contrasts)
write_table(analysis.contrast_table(items, analysis.BELIEF_INDICES, settings), output.indices)
world = items[items.regime != ""]
regimes = snakemake.params.regimes
control = min(regimes, key=regimes.get)  # the regime with the weakest belief-validity coupling
rows = [analysis.regime_difference(world, analysis.CONTRASTS[0], treated, control, settings, score)
        for treated in regimes if treated != control for score in analysis.SCORES] if not world.empty else []
write_table(pd.DataFrame(rows, columns=list(EMPTY_COLUMNS["regimes"]) if not rows else None), output.regimes)
write_table(analysis.category_table(items, settings), output.categories)
references = {task: conditions[0] for task, conditions in CONDITION_ORDER.items()}
write_table(pd.concat([analysis.regression_table(items, references, score) for score in analysis.SCORES],
                      ignore_index=True), output.regression)
logs = [read_training_log(path).assign(regime=snakemake.params.log_conditions[path])
        for path in inputs.training_logs]  # none when no world LMs were trained (no syllogism items)
summaries = [agent_analysis.training_summary(rows, settings).assign(regime=regime)
             for regime, rows in pd.concat(logs).groupby("regime")] if logs else []
write_table(pd.concat(summaries) if summaries else pd.DataFrame(columns=list(EMPTY_COLUMNS["training"])),
            output.training)
