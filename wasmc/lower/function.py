"""FunctionTranslator: one pass over a function body that reads, validates and lowers each operator.

It owns the operand stack (Values), the control stack (Frames), locals, the per-function trap blocks and
skipping of unreachable code; handlers in the family modules (control.py, numeric.py, ...) do the
lowering, reach the instance only through ModuleEnv and write IR only through the FuncBuilder.
"""
from __future__ import annotations

from ..abi import TrapKind
from ..errors import DecodeError, ValidationError
from ..wasm.instr import read_op
from ..wasm.module import Module
from ..wasm.reader import Reader
from ..wasm.validate import VALIDATORS, FuncValidator
from .builder import (I32, I64, LLVM_TYPE, PTR, VMCTX, Block, Declarations, FuncBuilder, Value, const_int,
                      define, results_type, zero)
from .meter import Meter


class Frame:
    """A control frame. Branches to a loop go to its header, to anything else to its end."""
    __slots__ = ("kind", "params", "results", "height", "end", "header", "header_phis", "incoming",
                 "header_incoming", "else_block", "param_values", "has_else", "resume_switch")

    def __init__(self, kind: str, params: list[str], results: list[str], height: int, end: Block):
        self.kind = kind
        self.params = params                  # LLVM types
        self.results = results
        self.height = height
        self.end = end
        self.header: Block | None = None
        self.header_phis: list[Value] = []
        self.incoming: list[tuple[str, list[Value]]] = []         # (predecessor label, result values)
        self.header_incoming: list[tuple[str, list[Value]]] = []
        self.else_block: Block | None = None
        self.param_values: list[Value] = []
        self.has_else = False
        self.resume_switch = None     # a loop whose header is Go's resume switch (resumable.py)

    @property
    def label_types(self) -> list[str]:
        return self.params if self.kind == "loop" else self.results


class Recent:
    """What the operators just lowered left behind for a later handler to use. Every fact names the
    value or block it is about, so a stale fact never matches by accident.

    local_get   (value, local index) of the last local.get: is a br_table index a local? (resumable.py)
    const_local (local index, constant, block, its line count just after the store) of the last
                local.set of an i32 constant: while the block has not grown, the local holds it
                (the jump threading in resumable.py)
    call_result the result of the last call returning one value (the `call; br_if` unwind, resumable.py)
    promoted    results of f64.promote_f32, for demote(promote(x)) (convert.py)
    """
    __slots__ = ("local_get", "const_local", "call_result", "promoted")

    def __init__(self):
        self.local_get: tuple[Value, int] | None = None
        self.const_local: tuple[int, int, Block, int] | None = None
        self.call_result: Value | None = None
        self.promoted: set[str] = set()


class FunctionTranslator:
    def __init__(self, module: Module, env, validator: FuncValidator, func_idx: int, steps,
                 decls: Declarations):
        # env: the ModuleEnv (env.py), the only way to the instance's layout and indices
        self.module = module
        self.env = env
        self.validator = validator
        self.func_idx = func_idx
        self.steps = steps                      # dispatch.Steps: lowering by Op.index
        ft = module.func_type(func_idx)
        self.param_types = [LLVM_TYPE[p] for p in ft.params]
        self.result_types = [LLVM_TYPE[r] for r in ft.results]
        self.body = module.code[func_idx - module.num_imported_funcs]
        self.b = FuncBuilder(decls)
        self.stack: list[Value] = []
        self.frames: list[Frame] = []
        self.reachable = True
        self.dead_depth = 0
        self.locals: list[tuple[str, Value]] = []          # (LLVM type, stack slot)
        self.hoisted: dict[str, Value] = {}                # loaded once per function, in the entry block
        self.traps: dict[int, Block] = {}
        self.at = 0                             # body offset of the operator being lowered
        self.recent = Recent()
        self.go_shaped = False      # a loop of this function is a resume switch (resumable.py)
        self.meter = Meter(env.metering) if env.metering else None     # fuel and interrupts (meter.py)

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

    # --- values loaded once per function ---------------------------------------------------------
    def once(self, key: str, make) -> Value:
        """The value `make()` emits into the entry block, made on first use of `key`."""
        v = self.hoisted.get(key)
        if v is None:
            v = self.hoisted[key] = make()
        return v

    # --- traps -------------------------------------------------------------------------------------
    def trap_block(self, kind: TrapKind) -> Block:
        blk = self.traps.get(kind)
        if blk is None:
            blk = self.traps[kind] = Block(f"trap_{kind.name.lower()}")
        return blk

    def trap_if(self, cond: Value, kind: TrapKind) -> None:
        """Branch (marked unlikely) to this function's cold block for `kind` when cond is true."""
        cont = self.b.new_block("ok")
        self.b.cond_br(cond, self.trap_block(kind), cont, unlikely=True)
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
        values = self.stack[len(self.stack) - n:] if n else []
        if frame.kind == "loop":
            frame.header_incoming.append((label, values))
            return frame.header
        frame.incoming.append((label, values))
        return frame.end

    # --- the pass ----------------------------------------------------------------------------------
    def translate(self) -> FunctionTranslator:
        """Lower the whole body; the function is then rendered by render() (or resumable.py)."""
        n_params = len(self.param_types)
        for i, ty in enumerate(self.param_types + [LLVM_TYPE[t] for t in self.body.locals]):
            self.locals.append((ty, Value(PTR, f"%l{i}")))
        self.params = [VMCTX] + [Value(ty, f"%p{i}") for i, ty in enumerate(self.param_types)]
        self.initial = self.params[1:] + [zero(ty) for ty, _ in self.locals[n_params:]]
        body = self.b.new_block("body")
        func_end = self.b.new_block("return")
        self.frames.append(Frame("func", [], self.result_types, 0, func_end))
        self.b.start(body)
        if self.meter is not None:
            self.meter.function_entry(self)

        self._run()

        # Entry: stack-limit check, then the body. The stack pointer, not the frame address: asking
        # for the frame address forces a frame pointer, and costs every function a register.
        b = self.b
        limit = self.env.stack_limit(self)
        sp = b.entry_cast("ptrtoint", b.entry_call(PTR, "llvm.stacksave.p0"), I64)
        b.entry_branch(b.entry_compare("ult", sp, limit), self.trap_block(TrapKind.STACK_EXHAUSTED), body)
        for kind, blk in self.traps.items():
            b.start(blk)
            b.call_runtime("wasmc_trap", [VMCTX, const_int(I32, int(kind))])
            b.unreachable()
        return self

    @property
    def symbol(self) -> str:
        return self.env.definition(self.func_idx)

    @property
    def ret_type(self) -> str:
        return results_type(self.result_types)

    def slots_block(self, first_param: Value | None = None) -> Block:
        """An entry block defining the locals' slots with their initial values (parameter 0's
        replaced by `first_param` if given)."""
        blk = Block("entry")
        for i, (ty, slot) in enumerate(self.locals):
            self.b.alloca(ty, slot, blk)
            init = first_param if i == 0 and first_param is not None else self.initial[i]
            self.b.store(init, slot, block=blk)
        if self.meter is not None:
            self.meter.define_slot(self, blk)
        return blk

    def render(self, linkage: str, name: str | None = None, first_param: Value | None = None) -> str:
        """The function's definition: slots, the hoisted loads and the stack check, then the body."""
        entry = self.slots_block(first_param)
        entry.lines += self.b.entry.lines
        body = self.b.text([entry] + self.b.blocks)
        return define(linkage, self.ret_type, name or self.symbol, self.params, body)

    def _run(self) -> None:
        m = self.module
        r = Reader(m.data, self.body.start, self.body.end)
        v = self.validator
        check, lower, skip = VALIDATORS, self.steps.lower, self.steps.unreachable
        while r.pos < r.end:
            at = r.pos
            op, imm = read_op(r)
            self.at = at
            i = op.index
            try:
                if v.done:
                    raise DecodeError("operators remaining after end of function")
                check[i](v, imm)
            except (ValidationError, DecodeError) as e:
                raise v.locate(e, at) from None
            if self.reachable:
                lower[i](self, op, imm)
            else:
                skip[i](self, op, imm)
        if self.frames:
            raise DecodeError("unexpected end of section or function", r.pos)
