"""bench/load.py keeps working against the local stack: a tiny run still measures every delivery."""

from __future__ import annotations

import subprocess
import sys

from tests.e2e.conftest import ROOT


def test_a_small_load_run_delivers_everything_and_prints_the_table():
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.load",
            "--rooms",
            "2",
            "--clients",
            "3",
            "--steps",
            "1,2",
            "--seconds",
            "3",
            "--drain",
            "10",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    rows = [line for line in run.stdout.splitlines() if line.startswith(("| 1 |", "| 2 |"))]
    assert len(rows) == 2, run.stdout
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        _offered, sent, deliveries, lost, duplicated = cells[0], int(cells[1]), int(cells[2]), cells[5], cells[6]
        assert deliveries == sent * 2  # every other member of a room of three
        assert lost == "0" and duplicated == "0"
    assert "knee" in run.stdout
