"""The benchmark's own arithmetic: the CPU-per-request columns in bench/README.md."""

import importlib.util
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_cpu_per_request_counts_the_server_process(bench):
    """`measured` charges the server's CPU (here: this process) to the requests answered."""
    def busy():
        total = sum(i * i for i in range(3_000_000))  # about 0.1-0.3 s of CPU
        return {"n": 10, "rps": 1.0, "p50": 1.0, "p95": 2.0, "p99": 3.0, "errors": 0,
                "sum": total}

    result = bench.measured(os.getpid(), busy)
    assert result["app_ms"] > 5  # at least 50 ms of CPU over 10 requests
    assert result["db_ms"] >= 0
    line = bench.row("x", result)
    assert line.startswith("| x | 1 | 1.0 | 2.0 | 3.0 | ") and line.endswith(" | 10 | 0 |")


def test_rows_without_proc_say_so(bench, monkeypatch):
    monkeypatch.setattr(bench, "cpu_seconds", lambda pid: None)
    result = bench.measured(1, lambda: {"n": 3, "rps": 3.0, "p50": 1.0, "p95": 1.0,
                                        "p99": 1.0, "errors": 0})
    assert "app_ms" not in result
    assert "| – | – |" in bench.row("y", result)
