"""Rule c5_world_corpus: one seed's training and validation documents for a corpus
(facts of the made-up world and solved syllogisms; never a test prompt)."""

from pacs.experiments.language import write_documents
from pacs.probes import world
from pacs.probes.stimuli import read_stimuli
from pacs.runtime import configure_logging

configure_logging(snakemake.log[0])
pipeline, coupling, wildcards = snakemake.params.corpus, snakemake.params.coupling, snakemake.wildcards
lexicon = world.made_up_lexicon(world.WorldSettings(**pipeline["world"]))
exclude = world.prompts_of(read_stimuli(snakemake.input.stimuli))
n_facts_val = round(pipeline["train_facts"] * pipeline["val_problems"] / pipeline["train_problems"])
for name, n_problems, n_facts, part in (("train", pipeline["train_problems"], pipeline["train_facts"], "train"),
                                         ("validation", pipeline["val_problems"], n_facts_val, "validation")):
    documents = world.training_documents(lexicon, n_problems, n_facts, coupling, pipeline["nonsense_share"],
                                         f"{wildcards.corpus}:{part}:{wildcards.seed}", exclude)
    write_documents(snakemake.output[name], documents)
