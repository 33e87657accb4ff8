"""Rule claim_macro_inputs: the registry's claims -> the LaTeX that loads their generated macros."""

from pacs.claims.registry import REGISTRY
from pacs.claims.spec import macro_inputs
from pacs.report import write_tex
from pacs.runtime import configure_logging

configure_logging(snakemake.log[0])
write_tex(snakemake.output.tex, macro_inputs(REGISTRY[claim] for claim in snakemake.params.claims))
