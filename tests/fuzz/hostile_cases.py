"""The hostile inputs: malformed, oversized and pathological modules, built byte by byte (so that they
can be wrong in exactly one place) or from mutations of a few real modules."""
from __future__ import annotations

import random
from dataclasses import dataclass

from .generate import parse_wat, smith, smith_input
from .wasmbin import MAGIC, sleb

I32, I64, F32, F64, FUNCREF = 0x7F, 0x7E, 0x7D, 0x7C, 0x70
TARGETS = ("run", "compile", "invoke", "api")


@dataclass(slots=True)
class Case:
    name: str
    data: bytes
    targets: tuple = TARGETS      # which consumers get it
    invoke: str | None = None     # export for `run --invoke` and the API driver (default: every export)
    args: tuple = ()              # --invoke arguments
    timeout: float = 60.0
    api_mode: str = "plain"       # "reenter": the API driver's host function calls back into wasm


class Builder:
    """A module assembled from sections; every LEB128 count, size and index is padded to `pad` bytes
    (1: minimal; up to 5 is still valid for a u32, 6 is malformed)."""

    def __init__(self, pad: int = 1):
        self.pad = pad
        self.types: list[bytes] = []
        self.imports: list[bytes] = []
        self.funcs: list[int] = []
        self.tables: list[bytes] = []
        self.memories: list[bytes] = []
        self.globals: list[bytes] = []
        self.exports: list[bytes] = []
        self.start: int | None = None
        self.elems: list[bytes] = []
        self.codes: list[bytes] = []
        self.datas: list[bytes] = []

    def u(self, n: int) -> bytes:
        out = bytearray()
        while True:
            byte, n = n & 0x7F, n >> 7
            out.append(byte | (0x80 if n or len(out) + 1 < self.pad else 0))
            if not n and len(out) >= self.pad:
                return bytes(out)

    def vec(self, items: list[bytes]) -> bytes:
        return self.u(len(items)) + b"".join(items)

    def name(self, text: str) -> bytes:
        raw = text.encode()
        return self.u(len(raw)) + raw

    def limits(self, lo: int, hi: int | None) -> bytes:
        return b"\x00" + self.u(lo) if hi is None else b"\x01" + self.u(lo) + self.u(hi)

    def type(self, params: bytes = b"", results: bytes = b"") -> int:
        self.types.append(b"\x60" + self.u(len(params)) + params + self.u(len(results)) + results)
        return len(self.types) - 1

    def import_func(self, module: str, name: str, type_idx: int) -> int:
        self.imports.append(self.name(module) + self.name(name) + b"\x00" + self.u(type_idx))
        return len(self.imports) - 1

    def func(self, type_idx: int, body: bytes, locals_: list[tuple[int, int]] = (), export: str | None = None) -> int:
        """A function; `body` without its final `end`. Returns its index (imports counted)."""
        index = len(self.imports) + len(self.funcs)
        self.funcs.append(type_idx)
        code = self.vec([self.u(n) + bytes([t]) for n, t in locals_]) + body + b"\x0b"
        self.codes.append(self.u(len(code)) + code)
        if export is not None:
            self.export(export, 0, index)
        return index

    def export(self, name: str, kind: int, index: int) -> None:
        self.exports.append(self.name(name) + bytes([kind]) + self.u(index))

    def memory(self, lo: int, hi: int | None = None) -> None:
        self.memories.append(self.limits(lo, hi))

    def table(self, lo: int, hi: int | None = None, elem: int = FUNCREF) -> None:
        self.tables.append(bytes([elem]) + self.limits(lo, hi))

    def data(self, offset: int, payload: bytes, declared_len: int | None = None) -> None:
        length = len(payload) if declared_len is None else declared_len
        self.datas.append(b"\x00\x41" + sleb(offset) + b"\x0b" + self.u(length) + payload)

    def section(self, sec_id: int, items: list[bytes]) -> bytes:
        if not items:
            return b""
        payload = self.vec(items)
        return bytes([sec_id]) + self.u(len(payload)) + payload

    def build(self) -> bytes:
        start = b""
        if self.start is not None:
            payload = self.u(self.start)
            start = b"\x08" + self.u(len(payload)) + payload
        return (MAGIC + self.section(1, self.types) + self.section(2, self.imports)
                + self.section(3, [self.u(t) for t in self.funcs]) + self.section(4, self.tables)
                + self.section(5, self.memories) + self.section(6, self.globals)
                + self.section(7, self.exports) + start + self.section(9, self.elems)
                + self.section(10, self.codes) + self.section(11, self.datas))


def i32_const(n: int) -> bytes:
    return b"\x41" + sleb(n)


def wat(text: str) -> bytes:
    data = parse_wat(text)
    if data is None:
        raise ValueError(f"a hostile case does not parse: {text[:80]}")
    return data


# --- real modules, the subjects of truncation and bit flips ---------------------------------------------
RICH_WAT = """(module
  (type $t (func (param i32) (result i32)))
  (import "env" "f" (func $imp (param i32) (result i32)))
  (memory (export "mem") 1 4)
  (table (export "tab") 4 8 funcref)
  (global $g (export "g") (mut i32) (i32.const 7))
  (elem (i32.const 0) $double $imp)
  (data (i32.const 16) "hello, hostile world")
  (func $double (export "double") (type $t) (i32.mul (local.get 0) (i32.const 2)))
  (func (export "main") (result i32) (local i64 f64)
    (global.set $g (i32.add (global.get $g) (i32.load8_u (i32.const 16))))
    (call_indirect (type $t) (i32.const 21) (i32.const 0)))
  (func (export "sum") (param i32) (result i32) (local i32)
    (block (loop (br_if 1 (i32.eqz (local.get 0)))
      (local.set 1 (i32.add (local.get 1) (i32.load (local.get 0))))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1))) (br 0)))
    (local.get 1))
  (func $start (global.set $g (i32.const 9)))
  (start $start))"""

WASI_HELLO_WAT = """(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 8) "hello\\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 8)) (i32.store (i32.const 4) (i32.const 6))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 20)))))"""


def subjects() -> list[tuple[str, bytes, str | None]]:
    """(name, bytes, an export to invoke) of the modules that get truncated and flipped."""
    out = [("rich", wat(RICH_WAT), "main"), ("wasi-hello", wat(WASI_HELLO_WAT), "_start")]
    for index in (3, 11):
        data = smith(*smith_input("hostile", index))
        if data is not None:
            out.append((f"smith{index}", data, None))
    return out


def truncations(name: str, data: bytes, invoke, rng: random.Random, n: int) -> list[Case]:
    lengths = {0, 1, 4, 7, 8, 9, len(data) - 1} | {rng.randrange(len(data)) for _ in range(n)}
    return [Case(f"truncate {name} to {k}/{len(data)}", data[:k], invoke=invoke)
            for k in sorted(lengths)[:n + 7] if 0 <= k < len(data)]


def bit_flips(name: str, data: bytes, invoke, rng: random.Random, n: int) -> list[Case]:
    cases = []
    for _ in range(n):
        mutated = bytearray(data)
        spots = [rng.randrange(8, len(data)) for _ in range(rng.choice((1, 1, 2, 3)))]
        for pos in spots:
            mutated[pos] ^= 1 << rng.randrange(8)
        cases.append(Case(f"flip {name} at {spots}", bytes(mutated), invoke=invoke))
    return cases


# --- hand-made pathological modules -------------------------------------------------------------------
def _answer_module(pad: int) -> bytes:
    b = Builder(pad)
    b.memory(1)
    b.func(b.type(b"", bytes([I32])), i32_const(42), locals_=[(1, I32)], export="answer")
    return b.build()


def leb_cases() -> list[Case]:
    cases = [Case(f"every LEB128 padded to {pad} bytes", _answer_module(pad), invoke="answer")
             for pad in (2, 5, 6, 10)]
    # An u32 in 5 bytes whose unused high bits are set (too large): section size, then a count.
    bad_size = MAGIC + b"\x01\xff\xff\xff\xff\x7f" + b"\x01\x60\x00\x00"
    cases.append(Case("section size with the unused bits of the fifth LEB128 byte set", bad_size))
    overlong_const = Builder()
    overlong_const.func(overlong_const.type(b"", bytes([I32])), b"\x41" + b"\x80" * 9 + b"\x00", export="c")
    cases.append(Case("i32.const with a 10-byte LEB128", overlong_const.build(), invoke="c"))
    padded_const = Builder()
    padded_const.func(padded_const.type(b"", bytes([I32])), b"\x41\xff\xff\xff\xff\x07", export="c")
    cases.append(Case("i32.const 2^31-1 in 5 bytes (valid)", padded_const.build(), invoke="c"))
    return cases


def huge_count_cases() -> list[Case]:
    cases = []
    for sec_id, what in ((1, "types"), (2, "imports"), (3, "functions"), (5, "memories"), (6, "globals"),
                         (7, "exports"), (9, "elements"), (10, "code entries"), (11, "data segments")):
        payload = b"\xff\xff\xff\xff\x0f"
        cases.append(Case(f"{what}: count 2^32-1, empty body", MAGIC + bytes([sec_id, len(payload)]) + payload,
                          targets=("compile", "api")))
    b = Builder()
    b.func(b.type(), b"", locals_=[(0xFFFFFFFF, I32)])
    cases.append(Case("locals: 2^32-1 i32 in one declaration", b.build(), targets=("compile", "api")))
    b = Builder()
    b.func(b.type(), b"", locals_=[(0x7FFFFFFF, I32), (0x7FFFFFFF, I64), (0x10, F32)])
    cases.append(Case("locals: declarations summing past 2^32", b.build(), targets=("compile", "api")))
    b = Builder()
    b.func(b.type(), i32_const(0) + b"\x0e\xff\xff\xff\xff\x0f\x00")
    cases.append(Case("br_table with 2^32-1 targets, body short", b.build(), targets=("compile", "api")))
    b = Builder()
    b.memory(1)
    b.data(0, b"0123456789", declared_len=1 << 30)
    cases.append(Case("data segment declaring 1 GiB with a 10-byte body", b.build(), targets=("compile", "api")))
    name_sec = b"\x04name\x01\xff\xff\xff\xff\x0f"
    b = Builder()
    b.func(b.type(), b"", export="f")
    custom = b"\x00" + bytes([len(name_sec)]) + name_sec
    cases.append(Case("name section with a huge function-name count", b.build() + custom, invoke="f"))
    return cases


def nesting_cases() -> list[Case]:
    cases = []
    for depth in (10_000, 100_000):
        for opener, what in ((b"\x02\x40", "block"), (b"\x03\x40", "loop"), (i32_const(1) + b"\x04\x40", "if")):
            b = Builder()
            b.func(b.type(), opener * depth + b"\x0b" * depth, export="f")
            cases.append(Case(f"{depth} nested {what}s", b.build(), invoke="f", timeout=180.0))
        b = Builder()
        b.func(b.type(), b"\x02\x40" * depth, export="f")
        cases.append(Case(f"{depth} blocks never closed", b.build(), targets=("compile", "api")))
    return cases


def locals_cases() -> list[Case]:
    b = Builder()
    b.func(b.type(b"", bytes([I32])), i32_const(5) + b"\x21" + b.u(99_999) + b"\x20" + b.u(99_999),
           locals_=[(100_000, I32)], export="f")
    one_decl = b.build()
    b = Builder()
    b.func(b.type(b"", bytes([I64])), b"\x20" + b.u(99_999), locals_=[(1, I64)] * 100_000, export="f")
    many_decls = b.build()
    return [Case("100,000 locals in one declaration", one_decl, invoke="f", timeout=180.0),
            Case("100,000 local declarations", many_decls, invoke="f", timeout=180.0)]


def runtime_cases() -> list[Case]:
    """Modules that are valid but trap, exhaust or grow at run time."""
    return [
        Case("start function that traps", wat('(module (func $s unreachable) (start $s) (func (export "f")))'),
             invoke="f"),
        Case("start function dividing by zero", wat(
            '(module (func $s (drop (i32.div_s (i32.const 1) (i32.const 0)))) (start $s) (func (export "f")))'),
            invoke="f"),
        Case("memory.grow one page at a time to the 4 GiB limit", wat("""(module (memory 0)
            (func (export "grow") (result i32) (local i32)
              (block (loop (br_if 1 (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
                (local.set 0 (i32.add (local.get 0) (i32.const 1))) (br 0)))
              (local.get 0)))"""), invoke="grow", timeout=180.0),
        Case("memory.grow by 65536 pages, then a store at the top", wat("""(module (memory 0)
            (func (export "grow") (result i32)
              (drop (memory.grow (i32.const 65536)))
              (i32.store (i32.const 0xfffffffc) (i32.const 1)) (memory.size)))"""), invoke="grow"),
        Case("initial memory of 65536 pages, data at its last byte", wat(
            '(module (memory 65536) (data (i32.const 0xffffffff) "x") (func (export "f") (result i32) '
            '(i32.load8_u (i32.const 0xffffffff))))'), invoke="f"),
        Case("infinite recursion", wat('(module (func $f (export "f") (call $f)))'), invoke="f"),
        Case("infinite recursion with big frames", wat(
            '(module (func $f (export "f") (param i64) (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64) '
            '(call $f (i64.add (local.get 0) (i64.const 1)))))'), invoke="f", args=("0",)),
        Case("infinite recursion through call_indirect", wat(
            '(module (type $t (func)) (table 1 funcref) (elem (i32.const 0) $f) '
            '(func $f (export "f") (call_indirect (type $t) (i32.const 0))))'), invoke="f"),
        Case("mutual recursion through the host", wat(
            '(module (import "host" "reenter" (func $h (param i32) (result i32))) '
            '(func (export "f") (param i32) (result i32) '
            '(if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0)) '
            '(else (i32.add (i32.const 1) (call $h (i32.sub (local.get 0) (i32.const 1))))))))'),
            targets=("api",), invoke="f", api_mode="reenter"),
        Case("table of 10,000,000 entries", wat('(module (table 10000000 funcref) (func (export "f")))'),
             invoke="f"),
        Case("table of 2^32-1 entries", wat('(module (table 0xffffffff funcref) (func (export "f")))'),
             invoke="f"),
        Case("table.grow by 2^32-1", wat(
            '(module (table 1 funcref) (func (export "f") (result i32) '
            '(table.grow (ref.null func) (i32.const -1))))'), invoke="f"),
        Case("memory.fill of 4 GiB at offset 0 of 1 page", wat(
            '(module (memory 1) (func (export "f") (memory.fill (i32.const 0) (i32.const 0) (i32.const -1))))'),
            invoke="f"),
    ]


def many_cases() -> list[Case]:
    # wasmc compiles ~200 trivial functions a second: these sizes keep each run within a minute.
    b = Builder()
    t = b.type()
    for i in range(10_000):
        b.func(t, b"\x01", export=f"f{i}" if i % 1000 == 0 else None)
    many_funcs = b.build()
    b = Builder()
    for i in range(100_000):
        b.type(bytes([I32] * (i % 7)), bytes([I64]))
    b.func(b.type(), b"", export="f")
    many_types = b.build()
    b = Builder()
    for i in range(5_000):
        b.func(b.type(bytes([I32] * (i % 3)), b""), b"", export=f"e{i}")
    many_exports = b.build()
    b = Builder()
    b.memory(1)
    for i in range(50_000):
        b.data(i, b"z")
    b.func(b.type(), b"", export="f")
    many_datas = b.build()
    return [Case("10,000 functions", many_funcs, targets=("compile", "api"), invoke="f0", timeout=300.0),
            Case("100,000 types", many_types, invoke="f", timeout=180.0),
            Case("5,000 types, functions and exports", many_exports, targets=("invoke", "api"), invoke="e0",
                 timeout=300.0),
            Case("50,000 data segments", many_datas, invoke="f", timeout=180.0)]


def fixed_cases() -> list[Case]:
    return leb_cases() + huge_count_cases() + nesting_cases() + locals_cases() + runtime_cases() + many_cases()


def sampled_cases(rng: random.Random, n: int) -> list[Case]:
    """`n` truncations and bit flips of the subjects, each for one consumer (round robin)."""
    subs = subjects()
    per = max(1, n // (2 * len(subs)))
    cases = []
    for name, data, invoke in subs:
        cases += truncations(name, data, invoke, rng, per) + bit_flips(name, data, invoke, rng, per)
    rng.shuffle(cases)
    cases = cases[:n]
    for i, case in enumerate(cases):
        case.targets = (TARGETS[i % len(TARGETS)],)
    return cases
