"""Process-level set-up: a failing job writes its error and traceback into its own rule log; jobs that
never touch a model do not import torch."""

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SNAKEMAKE = str(Path(sys.executable).parent / "snakemake")


def test_a_failing_job_writes_its_one_line_error_and_traceback_into_its_rule_log(tmp_path):
    (tmp_path / "fail.py").write_text(textwrap.dedent("""
        from pacs.runtime import configure_logging
        from pacs.tables import TableError

        configure_logging(snakemake.log[0])
        def summarise():
            raise TableError("results/x.csv: column 'val_loss' is missing\\n(second line)")
        summarise()
    """))
    (tmp_path / "Snakefile").write_text(textwrap.dedent("""
        rule failing_job:
            output: "out.txt"
            log: "logs/failing_job.log"
            script: "fail.py"
    """))
    result = subprocess.run([SNAKEMAKE, "--cores", "1", "--workflow-profile", "none"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    log = (tmp_path / "logs" / "failing_job.log").read_text()
    assert "Traceback (most recent call last)" in log and "in summarise" in log
    last = log.rstrip().splitlines()[-1]
    assert last.endswith("job failed: TableError: results/x.csv: column 'val_loss' is missing")


# Jobs that never touch a model: importing torch would cost each of them a second or more of start-up.
NO_MODEL_SCRIPTS = ("causal_statistics", "c3_statistics", "c4_statistics", "c5_statistics", "c6_statistics",
                    "c6_rc_mixture_summary", "report_numbers", "report_provenance", "claim_macro_inputs",
                    "verdict_table", "sweep_table", "budget_summary", "budget_verdict", "budget_figure", "figure",
                    "learning_curves")
SCRIPTS = Path(__file__).resolve().parents[1] / "workflow" / "scripts"


def modules_imported_by(script: str) -> set[str]:
    """Top-level packages in sys.modules after a fresh interpreter runs ``script``'s import statements."""
    tree = ast.parse((SCRIPTS / f"{script}.py").read_text())
    imports = "\n".join(ast.unparse(node) for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom)))
    probe = imports + "\nimport sys\nprint(' '.join(sorted({name.split('.')[0] for name in sys.modules})))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True)
    return set(result.stdout.split())


@pytest.mark.parametrize("script", NO_MODEL_SCRIPTS)
def test_statistics_report_and_figure_jobs_do_not_import_torch(script):
    assert "torch" not in modules_imported_by(script)


def test_the_import_probe_sees_torch_in_a_job_that_trains_a_model():
    assert "torch" in modules_imported_by("causal_train_agent")
