"""Canonical forms and cache keys of a module's function bodies (the scanning is canon.c's).

A function's key covers its canonical form (its operators with module-specific numbers made numbered
placeholders, and at each use the facts about the index named), its type and locals, the facts of the
module it depends on, the options and the compiler; equal keys mean the same object code up to the
placeholders' values. What becomes a placeholder: callees, function records, call_indirect type ids,
and i32/i64 constants of magnitude CONST_MIN_I32/I64 or more unless the next operator needs the value to
optimize (a divisor, a mask, a compared value, but not an i64 address compared for equality: ADDRESS_MIN).
A constant left literal is part of the key, so sharing never depends on guessing which constants are
addresses.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from ..wasm.module import Module
from ..wasm.opcodes import ALL_OPS
from ..wasm.types import FuncType, ValType
from ._canon import ffi, lib

# Constants below these magnitudes stay literal: offsets, sizes, small masks, and Go's resume indices
# (i32, which jump threading needs). Go's data addresses and return-address constants (i64) are above.
CONST_MIN_I32 = 1 << 16
CONST_MIN_I64 = 1 << 8
# An i64 constant compared for equality in [ADDRESS_MIN, ADDRESS_END) is taken for an address and made
# a placeholder after all: Go compares type descriptors' and variables' addresses so (always as i64),
# and they move from one module to the next. i32 compares keep their constants (C's magic numbers and
# hashes would fall in the range). Only sharing depends on the guess: the form says which are literal.
ADDRESS_MIN = 1 << 18
ADDRESS_END = 1 << 32
# Operators whose second operand, when a constant right before them, stays literal.
_KEEPS_CONST = ("mul", "div_s", "div_u", "rem_s", "rem_u", "and", "or", "xor", "shl", "shr_s", "shr_u",
                "rotl", "rotr", "eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u")
_ROLE = {"call": lib.CANON_ROLE_CALL, "ref.func": lib.CANON_ROLE_REF_FUNC,
         "call_indirect": lib.CANON_ROLE_CALL_INDIRECT,
         "i32.const": lib.CANON_ROLE_CONST, "i64.const": lib.CANON_ROLE_CONST}
PREFIXES = (0xFC, 0xFD)
# The operators of Go's resume switch (canon_resumable; lower/resumable.py describes the shape).
_RESUME_FLAGS = {"global.get": lib.CANON_FLAG_RESUME_PREFIX, "local.set": lib.CANON_FLAG_RESUME_PREFIX,
                 "block": lib.CANON_FLAG_RESUME_PREFIX,
                 "loop": lib.CANON_FLAG_RESUME_PREFIX | lib.CANON_FLAG_LOOP,
                 "local.get": lib.CANON_FLAG_LOCAL_GET, "br_table": lib.CANON_FLAG_BR_TABLE}

# Placeholder kinds (canon.h CANON_PH_*).
FUNC, FUNCREF, TYPE = lib.CANON_PH_FUNC, lib.CANON_PH_FUNCREF, lib.CANON_PH_TYPE
I32, I64, I64_U32 = lib.CANON_PH_I32, lib.CANON_PH_I64, lib.CANON_PH_I64_U32

# Placeholders below this value are absolute symbols LLVM may fold into instructions (immediates and
# sign-extended displacements: lower/placeholders.py); a constant at or above it is read by an x86-64
# instruction of its own, and which of its constants are is part of a function's key.
SYMBOL_LIMIT = 1 << 31


def folds(kind: int, value: int) -> bool:
    """Whether placeholder (kind, value) is an absolute symbol of LLVM's (SYMBOL_LIMIT)."""
    return kind in (FUNC, FUNCREF, TYPE) or (kind != I64 and value < SYMBOL_LIMIT)


def _op_table():
    ops = ffi.new("canon_ops *")
    for slot, byte in enumerate(PREFIXES):
        ops.prefix_byte[slot] = byte
    for op in ALL_OPS:
        row = ops.plain[op.code] if op.prefix is None else ops.prefixed[PREFIXES.index(op.prefix)][op.code]
        row.defined = 1
        for k, kind in enumerate(op.imm):
            row.kinds[k] = getattr(lib, f"CANON_IMM_{kind.upper()}")
        row.role = _ROLE.get(op.name, lib.CANON_ROLE_PLAIN)
        if op.name.split(".")[-1] in _KEEPS_CONST and op.name[:3] in ("i32", "i64"):
            row.flags |= lib.CANON_FLAG_KEEP_CONST
            if op.name in ("i64.eq", "i64.ne"):
                row.flags |= lib.CANON_FLAG_EQUALITY
        row.flags |= _RESUME_FLAGS.get(op.name, 0)
    for t in ValType:
        ops.is_valtype[int(t)] = 1
    return ops


_OPS = _op_table()


def opens_with_resume_switch(m: Module, defined_idx: int) -> bool:
    """Whether a defined function's body opens with Go's resume switch (the scan is canon.c's)."""
    body = m.code[defined_idx]
    return bool(lib.canon_resumable(m.data, body.start, body.end, _OPS))


def _type_bytes(ft: FuncType) -> bytes:
    return bytes((len(ft.params), *map(int, ft.params), len(ft.results), *map(int, ft.results)))


@dataclass(slots=True)
class Form:
    """A function's canonical form: `digest` (None: it has none, compile it the ordinary way), its
    placeholders as (kind, value) by number, and the constants made placeholders, by the body offset of
    their operator. key() is the cache key under given options."""
    digest: bytes | None
    placeholders: list[tuple[int, int]]
    consts: dict[int, int]

    def key(self, options: str) -> str:
        large = [k for k, (kind, value) in enumerate(self.placeholders) if not folds(kind, value)]
        return hashlib.sha256(self.digest + options.encode() + repr(large).encode()).hexdigest()[:32]


def _facts(m: Module, info, resumable) -> tuple[bytes, list[list[int]], list[list[int]]]:
    """The fact blob and, per index space, offsets and lengths into it."""
    blob = bytearray()
    offs, lens = [], []

    def space(items):
        o, ln = [], []
        for b in items:
            o.append(len(blob))
            ln.append(len(b))
            blob.extend(b)
        offs.append(o)
        lens.append(ln)

    n_imported = m.num_imported_funcs
    # A function: imported or defined, declared for ref.func, resumable (direct-call copies), its type.
    space(bytes((func_idx < n_imported, func_idx in info.declared_funcs,
                 func_idx >= n_imported and func_idx in resumable)) + _type_bytes(m.func_type(func_idx))
          for func_idx in range(len(m.func_type_idx)))
    space(_type_bytes(ft) for ft in m.types)
    space(bytes((int(t.elem),)) for t in m.table_types)
    space(bytes((int(g.type), int(g.mutable))) for g in m.global_types)
    space(bytes((int(seg.elem_type),)) for seg in m.elems)
    return bytes(blob), offs, lens


def module_prefix(m: Module) -> bytes:
    """What every form of `m`'s functions shares: the compiler and the module-level facts."""
    from ..cache import compiler_fingerprint
    prefix = f"wasmc-fn1\0{compiler_fingerprint()}\0memories {len(m.memory_types)}\0"
    # The same bytes mean other code when an index is an i64 (memory.size, table.grow, ...); said only
    # when some memory or table is 64-bit, so 32-bit modules keep their keys.
    if any(t.is64 for t in (*m.memory_types, *m.table_types)):
        prefix += "addr64 " + "".join("m" + "48"[t.is64] for t in m.memory_types) + \
            "".join("t" + "48"[t.is64] for t in m.table_types) + "\0"
    return prefix.encode()


def module_forms(m: Module, info, resumable) -> list[Form]:
    """The canonical form of every defined function of `m` (validated at module level: `info`).
    `resumable` answers `func_idx in resumable` (lower/resumable.py)."""
    blob, offs, lens = _facts(m, info, resumable)
    keep = []

    def arr(ctype, values):
        a = ffi.new(f"{ctype}[]", values or [0])
        keep.append(a)
        return a

    facts = ffi.new("canon_facts *")
    facts.blob = arr("uint8_t", list(blob))
    facts.num_funcs, facts.num_types, facts.num_tables, facts.num_globals, facts.num_elems = map(len, offs)
    facts.func_off, facts.type_off, facts.table_off, facts.global_off, facts.elem_off = (
        arr("uint32_t", o) for o in offs)
    facts.func_len, facts.type_len, facts.table_len, facts.global_len, facts.elem_len = (
        arr("uint32_t", ln) for ln in lens)
    facts.data_count = -1 if m.data_count is None else m.data_count
    facts.const_min_i32, facts.const_min_i64 = CONST_MIN_I32, CONST_MIN_I64
    facts.address_lo, facts.address_hi = ADDRESS_MIN, ADDRESS_END

    n = len(m.code)
    starts = arr("uint32_t", [b.start for b in m.code])
    ends = arr("uint32_t", [b.end for b in m.code])
    out = ffi.new("canon_result *")
    if lib.canon_module(m.data, len(m.data), n, starts, ends, _OPS, facts, out) != 0:
        lib.canon_free(out)
        raise MemoryError("canonicalizing function bodies")
    try:
        return _forms(m, out, n, module_prefix(m), resumable)
    finally:
        lib.canon_free(out)


def _forms(m: Module, out, n: int, prefix: bytes, resumable) -> list[Form]:
    form_bytes = ffi.buffer(out.bytes.data, out.bytes.len)[:] if out.bytes.len else b""
    kinds = ffi.buffer(out.ph_kind.data, out.ph_kind.len)[:] if out.total_ph else b""
    values = ffi.cast("uint64_t *", out.ph_value.data)
    const_at = ffi.cast("uint32_t *", out.const_at.data)
    const_ph = ffi.cast("uint32_t *", out.const_ph.data)
    n_imported = m.num_imported_funcs
    forms = []
    for f in range(n):
        if out.status[f] != lib.CANON_OK:
            forms.append(Form(None, [], {}))
            continue
        first, count = out.ph_first[f], out.ph_count[f]
        placeholders = [(kinds[i], values[i]) for i in range(first, first + count)]
        c0, cn = out.const_first[f], out.const_count[f]
        consts = {const_at[j]: const_ph[j] for j in range(c0, c0 + cn)}
        body = m.code[f]
        func_idx = n_imported + f
        head = (bytes((func_idx in resumable,)) + _type_bytes(m.func_type(func_idx))
                + bytes(map(int, body.locals)))
        off = out.bytes_off[f]
        h = hashlib.sha256(prefix)
        h.update(len(head).to_bytes(4, "little") + head)
        h.update(form_bytes[off:off + out.bytes_len[f]])
        forms.append(Form(h.digest(), placeholders, consts))
    return forms
