"""Rule c5_statistics: C5 accuracies, acceptance rates, content-effect contrasts,
belief-bias indices, the world LM's corpus contrast, Wason error categories, the
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
items["corpus"] = items["corpus"].fillna("")
write_table(items, output.answers)

write_table(analysis.accuracy_table(items, settings), output.accuracy)
write_table(analysis.acceptance_table(items, settings), output.acceptance)
write_table(analysis.contrast_table(items, analysis.CONTRASTS, settings), output.contrasts)
write_table(analysis.contrast_table(items, analysis.BELIEF_INDICES, settings), output.indices)
write_table(analysis.corpus_contrasts(items, snakemake.params.corpora, settings), output.corpora)
write_table(analysis.category_table(items, settings), output.categories)
references = {task: conditions[0] for task, conditions in CONDITION_ORDER.items()}
write_table(pd.concat([analysis.regression_table(items, references, score) for score in analysis.SCORES],
                      ignore_index=True), output.regression)
logs = [read_training_log(path).assign(corpus=snakemake.params.log_conditions[path])
        for path in inputs.training_logs]  # none when no world LMs were trained (no syllogism items)
summaries = [agent_analysis.training_summary(rows, settings).assign(corpus=corpus)
             for corpus, rows in pd.concat(logs).groupby("corpus")] if logs else []
write_table(pd.concat(summaries) if summaries else pd.DataFrame(columns=list(EMPTY_COLUMNS["training"])),
            output.training)
