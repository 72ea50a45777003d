"""Lowering a whole module: every function body, plus the glue the host needs.

Besides `wasm_func_<func_idx>` for each defined function it emits, per distinct signature, an entry
trampoline (host -> wasm, arguments in 8-byte slots) and a host adapter (wasm -> host function), and
three arrays the loader reads: @wasmc_funcs (by defined index), @wasmc_entries and @wasmc_host_adapters
(by type_idx).
"""
from __future__ import annotations

from ..errors import UnsupportedError
from ..wasm.module import Module
from ..wasm.opcodes import ALL_OPS
from ..wasm.types import V128, FuncType
from ..wasm.validate import FuncValidator, validate_function, validate_module
from . import calls, control, convert, memory, numeric, simd, tables, variables
from .builder import LLVM_TYPE, TBAA_NODES, results_type
from .env import ModuleEnv
from .function import FunctionTranslator

FAMILIES = (control, variables, numeric, convert, memory, tables, calls, simd)


def build_dispatch() -> dict:
    """Op row -> handler, from the family tables; every operator has exactly one handler."""
    by_name = {}
    for family in FAMILIES:
        for name, handler in family.HANDLERS.items():
            if name in by_name:
                raise AssertionError(f"two handlers for {name}")
            by_name[name] = handler
    return {op: by_name[op.name] for op in ALL_OPS if op.name in by_name}


DISPATCH = build_dispatch()


def _sig_name(ft: FuncType) -> str:
    code = {"i32": "i", "i64": "l", "float": "f", "double": "d", "ptr": "r"}
    p = "".join(code[LLVM_TYPE[x]] for x in ft.params)
    r = "".join(code[LLVM_TYPE[x]] for x in ft.results)
    return f"{p}_{r}"


def _entry_trampoline(ft: FuncType, name: str) -> str:
    lines = [f"define internal void @wasm_entry_{name}(ptr %vmctx, ptr %callee, ptr %slots) {{"]
    args = ["ptr %vmctx"]
    for i, ty in enumerate(ft.params):
        lt = LLVM_TYPE[ty]
        lines.append(f"  %ap{i} = getelementptr i64, ptr %slots, i64 {i}")
        lines.append(f"  %a{i} = load {lt}, ptr %ap{i}")
        args.append(f"{lt} %a{i}")
    ret = results_type(ft.results)
    call = f"call {ret} %callee({', '.join(args)})"
    lines.append(f"  {call}" if ret == "void" else f"  %r = {call}")
    for i, ty in enumerate(ft.results):
        lt = LLVM_TYPE[ty]
        val = "%r"
        if len(ft.results) > 1:
            lines.append(f"  %r{i} = extractvalue {ret} %r, {i}")
            val = f"%r{i}"
        lines.append(f"  %rp{i} = getelementptr i64, ptr %slots, i64 {i}")
        lines.append(f"  store {lt} {val}, ptr %rp{i}")
    lines += ["  ret void", "}"]
    return "\n".join(lines)


def _host_adapter(ft: FuncType, name: str) -> str:
    params = ", ".join(["ptr %host"] + [f"{LLVM_TYPE[t]} %a{i}" for i, t in enumerate(ft.params)])
    ret = results_type(ft.results)
    n = max(len(ft.params), len(ft.results), 1)
    lines = [f"define internal {ret} @wasm_host_{name}({params}) {{",
             f"  %slots = alloca [{n} x i64], align 8"]
    for i, ty in enumerate(ft.params):
        lines.append(f"  %ap{i} = getelementptr i64, ptr %slots, i64 {i}")
        lines.append(f"  store {LLVM_TYPE[ty]} %a{i}, ptr %ap{i}")
    lines.append("  call void @wasmc_host_call(ptr %host, ptr %slots)")
    agg = "undef"
    for i, ty in enumerate(ft.results):
        lines.append(f"  %rp{i} = getelementptr i64, ptr %slots, i64 {i}")
        lines.append(f"  %r{i} = load {LLVM_TYPE[ty]}, ptr %rp{i}")
        if len(ft.results) > 1:
            lines.append(f"  %g{i} = insertvalue {ret} {agg}, {LLVM_TYPE[ty]} %r{i}, {i}")
            agg = f"%g{i}"
    if not ft.results:
        lines.append("  ret void")
    elif len(ft.results) == 1:
        lines.append(f"  ret {ret} %r0")
    else:
        lines.append(f"  ret {ret} {agg}")
    lines.append("}")
    return "\n".join(lines)


def _uses_v128(m: Module) -> bool:
    return (any(V128 in ft.params or V128 in ft.results for ft in m.types)
            or any(g.type is V128 for g in m.global_types)
            or any(V128 in body.locals for body in m.code))


def _unsupported_simd(m: Module, info, first_func_idx: int) -> UnsupportedError:
    """The error for a module using SIMD, once the bodies from `first_func_idx` on are validated: an
    invalid module must be rejected as invalid, not reported unsupported."""
    for func_idx in range(first_func_idx, m.num_imported_funcs + len(m.code)):
        validate_function(m, info, func_idx)
    return UnsupportedError("simd")


def lower_module(m: Module, info=None, defined: range | None = None, glue: bool = True,
                 on_function=None) -> str:
    """Validate and lower `m` to LLVM IR text.

    `defined` picks a slice of the defined functions (default: all) and `glue` adds the entry
    trampolines, host adapters and address arrays: a parallel compile lowers slices in separate
    processes, one of them with the glue, and links the objects. A partial module gives its functions
    hidden external linkage and declares the ones it calls or lists but does not define.
    `on_function(done, total)` reports progress."""
    return _lower(m, info, defined, glue, on_function, entry_variants=False)[0]


def lower_module_pair(m: Module, info=None, defined: range | None = None, glue: bool = True,
                      on_function=None) -> tuple[str, str]:
    """Like lower_module, with a `wasm_func_N.entry` copy of every resumable function for the calls
    that pass 0 (ModuleEnv.resumable), as two IR modules: the first holds those copies and everything
    else, the second the general resumable functions, which only a goroutine switch enters with a
    non-zero first argument. The caller optimizes the first fully and the second lightly."""
    return _lower(m, info, defined, glue, on_function, entry_variants=True)


def _lower(m: Module, info, defined: range | None, glue: bool, on_function, entry_variants: bool):
    if info is None:
        info = validate_module(m)
    n_imported = m.num_imported_funcs
    total = len(m.code)
    whole = defined is None or (defined.start == 0 and defined.stop >= total)
    defined = range(total) if defined is None else defined
    # LLVM_TYPE has no v128 entry: signatures, globals and locals of that type cannot be lowered yet.
    if _uses_v128(m):
        raise _unsupported_simd(m, info, n_imported + defined.start)
    linkage = "internal" if whole and glue and not entry_variants else "hidden"
    env = ModuleEnv(m, linkage=linkage, entry_variants=entry_variants)
    parts, resume_parts = [], []
    resume_defined = set()
    for done, defined_idx in enumerate(defined, 1):
        func_idx = n_imported + defined_idx
        validator = FuncValidator(m, info, func_idx)
        try:
            main, general = FunctionTranslator(m, env, validator, func_idx, DISPATCH).translate()
        except UnsupportedError as e:
            if e.feature != "simd":
                raise
            raise _unsupported_simd(m, info, func_idx) from None
        parts.append(main)
        if general:
            resume_parts.append(general)
            resume_defined.add(func_idx)
        env.defined.add(func_idx)
        if on_function:
            on_function(done, len(defined))
    copied_general, copied_entries = set(), set()
    if entry_variants and not whole:
        parts += _inlinable_copies(m, info, env, copied_general, copied_entries)
    if glue:
        parts += _glue(m, env)
    main_ir = _finish(parts, env.declarations(defined_general=env.defined - resume_defined | copied_general,
                                              defined_entries=resume_defined | copied_entries))
    if not entry_variants:
        return main_ir, ""
    resume_ir = _finish(resume_parts, env.declarations(defined_general=resume_defined, defined_entries=set()))
    return main_ir, resume_ir


# Callees defined in another slice whose bodies are at most this many bytes are copied into the caller's
# slice for the inliner: Go's runtime calls tiny functions (atomics, bit helpers) all over.
INLINE_COPY_BYTES = 400


def _inlinable_copies(m: Module, info, env: ModuleEnv, copied_general: set[int], copied_entries: set[int]):
    """`available_externally` copies of the small functions this slice calls but another defines: LLVM
    may inline them and emits no code for them (the other slice's object has the definition)."""
    n_imported = m.num_imported_funcs
    small = [f for f in sorted((env.called | env.called_entries) - env.defined)
             if f >= n_imported and m.code[f - n_imported].end - m.code[f - n_imported].start <= INLINE_COPY_BYTES]
    parts = []
    for func_idx in small:
        main, _ = FunctionTranslator(m, env, FuncValidator(m, info, func_idx), func_idx, DISPATCH).translate()
        if env.has_entry_variant(func_idx):
            if func_idx not in env.called_entries:
                continue
            copied_entries.add(func_idx)
        else:
            copied_general.add(func_idx)
        parts.append(main.replace("define hidden ", "define available_externally hidden ", 1))
    return parts


def _finish(parts: list[str], declarations: list[str]) -> str:
    # Self-recursion must keep growing the stack so runaway recursion reaches the stack-limit trap;
    # tail-recursion elimination would turn it into an endless loop.
    return "\n".join([*parts, *declarations, 'attributes #0 = { "disable-tail-calls"="true" }',
                      '!0 = !{!"branch_weights", i32 1, i32 2000}', *TBAA_NODES]) + "\n"


def _glue(m: Module, env: ModuleEnv) -> list[str]:
    """Entry trampolines and host adapters per distinct signature, and the arrays the loader reads."""
    parts = []
    env.runtime("wasmc_host_call")
    sig_names = {}
    for ft in m.types:
        name = _sig_name(ft)
        if name not in sig_names:
            sig_names[name] = ft
            parts.append(_entry_trampoline(ft, name))
            parts.append(_host_adapter(ft, name))
    n_imported, total = m.num_imported_funcs, len(m.code)
    env.called.update(range(n_imported, n_imported + total))
    funcs = ", ".join(f"ptr @wasm_func_{n_imported + i}" for i in range(total))
    # Where each function's `.entry` copy starts (null: none), so a trap in one is named too.
    variants = ", ".join(f"ptr {env.entry_callee(f)}" if env.has_entry_variant(f) else "ptr null"
                         for f in range(n_imported, n_imported + total))
    entries = ", ".join(f"ptr @wasm_entry_{_sig_name(ft)}" for ft in m.types)
    adapters = ", ".join(f"ptr @wasm_host_{_sig_name(ft)}" for ft in m.types)
    parts.append(f"@wasmc_funcs = constant [{total} x ptr] [{funcs}]")
    parts.append(f"@wasmc_entry_variants = constant [{total} x ptr] [{variants}]")
    parts.append(f"@wasmc_entries = constant [{len(m.types)} x ptr] [{entries}]")
    parts.append(f"@wasmc_host_adapters = constant [{len(m.types)} x ptr] [{adapters}]")
    return parts
