"""Differential fuzzing of wasmc against wasmtime (difffuzz) and hostile inputs for the CLI and API (hostile)."""
from pathlib import Path


def package_root() -> Path:
    """The directory from which this package imports under its current name ("tests.fuzz" from the
    checkout, "fuzz" under pytest's rootdir-relative import), for child processes: their pickles and
    `python -m` must name the same modules."""
    return Path(__file__).resolve().parents[len(__package__.split("."))]
