"""Structured control flow: block, loop, if/else, end, branches, return, unreachable, select, drop.

Block results and loop parameters are phis filled in once every edge is known; an `end` reached only by
fall-through reuses the current block instead of opening a new one. Branches to a Go function's resume
switch are threaded by resumable.py.
"""
from __future__ import annotations

from ..abi import TrapKind
from ..errors import DecodeError
from ..wasm.types import ValType
from . import resumable
from .builder import LLVM_TYPE, Value
from .function import Frame, FunctionTranslator


def block_signature(t: FunctionTranslator, imm) -> tuple[list[str], list[str]]:
    """The LLVM types of a blocktype's parameters and results."""
    if imm is None:
        return [], []
    if isinstance(imm, ValType):
        return [], [LLVM_TYPE[imm]]
    ft = t.module.types[imm]
    return [LLVM_TYPE[p] for p in ft.params], [LLVM_TYPE[r] for r in ft.results]


def lower_block(t: FunctionTranslator, op, imm) -> None:
    params, results = block_signature(t, imm)
    t.frames.append(Frame("block", params, results, len(t.stack) - len(params), t.b.new_block("end")))


def lower_loop(t: FunctionTranslator, op, imm) -> None:
    params, results = block_signature(t, imm)
    frame = Frame("loop", params, results, len(t.stack) - len(params), t.b.new_block("end"))
    frame.header = t.b.new_block("loop")
    t.branch_target(frame, t.b.cur.label)
    t.b.br(frame.header)
    t.b.start(frame.header)
    if t.meter is not None:
        # Every back edge passes the check. (The header is then no longer Go's bare resume switch, so
        # resumable.py threads no jump past it, and every iteration is counted.)
        t.meter.check(t)
    # The parameter phis are named now and written at the loop's `end`, when all back edges are known.
    for v in t.popn(len(params)):
        phi = t.b.tmp(v.type)
        frame.header_phis.append(phi)
        t.push(phi)
    t.frames.append(frame)


def lower_if(t: FunctionTranslator, op, imm) -> None:
    cond = t.pop()
    params, results = block_signature(t, imm)
    frame = Frame("if", params, results, len(t.stack) - len(params), t.b.new_block("end"))
    then = t.b.new_block("then")
    frame.else_block = t.b.new_block("else")
    frame.param_values = t.stack[len(t.stack) - len(params):] if params else []
    t.b.cond_br(t.b.is_true(cond), then, frame.else_block)
    t.b.start(then)
    t.frames.append(frame)


def lower_else(t: FunctionTranslator, op, imm) -> None:
    frame = t.frames[-1]
    if t.reachable:
        t.b.br(t.branch_target(frame, t.b.cur.label))
    del t.stack[frame.height:]
    t.stack.extend(frame.param_values)
    frame.has_else = True
    t.b.start(frame.else_block)
    t.reachable = True


def lower_end(t: FunctionTranslator, op, imm) -> None:
    frame = t.frames.pop()
    fallthrough = t.reachable
    if frame.kind == "if" and not frame.has_else:
        # The missing else arm passes the parameters straight through (validation made params == results).
        if fallthrough:
            t.b.br(t.branch_target(frame, t.b.cur.label))
        t.b.start(frame.else_block)
        t.stack[frame.height:] = frame.param_values
        fallthrough = True
    if frame.kind == "loop":
        for i, phi in enumerate(frame.header_phis):
            t.b.phi(frame.header, phi, [(label, values[i]) for label, values in frame.header_incoming])
        t.reachable = fallthrough     # only fall-through reaches the end of a loop
    elif fallthrough and not frame.incoming:
        t.reachable = True            # only fall-through: keep going in the current block
    else:
        if fallthrough:
            t.b.br(t.branch_target(frame, t.b.cur.label))
        del t.stack[frame.height:]
        if frame.incoming:
            t.b.start(frame.end)
            if len(frame.incoming) == 1:
                t.stack.extend(frame.incoming[0][1])
            else:
                for i, ty in enumerate(frame.results):
                    phi = t.b.tmp(ty)
                    t.b.phi(frame.end, phi, [(label, values[i]) for label, values in frame.incoming])
                    t.push(phi)
            t.reachable = True
        else:
            t.reachable = False
    if frame.kind == "func":
        if t.reachable:
            emit_return(t)
        t.reachable = False
    elif not t.frames:
        raise DecodeError("unexpected end")


def emit_return(t: FunctionTranslator) -> None:
    if t.meter is not None:
        t.meter.save(t)
    t.b.ret(t.popn(len(t.result_types)))
    t.reachable = False


def lower_return(t: FunctionTranslator, op, imm) -> None:
    emit_return(t)


def lower_br(t: FunctionTranslator, op, depth: int) -> None:
    frame = t.frame_at(depth)
    if frame.kind == "func":
        emit_return(t)
        return
    target = resumable.threaded_target(t, frame)
    t.b.br(target or t.branch_target(frame, t.b.cur.label))
    t.reachable = False


def lower_br_if(t: FunctionTranslator, op, depth: int) -> None:
    cond = t.pop()
    c = t.b.is_true(cond)
    frame = t.frame_at(depth)
    cont = t.b.new_block("cont")
    unlikely = resumable.unwind_is_unlikely(t, cond)
    if frame.kind == "func":
        ret = t.b.new_block("ret")
        t.b.cond_br(c, ret, cont, unlikely)
        t.b.start(ret)
        saved = list(t.stack)
        emit_return(t)
        t.stack = saved
    else:
        t.b.cond_br(c, t.branch_target(frame, t.b.cur.label), cont, unlikely)
    t.b.start(cont)
    t.reachable = True


def lower_br_table(t: FunctionTranslator, op, imm) -> None:
    targets, default = imm
    index = t.pop()
    label = t.b.cur.label
    ret_block = None

    def dest(depth: int):
        nonlocal ret_block
        frame = t.frame_at(depth)
        if frame.kind == "func":
            if ret_block is None:
                ret_block = t.b.new_block("ret")
            return ret_block
        return t.branch_target(frame, label)   # one phi entry per switch edge, as LLVM requires

    # Go's resume switch is a br_table too: remember its cases for jump threading.
    resumable.note_switch(t, index, targets, default)
    cases = [dest(d) for d in targets]
    t.b.switch(index, dest(default), cases)
    if ret_block is not None:
        t.b.start(ret_block)
        emit_return(t)
    t.reachable = False


def lower_unreachable(t: FunctionTranslator, op, imm) -> None:
    t.trap(TrapKind.UNREACHABLE)


def lower_nop(t: FunctionTranslator, op, imm) -> None:
    pass


def lower_drop(t: FunctionTranslator, op, imm) -> None:
    # A dropped load still traps when out of bounds: its check (memory.address) is not its value.
    t.pop()


def lower_select(t: FunctionTranslator, op, imm) -> None:
    # Plain select on the values' bits: no float semantics, so NaN payloads survive.
    cond, b = t.pop(), t.pop()
    a = t.pop()
    t.push(t.b.select(t.b.is_true(cond), a, b))


# In unreachable code the validator keeps stepping (the spec validates dead code) while lowering waits
# for the `else` or `end` that makes code reachable again.
def enter_dead(t: FunctionTranslator, op, imm) -> None:
    t.dead_depth += 1


def else_dead(t: FunctionTranslator, op, imm) -> None:
    if not t.dead_depth:
        lower_else(t, op, imm)


def end_dead(t: FunctionTranslator, op, imm) -> None:
    if t.dead_depth:
        t.dead_depth -= 1
    else:
        lower_end(t, op, imm)


HANDLERS = {
    "block": lower_block, "loop": lower_loop, "if": lower_if, "else": lower_else, "end": lower_end,
    "br": lower_br, "br_if": lower_br_if, "br_table": lower_br_table, "return": lower_return,
    "unreachable": lower_unreachable, "nop": lower_nop, "drop": lower_drop,
    "select": lower_select, "select_t": lower_select,
}
UNREACHABLE_HANDLERS = {"block": enter_dead, "loop": enter_dead, "if": enter_dead,
                        "else": else_dead, "end": end_dead}
