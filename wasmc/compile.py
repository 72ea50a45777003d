"""The pipeline: decode, validate and lower, LLVM codegen, and linking — in parallel over slices of the
functions (separate worker processes, objects linked), and cached so a second run never needs LLVM.

LLVM (llvmlite) is imported only when something has to be compiled.
"""
from __future__ import annotations

import multiprocessing
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from . import cache
from .errors import WasmcError, run_tool
from .image import encode_image, image_ir
from .metering import NONE, Metering, metered_kind
from .wasm.module import Module

# Below this much function code a module is compiled in-process: a worker pool costs more than it saves.
PARALLEL_MIN_CODE_BYTES = 256 << 10
CHUNKS_PER_JOB = 3      # more slices than workers, so one slow slice does not leave a core idle


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)))


def plan_slices(m: Module, jobs: int) -> list[range]:
    """Contiguous slices of defined functions with about equal code size (neighbours call each other,
    so keeping them together lets LLVM inline)."""
    sizes = [body.end - body.start for body in m.code]
    total = sum(sizes)
    if jobs <= 1 or total < PARALLEL_MIN_CODE_BYTES:
        return [range(len(sizes))]
    n = min(jobs * CHUNKS_PER_JOB, len(sizes))
    slices, start, acc = [], 0, 0
    for i, size in enumerate(sizes):
        acc += size
        if acc >= total * (len(slices) + 1) / n and len(slices) < n - 1:
            slices.append(range(start, i + 1))
            start = i + 1
    slices.append(range(start, len(sizes)))
    return [s for s in slices if len(s)]


def direct_copies(opt_level: int) -> bool:
    """Whether resumable (Go) functions get a copy specialised to direct calls (lower/resumable.py).
    Only the optimizer profits from it, and it doubles their code, so only from -O2."""
    return opt_level >= 2


def guard_pages(triple: str | None = None) -> bool:
    """Whether 32-bit memory accesses are left to the guard region instead of checked
    (lower/memory.py): on x86-64, where a faulting store writes nothing (an AArch64 store straddling
    the end may write its first part), at every -O level, unless cache.BOUNDS_CHECKS_ENV asks for the
    checks (tests do, to run that lowering here)."""
    import platform
    if cache.bounds_checks_forced():
        return False
    return (triple or platform.machine()).split("-")[0] in ("x86_64", "amd64", "AMD64")


# What forked workers inherit instead of receiving it pickled:
# (module, info, slices, opt, triple, extra IR, host_cpu, metering).
_JOB: tuple | None = None


def lower(m: Module, info=None, defined: range | None = None, glue: bool = True, opt_level: int = 2,
          extra_ir: str = "", metering: Metering = NONE, triple: str | None = None) -> tuple[str, str]:
    """IR for (a slice of) `m` at `opt_level` for `triple` (default: this host): the module to optimize,
    and the general copies of resumable functions to optimize lightly ("" below -O2; see
    lower_module_pair)."""
    from .lower.module import lower_module, lower_module_pair
    if direct_copies(opt_level):
        ir, resume_ir = lower_module_pair(m, info, defined, glue=glue, metering=metering,
                                          guard_pages=guard_pages(triple))
    else:
        ir = lower_module(m, info, defined, glue=glue, metering=metering,
                          guard_pages=guard_pages(triple))
        resume_ir = ""
    return ir + extra_ir, resume_ir


def _compile_slice(index: int) -> list[bytes]:
    """The object of slice `index`, and of its resumable functions' general copies if any."""
    from .codegen import optimized_module, resume_object, target_machine
    m, info, slices, opt_level, triple, extra_ir, host_cpu, metering = _JOB
    glue = index == 0
    ir, resume_ir = lower(m, info, slices[index], glue, opt_level, extra_ir if glue else "", metering, triple)
    tm = target_machine(opt_level, triple, host_cpu)
    objects = [tm.emit_object(optimized_module(ir, tm, opt_level))]
    if resume_ir:
        objects.append(resume_object(resume_ir, opt_level, triple, host_cpu))
    return objects


def compile_objects(m: Module, opt_level: int = 2, jobs: int | None = None, triple: str | None = None,
                    extra_ir: str = "", progress=None, host_cpu: bool = False,
                    metering: Metering = NONE) -> list[bytes]:
    """Object files for `m` (for `triple`, default this host); the first holds the glue and `extra_ir`.
    `progress(done, total)` is called as slices finish. `host_cpu`: use every feature of this machine's
    CPU (code that may not run elsewhere), else a portable baseline. `metering`: fuel and interrupt checks."""
    from .wasm.validate import validate_module
    global _JOB
    info = validate_module(m)
    jobs = jobs or default_jobs()
    slices = plan_slices(m, jobs)
    _JOB = (m, info, slices, opt_level, triple, extra_ir, host_cpu, metering)
    try:
        if len(slices) == 1:
            return _compile_slice(0)
        objects: list[list[bytes] | None] = [None] * len(slices)
        errors: dict[int, BaseException] = {}
        with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = {pool.submit(_compile_slice, k): k for k in range(len(slices))}
            for done, fut in enumerate(as_completed(futures), 1):
                k = futures[fut]
                try:
                    objects[k] = fut.result()
                except BaseException as e:   # reported below in slice order, so the first error wins
                    errors[k] = e
                if progress:
                    progress(done, len(slices))
        if errors:
            raise errors[min(errors)]
        return [obj for slice_objects in objects for obj in slice_objects]
    finally:
        _JOB = None


def linker() -> list[str]:
    """`ld -shared` (a few ms), or the C compiler driver when binutils' ld is not on PATH."""
    ld = shutil.which("ld")
    return [ld, "-shared"] if ld else [os.environ.get("CC", "cc"), "-shared"]


def link_shared(objects: list[bytes], out: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="wasmc-link-") as tmp:
        paths = []
        for i, obj in enumerate(objects):
            p = Path(tmp) / f"part{i}.o"
            p.write_bytes(obj)
            paths.append(str(p))
        argv = linker() + ["-o", str(out)] + paths
        run_tool(argv, "a linker is needed to load compiled code", "linking compiled code failed")


def function_cache_usable(triple: str | None = None) -> bool:
    """Whether modules compile through the function cache (fcache/): for this host, if it is x86-64
    (the placeholders' link constants are x86-64 instructions), with a linker that takes their
    bindings. WASMC_FUNCTION_CACHE=0 turns it off."""
    import platform
    from .fcache import link
    return (triple is None and platform.machine() == "x86_64" and link.gold() is not None
            and os.environ.get("WASMC_FUNCTION_CACHE", "1") != "0")


def cache_options(opt_level: int, triple: str | None, host_cpu: bool | str, metering: Metering = NONE) -> str:
    """What, besides a function's form and the compiler, decides its object code (host_cpu as
    codegen.target_machine takes it: each x86-64 level is keyed apart; metered code only adds to it,
    so plain functions keep their keys)."""
    import platform
    cpu = cache.cpu_key(host_cpu)
    options = (f"O{opt_level}|{triple or platform.machine()}|{cpu}|copies{int(direct_copies(opt_level))}"
               f"|guard{int(guard_pages(triple))}")
    return options + (f"|meter:{metering.tag}" if metering else "")


def tier(opt_level: int, host_cpu: bool | str = False, metering: Metering = NONE):
    """The function cache's tier for compiling at `opt_level` (fcache.pipeline.Tier)."""
    from .fcache.pipeline import Tier
    return Tier(opt_level, cache_options(opt_level, None, host_cpu, metering), direct_copies(opt_level), metering,
                guard_pages())


def cached_link_inputs(m: Module, opt_level: int | list[int], extra_ir: str = "", host_cpu: bool = False,
                       jobs: int | None = None, progress=None, data: dict[str, bytes] | None = None,
                       metering: Metering = NONE):
    """`m`'s objects and linker script through the function cache (fcache.pipeline.LinkInputs).
    `opt_level`: one level, or levels in order of preference, each function taken at the first the cache
    has it at, the rest compiled at the last. `extra_ir` joins the glue; `data` symbols (the instance
    image) come as an object of their own."""
    from .fcache.pipeline import module_objects
    from .lower.module import check_supported, lower_glue
    from .wasm.validate import validate_module
    info = validate_module(m)
    check_supported(m, info)
    levels = [opt_level] if isinstance(opt_level, int) else list(opt_level)
    return module_objects(m, info, [tier(level, host_cpu, metering) for level in levels],
                          lambda names: lower_glue(m, names, extra_ir), data, host_cpu=host_cpu,
                          jobs=jobs or default_jobs(), progress=progress)


def shared_object(data: bytes, m: Module, opt_level: int | None = 2, use_cache: bool = True,
                  jobs: int | None = None, progress=None, metering: Metering = NONE) -> Path:
    """The path of a shared object with `m`'s code for this host and its CPU, from the cache or compiled
    now (it is loaded in this process, so it never needs to run elsewhere). opt_level None: tiered
    (tiers.py), the -O2 code if it was built, else code from the function cache's -O2 and -O0 objects,
    with an -O2 build queued in the background (not for metered code, which stays at the quick tier)."""
    if opt_level is None and metering and use_cache and function_cache_usable():
        from . import tiers
        opt_level = tiers.QUICK
    if opt_level is None:
        from . import tiers
        if use_cache and function_cache_usable():
            hit = cache.lookup(cache.module_key(data, tiers.OPTIMIZED, host_cpu=True))
            if hit is not None:
                return hit
            quick = shared_object(data, m, tiers.QUICK, use_cache, jobs, progress)
            tiers.request_upgrade(data, "so")
            return quick
        opt_level = tiers.OPTIMIZED
    key = cache.module_key(data, opt_level, kind="so" + metered_kind(metering), host_cpu=True)
    if use_cache:
        hit = cache.lookup(key)
        if hit is not None:
            return hit
    root = cache.modules_dir() if use_cache else Path(tempfile.mkdtemp(prefix="wasmc-"))
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f".{key}.{os.getpid()}.tmp"
    # The instance image goes in as for executables: runtime_c/instance.c instantiates from it.
    image = encode_image(m)
    if use_cache and function_cache_usable():
        from .fcache import link
        inputs = cached_link_inputs(m, opt_level, host_cpu=True, jobs=jobs, progress=progress,
                                    data={"wasmc_image": image, "wasmc_image_size": len(image).to_bytes(8, "little")},
                                    metering=metering)
        try:
            link.link_shared(inputs.linker_args(), tmp)
            return cache.store(key, tmp)
        finally:
            inputs.directory.cleanup()
            tmp.unlink(missing_ok=True)
    level = opt_level if isinstance(opt_level, int) else opt_level[-1]
    objects = compile_objects(m, level, jobs, extra_ir=image_ir(image), progress=progress, host_cpu=True,
                              metering=metering)
    try:
        link_shared(objects, tmp)
        if not use_cache:
            final = root / f"{key}.so"
            os.replace(tmp, final)
            return final
        return cache.store(key, tmp)
    finally:
        tmp.unlink(missing_ok=True)


def compile_decoded(m: Module, emit: str = "obj", opt_level: int = 2, triple: str | None = None,
                    extra_ir: str = "", host_cpu: bool = False, metering: Metering = NONE) -> bytes | str:
    """A decoded module as one LLVM module -> output for `triple` (default: this host): `emit` is "obj"
    (bytes), "asm" or "llvm-ir" (text, after the -O passes). `extra_ir` is appended (the AOT image)."""
    from .codegen import RESUME_OPT_LEVEL, optimized_module, target_machine
    tm = target_machine(opt_level, triple, host_cpu)
    ir, resume_ir = lower(m, opt_level=opt_level, extra_ir=extra_ir, metering=metering, triple=triple)
    mod = optimized_module(ir, tm, opt_level)
    if resume_ir:    # one output: here the general copies share the main code generator's level
        mod.link_in(optimized_module(resume_ir, tm, RESUME_OPT_LEVEL))
    if emit == "obj":
        return tm.emit_object(mod)
    if emit == "asm":
        return tm.emit_assembly(mod)
    if emit == "llvm-ir":
        return str(mod)
    raise ValueError(f"unknown output kind {emit!r}")


def module_ir(data: bytes, metering: Metering = NONE) -> str:
    """The unoptimized LLVM IR wasmc generates for a module (golden tests, debugging)."""
    from .lower.module import lower_module
    from .wasm.decode import decode_module
    return lower_module(decode_module(data), metering=metering)
