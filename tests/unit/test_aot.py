"""wasmc.aot: executables built from small WAT modules behave as the same modules under wasmtime (stdout,
stderr's trap line, exit code); the image encoder; compile-time import checks; obj/asm/IR output."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from wasmc import aot
from wasmc.errors import LinkError, WasmcError
from wasmc.image import encode_image, host_imports_ir, image_ir, import_symbol
from wasmc.wasm.decode import decode_module

wasmtime = pytest.importorskip("wasmtime")

WAT2WASM = shutil.which("wat2wasm") or str(Path(sys.executable).parent / "wat2wasm")
pytestmark = pytest.mark.skipif(shutil.which(os.environ.get("CC", "cc")) is None, reason="needs a C compiler")

PRINT = """
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello from wasm\\n")
  (data $tail "passive bytes\\n")
  (global $exit (mut i32) (i32.const EXIT))
  (func $print (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func (export "_start")
    (call $print (i32.const 16) (i32.const 16))
    (memory.init $tail (i32.const 100) (i32.const 0) (i32.const 14))
    (call $print (i32.const 100) (i32.const 14))
    (if (global.get $exit) (then (call $proc_exit (global.get $exit))))))
"""

TABLES = """
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (type $get (func (result i32)))
  (memory (export "memory") 1)
  (global $letter (mut i32) (i32.const 65))
  (table 4 funcref)
  (elem (i32.const 1) $a $b)
  (func $a (result i32) (global.get $letter))
  (func $b (result i32) (i32.const 66))
  (func (export "_start")
    (i32.store8 (i32.const 32) (call_indirect (type $get) (i32.const 1)))
    (i32.store8 (i32.const 33) (call_indirect (type $get) (i32.const 2)))
    (i32.store8 (i32.const 34) (i32.const 10))
    (i32.store (i32.const 0) (i32.const 32))
    (i32.store (i32.const 4) (i32.const 3))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (drop (call_indirect (type $get) (i32.const 3)))))
"""

# Prints its arguments, environment and preopened directory names, one a line.
SHOW_GRANTS = """
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $environ_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $fd_prestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_dir_name"
    (func $fd_prestat_dir_name (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 40) "\\n")
  (func $write (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func $line (param $ptr i32) (param $len i32)
    (call $write (local.get $ptr) (local.get $len))
    (call $write (i32.const 40) (i32.const 1)))
  (func $lines (param $count i32)   ;; NUL-terminated strings, pointers at 1024
    (local $i i32) (local $p i32) (local $n i32)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
      (local.set $p (i32.load (i32.add (i32.const 1024) (i32.shl (local.get $i) (i32.const 2)))))
      (local.set $n (i32.const 0))
      (block $end (loop $scan
        (br_if $end (i32.eqz (i32.load8_u (i32.add (local.get $p) (local.get $n)))))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $scan)))
      (call $line (local.get $p) (local.get $n))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next))))
  (func (export "_start") (local $fd i32)
    (drop (call $args_sizes_get (i32.const 16) (i32.const 20)))
    (drop (call $args_get (i32.const 1024) (i32.const 8192)))
    (call $lines (i32.load (i32.const 16)))
    (drop (call $environ_sizes_get (i32.const 16) (i32.const 20)))
    (drop (call $environ_get (i32.const 1024) (i32.const 8192)))
    (call $lines (i32.load (i32.const 16)))
    (local.set $fd (i32.const 3))
    (block $done (loop $next
      (br_if $done (call $fd_prestat_get (local.get $fd) (i32.const 24)))
      (drop (call $fd_prestat_dir_name (local.get $fd) (i32.const 8192) (i32.load (i32.const 28))))
      (call $line (i32.const 8192) (i32.load (i32.const 28)))
      (local.set $fd (i32.add (local.get $fd) (i32.const 1)))
      (br $next)))))
"""

DIV_ZERO = """
(module
  (global $zero (mut i32) (i32.const 0))
  (func (export "_start") (drop (i32.div_s (i32.const 1) (global.get $zero)))))
"""

START_TRAP = """
(module (func $s unreachable) (start $s))
"""

DATA_OOB = """
(module (memory 1) (data (i32.const 65535) "ab") (func (export "_start")))
"""

REACTOR = """
(module (memory 1) (func (export "_initialize")) (func (export "add") (param i32 i32) (result i32)
  (i32.add (local.get 0) (local.get 1))))
"""


def wat(text: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "m.wasm"
        result = subprocess.run([WAT2WASM, "-", "-o", str(out)], input=text.encode(), capture_output=True)
        assert result.returncode == 0, result.stderr.decode()
        return out.read_bytes()


@pytest.fixture(scope="module", autouse=True)
def cache_dir(tmp_path_factory):
    # One runtime build for the whole module, away from the user's cache.
    old = os.environ.get("WASMC_CACHE_DIR")
    os.environ["WASMC_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if old is None:
        del os.environ["WASMC_CACHE_DIR"]
    else:
        os.environ["WASMC_CACHE_DIR"] = old


def run_wasmtime(wasm: bytes, tmp_path: Path, argv=("app",), env=(), preopens=()) -> tuple[bytes, str, int]:
    """(stdout, trap report or "", exit code as the wasmtime CLI would give it)."""
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    config = wasmtime.WasiConfig()
    config.argv = argv
    config.env = env
    for host, guest in preopens:
        config.preopen_dir(host, guest)
    out = tmp_path / "wasmtime.out"
    config.stdout_file = str(out)
    store.set_wasi(config)
    code, trap = 0, ""
    try:
        instance = linker.instantiate(store, wasmtime.Module(engine, wasm))
        start = instance.exports(store).get("_start")
        if start is not None:
            start(store)
    except wasmtime.ExitTrap as e:
        code = e.code
    except (wasmtime.Trap, wasmtime.WasmtimeError) as e:   # the latter: traps while instantiating
        code, trap = 134, str(e)
    del store, linker         # wasmtime flushes the stdout file when the store goes
    return out.read_bytes(), trap, code


def build_and_run(wasm: bytes, tmp_path: Path, **options) -> subprocess.CompletedProcess:
    exe = aot.build_executable(wasm, tmp_path / "app", **options)
    return subprocess.run([str(exe)], capture_output=True, timeout=60)


@pytest.mark.parametrize("exit_code", [0, 3])
def test_print_and_exit_match_wasmtime(tmp_path, exit_code):
    wasm = wat(PRINT.replace("EXIT", str(exit_code)))
    result = build_and_run(wasm, tmp_path)
    stdout, _, code = run_wasmtime(wasm, tmp_path)
    assert result.stdout == stdout == b"hello from wasm\npassive bytes\n"
    assert result.returncode == code == exit_code


def test_tables_globals_and_uninitialized_element(tmp_path):
    wasm = wat(TABLES)
    result = build_and_run(wasm, tmp_path)
    stdout, trap, code = run_wasmtime(wasm, tmp_path)
    assert result.stdout == stdout == b"AB\n"
    assert result.returncode == code == 134
    assert b"wasm trap: uninitialized element" in result.stderr
    assert "uninitialized element" in trap


@pytest.mark.parametrize("text, message", [
    (DIV_ZERO, "integer divide by zero"),
    (START_TRAP, "wasm `unreachable` instruction executed"),
    (DATA_OOB, "out of bounds memory access"),
])
def test_traps_match_wasmtime(tmp_path, text, message):
    wasm = wat(text)
    result = build_and_run(wasm, tmp_path)
    _, trap, code = run_wasmtime(wasm, tmp_path)
    assert result.returncode == code == 134
    assert message in trap
    stderr = result.stderr.decode()
    assert stderr.startswith("Error: failed to run main module `app`")
    assert f"wasm trap: {message}" in stderr


def test_granted_dirs_env_and_args_match_wasmtime(tmp_path):
    wasm = wat(SHOW_GRANTS)
    exe = aot.build_executable(wasm, tmp_path / "app", dirs=[f"{tmp_path}::/sandbox"], env=["A=1", "FROM_HOST"])
    run_env = {"FROM_HOST": "x", "OTHER": "y", "WASMC_DIR": f"{tmp_path}::/extra:{tmp_path}"}
    result = subprocess.run([str(exe), "one", "two words"], capture_output=True, env=run_env)
    stdout, _, code = run_wasmtime(wasm, tmp_path, ("app", "one", "two words"), [("A", "1"), ("FROM_HOST", "x")],
                                   [(str(tmp_path), "/sandbox"), (str(tmp_path), "/extra"),
                                    (str(tmp_path), str(tmp_path))])
    assert (result.returncode, result.stdout) == (code, stdout)
    assert result.stdout.decode().splitlines() == ["app", "one", "two words", "A=1", "FROM_HOST=x", "/sandbox",
                                                   "/extra", str(tmp_path)]


def test_inherit_env_passes_everything_but_wasmc_variables(tmp_path):
    exe = aot.build_executable(wat(SHOW_GRANTS), tmp_path / "app", env=["A=1"])
    run_env = {"A": "host", "OTHER": "y", "WASMC_INHERIT_ENV": "1"}
    lines = subprocess.run([str(exe)], capture_output=True, env=run_env).stdout.decode().splitlines()
    assert sorted(lines) == ["A=1", "OTHER=y", "app"]


def test_reactor_runs_initialize_and_exits_zero(tmp_path):
    result = build_and_run(wat(REACTOR), tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, b"", b"")


def test_stack_size_variable_is_checked(tmp_path):
    exe = aot.build_executable(wat(DIV_ZERO), tmp_path / "app")
    result = subprocess.run([str(exe)], capture_output=True, env={"WASMC_STACK_SIZE": "lots"})
    assert result.returncode == 1 and b"WASMC_STACK_SIZE" in result.stderr


def test_unknown_import_is_a_compile_error(tmp_path):
    wasm = wat('(module (import "env" "f" (func)) (func (export "_start") (call 0)))')
    with pytest.raises(LinkError, match=r"^unresolved import env::f: define void wasmc_import_env_f\(wasmc_vmctx "
                                        r"\*vm\) in a --link source$"):
        aot.build_executable(wasm, tmp_path / "app")
    assert not (tmp_path / "app").exists()


# Non-WASI imports of every scalar type, one imported twice, names that need mangling; the last call
# hands the host an out-of-bounds string.
HOST_IMPORTS = """
(module
  (import "env" "add" (func $add (param i32 i32) (result i32)))
  (import "my-host" "print.str" (func $print (param i32 i32)))
  (import "env" "show" (func $show (param i64)))
  (import "env" "half" (func $half (param f64) (result f32)))
  (import "env" "showf" (func $showf (param f32)))
  (import "env" "add" (func $add_again (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "from memory")
  (func (export "_start")
    (call $print (i32.const 16) (i32.const 11))
    (call $show (i64.extend_i32_s (call $add_again (call $add (i32.const -50) (i32.const 6)) (i32.const 2))))
    (call $showf (call $half (f64.const 9)))
    (call $print (i32.const 65530) (i32.const 100))))
"""

HOST_C = r"""
#include <inttypes.h>
#include <stdio.h>
#include "wasmc_host.h"

int32_t wasmc_import_env_add(wasmc_vmctx *vm, int32_t a, int32_t b) { (void)vm; return a + b; }
float wasmc_import_env_half(wasmc_vmctx *vm, double x) { (void)vm; return (float)(x / 2); }
void wasmc_import_env_show(wasmc_vmctx *vm, int64_t v) { (void)vm; printf("%" PRId64 "\n", v); }
void wasmc_import_env_showf(wasmc_vmctx *vm, float v) { (void)vm; printf("%g\n", v); }

void wasmc_import_my_2dhost_print_2estr(wasmc_vmctx *vm, int32_t ptr, int32_t len)
{
    const char *text = wasmc_host_memory(vm, (uint32_t)ptr, (uint32_t)len);
    if (text == NULL) {
        fflush(stdout);
        wasmc_trap(vm, WASMC_TRAP_MEMORY_OOB);
    }
    printf("[%.*s]\n", (int)len, text);
}
"""


def test_host_imports_bind_to_linked_c(tmp_path):
    source = tmp_path / "host.c"
    source.write_text(HOST_C)
    wasm = wat(HOST_IMPORTS)
    exe = aot.build_executable(wasm, tmp_path / "app", link=[source])
    result = subprocess.run([str(exe)], capture_output=True, timeout=60)
    assert result.stdout == b"[from memory]\n-42\n4.5\n"
    assert result.returncode == 134
    assert b"wasm trap: out of bounds memory access" in result.stderr

    # The same host as an object, and as an archive; the module's object now comes from the cache.
    obj = tmp_path / "host.o"
    subprocess.run([os.environ.get("CC", "cc"), "-I", str(aot.RUNTIME_DIR), "-c", str(source), "-o", str(obj)],
                   check=True)
    subprocess.run(["ar", "rcs", str(tmp_path / "libhost.a"), str(obj)], check=True)
    for linked in (obj, tmp_path / "libhost.a"):
        exe = aot.build_executable(wasm, tmp_path / "app2", link=[linked])
        assert subprocess.run([str(exe)], capture_output=True, timeout=60).stdout == result.stdout


def test_host_imports_missing_from_the_link_are_named(tmp_path):
    source = tmp_path / "host.c"
    source.write_text(HOST_C.replace("wasmc_import_env_half", "half"))
    with pytest.raises(LinkError, match=r"^unresolved import env::half: define float wasmc_import_env_half\("
                                        r"wasmc_vmctx \*vm, double\) in a --link source$"):
        aot.build_executable(wat(HOST_IMPORTS), tmp_path / "app", link=[source])
    bad = tmp_path / "bad.c"
    bad.write_text("this is not C")
    with pytest.raises(WasmcError, match="cannot compile .*bad.c"):
        aot.build_executable(wat(HOST_IMPORTS), tmp_path / "app", link=[bad])
    with pytest.raises(WasmcError, match="expected a C source"):
        aot.build_executable(wat(HOST_IMPORTS), tmp_path / "app", link=[wasm_file(tmp_path)])
    with pytest.raises(WasmcError, match="executables only"):
        aot.write_output(wat(HOST_IMPORTS), tmp_path / "m.o", "obj", link=[source])


def wasm_file(tmp_path: Path) -> Path:
    path = tmp_path / "m.wasm"
    path.write_bytes(wat(REACTOR))
    return path


@pytest.mark.parametrize("imports, message", [
    ('(import "env" "mem" (memory 1))', "unknown import: env::mem has not been defined .*not a memory"),
    ('(import "env" "r" (func (param externref)))', r"import env::r has type \[externref\] -> \[\]: a host "),
    ('(import "env" "two" (func (result i32 i32)))', "at most one result"),
    ('(import "a_b" "c" (func)) (import "a" "b_c" (func))', "a::b_c and a_b::c would both be the host function "
                                                             "wasmc_import_a_b_c"),
    ('(import "env" "f" (func)) (import "env" "f" (func (param i32)))', "env::f is imported with types"),
])
def test_host_imports_that_cannot_be_c_functions(imports, message):
    with pytest.raises(LinkError, match=message):
        aot.check_imports(decode_module(wat(f"(module {imports})")), aot.wasi_signatures())


def test_import_symbols():
    assert import_symbol("env", "add") == "wasmc_import_env_add"
    assert import_symbol("my-host", "print.str") == "wasmc_import_my_2dhost_print_2estr"
    assert import_symbol("go", "é") == "wasmc_import_go__c3_a9"
    with_wasi = HOST_IMPORTS.replace('"env" "show"', '"wasi_snapshot_preview1" "x"')
    ir = host_imports_ir(decode_module(wat(with_wasi)))
    assert "declare i32 @wasmc_import_env_add(ptr, i32, i32)" in ir
    assert "declare float @wasmc_import_env_half(ptr, double)" in ir
    assert ir.count("@wasmc_import_env_add(") == 1
    assert ("@wasmc_import_funcs = constant [6 x ptr] [ptr @wasmc_import_env_add, "
            "ptr @wasmc_import_my_2dhost_print_2estr, ptr null, ptr @wasmc_import_env_half, "
            "ptr @wasmc_import_env_showf, ptr @wasmc_import_env_add]") in ir


def test_wasi_signature_mismatch_is_a_compile_error(tmp_path):
    wasm = wat('(module (import "wasi_snapshot_preview1" "proc_exit" (func (param i64))))')
    with pytest.raises(LinkError, match="wasi_snapshot_preview1::proc_exit: expected i_, found l_"):
        aot.build_executable(wasm, tmp_path / "app")


def test_output_path_checks(tmp_path):
    wasm = wat(REACTOR)
    with pytest.raises(WasmcError, match="is a directory"):
        aot.build_executable(wasm, tmp_path)
    with pytest.raises(WasmcError, match="does not exist"):
        aot.build_executable(wasm, tmp_path / "missing" / "app")
    source = tmp_path / "m.wasm"
    source.write_bytes(wasm)
    with pytest.raises(WasmcError, match="input module"):
        aot.write_output(wasm, source, "obj", source=source)
    with pytest.raises(WasmcError, match="this host only"):
        aot.build_executable(wasm, tmp_path / "app", target="aarch64-unknown-linux-gnu"
                             if not os.uname().machine == "aarch64" else "x86_64-unknown-linux-gnu")


def test_cpu_native_is_opt_in_and_keyed_apart(tmp_path):
    """`--cpu native` code uses this CPU's features: it runs here, and is cached apart from portable code."""
    from wasmc import cache
    wasm = wat(PRINT.replace("EXIT", "0"))
    assert build_and_run(wasm, tmp_path, host_cpu=True).stdout == b"hello from wasm\npassive bytes\n"
    assert cache.module_key(wasm, 2, host_cpu=True) != cache.module_key(wasm, 2)
    assert cache.host_cpu_id() == cache.host_cpu_id() != "portable"
    from click.testing import CliRunner
    from wasmc.cli import main
    result = CliRunner().invoke(main, ["compile", "--cpu", "native", "--emit", "obj", "--target",
                                       "aarch64-unknown-linux-gnu", "-o", str(tmp_path / "x.o"), "x.wasm"])
    assert result.exit_code != 0 and "cannot be combined with --target" in result.output


def _host_has(feature: str) -> bool:
    import llvmlite.binding as llvm
    from wasmc.codegen import target_machine
    target_machine()                                  # initializes LLVM's targets
    return bool(llvm.get_host_cpu_features().get(feature))


@pytest.mark.skipif(os.uname().machine != "x86_64", reason="x86-64 levels")
def test_cpu_levels_run_where_the_cpu_has_them_and_refuse_politely_elsewhere(tmp_path):
    """An executable for a level this CPU lacks exits with one line naming the missing feature (not
    SIGILL); one for a level it has runs. Levels are keyed apart in the cache."""
    from wasmc import cache
    wasm = wat(PRINT.replace("EXIT", "0"))
    assert len({cache.module_key(wasm, 2, host_cpu=c) for c in (False, True, "x86-64-v3", "x86-64-v4")}) == 4
    for level, feature in (("x86-64-v2", "sse4.2"), ("x86-64-v3", "avx2"), ("x86-64-v4", "avx512f")):
        result = build_and_run(wasm, tmp_path, host_cpu=level)
        if _host_has(feature):
            assert result.returncode == 0 and result.stdout == b"hello from wasm\npassive bytes\n"
        else:
            assert result.returncode == 1 and result.stdout == b""
            line = result.stderr.decode()
            assert line.count("\n") == 1 and f"needs a CPU with {feature}" in line and level in line


def test_cpu_requirement_is_recorded_for_each_choice():
    from wasmc.codegen import cpu_requirement_ir, level_features, target_machine
    assert level_features("x86-64-v3")[:5] == ("sse3", "ssse3", "sse4.1", "sse4.2", "popcnt")
    portable = cpu_requirement_ir(target_machine(2, "x86_64-unknown-linux-gnu"))
    assert 'c"x86-64-v2 sse3 ssse3 sse4.1 sse4.2 popcnt\\00"' in portable and "weak_odr" in portable
    assert 'c"generic\\00"' in cpu_requirement_ir(target_machine(2, "aarch64-unknown-linux-gnu"))
    assert "avx2 bmi bmi2 fma" in cpu_requirement_ir(target_machine(2, None, "x86-64-v3"))


def test_cpu_level_needs_an_x86_64_target(tmp_path):
    from click.testing import CliRunner
    from wasmc.cli import main
    result = CliRunner().invoke(main, ["compile", "--cpu", "x86-64-v3", "--emit", "obj", "--target",
                                       "aarch64-unknown-linux-gnu", "-o", str(tmp_path / "x.o"), "x.wasm"])
    assert result.exit_code == 2 and "is an x86-64 level" in result.output


@pytest.mark.parametrize("kind", ["obj", "asm", "llvm-ir"])
def test_emit_cross_target(tmp_path, kind):
    out = aot.write_output(wat(PRINT.replace("EXIT", "0")), tmp_path / f"m.{kind}", kind,
                           target="aarch64-unknown-linux-gnu")
    data = out.read_bytes()
    if kind == "obj":
        assert data[:4] == b"\x7fELF" and data[18] == 183     # e_machine EM_AARCH64
    elif kind == "asm":
        assert b"wasm_func_" in data and b"ret" in data
    else:
        assert b"@wasmc_image = " in data and b"aarch64" in data


def test_grants_are_parsed_and_stored():
    g = aot.grants(["/data::/", "."], ["A=1", "HOME"])
    assert g.dirs == (("/data", "/"), (".", "."))
    assert g.env == ("A=1", "HOME")
    image = encode_image(decode_module(wat(REACTOR)), g)
    assert b"/data" in image and b"A=1" in image
    with pytest.raises(WasmcError):
        aot.parse_dir("::guest")
    with pytest.raises(WasmcError):
        aot.parse_env("=x")


def test_image_ir_escapes_every_byte():
    ir = image_ir(bytes(range(256)))
    body = ir.split('c"', 1)[1].split('"', 1)[0]
    assert '\\22' in body and '\\5C' in body and "\\00" in body and "A" in body
    decoded = bytearray()
    i = 0
    while i < len(body):
        if body[i] == "\\":
            decoded.append(int(body[i + 1:i + 3], 16))
            i += 3
        else:
            decoded.append(ord(body[i]))
            i += 1
    assert bytes(decoded) == bytes(range(256))
