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
from .generate import to_wat, wasm_tools

_CLIENT = ("import socket,sys;s=socket.socket(socket.AF_UNIX);s.connect(sys.argv[1]);"
           "s.sendall(sys.argv[2].encode()+b'\\n');sys.exit(0 if s.recv(1)==b'1' else 1)")


class _PredicateServer:
    """Answers "1" when the module at the path sent still shows the target signature; keeps the
    smallest such module."""

    def __init__(self, differ: Differ, level: int, key: str, plan_seed: str, cwd: Path):
        self.differ, self.level, self.key, self.plan_seed, self.cwd = differ, level, key, plan_seed, cwd
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
        self.calls += 1
        report = self.differ.check(data, self.plan_seed, (self.level,))
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


def shrink_finding(finding_dir: Path, workdir: Path, attempts: int = 250, time_limit: float = 180.0,
                   timeout: float = 8.0) -> dict | None:
    """Shrink finding_dir/module.wasm into shrunk.wasm and shrunk.wat; a summary, or None when the
    finding does not reproduce."""
    info = json.loads((finding_dir / "finding.json").read_text())
    level, key = info["level"], info["key"]
    original = (finding_dir / "module.wasm").read_bytes()
    workdir.mkdir(parents=True, exist_ok=True)
    differ = Differ((level,), workdir, timeout=min(timeout, info.get("timeout", timeout)))
    server = _PredicateServer(differ, level, key, info["plan_seed"], workdir)
    start = time.monotonic()
    try:
        if not server.interesting(original):
            return None
        script = workdir / "predicate.sh"
        script.write_text(f"#!/bin/sh\nexec '{sys.executable}' -S -E -c \"{_CLIENT}\" '{server.path}' \"$1\"\n")
        script.chmod(0o755)
        try:
            subprocess.run([wasm_tools(), "shrink", "--attempts", str(attempts), str(script),
                            str(finding_dir / "module.wasm"), "-o", str(workdir / "shrink-out.wasm")],
                           cwd=workdir, capture_output=True, timeout=time_limit)
        except subprocess.TimeoutExpired:
            pass                         # the smallest interesting candidate so far is kept anyway
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
