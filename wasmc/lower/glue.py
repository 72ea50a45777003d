"""The glue between the host and a module's functions: per distinct signature an entry trampoline (host ->
wasm, arguments and results in 8-byte slots, two for a v128) and a host adapter (wasm -> a host function), and
the arrays the loader reads: @wasmc_funcs and @wasmc_direct_copies (by defined index), @wasmc_entries and
@wasmc_host_adapters (by type_idx). runtime_c/wasmc_rt.h describes the calling conventions.
"""
from __future__ import annotations

from ..abi import signature, slot_indices, slots_needed
from ..wasm.module import Module
from ..wasm.types import FuncType
from .builder import LLVM_TYPE, V128, Declarations, in_results, results_type
from .env import ModuleEnv


def _align(lt: str) -> str:
    """Slots are 8-byte aligned; LLVM would assume a v128 in them 16-byte aligned."""
    return ", align 8" if lt == V128 else ""


def _entry_trampoline(ft: FuncType, name: str) -> str:
    lines = [f"define internal void @wasm_entry_{name}(ptr %vmctx, ptr %callee, ptr %slots) {{"]
    args = ["ptr %vmctx"]
    for i, (ty, slot) in enumerate(zip(ft.params, slot_indices(ft.params))):
        lt = LLVM_TYPE[ty]
        lines.append(f"  %ap{i} = getelementptr i64, ptr %slots, i64 {slot}")
        lines.append(f"  %a{i} = load {lt}, ptr %ap{i}{_align(lt)}")
        args.append(f"{lt} %a{i}")
    ret = results_type([LLVM_TYPE[r] for r in ft.results])
    call = f"call {ret} %callee({', '.join(args)})"
    lines.append(f"  {call}" if ret == "void" else f"  %r = {call}")
    for i, (ty, slot) in enumerate(zip(ft.results, slot_indices(ft.results))):
        lt = LLVM_TYPE[ty]
        val = "%r"
        if len(ft.results) > 1:      # a float as its bits (builder.in_results), stored as such
            lt = in_results(lt)
            lines.append(f"  %r{i} = extractvalue {ret} %r, {i}")
            val = f"%r{i}"
        lines.append(f"  %rp{i} = getelementptr i64, ptr %slots, i64 {slot}")
        lines.append(f"  store {lt} {val}, ptr %rp{i}{_align(lt)}")
    lines += ["  ret void", "}"]
    return "\n".join(lines)


def _host_adapter(ft: FuncType, name: str) -> str:
    params = ", ".join(["ptr %host"] + [f"{LLVM_TYPE[t]} %a{i}" for i, t in enumerate(ft.params)])
    ret = results_type([LLVM_TYPE[r] for r in ft.results])
    lines = [f"define internal {ret} @wasm_host_{name}({params}) {{",
             f"  %slots = alloca [{slots_needed(ft)} x i64], align 8"]
    for i, (ty, slot) in enumerate(zip(ft.params, slot_indices(ft.params))):
        lines.append(f"  %ap{i} = getelementptr i64, ptr %slots, i64 {slot}")
        lines.append(f"  store {LLVM_TYPE[ty]} %a{i}, ptr %ap{i}{_align(LLVM_TYPE[ty])}")
    lines.append("  call void @wasmc_host_call(ptr %host, ptr %slots)")
    agg = "undef"
    for i, (ty, slot) in enumerate(zip(ft.results, slot_indices(ft.results))):
        lt = LLVM_TYPE[ty] if len(ft.results) == 1 else in_results(LLVM_TYPE[ty])
        lines.append(f"  %rp{i} = getelementptr i64, ptr %slots, i64 {slot}")
        lines.append(f"  %r{i} = load {lt}, ptr %rp{i}{_align(lt)}")
        if len(ft.results) > 1:
            lines.append(f"  %g{i} = insertvalue {ret} {agg}, {lt} %r{i}, {i}")
            agg = f"%g{i}"
    if not ft.results:
        lines.append("  ret void")
    elif len(ft.results) == 1:
        lines.append(f"  ret {ret} %r0")
    else:
        lines.append(f"  ret {ret} {agg}")
    lines.append("}")
    return "\n".join(lines)


def glue(m: Module, env: ModuleEnv, decls: Declarations, names: dict | None = None) -> list[str]:
    """Entry trampolines and host adapters per distinct signature, and the arrays the loader reads.
    `names`: func_idx -> (symbol, direct-call copy's symbol or None) of each defined function, when
    they are not this module's own `wasm_func_N` (functions linked from the function cache; the
    arrays must name real definitions, not the linker script's aliases)."""
    parts = []
    decls.runtime.add("wasmc_host_call")
    sig_names = {}
    for ft in m.types:
        name = signature(ft)
        if name not in sig_names:
            sig_names[name] = ft
            parts.append(_entry_trampoline(ft, name))
            parts.append(_host_adapter(ft, name))
    n_imported, total = m.num_imported_funcs, len(m.code)
    defined = range(n_imported, n_imported + total)
    if names is None:
        env.called.update(defined)
        funcs = ", ".join(f"ptr @wasm_func_{f}" for f in defined)
        # Where each function's direct-call copy starts (null: none), so a trap in one is named too.
        variants = ", ".join(f"ptr {env.direct_copy(f)}" if env.has_direct_copy(f) else "ptr null" for f in defined)
    else:
        funcs = ", ".join(f"ptr @{names[f][0]}" for f in defined)
        variants = ", ".join(f"ptr @{names[f][1]}" if names[f][1] else "ptr null" for f in defined)
        for f in defined:
            ft = m.func_type(f)
            ret = results_type([LLVM_TYPE[r] for r in ft.results])
            params = ", ".join(["ptr"] + [LLVM_TYPE[p] for p in ft.params])
            parts.extend(f"declare hidden {ret} @{sym}({params})" for sym in names[f] if sym)
    entries = ", ".join(f"ptr @wasm_entry_{signature(ft)}" for ft in m.types)
    adapters = ", ".join(f"ptr @wasm_host_{signature(ft)}" for ft in m.types)
    parts.append(f"@wasmc_funcs = constant [{total} x ptr] [{funcs}]")
    parts.append(f"@wasmc_direct_copies = constant [{total} x ptr] [{variants}]")
    parts.append(f"@wasmc_entries = constant [{len(m.types)} x ptr] [{entries}]")
    parts.append(f"@wasmc_host_adapters = constant [{len(m.types)} x ptr] [{adapters}]")
    return parts
