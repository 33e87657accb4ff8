"""The verdicts of a run at a glance, as Markdown (the README links to it).

Every run writes ``results/verdicts/digest.md`` (rule ``verdict_digest``) from the
run's verdict table, ``results/verdicts/all.csv`` (rule ``verdict_table``: one row
per verdict of every claim, with its deciding effect, its 95% CI, its Holm-adjusted
p within the claim and over all rows, its verdict and the reason). Nothing in the
digest is typed by hand; it formats what the table holds, as the report does. By
hand, for a table made elsewhere::

    python -m pacs.verdict_digest results/verdicts/all.csv digest.md --preset default

LaTeX in the table's labels (``$-$``, ``\\%``) is written as plain text.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import pandas as pd

from pacs.tables import TableError, read_table
from pacs.verdicts import NOT_RUN

# what the digest reads from the verdict table; ``original_claim``, ``p_all`` and
# ``budget_sensitivity`` are shown when the table has them
COLUMNS = ("claim", "test", "effect_label", "effect", "ci_low", "ci_high", "p_holm", "verdict", "reason")
VERDICT_ORDER = ("supported", "not supported", "inconclusive", "undertrained")
LATEX = ((r"$-$", "-"), (r"$\pm$", "±"), (r"$<$", "<"), (r"$>$", ">"), (r"\%", "%"), (r"\_", "_"), (r"\&", "&"),
         ("$", ""))


def plain(text) -> str:
    """A table cell without its LaTeX markup, Markdown-safe (no ``|``, one line)."""
    text = "" if pd.isna(text) else str(text)
    for latex, replacement in LATEX:
        text = text.replace(latex, replacement)
    text = re.sub(r"\\textbf\{([^}]*)\}", r"\1", text)
    return " ".join(text.replace("|", "/").split())


def number(value: float, digits: int = 2) -> str:
    return "--" if pd.isna(value) else f"{value:.{digits}f}"


def p_value(p: float) -> str:
    return "--" if pd.isna(p) else ("<0.001" if p < 0.001 else f"{p:.3f}")


def digest(rows: pd.DataFrame, source: str, preset: str | None = None, commit: str | None = None,
           config_hash: str | None = None) -> str:
    """The Markdown digest of verdict table ``rows`` (read from ``source``): a table
    with one line per verdict, each verdict's reason, and the claims as stated."""
    made = ", ".join(f"{name} `{value}`" for name, value in
                     (("preset", preset), ("commit", commit), ("config hash", config_hash)) if value)
    run = rows.verdict != NOT_RUN  # rows not run at this preset are no verdicts: counted apart
    counts = rows.verdict[run].value_counts()
    not_run = f" Not run at this preset: {int((~run).sum())} rows." if not run.all() else ""
    order = [v for v in VERDICT_ORDER if v in counts.index] + sorted(set(counts.index) - set(VERDICT_ORDER))
    lines = [
        "# Verdicts of the last run",
        "",
        f"Generated from `{source}` by `pacs.verdict_digest`; do not edit: every run rewrites it."
        + (f" Run: {made}." if made else ""),
        "",
        "Verdicts: " + ", ".join(f"{counts[v]} {v}" for v in order) + f" ({int(run.sum())} rows)." + not_run,
        "",
        "| claim | our test | deciding effect [95% CI] | Holm p (claim) | p (all rows) | verdict |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows.itertuples():
        effect = f"{plain(r.effect_label)}: {number(r.effect)} [{number(r.ci_low)}, {number(r.ci_high)}]"
        lines.append(f"| {r.claim} | {plain(r.test)} | {effect} | {p_value(r.p_holm)} | "
                     f"{p_value(getattr(r, 'p_all', float('nan')))} | **{plain(r.verdict)}** |")
    lines += ["", "## Why", ""]
    for r in rows.itertuples():
        note = plain(getattr(r, "budget_sensitivity", ""))
        lines.append(f"- {r.claim}, {plain(r.test)}: {plain(r.reason)}" + (f" ({note})" if note else ""))
    if "original_claim" in rows.columns:
        lines += ["", "## The claims, as the protocol states them", ""]
        lines += [f"- {claim}: {plain(text)}" for claim, text in
                  rows.drop_duplicates("claim")[["claim", "original_claim"]].itertuples(index=False)]
    return "\n".join(lines) + "\n"


def write_digest(table: str | Path, out: str | Path, preset: str | None = None, commit: str | None = None,
                 config_hash: str | None = None) -> None:
    """Read the verdict table ``table`` (a one-line ``TableError`` naming it when it is
    missing or lacks a column) and write its digest to ``out``."""
    rows = read_table(table, COLUMNS)
    if rows.empty:
        raise TableError(f"{table}: no verdict rows")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(digest(rows, str(table), preset, commit, config_hash))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pacs.verdict_digest", description=__doc__.splitlines()[0])
    parser.add_argument("table", help="the run's verdict table (results/verdicts/all.csv)")
    parser.add_argument("out", help="the Markdown file to write")
    parser.add_argument("--preset", help="the preset the run used, for the header")
    args = parser.parse_args(argv)
    try:
        write_digest(args.table, args.out, args.preset)
    except TableError as error:
        print(f"pacs: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
