"""LLVM in one place: target machine, data layout, the pass pipeline per -O level, object/asm output."""
from __future__ import annotations

import functools

import llvmlite.binding as llvm


@functools.cache
def _init() -> None:
    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()
    llvm.initialize_all_targets()
    llvm.initialize_all_asmprinters()
    llvm.initialize_native_asmparser()    # inline asm with text: the function cache's link constants


def target_machine(opt_level: int = 2, triple: str | None = None, host_cpu: bool = False):
    """A target machine for `triple` (default: this host). Portable CPU unless host_cpu is set.

    Code is position independent so the same object serves the in-process loader and the linker."""
    _init()
    target = llvm.Target.from_triple(triple or llvm.get_process_triple())
    cpu, features = ("", "")
    if host_cpu and triple is None:
        cpu, features = llvm.get_host_cpu_name(), llvm.get_host_cpu_features().flatten()
    return target.create_target_machine(cpu=cpu, features=features, opt=codegen_level(opt_level), reloc="pic",
                                        codemodel="small")


def parse(ir_text: str, tm) -> "llvm.ModuleRef":
    _init()
    mod = llvm.parse_assembly(ir_text)
    mod.triple = tm.triple
    mod.data_layout = str(tm.target_data)
    mod.verify()
    return mod


# -O1 is a light pipeline, not LLVM's: promoting locals to SSA, instcombine and CFG simplification give
# nearly the object code of -O2 on Go binaries at under half the compile time (a quarter of Go hello:
# 6.2 s against 13.9 s of CPU, objects 1.17 MB against 1.21 MB). Code generation still runs at -O2.
LIGHT_PASSES = ("sroa", "instruction_combine", "simplify_cfg")


def codegen_level(opt_level: int) -> int:
    return 0 if opt_level <= 0 else max(2, min(opt_level, 3))


def optimize(mod, tm, opt_level: int) -> None:
    """-O0 runs nothing, -O1 the light pipeline, -O2/-O3 LLVM's standard module pipelines."""
    if opt_level <= 0:
        return
    pb = llvm.create_pass_builder(tm, llvm.create_pipeline_tuning_options(speed_level=min(opt_level, 3)))
    if opt_level == 1:
        fpm = llvm.create_new_function_pass_manager()
        for name in LIGHT_PASSES:
            getattr(fpm, f"add_{name}_pass")()
        for fn in mod.functions:
            if not fn.is_declaration:
                fpm.run(fn, pb)
        return
    pb.getModulePassManager().run(mod, pb)


# The general copies of resumable functions run only after a goroutine switch, until they return: the
# light pipeline is enough for them (compile.lower, lower_module_pair), and below -O3 the fast code
# generator too. On the Go benchmarks that takes 25-37% off an -O2 compile and costs goroutine-heavy
# code 10-15%; -O3 spends the time.
RESUME_OPT_LEVEL = 1


def resume_codegen_level(opt_level: int) -> int:
    return opt_level if opt_level >= 3 else 0


def optimized_module(ir_text: str, tm, opt_level: int):
    """Parse `ir_text` and optimize it at `opt_level`."""
    mod = parse(ir_text, tm)
    optimize(mod, tm, opt_level)
    return mod


def resume_object(resume_ir: str, opt_level: int, triple: str | None, host_cpu: bool) -> bytes:
    """The object code of the general copies of resumable functions (RESUME_OPT_LEVEL)."""
    tm = target_machine(resume_codegen_level(opt_level), triple, host_cpu)
    return tm.emit_object(optimized_module(resume_ir, tm, RESUME_OPT_LEVEL))
