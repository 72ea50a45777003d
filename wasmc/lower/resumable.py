"""Go-shaped (resumable) functions: the shape Go gives every function on wasm, and what wasmc does with it.

The shape. Go cannot switch goroutines on wasm's own call stack, so every function can be left halfway and
entered again where it left off. Parameter 0 says where to resume (a direct call passes 0), and the body
is one loop around a switch on it, the *resume switch*:

    (func $f (param $resume i32) ... (result i32)
      global.get $sp  local.set $frame        ;; zero or more: save the stack pointer, open blocks
      block block block ...                   ;; one block per resume point
        loop $top
          local.get 0
          br_table 0 1 2 ... )                ;; the resume switch: case K is resume point K
      ...
      i32.const K  local.set 0  br $top       ;; every jump inside the function goes through the switch
      call $g  br_if $unwind                  ;; $g returned 1: a goroutine switch, unwind to the caller

What wasmc does with it:
1. Detection (Resumable): a defined function whose first parameter is an i32 and whose first operators
   are only global.get, local.set, block and loop before `local.get 0; br_table`. It is decided from the
   first operators alone, so every slice of a parallel compile agrees without lowering the callee.
2. Jump threading (note_switch, threaded_target): when br_table lowers the switch, the loop remembers
   where each case lands; a `br $top` right after `i32.const K; local.set 0` then branches straight to
   case K. That saves the switch on every jump and lets LLVM see Go's loops as loops.
3. Unwinding is rare (unwind_is_unlikely): in a Go-shaped function `call; br_if` on the call's result
   leaves the function only for a goroutine switch, so that branch is marked unlikely.
4. Direct-call copies (render, from -O2): the resume switch can enter any block, loop bodies included,
   which leaves LLVM with irreducible loops and no loop optimization. Each resumable function also gets
   `wasm_func_N.direct`, the same body with parameter 0 fixed to 0, whose loops are natural; direct calls
   that pass 0 call it (direct_call_target). The general function tail-calls the copy when parameter 0
   is 0 and keeps its body only for resuming; compile.py puts it in a second IR module that is
   optimized lightly, since only a goroutine switch ever runs it.
"""
from __future__ import annotations

from typing import NamedTuple

from ..fcache.canonical import opens_with_resume_switch
from ..wasm.module import Module
from ..wasm.types import ValType
from .builder import I32, Block, Value, const_int, define
from .function import Frame, FunctionTranslator

class Resumable:
    """Which defined functions of a module are resumable (step 1 of the module docstring; the scan of
    the first operators is fcache/canon.c's canon_resumable, shared with the function cache)."""

    def __init__(self, module: Module):
        self.module = module
        self._known: dict[int, bool] = {}

    def __contains__(self, func_idx: int) -> bool:
        known = self._known.get(func_idx)
        if known is None:
            m = self.module
            ft = m.func_type(func_idx)
            known = self._known[func_idx] = (
                func_idx >= m.num_imported_funcs and bool(ft.params) and ft.params[0] is ValType.I32
                and opens_with_resume_switch(m, func_idx - m.num_imported_funcs))
        return known


class ResumeSwitch(NamedTuple):
    """A loop whose header is nothing but `local.get X; br_table`.

    `targets[K]` is where the br_table sends K (None: a target that needs the header itself), so a
    branch to the loop right after `i32.const K; local.set X` can go straight there."""
    local: int
    targets: list
    default: object


def note_switch(t: FunctionTranslator, index: Value, targets, default) -> None:
    """Called by br_table: if it is a resume switch, remember its cases on the loop (step 2)."""
    get = t.recent.local_get
    if get is None or get[0] is not index:
        return
    loop = next((f for f in reversed(t.frames) if f.kind != "block"), None)
    if loop is None or loop.kind != "loop" or loop.params or loop.header is not t.b.cur \
            or len(loop.header.lines) != 1:
        return

    def landing(depth: int):
        f = t.frame_at(depth)
        return f.end if f.kind == "block" and not f.results else None

    loop.resume_switch = ResumeSwitch(get[1], [landing(d) for d in targets], landing(default))
    t.go_shaped = True


def threaded_target(t: FunctionTranslator, frame: Frame) -> Block | None:
    """Where a branch to `frame` lands when it is a resume switch whose local was just set to a
    constant (step 2); None to branch to the loop header as usual."""
    switch = frame.resume_switch
    cs = t.recent.const_local
    if switch is None or cs is None or cs[0] != switch.local or cs[2] is not t.b.cur \
            or cs[3] != len(t.b.cur.lines):
        return None
    k = cs[1]
    return switch.targets[k] if 0 <= k < len(switch.targets) else switch.default


def unwind_is_unlikely(t: FunctionTranslator, cond: Value) -> bool:
    """Whether a br_if on `cond` is Go's `call; br_if` unwind (step 3)."""
    return t.go_shaped and t.recent.call_result is not None and cond.ref == t.recent.call_result.ref


def direct_call_target(t: FunctionTranslator, func_idx: int, args: list[Value]) -> str:
    """The symbol a direct call with `args` goes to: the copy for parameter 0 when it passes 0 (step 4)."""
    env = t.env
    if args and args[0].const == 0 and env.has_direct_copy(func_idx):
        return env.direct_copy(func_idx)
    return env.direct_callee(func_idx)


def render(t: FunctionTranslator, linkage: str, copy_name: str | None = None) -> tuple[str, str]:
    """A resumable function as two with the same signature (step 4): the copy with parameter 0 fixed
    to 0, for the optimizer; and the general function, which tail-calls the copy for 0 and keeps the
    body only for resuming. `copy_name`: what to define the copy as (default: its own name)."""
    b = t.b
    copy_symbol = "@" + t.env.copy_definition(t.func_idx)
    copy = t.render(linkage, copy_name or copy_symbol[1:], first_param=const_int(I32, 0))
    # The slots stay in the entry block (SROA promotes only those); the rest of it moves behind the
    # test, so a forwarded call costs a compare and a jump.
    entry, forward, prologue = t.slots_block(), Block("direct_call"), Block("prologue")
    prologue.lines = list(b.entry.lines)
    b.cur = entry
    b.cond_br(b.icmp("eq", t.params[1], const_int(I32, 0), name="%direct"), forward, prologue)
    b.cur = forward
    result = b.call(t.ret_type, copy_symbol, t.params, tail="musttail", name="%forwarded")
    b.ret([] if result is None else [result])
    body = b.text([entry, forward, prologue] + b.blocks)
    return copy, define(linkage, t.ret_type, t.symbol, t.params, body)
