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


# The CPU code is compiled for unless told otherwise (`wasmc compile`'s default, --cpu portable), by
# architecture. x86-64-v2 (SSE3, SSSE3, SSE4.1, SSE4.2, POPCNT: every x86-64 CPU since 2008-2011) has the
# byte shuffles, blends, rounding, lane inserts and extracts and 64-bit lane compares that SIMD code
# needs; without SSSE3 and SSE4.1 LLVM turns many Wasm SIMD operators into long scalar sequences or
# libm calls. NEON is part of every AArch64 CPU, so LLVM's generic AArch64 CPU already has it.
PORTABLE_CPU = {"x86_64": "x86-64-v2", "aarch64": "generic"}

# The x86-64 levels `wasmc compile --cpu` offers and the features each adds to the one before, in the
# names of GCC's and clang's __builtin_cpu_supports: an executable checks them before it runs
# (runtime_c/main.c), so a CPU without them gets a message instead of SIGILL. (Each level has a few
# more features, such as CMPXCHG16B or MOVBE, that every CPU with the ones listed has as well.)
X86_64_LEVELS = {
    "x86-64-v2": ("sse3", "ssse3", "sse4.1", "sse4.2", "popcnt"),
    "x86-64-v3": ("avx", "avx2", "bmi", "bmi2", "fma"),
    "x86-64-v4": ("avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"),
}


def level_features(level: str) -> tuple[str, ...]:
    """Every feature an x86-64 level requires, its predecessors' included."""
    names = list(X86_64_LEVELS)
    return tuple(f for lvl in names[:names.index(level) + 1] for f in X86_64_LEVELS[lvl])


def _cpu_choice(triple: str | None, host_cpu: bool | str) -> tuple[str, str, str]:
    """(LLVM CPU, LLVM feature string, requirement) for code for `triple` (None: this host). host_cpu:
    True for this machine's CPU (when triple is None), an x86-64 level name, or False for the portable
    baseline (PORTABLE_CPU). The requirement is what the code needs of a CPU: the CPU's name, then the
    features main.c checks, space-separated."""
    if host_cpu is True and triple is None:
        cpu = llvm.get_host_cpu_name()
        host = llvm.get_host_cpu_features()
        checkable = [f for level in X86_64_LEVELS for f in X86_64_LEVELS[level] if host.get(f)]
        return cpu, host.flatten(), " ".join([cpu, *checkable])
    if isinstance(host_cpu, str):
        return host_cpu, "", " ".join([host_cpu, *level_features(host_cpu)])
    arch = (triple or llvm.get_process_triple()).split("-")[0]
    cpu = PORTABLE_CPU.get(arch, "generic")
    return cpu, "", " ".join([cpu, *(level_features(cpu) if cpu in X86_64_LEVELS else ())])


def target_machine(opt_level: int = 2, triple: str | None = None, host_cpu: bool | str = False):
    """A target machine for `triple` (default: this host). host_cpu: True for every feature of this
    machine's CPU, an x86-64 level of X86_64_LEVELS (`wasmc compile --cpu x86-64-v3`), or False for the
    portable baseline (PORTABLE_CPU).

    Code is position independent so the same object serves the in-process loader and the linker."""
    _init()
    target = llvm.Target.from_triple(triple or llvm.get_process_triple())
    cpu, features, required = _cpu_choice(triple, host_cpu)
    tm = target.create_target_machine(cpu=cpu, features=features, opt=codegen_level(opt_level), reloc="pic",
                                      codemodel="small")
    tm.wasmc_cpu_required = required      # for cpu_requirement_ir, when modules are parsed for it
    return tm


def cpu_requirement_ir(tm) -> str:
    """@wasmc_cpu_required (wasmc_rt.h): what code compiled by `tm` needs of a CPU, which an executable
    checks before it runs. Every object defines it the same (weak_odr: the linker keeps one), so an
    executable has it whichever objects it is linked from."""
    text = tm.wasmc_cpu_required              # letters, digits, '.', '-' and spaces: no escapes needed
    return f'@wasmc_cpu_required = weak_odr constant [{len(text) + 1} x i8] c"{text}\\00"\n'


def parse(ir_text: str, tm) -> "llvm.ModuleRef":
    _init()
    mod = llvm.parse_assembly(ir_text + "\n" + cpu_requirement_ir(tm))
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
