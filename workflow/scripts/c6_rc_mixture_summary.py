"""Rule c6_rc_mixture_summary: what the mixed-quality demonstrations hold, per demonstrator, over seeds."""

import pandas as pd

from pacs.analysis import mixture_summary
from pacs.runtime import configure_logging
from pacs.stats import BootstrapSettings
from pacs.tables import read_table, write_table

configure_logging(snakemake.log[0])
kinds = pd.concat([read_table(p, ("seed", "kind", "share", "mean_quality", "top_bucket_share"))
                   for p in snakemake.input.kinds], ignore_index=True)
write_table(mixture_summary(kinds, BootstrapSettings(**snakemake.params.stats)), snakemake.output[0])
