"""The experiment registry: one spec per claim, ``c1``...``c6`` (``pacs.claims.spec.Claim``).

Each claim module exports ``SPEC``: its statistics tables, the functions that write
its report numbers and decide its verdicts, its figures and learning curves. The
workflow derives from ``pacs.claims.registry.REGISTRY`` the wildcard values of its generic rules
(``report_numbers``, ``figure``, ``learning_curves``) and every input of the PDF.
A new claim is a module here (``c7.py``: the registry finds it by its name, no list to extend), its
rule file (the experiment's own stages, which registers the inputs of its report
numbers and figures; included by the Snakefile from ``Claim.rule_file``) and its
report section.

(The registry is a package of its own, above ``pacs.experiments``: every training
job imports ``pacs.experiments``, and a registry there would make them rerun
whenever a report or figure function changed.)
"""
