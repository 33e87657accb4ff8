"""Rule c4_corpus: one seed's expert episodes as text, with or without Note lines."""

from pacs.experiments import language
from pacs.runtime import configure_logging

configure_logging(snakemake.log[0])
params, seed = snakemake.params, int(snakemake.wildcards.seed)
design = language.language_design(params.env, params.splits)
explanations = snakemake.wildcards.explanations == "with"
pipeline, decimals = params.pipeline, params.text["decimals"]
for name, split, count in (("train", design.train_split, pipeline["train_episodes"]),
                           ("in_distribution", "in_distribution", pipeline["val_episodes"]),
                           ("held_out", "held_out", pipeline["val_episodes"])):
    documents = language.expert_documents(design, split, count, explanations, decimals,
                                          name, pipeline["data_seed"], seed)
    language.write_documents(snakemake.output[name], documents)
