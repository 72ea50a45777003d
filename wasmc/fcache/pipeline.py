"""Compiling a module through the function cache: never the same function twice.

Each defined function gets a key from its canonical form (canonical.py) and the options; functions in
the cache are linked as they are, the rest are lowered with placeholders (lower/placeholders.py),
compiled PACK_FUNCTIONS to an LLVM module in forked workers, and stored (store.py's packs). The
module's own glue (entry trampolines, host adapters, the arrays the loader reads, and for executables
the instance image) is compiled per module; link.py's script binds every placeholder to this module's
values.

At -O2 a function's object also carries available_externally copies of the small functions it calls, so
LLVM can inline them; their forms are part of its key. Functions that share a key but not their
placeholders' values (two identical bodies calling different functions) are compiled apart, keyed by
their values as well.
"""
from __future__ import annotations

import hashlib
import multiprocessing
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from ..metering import NONE, Metering
from ..wasm.module import Module
from . import elfdata, link, store
from .canonical import FUNC, Form, module_forms

# Callees of at most this many bytes are copied into their callers' objects at -O2 for the inliner:
# Go's runtime calls tiny functions (atomics, bit helpers) all over.
INLINE_COPY_BYTES = 400
CHUNKS_PER_JOB = 3      # more tasks than workers, so one slow task does not leave a core idle
# Functions per object (store.py's packs): each object costs LLVM a fixed setup and the cache a file
# (Go hello's 1,605 functions at -O0: 7.9 s of code generation one to an object, 7.2 s packed); a later
# module that links a pack for some of its functions carries the others as dead code.
PACK_FUNCTIONS = 32
# Below this much code to compile, workers cost more than they save (forking, LLVM's start in each).
PARALLEL_MIN_CODE_BYTES = 64 << 10


@dataclass(frozen=True, slots=True)
class Tier:
    """A way of compiling functions: the -O level and what else decides their code (`options`, part of
    every key: it names the metering too), whether resumable functions get direct-call copies (from
    -O2), the fuel and interrupt checks compiled in, and whether memory accesses are left to the guard
    region (compile.guard_pages)."""
    opt_level: int
    options: str
    direct_copies: bool
    metering: Metering = NONE
    guard_pages: bool = False


@dataclass(slots=True)
class Plan:
    """The keys of one module's functions in one tier (None: compiled the ordinary way) and, at -O2,
    the small callees each carries copies of (placeholder number -> defined index)."""
    tier: Tier
    forms: list[Form]
    keys: list[str | None]
    inline: list[dict[int, int]]


@dataclass(slots=True)
class Stats:
    """What a compile through the cache did, for `wasmc cache info` and benchmarks: functions found in
    the cache per tier (by -O level), compiled now, and compiled without a canonical form."""
    functions: int = 0
    hits: dict = field(default_factory=dict)
    compiled: int = 0
    uncached: int = 0
    seconds: dict = field(default_factory=dict)


def forms_of(m: Module, info) -> list[Form]:
    from ..lower.resumable import Resumable
    return module_forms(m, info, Resumable(m))


def plan(m: Module, forms: list[Form], tier: Tier) -> Plan:
    n_imported = m.num_imported_funcs
    base = [f.key(tier.options) if f.digest is not None else None for f in forms]
    # The same key with other placeholder values (Go's identical bodies, each with its own return
    # addresses): the n-th set of values in index order is keyed with n, so one module never binds one
    # object twice, and the next module, listing the same bodies in the same order, shares every one.
    groups = defaultdict(dict)
    for d, key in enumerate(base):
        if key is not None:
            n = groups[key].setdefault(tuple(forms[d].placeholders), len(groups[key]))
            if n:
                base[d] = hashlib.sha256(f"{key}#{n}".encode()).hexdigest()[:32]
    keys = list(base)
    inline: list[dict[int, int]] = [{} for _ in forms]
    if tier.opt_level >= 2:
        for d, form in enumerate(forms):
            if base[d] is None:
                continue
            for k, (kind, value) in enumerate(form.placeholders):
                g = value - n_imported
                if kind == FUNC and 0 <= g < len(forms) and g != d and base[g] is not None \
                        and m.code[g].end - m.code[g].start <= INLINE_COPY_BYTES:
                    inline[d][k] = g
            if inline[d]:
                copied = "".join(f"{k}:{base[g]};" for k, g in sorted(inline[d].items()))
                keys[d] = hashlib.sha256(f"{base[d]}|{copied}".encode()).hexdigest()[:32]
    return Plan(tier, forms, keys, inline)


# What forked workers inherit instead of receiving it pickled: (module, info, plan, triple, host_cpu).
_JOB: tuple | None = None


def _compile(defined: list[int]) -> list[tuple[list[store.Member], list[bytes]]]:
    """The packs of `defined` (their members, keyed by compile_plan, and objects), PACK_FUNCTIONS at a
    time in index order."""
    from ..codegen import optimized_module, resume_object, target_machine
    from ..errors import UnsupportedError
    from ..lower.builder import Declarations
    from ..lower.module import cached_pack_ir, lower_cached_function, unsupported_simd
    m, info, p, triple, host_cpu = _JOB
    n_imported = m.num_imported_funcs
    tier = p.tier
    tm = target_machine(tier.opt_level, triple, host_cpu)
    out = []
    for at in range(0, len(defined), PACK_FUNCTIONS):
        decls = Declarations()
        members, functions = [], []
        for d in defined[at:at + PACK_FUNCTIONS]:
            prefix = f"fn_{p.keys[d]}"
            inline = {k: (n_imported + g, p.forms[g]) for k, g in p.inline[d].items()}
            try:
                fn = lower_cached_function(m, info, n_imported + d, p.forms[d], prefix, tier.direct_copies,
                                           decls, inline, tier.metering, tier.guard_pages,
                                           absolute_symbols=tier.opt_level <= 0)
            except UnsupportedError as e:
                if e.feature != "simd":
                    raise
                raise unsupported_simd(m, info, n_imported) from None
            functions.append(fn)
            bindings = [(name[len(prefix):], list(b.path), b.how) for name, b in sorted(fn.bindings.items())]
            members.append(store.Member(p.keys[d], bool(fn.resume), bindings))
        main_ir, resume_ir = cached_pack_ir(functions, decls)
        objects = [tm.emit_object(optimized_module(main_ir, tm, tier.opt_level))]
        if resume_ir:
            objects.append(resume_object(resume_ir, tier.opt_level, triple, host_cpu))
        out.append((members, objects))
    return out


def _compile_uncached(defined: list[int]) -> list[bytes]:
    """Objects for functions without a canonical form, lowered the ordinary way (wasm_func_N names)."""
    from ..codegen import optimized_module, resume_object, target_machine
    from ..lower.module import lower_module, lower_module_pair
    m, info, p, triple, host_cpu = _JOB
    tier = p.tier
    tm = target_machine(tier.opt_level, triple, host_cpu)
    objects = []
    for d in defined:
        one = range(d, d + 1)
        if tier.direct_copies:
            ir, resume_ir = lower_module_pair(m, info, one, glue=False, metering=tier.metering,
                                              guard_pages=tier.guard_pages)
        else:
            ir = lower_module(m, info, one, glue=False, metering=tier.metering, guard_pages=tier.guard_pages)
            resume_ir = ""
        objects.append(tm.emit_object(optimized_module(ir, tm, tier.opt_level)))
        if resume_ir:
            objects.append(resume_object(resume_ir, tier.opt_level, triple, host_cpu))
    return objects


def _chunks(m: Module, defined: list[int], jobs: int) -> list[list[int]]:
    """Tasks of about equal code size, in index order."""
    if not defined:
        return []
    n = max(1, min(len(defined), jobs * CHUNKS_PER_JOB if jobs > 1 else 1))
    total = sum(m.code[d].end - m.code[d].start for d in defined)
    chunks, cur, acc = [], [], 0
    for d in defined:
        cur.append(d)
        acc += m.code[d].end - m.code[d].start
        if acc >= total * (len(chunks) + 1) / n and len(chunks) < n - 1:
            chunks.append(cur)
            cur = []
    if cur:
        chunks.append(cur)
    return chunks


@dataclass(slots=True)
class LinkInputs:
    """An archive of every object of one module and the linker script binding them, in a temporary
    directory the caller removes."""
    directory: tempfile.TemporaryDirectory
    archive: Path
    script: Path
    stats: Stats

    def linker_args(self, driver: bool = False) -> list[str]:
        """The linker's arguments for these inputs (`driver`: as the C compiler driver passes them on)."""
        wl = "-Wl," if driver else ""
        return [f"{wl}--whole-archive", str(self.archive), f"{wl}--no-whole-archive", str(self.script)]


def module_objects(m: Module, info, tiers: list[Tier], glue, data: dict[str, bytes] | None = None,
                   triple: str | None = None, host_cpu: bool = False, jobs: int = 1,
                   progress=None, label: str = "") -> LinkInputs:
    """Everything the linker needs for `m`: for each function, its object from the first of `tiers`
    the cache has it in, else compiled now in the last tier; the glue object (compiled from the IR
    `glue(names)` returns, names as lower.module.lower_glue takes them); an object of `data` symbols
    (the instance image: elfdata.py); the script binding them. What the cache gave is recorded for
    `wasmc cache info` under `label` (the module's file name, else a digest)."""
    global _JOB
    from ..codegen import optimized_module, target_machine
    clock = time.perf_counter()
    forms = forms_of(m, info)
    plans = [plan(m, forms, tier) for tier in tiers]
    compile_plan = plans[-1]
    stats = Stats(functions=len(forms))
    stats.seconds["plan"] = time.perf_counter() - clock
    # Per function: (plan, key) of the object linked for it.
    chosen: list[tuple[Plan, str | None]] = []
    entries: dict[str, store.Entry] = {}        # key -> entry, for every function linked
    reading = store.Reading()
    misses: dict[str, int] = {}                 # key -> the defined index compiled for it
    uncached = []
    root = store.functions_dir()
    for d in range(len(forms)):
        for p in plans:
            key = p.keys[d]
            if key is not None and (key in entries or store_hit(entries, key, root, reading)):
                stats.hits[p.tier.opt_level] = stats.hits.get(p.tier.opt_level, 0) + 1
                chosen.append((p, key))
                break
        else:
            key = compile_plan.keys[d]
            chosen.append((compile_plan, key))
            if key is None:
                uncached.append(d)
            elif key not in misses:
                misses[key] = d
    stats.compiled, stats.uncached = len(misses), len(uncached)
    stats.seconds["lookup"] = time.perf_counter() - clock - stats.seconds["plan"]

    workdir = tempfile.TemporaryDirectory(prefix="wasmc-link-")
    tmp = Path(workdir.name)
    extra_objects: list[bytes] = []
    _JOB = (m, info, compile_plan, triple, host_cpu)

    # Each task's packs are stored as it ends, so a compile cut short (^C, go test's timeout, a
    # background build that never gets the CPU to finish) leaves what it did to the next module.
    def stored(packs):
        for members, objects in packs:
            entries.update(store.store_pack(members, objects, root))

    try:
        extra_objects += _run_parallel(m, list(misses.values()), uncached, jobs, progress, stored)
    finally:
        _JOB = None
    stats.seconds["compile"] = time.perf_counter() - clock - sum(stats.seconds.values())

    n_imported = m.num_imported_funcs
    names = {}
    for d, (p, key) in enumerate(chosen):
        f = n_imported + d
        if key is None:      # compiled the ordinary way: it defines its own names
            copy = p.tier.direct_copies and _resumable(m, f)
            names[f] = (f"wasm_func_{f}", f"wasm_func_{f}.direct" if copy else None)
        else:
            names[f] = (f"fn_{key}", f"fn_{key}_direct" if entries[key].has_direct else None)
    last = compile_plan.tier
    tm = target_machine(last.opt_level, triple, host_cpu)
    extra_objects.append(tm.emit_object(optimized_module(glue(names), tm, min(last.opt_level, 1))))
    if data:
        extra_objects.append(elfdata.data_object(data))
    archive = tmp / "functions.a"
    packs = {entry.pack.name: entry.pack for entry in entries.values()}
    archive.write_bytes(link.archive([obj for pack in packs.values() for obj in pack.objects] + extra_objects))
    linked = [link.Linked(n_imported + d, f"fn_{key}", entries[key].has_direct, entries[key].bindings)
              for d, (p, key) in enumerate(chosen) if key is not None]
    # The other members of the packs linked: dead code here, their placeholders bound to their own
    # symbol or 0 (link.script).
    unused = {mb.key: mb for pack in packs.values() for mb in pack.members if mb.key not in entries}
    script = tmp / "bind.ld"
    script.write_text(link.script(m, forms, linked, list(unused.values())))
    stats.seconds["glue"] = time.perf_counter() - clock - sum(stats.seconds.values())
    from .. import cache
    cache.record_compile({"module": label or hashlib.sha256(m.data).hexdigest()[:12], "time": time.time(),
                          "functions": stats.functions, "hits": stats.hits, "compiled": stats.compiled,
                          "uncached": stats.uncached, "level": last.opt_level,
                          "seconds": round(sum(stats.seconds.values()), 3)})
    return LinkInputs(workdir, archive, script, stats)


def store_hit(entries: dict, key: str, root: str, reading: store.Reading) -> bool:
    """Whether the cache has `key` (then loaded into `entries`)."""
    hit = store.lookup(key, root, reading)
    if hit is not None:
        entries[key] = hit
    return hit is not None


def _resumable(m: Module, func_idx: int) -> bool:
    from ..lower.resumable import Resumable
    return func_idx in Resumable(m)


def _run_parallel(m: Module, misses: list[int], uncached: list[int], jobs: int, progress, stored) -> list[bytes]:
    """Compile `misses` (their packs handed to `stored` as each task ends) and `uncached` (their objects
    returned), in forked workers when it pays."""
    code = sum(m.code[d].end - m.code[d].start for d in misses + uncached)
    if code < PARALLEL_MIN_CODE_BYTES:
        jobs = 1
    tasks = [(_compile, c) for c in _chunks(m, misses, jobs)] + [(_compile_uncached, c)
                                                                 for c in _chunks(m, uncached, jobs)]
    objects: list[bytes] = []

    def done(fn, result) -> None:
        if fn is _compile_uncached:
            objects.extend(result)
        else:
            stored(result)

    if not tasks:
        return objects
    if jobs <= 1 or len(tasks) == 1:
        for n, (fn, chunk) in enumerate(tasks, 1):
            done(fn, fn(chunk))
            if progress:
                progress(n, len(tasks))
        return objects
    errors = {}
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        futures = {pool.submit(fn, chunk): (i, fn) for i, (fn, chunk) in enumerate(tasks)}
        for n, fut in enumerate(as_completed(futures), 1):
            i, fn = futures[fut]
            try:
                done(fn, fut.result())
            except BaseException as e:      # reported in task order, so the first error wins
                errors[i] = e
            if progress:
                progress(n, len(tasks))
    if errors:
        raise errors[min(errors)]
    return objects
