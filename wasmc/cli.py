"""The wasmc command line: click commands that parse options, call the library, print, and choose the exit code."""
from __future__ import annotations

from pathlib import Path

import click

from . import wast

opt_level_option = click.option("-O", "--opt-level", "opt_level", type=click.IntRange(0, 3), default=2,
                                show_default=True, help="LLVM optimization level.")


@click.group()
def main() -> None:
    """wasmc: an ahead-of-time WebAssembly to native compiler on LLVM."""


@main.command("wast")
@opt_level_option
@click.option("--summary", is_flag=True,
              help="Also show passed assertions against the in_scalar2 count of a MANIFEST.tsv beside the files.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=120, show_default=True,
              help="Seconds one command may take before it counts as failed.")
@click.option("-v", "--verbose", is_flag=True, help="List failing commands with their line numbers.")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def wast_command(opt_level: int, summary: bool, timeout: float, verbose: bool, files: tuple[Path, ...]) -> None:
    """Run WebAssembly spec-test scripts (.wast). Each script runs in a child process, so a crash fails
    the command that caused it rather than the whole run."""
    passed = failed = skipped = errors = 0
    in_scope = in_scope_passed = 0
    for path in files:
        try:
            result = wast.run_file(path, opt_level, isolate=True, timeout=timeout)
        except wast.WastError as e:
            click.echo(f"{path}: error: {e}", err=True)
            errors += 1
            continue
        passed, failed, skipped = passed + result.passed, failed + result.failed, skipped + result.skipped
        line = f"{path}: {result.passed} passed, {result.failed} failed, {result.skipped} skipped"
        expected = wast.manifest_count(path) if summary else None
        if expected is not None:
            assertions_passed = result.count(wast.Status.PASSED, assertions_only=True)
            in_scope, in_scope_passed = in_scope + expected, in_scope_passed + assertions_passed
            line += f" (assertions passed {assertions_passed}/{expected} in_scalar2)"
        click.echo(line)
        if verbose:
            for outcome in result.failures:
                click.echo(f"  line {outcome.line}: {outcome.command}: {outcome.reason}")
            for feature, count in sorted(result.skipped_features().items()):
                click.echo(f"  skipped {count}: {feature}")
    if in_scope:
        click.echo(f"assertions passed {in_scope_passed}/{in_scope} in_scalar2")
    totals = f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else "")
    click.echo(totals)
    if failed or errors:
        raise SystemExit(1)
