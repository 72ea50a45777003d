"""Lowering a whole module (or a slice of its functions) to one or two IR modules.

Besides `wasm_func_<func_idx>` for each defined function, the module with the glue (glue.py) has the
entry trampolines, host adapters and the arrays the loader reads. A slice of a parallel compile gives its
functions hidden linkage, declares what it calls but does not define, and at -O2 carries inlinable
copies of small functions other slices define.
"""
from __future__ import annotations

import functools
from typing import NamedTuple

from ..errors import UnsupportedError
from ..metering import NONE, Metering
from ..wasm.module import Module
from ..wasm.validate import FuncValidator, validate_function, validate_module
from . import resumable
from .builder import Declarations, finish_module
from .dispatch import STEPS
from .env import ModuleEnv
from .function import FunctionTranslator
from .glue import glue
from .placeholders import CanonicalEnv


def check_supported(m: Module, info) -> None:
    """Nothing a valid module holds is refused at module level any more (v128 was, until SIMD was
    lowered); compile.py still calls this before a function-cache compile."""


def unsupported_simd(m: Module, info, first_func_idx: int) -> UnsupportedError:
    """The error for a module using a feature the lowering refuses, once the bodies from `first_func_idx`
    on are validated: an invalid module must be rejected as invalid, not reported unsupported. SIMD is
    lowered now, so nothing raises UnsupportedError("simd"); fcache/pipeline.py still names this."""
    for func_idx in range(first_func_idx, m.num_imported_funcs + len(m.code)):
        validate_function(m, info, func_idx)
    return UnsupportedError("simd")


def lower_module(m: Module, info=None, defined: range | None = None, glue: bool = True,
                 on_function=None, metering: Metering = NONE, guard_pages: bool = False) -> str:
    """Validate and lower `m` to LLVM IR text.

    `defined` picks a slice of the defined functions (default: all) and `glue` adds the entry
    trampolines, host adapters and address arrays: a parallel compile lowers slices in separate
    processes, one of them with the glue, and links the objects. A partial module gives its functions
    hidden external linkage and declares the ones it calls or lists but does not define.
    `on_function(done, total)` reports progress; `metering` adds fuel and interrupt checks (meter.py);
    `guard_pages` leaves 32-bit memory accesses to the guard region (memory.py; compile.guard_pages)."""
    return _lower(m, info, defined, glue, on_function, direct_copies=False, metering=metering,
                  guard_pages=guard_pages)[0]


def lower_module_pair(m: Module, info=None, defined: range | None = None, glue: bool = True,
                      on_function=None, metering: Metering = NONE, guard_pages: bool = False) -> tuple[str, str]:
    """Like lower_module, with a `wasm_func_N.direct` copy of every resumable function for the calls
    that pass 0 (resumable.py), as two IR modules: the first holds those copies and everything else,
    the second the general resumable functions, which only a goroutine switch enters with a non-zero
    first argument. The caller optimizes the first fully and the second lightly."""
    return _lower(m, info, defined, glue, on_function, direct_copies=True, metering=metering,
                  guard_pages=guard_pages)


def translate(m: Module, info, env: ModuleEnv, decls: Declarations, func_idx: int) -> FunctionTranslator:
    steps = _metered_steps() if env.metering else STEPS
    return FunctionTranslator(m, env, FuncValidator(m, info, func_idx), func_idx, steps, decls).translate()


@functools.cache
def _metered_steps():
    """meter.metered_steps(STEPS), built once, on the first metered compile."""
    from .meter import metered_steps
    return metered_steps(STEPS)


def _lower(m: Module, info, defined: range | None, with_glue: bool, on_function, direct_copies: bool,
           metering: Metering = NONE, guard_pages: bool = False):
    if info is None:
        info = validate_module(m)
    n_imported = m.num_imported_funcs
    total = len(m.code)
    whole = defined is None or (defined.start == 0 and defined.stop >= total)
    defined = range(total) if defined is None else defined
    linkage = "internal" if whole and with_glue and not direct_copies else "hidden"
    env = ModuleEnv(m, linkage=linkage, direct_copies=direct_copies, metering=metering, guard_pages=guard_pages)
    decls = Declarations()
    parts, resume_parts = [], []
    resume_defined = set()
    for done, defined_idx in enumerate(defined, 1):
        func_idx = n_imported + defined_idx
        t = translate(m, info, env, decls, func_idx)
        if env.has_direct_copy(func_idx):
            copy, general = resumable.render(t, env.linkage)
            parts.append(copy)
            resume_parts.append(general)
            resume_defined.add(func_idx)
        else:
            parts.append(t.render(env.linkage))
        env.defined.add(func_idx)
        if on_function:
            on_function(done, len(defined))
    copied_general, copied_copies = set(), set()
    if direct_copies and not whole:
        parts += _inlinable_copies(m, info, env, decls, copied_general, copied_copies)
    if with_glue:
        parts += glue(m, env, decls)
    main_ir = finish_module(parts, decls.lines() + env.declarations(
        defined_general=env.defined - resume_defined | copied_general,
        defined_copies=resume_defined | copied_copies))
    if not direct_copies:
        return main_ir, ""
    resume_ir = finish_module(resume_parts, decls.lines() + env.declarations(
        defined_general=resume_defined, defined_copies=set()))
    return main_ir, resume_ir


# Callees defined in another slice whose bodies are at most this many bytes are copied into the caller's
# slice for the inliner: Go's runtime calls tiny functions (atomics, bit helpers) all over.
INLINE_COPY_BYTES = 400
AVAILABLE = "available_externally hidden"


def _inlinable_copies(m: Module, info, env: ModuleEnv, decls: Declarations, copied_general: set[int],
                      copied_copies: set[int]) -> list[str]:
    """`available_externally` copies of the small functions this slice calls but another defines: LLVM
    may inline them and emits no code for them (the other slice's object has the definition)."""
    n_imported = m.num_imported_funcs
    small = [f for f in sorted((env.called | env.called_direct_copies) - env.defined)
             if f >= n_imported and m.code[f - n_imported].end - m.code[f - n_imported].start <= INLINE_COPY_BYTES]
    parts = []
    for func_idx in small:
        t = translate(m, info, env, decls, func_idx)
        if env.has_direct_copy(func_idx):
            copy, _ = resumable.render(t, AVAILABLE)
            if func_idx not in env.called_direct_copies:
                continue
            copied_copies.add(func_idx)
            parts.append(copy)
        else:
            copied_general.add(func_idx)
            parts.append(t.render(AVAILABLE))
    return parts


def lower_glue(m: Module, names: dict, extra_ir: str = "") -> str:
    """An IR module with only the glue (glue.py) and `extra_ir`, for linking with cached functions:
    `names` gives each defined function's symbols (func_idx -> (symbol, direct-call copy or None))."""
    env = ModuleEnv(m, linkage="hidden")
    decls = Declarations()
    parts = _unique(glue(m, env, decls, names))
    return finish_module(parts, decls.lines()) + extra_ir


# --- functions for the function cache, several to an IR module ---------------------------------------
# The function cache compiles functions several to an object (a pack: fcache/pipeline.py), and one link
# can hold two packs that both define a function (two processes compiled it at once, or its entry was
# damaged and compiled again). The definitions are the same code, so weak_odr lets the linker keep one.
PACKED = "weak_odr hidden"


class CachedFunction(NamedTuple):
    """One function lowered for the function cache: `main`, its definitions (the function, or a
    resumable function's direct-call copy, and the inlinable copies of its small callees); `resume`, a
    resumable function's general body (empty if none); the declarations each needs beyond the runtime's
    (its placeholders, its own symbols defined in the other object); what each placeholder stands for."""
    main: list[str]
    main_declarations: list[str]
    resume: list[str]
    resume_declarations: list[str]
    bindings: dict


def lower_cached_function(m: Module, info, func_idx: int, form, prefix: str, direct_copies: bool,
                          decls: Declarations, inline: dict | None = None,
                          metering: Metering = NONE, guard_pages: bool = False,
                          absolute_symbols: bool = False) -> CachedFunction:
    """Lower one defined function with its module-specific numbers as placeholders (placeholders.py),
    its own symbols named after `prefix`; the runtime calls it makes go to `decls`. `inline` maps
    placeholder numbers of small callees to their (func_idx, form): the function carries
    available_externally copies of them that the optimizer may inline, whose own placeholders are named
    `<prefix>_i<k>_p<j>` (bound as path (k, j)). `absolute_symbols`: for code compiled without
    optimization (placeholders.CanonicalEnv._value)."""
    env = CanonicalEnv(m, form, func_idx, prefix, direct_copies, metering, guard_pages, absolute_symbols)
    t = translate(m, info, env, decls, func_idx)
    if env.has_direct_copy(func_idx):
        copy, general = resumable.render(t, PACKED)
        parts, defined = [copy], {env.copy_definition(func_idx)}
    else:
        parts, general, defined = [t.render(PACKED)], "", {prefix}
    copied_envs = []
    for name, binding in sorted(env.bindings.items()):
        target = (inline or {}).get(binding.path[0])
        if target is None or binding.how not in ("func", "direct"):
            continue
        g_idx, g_form = target
        k = binding.path[0]
        g_env = CanonicalEnv(m, g_form, g_idx, f"{prefix}_i{k}", direct_copies, metering, guard_pages,
                             absolute_symbols)
        resumable_g = g_env.has_direct_copy(g_idx)
        if (binding.how == "direct") != resumable_g:
            continue          # a resumable callee is copied only as its direct-call copy
        g = translate(m, info, g_env, decls, g_idx)
        parts.append(resumable.render(g, AVAILABLE, copy_name=name)[0] if resumable_g
                     else g.render(AVAILABLE, name))
        defined.add(name)
        copied_envs.append(g_env)
        env.bindings.update((n, b._replace(path=(k, *b.path))) for n, b in g_env.bindings.items())
    main_decls = [line for e in (env, *copied_envs) for line in e.placeholder_declarations(defined)]
    if not general:
        return CachedFunction(parts, main_decls, [], [], env.bindings)
    copy_name = env.copy_definition(func_idx)
    resume_decls = env.placeholder_declarations({prefix, copy_name}) + [env.own_declaration(copy_name)]
    return CachedFunction(parts, main_decls, [general], resume_decls, env.bindings)


def cached_pack_ir(functions: list[CachedFunction], decls: Declarations) -> tuple[str, str]:
    """The IR modules of a pack of cached functions: the main one, and the general bodies' ("" if no
    function is resumable)."""
    main = finish_module([p for f in functions for p in f.main],
                         _unique(decls.lines() + [d for f in functions for d in f.main_declarations]))
    if not any(f.resume for f in functions):
        return main, ""
    resume = finish_module([p for f in functions for p in f.resume],
                           _unique(decls.lines() + [d for f in functions for d in f.resume_declarations]))
    return main, resume


def _unique(lines: list[str]) -> list[str]:
    return list(dict.fromkeys(lines))
