"""The experiment registry: one spec per claim, ``c1``...``c6`` (``pacs.claims.spec.Claim``).

Each claim module exports ``SPEC``: its statistics tables, the functions that write
its report numbers and decide its verdicts, its figures and learning curves. The
workflow derives from ``REGISTRY`` the wildcard values of its generic rules
(``report_numbers``, ``figure``, ``learning_curves``) and every input of the PDF.
A new claim is a module here, its rule file (the experiment's own stages, which
registers the inputs of its report numbers and figures) and its report section.

(The registry is a package of its own, above ``pacs.experiments``: every training
job imports ``pacs.experiments``, and a registry there would make them rerun
whenever a report or figure function changed.)
"""

from pacs.claims import c1, c2, c3, c4, c5, c6
from pacs.claims.spec import Claim, Decision, ReportNumbers, assess_training, load_tables

REGISTRY: dict[str, Claim] = {module.SPEC.id: module.SPEC for module in (c1, c2, c3, c4, c5, c6)}

__all__ = ["REGISTRY", "Claim", "Decision", "ReportNumbers", "assess_training", "load_tables"]
