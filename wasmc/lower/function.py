"""FunctionTranslator: one pass over a function body that reads, validates and lowers each operator.

It owns the operand stack (Values), the control stack (Frames), locals, and skipping of unreachable
code; handlers in the family modules (control.py, numeric.py, ...) do the lowering and reach the
instance only through ModuleEnv.
"""
from __future__ import annotations

from typing import NamedTuple

from ..abi import TrapKind
from ..errors import DecodeError
from ..wasm.instr import read_op
from ..wasm.module import Module
from ..wasm.reader import Reader
from ..wasm.types import ValType
from .builder import LLVM_TYPE, ZERO, Block, FuncBuilder, Value, results_type
from .env import ModuleEnv

UNLIKELY = "!prof !0"   # module-level metadata: branch_weights 1 : 2000


class Dispatch(NamedTuple):
    """A loop whose header does nothing but `local.get X; br_table`: Go's shape for every function.

    `targets[K]` is where the br_table sends K (None: a target that needs the header itself), so a
    branch to the loop right after `i32.const K; local.set X` can go straight there (see lower_br)."""
    local: int
    targets: list
    default: object


class Frame:
    """A control frame. Branches to a loop go to its header, to anything else to its end."""
    __slots__ = ("kind", "params", "results", "height", "end", "header", "header_phis", "incoming",
                 "header_incoming", "else_block", "param_values", "has_else", "dispatch")

    def __init__(self, kind: str, params, results, height: int, end: Block):
        self.kind = kind
        self.params = params
        self.results = results
        self.height = height
        self.end = end
        self.header: Block | None = None
        self.header_phis: list[str] = []
        self.incoming: list[tuple[str, list[str]]] = []          # (predecessor label, result refs)
        self.header_incoming: list[tuple[str, list[str]]] = []
        self.else_block: Block | None = None
        self.param_values: list[Value] = []
        self.has_else = False
        self.dispatch: Dispatch | None = None     # a loop whose header is a br_table on a local

    @property
    def label_types(self):
        return self.params if self.kind == "loop" else self.results


class FunctionTranslator:
    def __init__(self, module: Module, env: ModuleEnv, validator, func_idx: int, dispatch):
        self.module = module
        self.env = env
        self.validator = validator
        self.func_idx = func_idx
        self.dispatch = dispatch
        self.type = module.func_type(func_idx)
        self.body = module.code[func_idx - module.num_imported_funcs]
        self.b = FuncBuilder()
        self.stack: list[Value] = []
        self.frames: list[Frame] = []
        self.reachable = True
        self.dead_depth = 0
        self.locals: list[tuple[ValType, str]] = []          # (type, alloca name)
        self.entry = Block("entry")
        self.entry_cache: dict[str, str] = {}
        self.traps: dict[int, Block] = {}
        self.promoted: set[str] = set()        # results of f64.promote_f32 (convert.py)
        self.last_load: tuple[str, list[str], int] | None = None   # (result, block lines, line index)
        self.last_local_get: tuple[str, int] | None = None          # (result, local index)
        # The last `local.set X` of a constant: (X, K, block, its line count right after the store).
        # While the block has not grown since, local X still holds K (see control.lower_br).
        self.const_set: tuple[int, int, Block, int] | None = None
        self.last_call_result: str | None = None
        self.go_shaped = False      # a loop of this function dispatches on a local (control.py)

    # --- stacks --------------------------------------------------------------------------------
    def push(self, v: Value) -> None:
        self.stack.append(v)

    def pop(self) -> Value:
        return self.stack.pop()

    def popn(self, n: int) -> list[Value]:
        if n == 0:
            return []
        vals = self.stack[-n:]
        del self.stack[-n:]
        return vals

    # --- entry block -----------------------------------------------------------------------------
    def entry_value(self, expr: str) -> str:
        self.b.counter += 1
        name = f"%t{self.b.counter}"
        self.entry.lines.append(f"{name} = {expr}")
        return name

    def entry_load(self, key: str, expr: str) -> str:
        v = self.entry_cache.get(key)
        if v is None:
            v = self.entry_cache[key] = self.entry_value(expr)
        return v

    # --- traps -------------------------------------------------------------------------------------
    def trap_block(self, kind: TrapKind) -> Block:
        blk = self.traps.get(kind)
        if blk is None:
            blk = self.traps[kind] = Block(f"trap_{kind.name.lower()}")
        return blk

    def trap_if(self, cond: str, kind: TrapKind) -> None:
        """Branch (marked unlikely) to this function's cold block for `kind` when cond is true."""
        cont = self.b.new_block("ok")
        self.b.cond_br(cond, self.trap_block(kind), cont, ", " + UNLIKELY)
        self.b.start(cont)

    def trap(self, kind: TrapKind) -> None:
        self.b.br(self.trap_block(kind))
        self.reachable = False

    # --- branches ----------------------------------------------------------------------------------
    def frame_at(self, depth: int) -> Frame:
        return self.frames[-1 - depth]

    def branch_target(self, frame: Frame, label: str) -> Block:
        """Record an edge from `label` to `frame`'s target carrying the top label values."""
        n = len(frame.label_types)
        refs = [v.ref for v in self.stack[len(self.stack) - n:]] if n else []
        if frame.kind == "loop":
            frame.header_incoming.append((label, refs))
            return frame.header
        frame.incoming.append((label, refs))
        return frame.end

    def phis(self, types, incoming) -> list[str]:
        """Phi lines joining `incoming` edges; returns their names via self.stack pushes."""
        names = []
        for i, ty in enumerate(types):
            name = self.b.tmp()
            pairs = ", ".join(f"[ {refs[i]}, %{label} ]" for label, refs in incoming)
            names.append((name, f"{name} = phi {LLVM_TYPE[ty]} {pairs}"))
        return names

    # --- the pass ----------------------------------------------------------------------------------
    def translate(self) -> tuple[str, str]:
        """The function's IR, and for a resumable function with an entry variant, the general
        function's IR, which goes to a separate module (lower_module_pair)."""
        t = self.type
        params = ", ".join(["ptr %vmctx"] + [f"{LLVM_TYPE[p]} %p{i}" for i, p in enumerate(t.params)])
        self.b.blocks.append(self.entry)
        for i, p in enumerate(t.params):
            name = f"%l{i}"
            self.entry.lines.append(f"{name} = alloca {LLVM_TYPE[p]}")
            self.entry.lines.append(f"store {LLVM_TYPE[p]} %p{i}, ptr {name}")
            self.locals.append((p, name))
        for ty in self.body.locals:
            name = f"%l{len(self.locals)}"
            self.entry.lines.append(f"{name} = alloca {LLVM_TYPE[ty]}")
            self.entry.lines.append(f"store {LLVM_TYPE[ty]} {ZERO[ty]}, ptr {name}")
            self.locals.append((ty, name))
        body = self.b.new_block("body")
        func_end = self.b.new_block("return")
        self.frames.append(Frame("func", (), t.results, 0, func_end))
        self.b.start(body)

        self._run()

        # Entry: stack-limit check, then the body. The stack pointer, not the frame address: asking
        # for the frame address forces a frame pointer, and costs every function a register.
        limit = self.env.stack_limit(self)
        frame = self.entry_value("call ptr @llvm.stacksave.p0()")
        sp = self.entry_value(f"ptrtoint ptr {frame} to i64")
        low = self.entry_value(f"icmp ult i64 {sp}, {limit}")
        self.env.intrinsic("llvm.stacksave.p0", "declare ptr @llvm.stacksave.p0()")
        self.entry.lines.append(f"br i1 {low}, label %{self.trap_block(TrapKind.STACK_EXHAUSTED).label}, "
                                f"label %{body.label}, {UNLIKELY}")
        trap_fn = self.env.runtime("wasmc_trap")
        for kind, blk in self.traps.items():
            blk.lines.append(f"call void {trap_fn}(ptr %vmctx, i32 {int(kind)})")
            blk.lines.append("unreachable")
            self.b.blocks.append(blk)
        ret = results_type(t.results)
        head = f"define {self.env.linkage} {ret} @wasm_func_{self.func_idx}"
        if not self.env.has_entry_variant(self.func_idx):
            return f"{head}({params}) #0 {{\n{self.b.text()}\n}}\n", ""
        return self._entry_variant(head, params, ret)

    def _entry_variant(self, head: str, params: str, ret: str) -> tuple[str, str]:
        """A resumable function as two with the same signature: `.entry`, the body with parameter 0
        fixed to 0 (what direct calls pass), for the optimizer; and the general function, which
        tail-calls `.entry` for 0 and keeps the body only for resuming (ModuleEnv.resumable)."""
        first_param = f"store i32 %p0, ptr {self.locals[0][1]}"
        text = self.b.text()
        assert text.count("%p0") == 1 and first_param in text
        entry = f"{head}.entry({params}) #0 {{\n" \
                f"{text.replace(first_param, f'store i32 0, ptr {self.locals[0][1]}')}\n}}\n"
        # The locals' allocas stay in the entry block (SROA promotes only those); the rest of it
        # moves behind the test, so a forwarded call costs a compare and a jump.
        n_alloca_lines = 2 * len(self.locals)
        prologue = Block("prologue")
        prologue.lines = self.entry.lines[n_alloca_lines:]        # ends with the stack check
        forward = Block("direct_call")
        args = ", ".join(f"{LLVM_TYPE[p]} %p{i}" for i, p in enumerate(self.type.params))
        call = f"musttail call {ret} {self.env.entry_callee(self.func_idx)}(ptr %vmctx, {args})"
        forward.lines = [call, "ret void"] if ret == "void" else [f"%forwarded = {call}", f"ret {ret} %forwarded"]
        self.entry.lines[n_alloca_lines:] = [
            "%direct = icmp eq i32 %p0, 0", f"br i1 %direct, label %{forward.label}, label %{prologue.label}"]
        self.b.blocks[1:1] = [forward, prologue]
        return entry, f"{head}({params}) #0 {{\n{self.b.text()}\n}}\n"

    def _run(self) -> None:
        m = self.module
        r = Reader(m.data, self.body.start, self.body.end)
        step = self.validator.step
        dispatch = self.dispatch
        from . import control
        while r.pos < r.end:
            at = r.pos
            op, imm = read_op(r)
            step(op, imm, at)
            if self.reachable:
                dispatch[op](self, op, imm)
            elif op.name in ("block", "loop", "if"):
                self.dead_depth += 1
            elif op.name == "end":
                if self.dead_depth:
                    self.dead_depth -= 1
                else:
                    control.lower_end(self, op, imm)
            elif op.name == "else" and not self.dead_depth:
                control.lower_else(self, op, imm)
        if self.frames:
            raise DecodeError("unexpected end of section or function", r.pos)
