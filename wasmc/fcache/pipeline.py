"""Compiling a module through the function cache: never the same function twice.

Each defined function gets a key from its canonical form (canonical.py) and the options; functions in
the cache are linked as they are, the rest are lowered with placeholders (lower/placeholders.py),
compiled one LLVM module each in forked workers, and stored. The module's own glue (entry trampolines,
host adapters, the arrays the loader reads, and for executables the instance image) is compiled per
module; link.py's script binds every placeholder to this module's values.

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

from ..wasm.module import Module
from . import link, store
from .canonical import FUNC, Form, module_forms

# Callees of at most this many bytes are copied into their callers' objects at -O2 for the inliner:
# Go's runtime calls tiny functions (atomics, bit helpers) all over.
INLINE_COPY_BYTES = 400
CHUNKS_PER_JOB = 3      # more tasks than workers, so one slow task does not leave a core idle


@dataclass(slots=True)
class Plan:
    """What to link for one module: per defined function its key (None: compiled the ordinary way)
    and, at -O2, the small callees it carries copies of (placeholder number -> defined index)."""
    forms: list[Form]
    keys: list[str | None]
    inline: list[dict[int, int]]
    options: str
    opt_level: int
    direct_copies: bool


@dataclass(slots=True)
class Stats:
    """What a compile through the cache did, for `wasmc cache info` and benchmarks."""
    functions: int = 0
    hits: int = 0
    compiled: int = 0
    uncached: int = 0          # functions without a canonical form
    seconds: dict = field(default_factory=dict)


def plan(m: Module, info, opt_level: int, options: str, direct_copies: bool) -> Plan:
    from ..lower.resumable import Resumable
    forms = module_forms(m, info, Resumable(m))
    n_imported = m.num_imported_funcs
    base = [f.key(options) if f.digest is not None else None for f in forms]
    # The same key with other placeholder values: keyed by the values too, so they never share.
    groups = defaultdict(list)
    for d, key in enumerate(base):
        if key is not None:
            groups[key].append(d)
    for key, members in groups.items():
        if len({tuple(forms[d].placeholders) for d in members}) > 1:
            for d in members:
                base[d] = hashlib.sha256(f"{key}{forms[d].placeholders}".encode()).hexdigest()[:32]
    keys = list(base)
    inline: list[dict[int, int]] = [{} for _ in forms]
    if opt_level >= 2:
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
    return Plan(forms, keys, inline, options, opt_level, direct_copies)


# What forked workers inherit instead of receiving it pickled: (module, info, plan, triple, host_cpu).
_JOB: tuple | None = None


def _compile(defined: list[int]) -> list[tuple[int, list[bytes], bool, list]]:
    from ..codegen import optimized_module, resume_object, target_machine
    from ..errors import UnsupportedError
    from ..lower.module import lower_cached_function, unsupported_simd
    m, info, p, triple, host_cpu = _JOB
    n_imported = m.num_imported_funcs
    tm = target_machine(p.opt_level, triple, host_cpu)
    out = []
    for d in defined:
        prefix = f"fn_{p.keys[d]}"
        inline = {k: (n_imported + g, p.forms[g]) for k, g in p.inline[d].items()}
        try:
            fn = lower_cached_function(m, info, n_imported + d, p.forms[d], prefix, p.direct_copies, inline)
        except UnsupportedError as e:
            if e.feature != "simd":
                raise
            raise unsupported_simd(m, info, n_imported) from None
        objects = [tm.emit_object(optimized_module(fn.main, tm, p.opt_level))]
        if fn.resume:
            objects.append(resume_object(fn.resume, p.opt_level, triple, host_cpu))
        bindings = [(name[len(prefix):], list(b.path), b.how) for name, b in sorted(fn.bindings.items())]
        out.append((d, objects, bool(fn.resume), bindings))
    return out


def _compile_uncached(defined: list[int]) -> list[bytes]:
    """Objects for functions without a canonical form, lowered the ordinary way (wasm_func_N names)."""
    from ..codegen import optimized_module, resume_object, target_machine
    from ..lower.module import lower_module, lower_module_pair
    m, info, p, triple, host_cpu = _JOB
    tm = target_machine(p.opt_level, triple, host_cpu)
    objects = []
    for d in defined:
        one = range(d, d + 1)
        if p.direct_copies:
            ir, resume_ir = lower_module_pair(m, info, one, glue=False)
        else:
            ir, resume_ir = lower_module(m, info, one, glue=False), ""
        objects.append(tm.emit_object(optimized_module(ir, tm, p.opt_level)))
        if resume_ir:
            objects.append(resume_object(resume_ir, p.opt_level, triple, host_cpu))
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


def module_objects(m: Module, info, opt_level: int, options: str, direct_copies: bool, glue,
                   triple: str | None = None, host_cpu: bool = False, jobs: int = 1,
                   progress=None) -> LinkInputs:
    """Everything the linker needs for `m`: the cached and newly compiled functions, the glue object
    (compiled from the IR `glue(names)` returns, names as lower.module.lower_glue takes them) and the
    script binding them."""
    global _JOB
    from ..codegen import optimized_module, target_machine
    clock = time.perf_counter()
    p = plan(m, info, opt_level, options, direct_copies)
    stats = Stats(functions=len(p.keys))
    stats.seconds["plan"] = time.perf_counter() - clock
    entries: dict[str, store.Entry] = {}
    misses: dict[str, int] = {}                 # key -> the defined index compiled for it
    uncached = []
    for d, key in enumerate(p.keys):
        if key is None:
            uncached.append(d)
        elif key not in entries and key not in misses:
            hit = store.lookup(key)
            if hit is not None:
                entries[key] = hit
            else:
                misses[key] = d
    stats.hits = sum(1 for k in p.keys if k in entries)
    stats.compiled, stats.uncached = len(misses), len(uncached)
    stats.seconds["lookup"] = time.perf_counter() - clock - stats.seconds["plan"]

    workdir = tempfile.TemporaryDirectory(prefix="wasmc-link-")
    tmp = Path(workdir.name)
    extra_objects: list[bytes] = []
    _JOB = (m, info, p, triple, host_cpu)
    try:
        compiled = _run_parallel(m, list(misses.values()), uncached, jobs, progress)
    finally:
        _JOB = None
    for d, objects, has_direct, bindings in compiled[0]:
        entries[p.keys[d]] = store.store(p.keys[d], objects, has_direct, bindings)
    extra_objects += compiled[1]
    stats.seconds["compile"] = time.perf_counter() - clock - sum(stats.seconds.values())

    n_imported = m.num_imported_funcs
    names = {}
    for d, key in enumerate(p.keys):
        f = n_imported + d
        if key is None:      # compiled the ordinary way: it defines its own names
            names[f] = (f"wasm_func_{f}", f"wasm_func_{f}.entry" if _defines_copy(m, p, f) else None)
        else:
            names[f] = (f"fn_{key}", f"fn_{key}_direct" if entries[key].has_direct else None)
    tm = target_machine(opt_level, triple, host_cpu)
    extra_objects.append(tm.emit_object(optimized_module(glue(names), tm, min(opt_level, 1))))
    archive = tmp / "functions.a"
    archive.write_bytes(link.archive([obj for entry in entries.values() for obj in entry.objects]
                                     + extra_objects))
    linked = [link.Linked(n_imported + d, f"fn_{key}", entries[key].has_direct, entries[key].bindings)
              for d, key in enumerate(p.keys) if key is not None]
    script = tmp / "bind.ld"
    script.write_text(link.script(m, p.forms, linked))
    stats.seconds["glue"] = time.perf_counter() - clock - sum(stats.seconds.values())
    return LinkInputs(workdir, archive, script, stats)


def _defines_copy(m: Module, p: Plan, func_idx: int) -> bool:
    from ..lower.resumable import Resumable
    return p.direct_copies and func_idx in Resumable(m)


def _run_parallel(m: Module, misses: list[int], uncached: list[int], jobs: int, progress):
    """(results of _compile for `misses`, objects of `uncached`), in forked workers when it pays."""
    tasks = [(_compile, c) for c in _chunks(m, misses, jobs)] + [(_compile_uncached, c)
                                                                 for c in _chunks(m, uncached, jobs)]
    results: list[list] = [[], []]
    if not tasks:
        return results
    if jobs <= 1 or len(tasks) == 1:
        for done, (fn, chunk) in enumerate(tasks, 1):
            results[fn is _compile_uncached].extend(fn(chunk))
            if progress:
                progress(done, len(tasks))
        return results
    errors = {}
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        futures = {pool.submit(fn, chunk): (i, fn) for i, (fn, chunk) in enumerate(tasks)}
        for done, fut in enumerate(as_completed(futures), 1):
            i, fn = futures[fut]
            try:
                results[fn is _compile_uncached].extend(fut.result())
            except BaseException as e:      # reported in task order, so the first error wins
                errors[i] = e
            if progress:
                progress(done, len(tasks))
    if errors:
        raise errors[min(errors)]
    return results
