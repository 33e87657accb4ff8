"""Process-level set-up: a failing job writes its error and traceback into its own rule log."""

import subprocess
import sys
import textwrap
from pathlib import Path

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
