"""Rule c4_materialize_smollm2: SmolLM2's packaged GGUF file -> a local Hugging Face directory."""

import logging
import time

from pacs.models.language_model import materialize_smollm2
from pacs.runtime import configure_logging

configure_logging(snakemake.log[0])
started = time.perf_counter()
materialize_smollm2(snakemake.output[0])
logging.getLogger("c4").info("SmolLM2 converted in %.1f s", time.perf_counter() - started)
