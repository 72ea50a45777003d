"""Fuel metering and interrupt checks, wasmtime's rule (cranelift func_environ.rs, fuel_* and epoch_*).

Fuel: entering a function costs 1, and every reachable operator 1 except nop, drop, block, loop,
unreachable, return, else and end (0). The costs gather in a count known at compile time and are added to a function-local slot at each
control-flow boundary (loop, if, else, end, br, br_if, br_table); the slot is written to vmctx->fuel
before calls, return and unreachable and read back after calls. vmctx->fuel holds fuel consumed minus
fuel given, so at function entry and at loop headers "slot >= 0" means out of fuel. Interrupts: at the
same two places, a non-zero *vmctx->interrupt traps. Bulk operations also cost their size (BULK) and
check as a loop header does, unless their size is a constant costing at most SMALL_BULK. Only compiles that ask for it (env.metering) pass
through here, so plain code is unchanged.
"""
from __future__ import annotations

from ..abi import TrapKind
from ..wasm.opcodes import ALL_OPS
from .builder import I32, I64, PTR, Alias, Value, const_int

FREE = {"nop", "drop", "block", "loop", "unreachable", "return", "else", "end"}
# Control leaves the function (or enters another): the count reaches vmctx first.
SAVE_BEFORE = {"unreachable", "return", "call", "call_indirect"}
# The end of a straight-line stretch: the count joins the slot.
ADD_BEFORE = {"loop", "if", "else", "end", "br", "br_if", "br_table"}
# The callee may have used fuel: the slot is reloaded.
RELOAD_AFTER = {"call", "call_indirect"}
# Operators whose work grows with an operand (the top of the stack): fuel per unit (byte, element, page),
# as measured against wasmtime 49 (which charges memory.grow per page; later versions may not).
BULK = {"memory.fill": 1, "memory.copy": 1, "memory.init": 1, "memory.grow": 1,
        "table.fill": 1, "table.copy": 1, "table.init": 1, "table.grow": 1}
SMALL_BULK = 128        # a constant size costing no more than this is not worth a check

FUEL_SLOT = Value(PTR, "%fuel")


class Meter:
    """The fuel count of one function being translated, and the checks it emits."""
    __slots__ = ("fuel", "interrupt", "pending")

    def __init__(self, metering):
        self.fuel = metering.fuel
        self.interrupt = metering.interrupt
        # Cost of the operators lowered since the last add. A function starts at 1: wasmtime charges
        # every call one unit, even of an empty function, at the entry check.
        self.pending = 1 if self.fuel else 0

    # --- the slot ---------------------------------------------------------------------------------
    def define_slot(self, t, block) -> None:
        if self.fuel:
            t.b.alloca(I64, FUEL_SLOT, block)

    def add_pending(self, t) -> None:
        if self.pending:
            b = t.b
            b.store(b.binop("add", b.load(I64, FUEL_SLOT), const_int(I64, self.pending)), FUEL_SLOT)
            self.pending = 0

    def save(self, t) -> None:
        if self.fuel:
            t.b.store(t.b.load(I64, FUEL_SLOT), t.env.fuel_cell(t), alias=Alias.RUNTIME)

    def reload(self, t) -> None:
        t.b.store(t.b.load(I64, t.env.fuel_cell(t), alias=Alias.RUNTIME), FUEL_SLOT)

    # --- checks -----------------------------------------------------------------------------------
    def check(self, t) -> None:
        """Out of fuel, or interrupted: the function entry's and every loop header's check."""
        b = t.b
        if self.fuel:
            self.add_pending(t)
            t.trap_if(b.icmp("sge", b.load(I64, FUEL_SLOT), const_int(I64, 0)), TrapKind.OUT_OF_FUEL)
        if self.interrupt:
            # volatile: the timer thread sets it while the loop runs, so LLVM must not hoist the load
            flag = b.load(I32, t.env.interrupt_flag(t), volatile=True)
            t.trap_if(b.icmp("ne", flag, const_int(I32, 0)), TrapKind.INTERRUPT)

    def bulk(self, t, units: Value, per_unit: int) -> None:
        """Charge a bulk operation of `units` (an i32) and check as at a loop header."""
        if self.fuel and per_unit:
            if units.const is not None:
                self.pending += (units.const & 0xFFFFFFFF) * per_unit
            else:
                self.add_pending(t)
                b = t.b
                cost = b.cast("zext", units, I64)
                if per_unit != 1:
                    cost = b.binop("mul", cost, const_int(I64, per_unit))
                b.store(b.binop("add", b.load(I64, FUEL_SLOT), cost), FUEL_SLOT)
        if units.const is None or (units.const & 0xFFFFFFFF) * per_unit > SMALL_BULK:
            self.check(t)

    def function_entry(self, t) -> None:
        if self.fuel:
            self.reload(t)
        self.check(t)


def _metered(lower, name: str):
    """`lower` with the fuel accounting wasmtime does before and after the operator."""
    cost = 0 if name in FREE else 1
    save, add, reload = name in SAVE_BEFORE, name in ADD_BEFORE, name in RELOAD_AFTER
    per_unit = BULK.get(name)

    def step(t, op, imm) -> None:
        meter = t.meter
        if meter.fuel:
            meter.pending += cost
            if save or add:
                meter.add_pending(t)
            if save:
                meter.save(t)
        if per_unit is not None:
            meter.bulk(t, t.stack[-1], per_unit)
        lower(t, op, imm)
        if reload and meter.fuel and t.reachable:
            meter.reload(t)
    return step


def metered_steps(steps):
    """The dispatch lists (dispatch.Steps) with every reachable operator metered; unreachable code costs
    nothing, as in wasmtime."""
    return type(steps)([_metered(lower, op.name) for lower, op in zip(steps.lower, ALL_OPS)],
                       steps.unreachable)
