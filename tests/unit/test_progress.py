"""progress.CompileProgress: nothing for a quick compile or a cache hit; past the delay, two lines when stderr
is not a terminal (CI logs, pipes: issue 12), one updated line on a terminal."""
from __future__ import annotations

import io
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from wasmc.progress import CompileProgress, count_functions, strip_report

PROBE_WAT = Path(__file__).resolve().parents[1] / "cli" / "probe.wat"
WAT2WASM = shutil.which("wat2wasm") or str(Path(sys.executable).parent / "wat2wasm")


class Stream(io.StringIO):
    def __init__(self, tty: bool):
        super().__init__()
        self.tty = tty
        self.written = threading.Event()

    def isatty(self) -> bool:
        return self.tty

    def write(self, text: str) -> int:
        self.written.set()
        return super().write(text)


def probe(tmp_path) -> bytes:
    out = tmp_path / "probe.wasm"
    subprocess.run([WAT2WASM, str(PROBE_WAT), "-o", str(out)], check=True)
    return out.read_bytes()


def test_count_functions_reads_only_section_headers(tmp_path):
    data = probe(tmp_path)
    assert count_functions(data) == 12
    assert count_functions(b"\0asm\1\0\0\0") == 0
    assert count_functions(data[:30]) is None         # truncated: the compile will say what is wrong


def test_quick_compile_or_cache_hit_prints_nothing(tmp_path):
    stream = Stream(tty=False)
    with CompileProgress("probe.wasm", probe(tmp_path), stream=stream, delay=30) as progress:
        progress(1, 2)
        progress(2, 2)
    assert stream.getvalue() == ""


def test_long_compile_off_a_terminal_prints_a_start_and_an_end_line(tmp_path):
    stream = Stream(tty=False)
    with CompileProgress("probe.wasm", probe(tmp_path), note="first run only", stream=stream, delay=0) as progress:
        assert stream.written.wait(10)
        progress(1, 2)                 # no line per part: a log gets two lines in all
        progress(2, 2)
    lines = stream.getvalue().splitlines()
    assert lines[0] == "compiling probe.wasm: 12 functions, first run only"
    assert len(lines) == 2 and lines[1].startswith("compiled probe.wasm in ") and lines[1].endswith(" s")


def test_terminal_only_says_nothing_off_a_terminal(tmp_path):
    # The Go host: off a terminal its stderr is the test binary's, which Go's own tests read.
    stream = Stream(tty=False)
    with CompileProgress("probe.wasm", probe(tmp_path), stream=stream, delay=0, terminal_only=True) as progress:
        progress(1, 1)
    assert stream.getvalue() == ""
    tty = Stream(tty=True)
    with CompileProgress("probe.wasm", probe(tmp_path), stream=tty, delay=0, terminal_only=True):
        assert tty.written.wait(10)
    assert "compiling probe.wasm" in tty.getvalue()


def test_long_compile_on_a_terminal_updates_one_line(tmp_path):
    stream = Stream(tty=True)
    with CompileProgress("probe.wasm", probe(tmp_path), stream=stream, delay=0, prefix="go_wasip1_wasm_exec: ") \
            as progress:
        assert stream.written.wait(10)
        progress(1, 2)
    text = stream.getvalue()
    assert "\r\x1b[Kgo_wasip1_wasm_exec: compiling probe.wasm: 12 functions (1/2 parts)" in text
    assert text.endswith(" s\n") and text.count("\n") == 1


def test_a_failed_compile_ends_the_terminal_line(tmp_path):
    stream = Stream(tty=True)
    try:
        with CompileProgress("probe.wasm", probe(tmp_path), stream=stream, delay=0):
            assert stream.written.wait(10)
            raise ValueError("compile failed")
    except ValueError:
        pass
    assert stream.getvalue().endswith("\n") and "compiled" not in stream.getvalue()


def test_a_late_timer_does_not_announce_a_finished_compile(tmp_path):
    stream = Stream(tty=False)
    with CompileProgress("probe.wasm", probe(tmp_path), stream=stream, delay=0.05):
        pass
    time.sleep(0.2)
    assert stream.getvalue() == ""


def test_strip_report_leaves_the_rest():
    text = ("compiling hello.wasm: 1,611 functions, first run only\ncompiled hello.wasm in 23.4 s\n"
            "go_wasip1_wasm_exec: compiling x: 3 functions, first run only\nguest output\ncompiling foo.c\n")
    assert strip_report(text) == "guest output\ncompiling foo.c\n"
    # A truncated module's function count cannot be read: its announcement has none.
    assert strip_report("compiling truncated.wasm, first run only\nerror: x\n") == "error: x\n"
