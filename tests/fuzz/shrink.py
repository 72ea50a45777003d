"""Shrinking a finding with `wasm-tools shrink`. The predicate script is a few lines that ask a server in
this process (a Unix socket) whether a candidate still shows the finding's signature, so each of the
hundreds of predicate calls costs a wasmc compile, not a Python start with LLVM and wasmtime."""
from __future__ import annotations

import json
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from .differ import Differ
from .findings import signature_key
from .generate import parse_wat, to_wat, wasm_tools
from .values import args_from_json, args_to_json

_CLIENT = ("import socket,sys;s=socket.socket(socket.AF_UNIX);s.connect(sys.argv[1]);"
           "s.sendall(sys.argv[2].encode()+b'\\n');sys.exit(0 if s.recv(1)==b'1' else 1)")


class _PredicateServer:
    """Answers "1" when the module at the path sent still shows the target signature; keeps the
    smallest such module."""

    def __init__(self, differ: Differ, level: int, key: str, plan_seed: str, cwd: Path):
        self.differ, self.level, self.key, self.plan_seed, self.cwd = differ, level, key, plan_seed, cwd
        self.plan: list | None = None      # None: the plan drawn from plan_seed
        self.lock = threading.Lock()
        self.calls = 0
        self.best: bytes | None = None
        self.dir = Path(tempfile.mkdtemp(prefix="wasmc-shrink-"))
        self.path = self.dir / "predicate.sock"
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.bind(str(self.path))
        self.sock.listen(4)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def interesting(self, data: bytes) -> bool:
        with self.lock:      # a predicate call cut off by wasm-tools' time limit may still be running
            self.calls += 1
            report = self.differ.check(data, self.plan_seed, (self.level,), self.plan)
            result = report and report.levels.get(self.level)
            hit = bool(result and result.difference
                       and signature_key(result.difference, self.level) == self.key)
            if hit and (self.best is None or len(data) < len(self.best)):
                self.best = data
            return hit

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                line = conn.makefile("rb").readline().decode().strip()
                try:
                    ok = self.interesting((self.cwd / line).read_bytes())
                except Exception:  # noqa: BLE001 - a broken candidate is just not interesting
                    ok = False
                conn.sendall(b"1" if ok else b"0")

    def close(self) -> None:
        self.sock.close()
        self.path.unlink(missing_ok=True)
        self.dir.rmdir()


WASM_SHRINK_SHARE = 0.6    # of a finding's time: wasm-tools shrink, then deleting lines of the text


def reduce_lines(text: str, interesting, deadline: float) -> None:
    """Edit a module's text while it still parses and stays interesting: drop whole blocks, unwrap
    blocks (keep the body), then drop runs of 4, 2 and 1 lines anywhere, until nothing more goes.
    wasm-tools shrink leaves dead code after branches and whole blocks in place; the printer puts one
    instruction per line, so lines and blocks are the right units."""
    lines = text.splitlines()
    progress = True
    while progress and time.monotonic() < deadline:
        progress = False
        for candidate in _line_edits(lines):
            if time.monotonic() >= deadline:
                return
            data = parse_wat("\n".join(candidate))
            if data is not None and interesting(data):
                lines, progress = candidate, True
                break


def _line_edits(lines: list[str]):
    """Candidate texts, biggest cuts first; the module's first and last lines stay."""
    opened = []
    blocks = []
    for i, line in enumerate(lines):
        word = line.strip().split(" ")[0]
        if word in ("block", "loop", "if"):
            opened.append(i)
        elif word == "end" and opened:
            blocks.append((opened.pop(), i))
    for i, j in sorted(blocks, key=lambda b: b[0] - b[1]):
        yield lines[:i] + lines[j + 1:]
        yield lines[:i] + lines[i + 1:j] + lines[j + 1:]
    for size in (4, 2, 1):
        for i in range(1, len(lines) - size):
            yield lines[:i] + lines[i + size:]


def shrink_finding(finding_dir: Path, workdir: Path, attempts: int = 250, time_limit: float = 180.0,
                   timeout: float = 8.0) -> dict | None:
    """Shrink finding_dir/module.wasm into shrunk.wasm and shrunk.wat; a summary, or None when the
    finding does not reproduce."""
    info = json.loads((finding_dir / "finding.json").read_text())
    level, key = info["level"], info["key"]
    original = (finding_dir / "module.wasm").read_bytes()
    workdir.mkdir(parents=True, exist_ok=True)
    differ = Differ((level,), workdir, min(timeout, info.get("timeout", timeout)), info.get("function_cache", True))
    server = _PredicateServer(differ, level, key, info["plan_seed"], workdir)
    start = time.monotonic()
    try:
        if not server.interesting(original):
            return None
        # One call on a fresh instance often shows the difference too: shrinking then runs faster and
        # the reproducer says "instantiate, call this export with these arguments".
        server.plan = [] if info["export"] is None else [(info["export"], args_from_json(info["args"]))]
        if server.interesting(original):
            info["plan"] = [[name, args_to_json(args)] for name, args in server.plan]
        else:
            server.plan = None
        server.best = None
        script = workdir / "predicate.sh"
        script.write_text(f"#!/bin/sh\nexec '{sys.executable}' -S -E -c \"{_CLIENT}\" '{server.path}' \"$1\"\n")
        script.chmod(0o755)
        try:
            subprocess.run([wasm_tools(), "shrink", "--attempts", str(attempts), str(script),
                            str(finding_dir / "module.wasm"), "-o", str(workdir / "shrink-out.wasm")],
                           cwd=workdir, capture_output=True, timeout=time_limit * WASM_SHRINK_SHARE)
        except subprocess.TimeoutExpired:
            pass                         # the smallest interesting candidate so far is kept anyway
        reduce_lines(to_wat(server.best or original), server.interesting, start + time_limit)
    finally:
        server.close()
        differ.close()
    shrunk = server.best or original
    (finding_dir / "shrunk.wasm").write_bytes(shrunk)
    wat = to_wat(shrunk)
    (finding_dir / "shrunk.wat").write_text(wat)
    summary = {"key": key, "original_size": len(original), "size": len(shrunk),
               "predicate_calls": server.calls, "seconds": time.monotonic() - start,
               "wat": str(finding_dir / "shrunk.wat")}
    info["shrunk"] = {k: v for k, v in summary.items() if k != "key"}
    (finding_dir / "finding.json").write_text(json.dumps(info, indent=2) + "\n")
    return summary


def shrink_worker(args: tuple) -> dict | None:
    """Pool entry point: (finding_dir, workdir, attempts, time_limit)."""
    finding_dir, workdir, attempts, time_limit = args
    return shrink_finding(Path(finding_dir), Path(workdir), attempts, time_limit)
