"""Structured control flow: block, loop, if/else, end, branches, return, unreachable, select, drop.

Block results and loop parameters are phis filled in once every edge is known; an `end` reached only by
fall-through reuses the current block instead of opening a new one.
"""
from __future__ import annotations

from ..abi import TrapKind
from ..errors import DecodeError
from ..wasm.types import ValType
from .builder import LLVM_TYPE, Value, results_type
from .function import UNLIKELY, Dispatch, Frame, FunctionTranslator


def block_signature(t: FunctionTranslator, imm):
    if imm is None:
        return (), ()
    if isinstance(imm, ValType):
        return (), (imm,)
    ft = t.module.types[imm]
    return ft.params, ft.results


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
    # The parameter phis are named now and written at the loop's `end`, when all back edges are known.
    args = t.popn(len(params))
    for v in args:
        name = t.b.tmp()
        frame.header_phis.append(name)
        t.push(Value(v.type, name))
    t.frames.append(frame)


def lower_if(t: FunctionTranslator, op, imm) -> None:
    cond = t.pop()
    params, results = block_signature(t, imm)
    frame = Frame("if", params, results, len(t.stack) - len(params), t.b.new_block("end"))
    then = t.b.new_block("then")
    frame.else_block = t.b.new_block("else")
    frame.param_values = t.stack[len(t.stack) - len(params):] if params else []
    c = t.b.op(f"icmp ne i32 {cond.ref}, 0")
    t.b.cond_br(c, then, frame.else_block)
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
    if frame.kind == "loop" and frame.header_phis:
        for i, name in enumerate(frame.header_phis):
            ty = LLVM_TYPE[frame.params[i]]
            pairs = ", ".join(f"[ {refs[i]}, %{label} ]" for label, refs in frame.header_incoming)
            frame.header.phis.append(f"{name} = phi {ty} {pairs}")
    if frame.kind == "loop":
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
                t.stack.extend(Value(ty, ref) for ty, ref in zip(frame.results, frame.incoming[0][1]))
            else:
                for (name, line), ty in zip(t.phis(frame.results, frame.incoming), frame.results):
                    frame.end.phis.append(line)
                    t.push(Value(ty, name))
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
    results = t.type.results
    vals = t.popn(len(results))
    if not results:
        t.b.terminate("ret void")
    elif len(results) == 1:
        t.b.terminate(f"ret {LLVM_TYPE[results[0]]} {vals[0].ref}")
    else:
        rty = results_type(results)
        agg = "undef"
        for i, v in enumerate(vals):
            agg = t.b.op(f"insertvalue {rty} {agg}, {LLVM_TYPE[v.type]} {v.ref}, {i}")
        t.b.terminate(f"ret {rty} {agg}")
    t.reachable = False


def lower_return(t: FunctionTranslator, op, imm) -> None:
    emit_return(t)


def lower_br(t: FunctionTranslator, op, depth: int) -> None:
    frame = t.frame_at(depth)
    if frame.kind == "func":
        emit_return(t)
        return
    target = threaded_target(t, frame)
    t.b.br(target or t.branch_target(frame, t.b.cur.label))
    t.reachable = False


def threaded_target(t: FunctionTranslator, frame: Frame):
    """Where a branch to a dispatch loop lands when the dispatch local was just set to a constant.

    Go compiles every jump as `i32.const K; local.set 0; br $loop` back to a `br_table` on local 0;
    going straight to case K saves the switch, and lets LLVM see Go's loops as loops."""
    d = frame.dispatch
    cs = t.const_set
    if d is None or cs is None or cs[0] != d.local or cs[2] is not t.b.cur or cs[3] != len(t.b.cur.lines):
        return None
    k = cs[1]
    return d.targets[k] if 0 <= k < len(d.targets) else d.default


def _record_dispatch(t: FunctionTranslator, index, targets, default) -> None:
    """Note on the enclosing loop that its header is just `local.get X; br_table` (Frame.dispatch)."""
    get = t.last_local_get
    if get is None or get[0] != index.ref:
        return
    loop = next((f for f in reversed(t.frames) if f.kind != "block"), None)
    if loop is None or loop.kind != "loop" or loop.params or loop.header is not t.b.cur \
            or len(loop.header.lines) != 1:
        return

    def landing(depth: int):
        f = t.frame_at(depth)
        return f.end if f.kind == "block" and not f.results else None

    loop.dispatch = Dispatch(get[1], [landing(d) for d in targets], landing(default))
    t.go_shaped = True


def lower_br_if(t: FunctionTranslator, op, depth: int) -> None:
    cond = t.pop()
    c = t.b.op(f"icmp ne i32 {cond.ref}, 0")
    frame = t.frame_at(depth)
    cont = t.b.new_block("cont")
    # In Go's code `call; br_if` leaves the function when the callee unwinds for a goroutine switch:
    # rare, so keep the fall-through path straight.
    weights = ", " + UNLIKELY if t.go_shaped and cond.ref == t.last_call_result else ""
    if frame.kind == "func":
        ret = t.b.new_block("ret")
        t.b.cond_br(c, ret, cont, weights)
        t.b.start(ret)
        saved = list(t.stack)
        emit_return(t)
        t.stack = saved
    else:
        t.b.cond_br(c, t.branch_target(frame, t.b.cur.label), cont, weights)
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

    _record_dispatch(t, index, targets, default)
    cases = " ".join(f"i32 {i}, label %{dest(d).label}" for i, d in enumerate(targets))
    t.b.terminate(f"switch i32 {index.ref}, label %{dest(default).label} [ {cases} ]")
    if ret_block is not None:
        t.b.start(ret_block)
        emit_return(t)
    t.reachable = False


def lower_unreachable(t: FunctionTranslator, op, imm) -> None:
    t.trap(TrapKind.UNREACHABLE)


def lower_nop(t: FunctionTranslator, op, imm) -> None:
    pass


def lower_drop(t: FunctionTranslator, op, imm) -> None:
    v = t.pop()
    # A dropped load must still trap when out of bounds, but LLVM deletes unused loads: make it
    # volatile. (A load feeding only dead arithmetic can still be deleted; see DESIGN notes.)
    if t.last_load is not None and t.last_load[0] == v.ref:
        _, lines, index = t.last_load
        lines[index] = lines[index].replace(" = load ", " = load volatile ", 1)


def lower_select(t: FunctionTranslator, op, imm) -> None:
    # Plain select on the values' bits: no float semantics, so NaN payloads survive.
    cond, b = t.pop(), t.pop()
    a = t.pop()
    c = t.b.op(f"icmp ne i32 {cond.ref}, 0")
    ty = LLVM_TYPE[a.type]
    t.push(Value(a.type, t.b.op(f"select i1 {c}, {ty} {a.ref}, {ty} {b.ref}")))


HANDLERS = {
    "block": lower_block, "loop": lower_loop, "if": lower_if, "else": lower_else, "end": lower_end,
    "br": lower_br, "br_if": lower_br_if, "br_table": lower_br_table, "return": lower_return,
    "unreachable": lower_unreachable, "nop": lower_nop, "drop": lower_drop,
    "select": lower_select, "select_t": lower_select,
}
