"""Real C and Go programs run under wasmtime (the reference), `wasmc run` and a `wasmc compile` executable:
stdout, stderr and exit code must be identical, the preopened directory must end in the same state, and
nothing beside it may change. Programs and their .wasm/executables are built and cached by build.py."""
from __future__ import annotations

import concurrent.futures
import dataclasses
import hashlib
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from wasmc.progress import strip_report

# build.py is loaded by path: tests/programs is not a package and "build" is a common module name.
_spec = importlib.util.spec_from_file_location("wasmc_programs_build", Path(__file__).with_name("build.py"))
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)

wasmtime = pytest.importorskip("wasmtime")

SECRET = b"SECRET: the sandbox must not let this out\n"


@dataclasses.dataclass(frozen=True)
class Spec:
    program: str                          # "c/NAME" or "go/NAME"
    args: tuple[str, ...] = ()
    stdin: bytes = b""
    env: tuple[tuple[str, str], ...] = ()
    dir: str | None = None                # guest path of a preopened, initially empty, writable directory
    variant: str = ""                     # test id suffix when a program runs more than once
    escapes: bool = False                 # a sandbox program: SECRET must not appear in its output
    code: int = 0                         # the exit code wasmtime gives

    @property
    def id(self) -> str:
        return self.program + (f"[{self.variant}]" if self.variant else "")

    @property
    def is_go(self) -> bool:
        return self.program.startswith("go/")

    @property
    def opt_level(self) -> int:
        # Go binaries are 2-3 MB with ~1,600 functions: -O2 takes about a minute per module on this
        # 2-core machine against ~6 s at -O0, and these tests check semantics, not speed.
        return 0 if self.is_go else 2


LINES = b"the quick brown fox\njumps over the lazy dog\n\nthe dog sleeps\nno newline at the end"
SPECS = [
    # C: wasi-libc over preview1
    Spec("c/hello", ("one", "two words", "", "ünïcödé"), env=(("HOME", "/home/guest"), ("A", "b=c"), ("EMPTY", ""))),
    Spec("c/args_env", ("-x", "--flag=1", "", "a b"), env=(("PATH", "/bin"), ("LANG", "C.UTF-8"), ("X", "=y="))),
    Spec("c/stdin_echo", stdin=LINES),
    Spec("c/exit_code", ("7",), variant="7", code=7),
    Spec("c/exit_code", ("0",), variant="0"),
    Spec("c/exit_code", ("125",), variant="125", code=125),
    Spec("c/files", ("/work",), dir="/work"),
    Spec("c/dirs", ("/work",), dir="/work"),
    Spec("c/errnos", dir="/work"),
    Spec("c/fdops", dir="/scratch"),
    Spec("c/rights", dir="/work"),
    Spec("c/slashes", dir="/work"),
    Spec("c/fdkinds", stdin=b"hello world\n", dir="/work"),
    Spec("c/inodes", dir="/work"),
    Spec("c/random_env", env=(("HOME", "/home/guest"),), dir="/data"),
    Spec("c/clock_sleep"),
    Spec("c/poll", stdin=b"ready to read\n"),
    Spec("c/sockets", dir="/tmp"),
    Spec("c/compute"),
    Spec("c/simd"),
    Spec("c/stdio", ("200000",)),
    Spec("c/memory", ("64",)),
    *(Spec("c/traps", (kind,), variant=kind, code=134) for kind in
      ("unreachable", "oob", "divzero", "overflow", "convert", "indirect_null", "indirect_type", "stack")),
    Spec("c/sandbox", dir="/box", escapes=True),
    # Go: GOOS=wasip1 GOARCH=wasm
    Spec("go/fmtdemo"),
    Spec("go/goroutines"),
    Spec("go/files", dir="/sandbox"),
    Spec("go/args", ("-n", "3", "--name=gopher", "rest", "two words")),
    Spec("go/env", env=(("USER", "gopher"), ("GREETING", "hello, $USER"), ("EMPTY", ""), ("X", "a=b"))),
    Spec("go/exit", ("3",), code=3),
    Spec("go/panic", code=2),
    Spec("go/stdin", stdin=LINES * 3),
    Spec("go/gcalloc"),
    Spec("go/compute"),
    Spec("go/simd"),
    Spec("go/sandbox", dir="/sandbox", escapes=True),
]
SPEC_IDS = [s.id for s in SPECS]
assert len(set(SPEC_IDS)) == len(SPEC_IDS)


@dataclasses.dataclass
class Result:
    code: int
    stdout: bytes
    stderr: bytes
    trap: str | None          # wasmtime's trap message ("wasm trap: ..."), the reference only
    box: dict                 # final state of the preopened directory


# ---- the world a program runs in -------------------------------------------------------------------

def make_world(root: Path, spec: Spec) -> tuple[Path, Path]:
    """root/world holds a secret and a directory the guest must not touch; root/world/box is the
    preopened directory (when the spec has one); root/io holds stdin, stdout and stderr."""
    world, io = root / "world", root / "io"
    (world / "outside").mkdir(parents=True)
    (world / "box").mkdir()
    (world / "secret.txt").write_bytes(SECRET)
    (world / "outside" / "keep.txt").write_bytes(b"keep\n")
    io.mkdir()
    (io / "stdin").write_bytes(spec.stdin)
    return world, io


def snapshot(path: Path, times: bool = True) -> dict:
    """Every entry under path: type, mode, contents or link target (and mtime when times is set)."""
    state = {}
    for p in sorted(path.rglob("*")):
        st = p.lstat()
        rel = str(p.relative_to(path))
        if p.is_symlink():
            state[rel] = ("link", os.readlink(p))
        elif p.is_dir():
            state[rel] = ("dir", st.st_mode)
        else:
            state[rel] = ("file", st.st_mode, st.st_nlink, hashlib.sha256(p.read_bytes()).hexdigest())
        if times and not p.is_symlink():
            state[rel] += (st.st_mtime_ns,)
    return state


def outside_box(world: Path) -> dict:
    return {k: v for k, v in snapshot(world).items() if k != "box" and not k.startswith("box/")}


# ---- runners -----------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def engine():
    return wasmtime.Engine()


def wasmtime_module(engine, wasm: Path):
    """wasmtime's compiled form of wasm, serialized into the test cache (Go modules take seconds)."""
    key = hashlib.sha256(wasm.read_bytes()).hexdigest()[:20]
    cached = build.cache_dir() / "wasmtime" / f"{wasm.stem}-{key}-wasmtime{_wasmtime_version()}.cwasm"
    if cached.exists():
        try:
            return wasmtime.Module.deserialize_file(engine, str(cached))
        except wasmtime.WasmtimeError:
            pass
    module = wasmtime.Module.from_file(engine, str(wasm))
    cached.parent.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(module.serialize())
    os.replace(tmp, cached)
    return module


def _wasmtime_version() -> str:
    from importlib.metadata import version
    return version("wasmtime")


def run_wasmtime(engine, wasm: Path, spec: Spec, box: Path, io: Path) -> tuple[int, str | None]:
    cfg = wasmtime.WasiConfig()
    cfg.argv = [wasm.name, *spec.args]
    cfg.env = [list(kv) for kv in spec.env]
    if spec.dir:
        cfg.preopen_dir(str(box), spec.dir)
    cfg.stdin_file = str(io / "stdin")
    cfg.stdout_file = str(io / "stdout")
    cfg.stderr_file = str(io / "stderr")
    store = wasmtime.Store(engine)
    store.set_wasi(cfg)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    instance = linker.instantiate(store, wasmtime_module(engine, wasm))
    try:
        instance.exports(store)["_start"](store)
    except wasmtime.ExitTrap as e:
        return e.code, None
    except wasmtime.Trap as e:
        # The wasmtime CLI exits with 134 after a trap; its message ends "wasm trap: WHAT".
        return 134, trap_line(str(e))
    return 0, None


def trap_line(text: str) -> str | None:
    found = re.findall(r"wasm trap: .*", text)
    return found[-1].strip() if found else None


def run_process(argv: list[str], io: Path, timeout: float, **kw) -> int:
    with open(io / "stdin", "rb") as stdin, open(io / "stdout", "wb") as stdout, open(io / "stderr", "wb") as stderr:
        return subprocess.run(argv, stdin=stdin, stdout=stdout, stderr=stderr, cwd=io, timeout=timeout, **kw).returncode


def run_wasmc(wasm: Path, spec: Spec, box: Path, io: Path) -> int:
    argv = [*build.wasmc_command(), "run", f"-O{spec.opt_level}"]
    if spec.dir:
        argv += ["--dir", f"{box}::{spec.dir}"]
    for name, value in spec.env:
        argv += ["--env", f"{name}={value}"]
    return run_process([*argv, str(wasm), *spec.args], io, timeout=300)


def run_exe(exe: Path, wasm: Path, spec: Spec, box: Path, io: Path) -> int:
    # argv[0] is the module's name, as under the other two; the grants come through WASMC_* variables,
    # which the guest does not see.
    env = dict(spec.env)
    env["WASMC_INHERIT_ENV"] = "1"
    if spec.dir:
        env["WASMC_DIR"] = f"{box}::{spec.dir}"
    return run_process([wasm.name, *spec.args], io, timeout=120, executable=str(exe), env=env)


def execute(root: Path, spec: Spec, runner) -> Result:
    world, io = make_world(root, spec)
    before = outside_box(world)
    code, trap = runner(world / "box", io)
    assert outside_box(world) == before, "the program changed something outside its preopened directory"
    stdout, stderr = (io / "stdout").read_bytes(), (io / "stderr").read_bytes()
    if spec.escapes:
        assert SECRET.strip() not in stdout + stderr, "the program read a file outside its preopened directory"
    return Result(code, stdout, stderr, trap, snapshot(world / "box", times=False))


# ---- fixtures: builds, reference results, executables compiled in the background ---------------------

@pytest.fixture(scope="session")
def wasm_for():
    built = {}

    def get(program: str) -> Path:
        if program not in built:
            try:
                built[program] = build.build(program)
            except build.ToolchainMissing as e:
                built[program] = e
        if isinstance(built[program], build.ToolchainMissing):
            pytest.skip(str(built[program]))
        return built[program]
    return get


@pytest.fixture(scope="session")
def reference(engine, wasm_for, tmp_path_factory):
    """wasmtime's result for each spec, computed once per session."""
    results = {}

    def get(spec: Spec) -> Result:
        if spec.id not in results:
            root = tmp_path_factory.mktemp("wasmtime")
            results[spec.id] = execute(root, spec, lambda box, io: run_wasmtime(engine, wasm_for(spec.program),
                                                                                 spec, box, io))
        return results[spec.id]
    return get


@pytest.fixture(scope="session")
def executables(request, wasm_for):
    """`wasmc compile` outputs, built in one background thread from the start of the session, so that
    compiling the Go modules overlaps the `wasmc run` tests (two cores)."""
    wanted = []
    for item in request.session.items:
        spec = getattr(item, "callspec", None) and item.callspec.params.get("spec")
        if item.originalname == "test_wasmc_compile" and spec and (spec.program, spec.opt_level) not in wanted:
            wanted.append((spec.program, spec.opt_level))
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    futures = {}

    def submit(program: str, opt_level: int):
        key = (program, opt_level)
        if key not in futures:
            try:
                wasm = wasm_for(program)
            except pytest.skip.Exception as e:
                futures[key] = e
                return e
            futures[key] = pool.submit(build.compile_exe, wasm, opt_level)
        return futures[key]

    for program, opt_level in wanted:
        submit(program, opt_level)

    def get(spec: Spec) -> Path:
        fut = submit(spec.program, spec.opt_level)
        if isinstance(fut, pytest.skip.Exception):
            raise fut
        return fut.result()
    yield get
    pool.shutdown(wait=False, cancel_futures=True)


def assert_same(got: Result, expected: Result, runner: str) -> None:
    assert got.code == expected.code, f"{runner}: exit code {got.code}, wasmtime {expected.code}\n" + \
        got.stderr.decode(errors="replace")[-3000:]
    assert got.stdout.decode(errors="replace") == expected.stdout.decode(errors="replace")
    if expected.trap is None:
        assert got.stderr.decode(errors="replace") == expected.stderr.decode(errors="replace")
    else:
        # The wasmtime Python package reports the trap as an exception, not on stderr: the guest's own
        # stderr must match byte for byte, then wasmc's report must name the same trap.
        assert got.stderr[:len(expected.stderr)].decode(errors="replace") == expected.stderr.decode(errors="replace")
        assert trap_line(got.stderr[len(expected.stderr):].decode(errors="replace")) == expected.trap
    assert got.box == expected.box, "the preopened directory ends in a different state"


# ---- the tests ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("spec", SPECS, ids=SPEC_IDS)
def test_wasmtime_reference(spec, reference):
    """The reference run itself: the sandbox checks of execute() hold under wasmtime too."""
    result = reference(spec)
    assert result.code == spec.code, result.stderr.decode(errors="replace")[-3000:]


@pytest.mark.parametrize("spec", SPECS, ids=SPEC_IDS)
def test_wasmc_run(spec, reference, wasm_for, executables, tmp_path):
    expected = reference(spec)
    wasm = wasm_for(spec.program)
    got = execute(tmp_path, spec, lambda box, io: (run_wasmc(wasm, spec, box, io), None))
    # A first run that compiles for a while says so on stderr (wasmc/progress.py); that is not the guest's.
    got = dataclasses.replace(got, stderr=strip_report(got.stderr.decode(errors="surrogateescape")).encode(
        errors="surrogateescape"))
    assert_same(got, expected, "wasmc run")


@pytest.mark.parametrize("spec", SPECS, ids=SPEC_IDS)
def test_wasmc_compile(spec, reference, wasm_for, executables, tmp_path):
    expected = reference(spec)
    wasm = wasm_for(spec.program)
    exe = executables(spec)
    got = execute(tmp_path, spec, lambda box, io: (run_exe(exe, wasm, spec, box, io), None))
    assert_same(got, expected, "wasmc compile")


def test_go_simd_through_the_go_host(reference, wasm_for):
    """`go run` of the simd/archsimd program (GOEXPERIMENT=simd) with wasmc as Go's wasip1 host
    (go_wasip1_wasm_exec, first on PATH) prints what wasmtime prints."""
    expected = reference(Spec("go/simd"))
    wasm_for("go/simd")                 # skips without Go; warms Go's build cache
    bin_dir = Path(sys.executable).parent
    if not (bin_dir / "go_wasip1_wasm_exec").exists():
        pytest.skip("go_wasip1_wasm_exec is not installed: pip install -e .")
    env = {**build.go_env("simd"), "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
           "WASMC_OPT_LEVEL": "0"}
    result = subprocess.run([build.go_binary(), "run", *build.GO_FLAGS, "./simd"], cwd=build.GO_DIR, env=env,
                            stdin=subprocess.DEVNULL, capture_output=True, timeout=1800)
    assert result.returncode == expected.code, result.stderr.decode(errors="replace")[-3000:]
    assert result.stdout.decode(errors="replace") == expected.stdout.decode(errors="replace")


# ---- coverage of WASI preview1 --------------------------------------------------------------------------

PREVIEW1 = """args_get args_sizes_get environ_get environ_sizes_get clock_res_get clock_time_get fd_advise
fd_allocate fd_close fd_datasync fd_fdstat_get fd_fdstat_set_flags fd_fdstat_set_rights fd_filestat_get
fd_filestat_set_size fd_filestat_set_times fd_pread fd_prestat_get fd_prestat_dir_name fd_pwrite fd_read
fd_readdir fd_renumber fd_seek fd_sync fd_tell fd_write path_create_directory path_filestat_get
path_filestat_set_times path_link path_open path_readlink path_remove_directory path_rename path_symlink
path_unlink_file poll_oneoff proc_exit proc_raise random_get sched_yield sock_accept sock_recv sock_send
sock_shutdown""".split()


def wasi_imports(wasm: bytes) -> set[str]:
    """Names imported from wasi_snapshot_preview1, read straight from the import section."""
    def leb(pos: int) -> tuple[int, int]:
        result = shift = 0
        while True:
            byte = wasm[pos]
            result |= (byte & 0x7F) << shift
            pos, shift = pos + 1, shift + 7
            if byte < 0x80:
                return result, pos

    def name(pos: int) -> tuple[str, int]:
        n, pos = leb(pos)
        return wasm[pos:pos + n].decode(), pos + n

    pos, found = 8, set()
    while pos < len(wasm):
        section, size_pos = wasm[pos], pos + 1
        size, pos = leb(size_pos)
        if section == 2:
            count, p = leb(pos)
            for _ in range(count):
                module, p = name(p)
                field, p = name(p)
                kind, p = wasm[p], p + 1
                assert kind == 0, "only function imports expected"
                _, p = leb(p)
                if module == "wasi_snapshot_preview1":
                    found.add(field)
            return found
        pos += size
    return found


def test_programs_import_all_of_preview1(wasm_for):
    """Together the programs import (and call: see their sources) every preview1 function."""
    programs = sorted({s.program for s in SPECS})
    imported = {p: wasi_imports(wasm_for(p).read_bytes()) for p in programs}
    missing = set(PREVIEW1) - set().union(*imported.values())
    assert not missing, f"no program imports {sorted(missing)}"
    assert len([p for p in programs if p.startswith("c/")]) >= 15 and len([p for p in programs if p.startswith("go/")]) >= 10
