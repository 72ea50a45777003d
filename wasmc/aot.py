"""Ahead-of-time output: standalone executables (compiled module + instance image + runtime_c + main.c,
linked by the system C compiler), and object code, assembly or LLVM IR for any LLVM target.

An executable imports WASI preview1, and any other function from the C sources and objects given with
`--link` (runtime_c/wasmc_host.h: import module::name is the C function wasmc_import_<module>_<name>). It
sees what `wasmtime run` gives a module by default: its arguments, stdio, and no directory or environment
variable unless granted. Grants made at compile time (`dirs`, `env`, `inherit_env`) are stored in the
image; at run time WASMC_DIR, WASMC_INHERIT_ENV and WASMC_STACK_SIZE add to them (runtime_c/main.c
documents those).
"""
from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from . import cache
from .compile import cached_link_inputs, compile_decoded, compile_objects, function_cache_usable
from .errors import LinkError, WasmcError, run_tool
from .abi import WASI_MODULE, signature
from .grants import NetGrants, parse_dir, parse_env
from .listing import annotate_asm, annotate_ir
from .metering import NONE, Metering, metered_kind
from .image import WasiGrants, encode_image, host_imports_ir, image_data, image_ir, import_symbol, names_ir
from .wasm.decode import decode_module
from .wasm.module import Module
from .wasm.types import F32, F64, I32, I64, ExternKind, FuncType

OUTPUT_KINDS = ("exe", "obj", "asm", "llvm-ir")
RUNTIME_DIR = Path(__file__).resolve().parent.parent / "runtime_c"
LINK_LIBS = ("-lm", "-lpthread")



# --- grants (parsed by grants.py) --------------------------------------------------------------------------
def grants(dirs: Sequence[str] = (), env: Sequence[str] = (), inherit_env: bool = False,
           net: NetGrants = NetGrants()) -> WasiGrants:
    return WasiGrants(tuple(map(parse_dir, dirs)), tuple(map(parse_env, env)), inherit_env, net)


# --- the runtime library, built once per runtime_c version -----------------------------------------------
def _cc(cc: str | None) -> str:
    return cc or os.environ.get("CC", "cc")


@functools.cache
def _runtime_build():
    """runtime_c/build.py, loaded by path (once): runtime_c ships beside the package, not inside it."""
    spec = importlib.util.spec_from_file_location("wasmc_runtime_build", RUNTIME_DIR / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _runtime_key(cc: str) -> str:
    build = _runtime_build()
    h = hashlib.sha256(f"{cc}\0{build.CFLAGS}\0{build.RUNTIME_SOURCES}".encode())
    for path in sorted(RUNTIME_DIR.rglob("*")):
        if path.suffix in (".c", ".h", ".py") and path.is_file():
            h.update(str(path.relative_to(RUNTIME_DIR)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:20]


def runtime_dir(cc: str | None = None) -> Path:
    """A directory holding libwasmc_rt.a and main.o, built on first use and cached by a hash of
    runtime_c's sources and the compiler."""
    build = _runtime_build()
    cc = _cc(cc)
    final = cache.cache_root() / f"runtime-{_runtime_key(cc)}"
    if (final / "main.o").exists():
        return final
    final.parent.mkdir(parents=True, exist_ok=True)
    # Built aside and renamed into place, so concurrent builds never see half a directory.
    work = Path(tempfile.mkdtemp(prefix="runtime-build-", dir=final.parent))
    try:
        try:
            build.build_static_library(work, cc)
        except RuntimeError as e:   # build.py's report of a failed compiler run
            raise WasmcError(f"cannot build the runtime library: {e}") from None
        _run([cc, *build.CFLAGS, "-std=c11", "-I", str(RUNTIME_DIR), "-c", str(RUNTIME_DIR / "main.c"),
              "-o", str(work / "main.o")])
        try:
            work.rename(final)
        except OSError:   # another process got there first
            pass
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return final


def wasi_signatures() -> dict[str, tuple[str, ...]]:
    """name -> the signatures ("iiii_i") of every WASI function runtime_c provides, one per variant (the
    same sources make the cffi extension and libwasmc_rt.a)."""
    from .wasi import Wasi
    return Wasi.signatures()


# --- checks -------------------------------------------------------------------------------------------------
_C_TYPE = {I32: "int32_t", I64: "int64_t", F32: "float", F64: "double"}


@dataclass(frozen=True, slots=True)
class HostImport:
    """A function import that is not WASI: a `--link` source must define `symbol`."""
    module: str
    name: str
    type: FuncType

    @property
    def symbol(self) -> str:
        return import_symbol(self.module, self.name)

    @property
    def declaration(self) -> str:
        """The C definition expected: `int32_t wasmc_import_env_add(wasmc_vmctx *vm, int32_t, int32_t)`."""
        ret = _C_TYPE[self.type.results[0]] if self.type.results else "void"
        params = ", ".join(["wasmc_vmctx *vm", *(_C_TYPE[t] for t in self.type.params)])
        return f"{ret} {self.symbol}({params})"

    def unresolved(self) -> str:
        return f"unresolved import {self.module}::{self.name}: define {self.declaration} in a --link source"


def check_imports(m: Module, wasi: dict[str, tuple[str, ...]], unknown_imports: str = "declare") -> list[HostImport]:
    """Refuse, at compile time, any import an executable could not bind (one line naming module::name),
    and return the function imports that are not WASI, which `--link` sources must define (or, with
    unknown_imports "trap", trap stubs). With "error" (`wasmc run`, where nothing is linked) the first
    such import in module order is refused, as wasmtime reports it."""
    host: dict[str, HostImport] = {}
    for imp in m.imports:
        where = f"{imp.module}::{imp.name}"
        if imp.kind != ExternKind.FUNC:
            raise LinkError(f"unknown import: {where} has not been defined (an executable can import only "
                            f"functions, not a {imp.kind.name.lower()})")
        found = signature(m.types[imp.desc])
        if imp.module != WASI_MODULE:
            if unknown_imports == "error":
                raise LinkError(f"unknown import: {where} has not been defined")
            ft = m.types[imp.desc]
            if len(ft.results) > 1 or not all(t in _C_TYPE for t in (*ft.params, *ft.results)):
                raise LinkError(f"import {where} has type {ft}: a host function takes and returns i32, i64, "
                                f"f32 or f64, with at most one result")
            new = HostImport(imp.module, imp.name, ft)
            old = host.setdefault(new.symbol, new)
            if (old.module, old.name) != (new.module, new.name):
                raise LinkError(f"imports {where} and {old.module}::{old.name} would both be the host function "
                                f"{new.symbol}")
            if old.type != new.type:
                raise LinkError(f"import {where} is imported with types {old.type} and {ft}: its host function "
                                f"{new.symbol} can have only one")
            continue
        sigs = wasi.get(imp.name)
        if sigs is None:
            raise LinkError(f"unknown import: {where} has not been defined (not a WASI preview1 function "
                            f"this runtime provides)")
        if found not in sigs:
            raise LinkError(f"incompatible import type for {where}: expected {' or '.join(sigs)}, found {found}")
    for export in m.exports:
        if export.name in ("_start", "_initialize") and export.kind == ExternKind.FUNC:
            ft = m.func_type(export.index)
            if ft != FuncType((), ()):
                raise LinkError(f"export {export.name} must have type [] -> [], not {ft}")
    return list(host.values())


def unresolved_error(missing: Sequence[HostImport]) -> LinkError:
    """One line per host function no --link input defines."""
    return LinkError("\n".join(h.unresolved() for h in missing))


def _c_string(text: str) -> str:
    return '"' + "".join(chr(b) if chr(b).isalnum() or chr(b) in " :_-.`" else f"\\{b:03o}"
                         for b in text.encode()) + '"'


def _trap_stubs(host: Sequence[HostImport], path: Path) -> Path:
    """A C source defining every host function as one that fails when called, with wasmtime's message for
    -W unknown-imports-trap; runtime_c/main.c's wasmc_host_error reports it."""
    lines = ['#include "wasmc_host.h"',
             "_Noreturn void wasmc_host_error(wasmc_vmctx *vm, const char *message, void *caller);"]
    for h in host:
        ret = _C_TYPE[h.type.results[0]] if h.type.results else "void"
        params = "".join(f", {_C_TYPE[t]} p{i}" for i, t in enumerate(h.type.params))
        message = _c_string(f"unknown import: `{h.module}::{h.name}` has not been defined")
        lines.append(f"{ret} {h.symbol}(wasmc_vmctx *vm{params})\n"
                     f"{{\n    wasmc_host_error(vm, {message}, __builtin_return_address(0));\n}}")
    path.write_text("\n".join(lines) + "\n")
    return path


def _limits_source(fuel: int | None, timeout_ns: int | None, path: Path) -> Path:
    """A C source with the -W fuel and -W timeout amounts an executable runs with by default
    (runtime_c/main.c reads them; WASMC_FUEL and WASMC_TIMEOUT_NS override them)."""
    lines = [f"const unsigned long long {name} = {value}ULL;"
             for name, value in (("wasmc_default_fuel", fuel), ("wasmc_default_timeout_ns", timeout_ns))
             if value is not None]
    path.write_text("\n".join(lines) + "\n")
    return path


def _check_output(out_path: Path, source: Path | None) -> None:
    if out_path.is_dir():
        raise WasmcError(f"cannot write {out_path}: it is a directory")
    if not out_path.parent.is_dir():
        raise WasmcError(f"cannot write {out_path}: directory {out_path.parent} does not exist")
    if source is not None and out_path.exists() and out_path.samefile(source):
        raise WasmcError(f"cannot write {out_path}: it is the input module")


def _is_host(target: str | None) -> bool:
    # Triples name the same host in several spellings (x86_64-linux-gnu, x86_64-unknown-linux-gnu):
    # compare the architecture and the OS family.
    if target is None:
        return True
    arch = target.split("-")[0].replace("arm64", "aarch64")
    return arch == platform.machine() and ("linux" in target) == (sys.platform == "linux")


# --- outputs ------------------------------------------------------------------------------------------------
def emit(wasm_bytes: bytes, kind: str, opt_level: int = 2, target: str | None = None,
         wasi_grants: WasiGrants = WasiGrants(), host_cpu: bool = False,
         metering: Metering = NONE) -> bytes | str:
    """Object code (bytes), assembly or LLVM IR (text) for `target` (an LLVM triple; default this host),
    image and host import table included: linking the object with libwasmc_rt.a, main.o (runtime_dir())
    and the wasmc_import_* functions of its non-WASI imports makes the executable. Imports are not checked
    here: the object may be linked with another host."""
    if kind not in ("obj", "asm", "llvm-ir"):
        raise ValueError(f"unknown output kind {kind!r}")
    m = decode_module(wasm_bytes)
    extra_ir = image_ir(encode_image(m, wasi_grants)) + host_imports_ir(m) + names_ir(m)
    out = compile_decoded(m, kind, opt_level, target, extra_ir, host_cpu, metering)
    if kind == "asm":
        return annotate_asm(out, m, target)
    return annotate_ir(out, m) if kind == "llvm-ir" else out


def build_executable(wasm_bytes: bytes, out_path: str | os.PathLike[str], opt_level: int = 2,
                     dirs: Sequence[str] = (), env: Sequence[str] = (), inherit_env: bool = False,
                     target: str | None = None, source: str | os.PathLike[str] | None = None,
                     cc: str | None = None, progress=None, link: Sequence[str | os.PathLike[str]] = (),
                     use_cache: bool = True, host_cpu: bool = False, unknown_imports: str = "declare",
                     net: NetGrants = NetGrants(), metering: Metering = NONE, fuel: int | None = None,
                     timeout_ns: int | None = None, strip: bool = False) -> Path:
    """Compile a WASI module into a standalone executable at out_path (replaced atomically).

    dirs: "HOST[::GUEST]" preopens; env: "NAME=VALUE" or "NAME"; inherit_env: pass the whole environment;
    net: listeners and network patterns (grants.NetGrants).
    link: C sources (compiled here), objects and libraries defining the module's other function imports.
    source: the input file, never overwritten. `progress(done, total)` reports a long compile. The module's
    compiled object is cached (use_cache), so relinking with other --link inputs takes a moment.
    host_cpu: code for this machine's CPU model, which may not run on older ones (default: portable).
    unknown_imports: what becomes of function imports that are not WASI: "declare" (the default) names each
    one --link must define, "error" refuses the first (nothing is linked), "trap" defines each as a
    function that fails when called (wasmtime's -W unknown-imports-trap). metering: fuel and interrupt
    checks compiled in; fuel, timeout_ns: the amounts the executable runs with unless WASMC_FUEL or
    WASMC_TIMEOUT_NS say otherwise (and metering follows them). strip: no symbol table (a quarter of a
    Go executable linked from the function cache, whose symbols are hashes)."""
    out = Path(out_path)
    _check_output(out, Path(source) if source is not None else None)
    metering = Metering(metering.fuel or fuel is not None, metering.interrupt or timeout_ns is not None)
    if not _is_host(target):
        raise WasmcError(f"executables are built for this host only ({platform.machine()}); "
                         f"use --emit obj or asm with --target {target}")
    wasi_grants = grants(dirs, env, inherit_env, net)
    cc = _cc(cc)
    m = decode_module(wasm_bytes)
    host = check_imports(m, wasi_signatures(), unknown_imports)
    if host and not link and unknown_imports != "trap":
        raise unresolved_error(host)
    rt = runtime_dir(cc)
    with tempfile.TemporaryDirectory() as tmp:
        if host and unknown_imports == "trap":
            link = [*link, _trap_stubs(host, Path(tmp) / "unknown_imports.c")]
        if fuel is not None or timeout_ns is not None:
            link = [*link, _limits_source(fuel, timeout_ns, Path(tmp) / "limits.c")]
        inputs = _link_inputs(link, Path(tmp), cc)   # before the long compile: a C error shows at once
        linked = out.parent / f".{out.name}.{os.getpid()}.tmp"
        if strip:
            inputs = ["-s", *inputs]
        try:
            if function_cache_usable(target):
                _link_cached(m, opt_level, wasi_grants, host_cpu, progress, cc, linked, inputs, rt, host,
                             metering)
            else:
                level = opt_level if isinstance(opt_level, int) else opt_level[-1]
                module_obj = _module_object(wasm_bytes, m, level, wasi_grants, Path(tmp), use_cache,
                                            progress, host_cpu, metering)
                _link([cc, "-o", str(linked), str(module_obj), *inputs, str(rt / "main.o"),
                       str(rt / "libwasmc_rt.a"), *LINK_LIBS], host)
            os.replace(linked, out)
        finally:
            linked.unlink(missing_ok=True)
    return out


def _link_cached(m: Module, opt_level: int | tuple[int, ...], wasi_grants: WasiGrants, host_cpu: bool, progress, cc: str,
                 out: Path, inputs: list[str], rt: Path, host: Sequence[HostImport],
                 metering: Metering = NONE) -> None:
    """Link an executable from the function cache (compile.cached_link_inputs): the module's functions,
    its glue and image, the --link inputs and the runtime."""
    from .fcache import link as fcache_link
    data = image_data(encode_image(m, wasi_grants), m)
    cached = cached_link_inputs(m, opt_level, host_imports_ir(m), host_cpu=host_cpu, progress=progress, data=data,
                                metering=metering)
    try:
        _link([cc, *fcache_link.executable_flags(), "-o", str(out), *cached.linker_args(driver=True), *inputs,
               str(rt / "main.o"), str(rt / "libwasmc_rt.a"), *LINK_LIBS], host)
    finally:
        cached.directory.cleanup()


def _link_inputs(link: Sequence[str | os.PathLike[str]], tmp: Path, cc: str) -> list[str]:
    """--link inputs as linker arguments: .c sources compiled now (runtime_c on the include path, for
    wasmc_host.h), objects and libraries as they are."""
    args = []
    for n, item in enumerate(map(Path, link)):
        if not item.is_file():
            raise WasmcError(f"--link {item}: no such file")
        if item.suffix == ".c":
            obj = tmp / f"link{n}-{item.stem}.o"
            _run([cc, *_runtime_build().CFLAGS, "-I", str(RUNTIME_DIR), "-c", str(item), "-o", str(obj)],
                 f"cannot compile {item}")
            args.append(str(obj))
        elif item.suffix in (".o", ".a", ".so") or ".so." in item.name:
            args.append(str(item))
        else:
            raise WasmcError(f"--link {item}: expected a C source (.c), an object (.o) or a library (.a, .so)")
    return args


def _module_object(wasm_bytes: bytes, m: Module, opt_level: int, wasi_grants: WasiGrants, tmp: Path,
                   use_cache: bool, progress, host_cpu: bool, metering: Metering = NONE) -> Path:
    """One relocatable object with the module's code, its image and its host import table, from the cache
    or compiled now (the parallel compile's objects joined by `ld -r`)."""
    key = cache.module_key(wasm_bytes, opt_level, kind=f"aot-obj\0{wasi_grants!r}" + metered_kind(metering),
                           host_cpu=host_cpu)
    hit = cache.lookup(key, suffix=".o") if use_cache else None
    if hit is not None:
        return hit
    extra_ir = image_ir(encode_image(m, wasi_grants)) + host_imports_ir(m) + names_ir(m)
    paths = []
    for k, obj in enumerate(compile_objects(m, opt_level, extra_ir=extra_ir, progress=progress,
                                            host_cpu=host_cpu, metering=metering)):
        paths.append(tmp / f"module{k}.o")
        paths[-1].write_bytes(obj)
    if not use_cache:
        return paths[0] if len(paths) == 1 else _join_objects(paths, tmp / "module.o")
    cache.modules_dir().mkdir(parents=True, exist_ok=True)
    staged = cache.modules_dir() / f".{key}.{os.getpid()}.o"
    try:
        if len(paths) == 1:
            shutil.copyfile(paths[0], staged)
        else:
            _join_objects(paths, staged)
        return cache.store(key, staged, suffix=".o")
    finally:
        staged.unlink(missing_ok=True)


def _join_objects(paths: list[Path], out: Path) -> Path:
    ld = shutil.which("ld")
    argv = [ld, "-r"] if ld else [_cc(None), "-r", "-nostdlib"]
    _run([*argv, "-o", str(out), *map(str, paths)])
    return out


def _link(argv: list[str], host: Sequence[HostImport]) -> None:
    """Run the link; host functions the linker could not find are reported as the imports they stand for."""
    try:
        result = subprocess.run(argv, capture_output=True, text=True)
    except FileNotFoundError:
        raise WasmcError(f"cannot run {argv[0]}: a C compiler is needed to link executables (set CC)") from None
    if result.returncode == 0:
        return
    # GNU ld: "undefined reference to `wasmc_import_env_add'"; lld: "undefined symbol: ..."; ld64 adds a '_'.
    named = set(re.findall(r"wasmc_import_[A-Za-z0-9_]+", result.stderr))
    missing = [h for h in host if h.symbol in named]
    if missing:
        raise unresolved_error(missing)
    raise WasmcError(f"linking failed: {' '.join(argv)}\n{result.stderr.strip()}")


def cached_executable(wasm_bytes: bytes, opt_level: int | tuple[int, ...] = 2, progress=None,
                      unknown_imports: str = "error", metering: Metering = NONE) -> Path:
    """An executable of the module with no grants, from the cache or built now: `wasmc run` executes it
    with its grants in WASMC_* variables (launch.py), so a cached run needs neither LLVM nor the module's
    decoding. It only ever runs here, so it is compiled for this machine's CPU. opt_level: a level, or
    levels in order of preference for the function cache (tiers.QUICK). unknown_imports: "error" or
    "trap", as for build_executable; metering: fuel and interrupt checks compiled in."""
    # The runtime is linked in: its sources are part of the key as well as the compiler's.
    key = cache.module_key(wasm_bytes, opt_level, host_cpu=True,
                           kind=f"exe-{_runtime_key(_cc(None))}-{unknown_imports}" + metered_kind(metering))
    hit = cache.lookup(key, suffix=".exe")
    if hit is not None:
        return hit
    cache.modules_dir().mkdir(parents=True, exist_ok=True)
    tmp = cache.modules_dir() / f".{key}.{os.getpid()}.exe"
    try:
        build_executable(wasm_bytes, tmp, opt_level, progress=progress, use_cache=False, host_cpu=True,
                         unknown_imports=unknown_imports, metering=metering, strip=True)
        return cache.store(key, tmp, suffix=".exe")
    finally:
        tmp.unlink(missing_ok=True)


def write_output(wasm_bytes: bytes, out_path: str | os.PathLike[str], kind: str = "exe", opt_level: int = 2,
                 target: str | None = None, dirs: Sequence[str] = (), env: Sequence[str] = (),
                 inherit_env: bool = False, source: str | os.PathLike[str] | None = None,
                 progress=None, link: Sequence[str | os.PathLike[str]] = (), host_cpu: bool = False,
                 net: NetGrants = NetGrants(), fuel: int | None = None, timeout_ns: int | None = None) -> Path:
    """What `wasmc compile` does: an executable, or the object/assembly/IR file of `kind`. fuel, timeout_ns
    (-W fuel, -W timeout): the code is metered, and an executable runs with these amounts."""
    metering = Metering(fuel=fuel is not None, interrupt=timeout_ns is not None)
    if kind == "exe":
        return build_executable(wasm_bytes, out_path, opt_level, dirs=dirs, env=env, inherit_env=inherit_env,
                                target=target, source=source, progress=progress, link=link, host_cpu=host_cpu,
                                net=net, fuel=fuel, timeout_ns=timeout_ns)
    if link:
        raise WasmcError(f"--link makes executables only: link the {kind} output with the host code yourself")
    out = Path(out_path)
    _check_output(out, Path(source) if source is not None else None)
    data = emit(wasm_bytes, kind, opt_level, target, grants(dirs, env, inherit_env, net), host_cpu, metering)
    _write_atomic(out, data if isinstance(data, bytes) else data.encode())
    return out


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.parent / f".{path.name}.{os.getpid()}.tmp"
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _run(argv: list[str], failure: str | None = None) -> None:
    run_tool(argv, "a C compiler is needed to link executables (set CC)",
             f"{failure or argv[0] + ' failed'}: {' '.join(argv)}")
