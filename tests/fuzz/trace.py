"""What one module does under an engine, step by step, and the comparison of two engines' steps.

A run instantiates the module (step 0) and makes the planned calls; after every step it records the
outcome (results, trap kind, link error), the host calls made, and the visible state: every imported or
exported memory (a digest, and its bytes compressed when they changed), global and table. The reference
records a Trace; the candidate replays the plan against it and stops at the first Difference.

An engine (reference, candidate, or a test's fake) offers: instantiate() and call(name, args) returning
an outcome ("ok", results) | ("trap", kind) | ("link", message) | ("skip", reason); take_host_calls();
snapshot() -> (memories {label: bytes}, globals {label: (type, value)}, tables {label: entries});
set_global(label, type, value); write_memory(label, data).
"""
from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass, field

from .values import PATTERNS, compare_value, differing_offsets, nan_explained, pattern_args, show

FUEL_EXPORT = "__fuel"      # the wasm-smith fuel global, exported by generate.export_fuel


@dataclass(frozen=True, slots=True)
class ExternType:
    kind: str          # "func", "memory", "table", "global"
    type: tuple        # func (params, results); memory (min, max); table (elem, min, max); global (type, mut)


@dataclass(frozen=True, slots=True)
class Shape:
    """A module's imports (module, name, type) and exports (name, type), as the reference reads them."""
    imports: tuple
    exports: tuple

    def export_type(self, name: str) -> ExternType:
        return next(et for n, et in self.exports if n == name)


def make_plan(shape: Shape, seed: str) -> list[tuple[str, tuple]]:
    """The calls to make: every exported function with every argument pattern, pattern by pattern (so
    state left by one export meets the others)."""
    funcs = [(name, et.type[0]) for name, et in shape.exports if et.kind == "func"]
    return [(name, pattern_args(params, pattern, f"{seed}:{name}"))
            for pattern in PATTERNS for name, params in funcs]


def fuel_label(shape: Shape) -> str | None:
    for name, et in shape.exports:
        if name == FUEL_EXPORT and et.kind == "global" and et.type == ("i32", True):
            return f"export {name!r}"
    return None


def digest(data: bytes) -> bytes:
    return hashlib.sha1(data).digest()      # 2.5x blake2b's speed here; memories are hashed after every call


@dataclass(slots=True)
class Step:
    call: tuple | None             # (export, args); None for the instantiation
    outcome: tuple
    host_calls: tuple
    memories: dict                 # label -> (size, digest)
    blobs: dict                    # label -> zlib bytes, for memories that changed since the last step
    globals: dict                  # label -> (type, value)
    tables: dict                   # label -> entries


@dataclass(slots=True)
class Trace:
    steps: list = field(default_factory=list)
    skipped: str | None = None     # why the reference stopped early (its own fuel or stack limit)


@dataclass(slots=True)
class Difference:
    category: str      # result, trap_kind, trap_vs_none, host_call, memory, global, table, instantiation,
    detail: str        # ... plus compile, exception, crash, hang (from the child); detail: the signature part
    step: int
    call: tuple | None
    expected: str
    actual: str

    @property
    def signature(self) -> str:
        return f"{self.category}:{self.detail}"


def execute(engine, plan, fuel: int | None, fuel_at: str | None, visit) -> None:
    """Instantiate and make the planned calls, handing each outcome to visit(call, outcome) until it
    returns False. The fuel global is refilled before each call so that one call's loops do not starve
    the next."""
    outcome = engine.instantiate()
    if not visit(None, outcome) or outcome[0] != "ok":
        return
    for call in plan:
        if fuel_at is not None:
            engine.set_global(fuel_at, "i32", fuel)
        if not visit(call, engine.call(*call)):
            return


class Recorder:
    """Builds the reference Trace."""

    def __init__(self, engine):
        self.engine = engine
        self.trace = Trace()
        self._last_digest: dict[str, bytes] = {}

    def visit(self, call, outcome) -> bool:
        if outcome[0] == "skip":
            self.trace.skipped = outcome[1]
            return False
        memories, globals_, tables = self.engine.snapshot()
        sizes, blobs = {}, {}
        for label, data in memories.items():
            d = digest(data)
            sizes[label] = (len(data), d)
            if self._last_digest.get(label) != d:
                blobs[label] = zlib.compress(data, 1)
                self._last_digest[label] = d
        self.trace.steps.append(Step(call, outcome, self.engine.take_host_calls(), sizes, blobs,
                                     globals_, tables))
        return True


def record(engine, plan, fuel: int | None, fuel_at: str | None) -> Trace:
    recorder = Recorder(engine)
    execute(engine, plan, fuel, fuel_at, recorder.visit)
    return recorder.trace


def _where(outcome: tuple) -> str:
    return "trap" if outcome[0] == "trap" else "link" if outcome[0] == "link" else "return"


def _outcome_kind(outcome: tuple) -> str:
    return f"trap:{outcome[1]}" if outcome[0] == "trap" else outcome[0]


def _outcome_text(outcome: tuple) -> str:
    return "ok" if outcome[0] == "ok" else f"{outcome[0]}:{outcome[1]}"


class Replayer:
    """Compares the candidate's steps with the reference's, stopping at the first difference. Where the
    spec lets NaN bits differ (a stored or global NaN of the same class), the candidate's state is set to
    the reference's so that later steps still compare."""

    def __init__(self, engine, shape: Shape, expected: Trace):
        self.engine = engine
        self.shape = shape
        self.expected = expected
        self.index = 0
        self.difference: Difference | None = None
        self.nan_allowed = 0
        self._blobs: dict[str, bytes] = {}

    def visit(self, call, outcome) -> bool:
        if self.index >= len(self.expected.steps):
            return False                    # the reference stopped here (skip): nothing to compare
        exp = self.expected.steps[self.index]
        self._blobs.update(exp.blobs)
        self.difference = (self._compare_outcome(exp, outcome) or self._compare_host_calls(exp)
                           or self._compare_state(exp))
        self.index += 1
        return self.difference is None

    def _diff(self, category: str, detail: str, expected: str, actual: str) -> Difference:
        exp = self.expected.steps[self.index]
        return Difference(category, detail, self.index, exp.call, expected, actual)

    def _compare_outcome(self, exp: Step, outcome: tuple) -> Difference | None:
        e, a = exp.outcome, outcome
        if exp.call is None:
            if e[0] != a[0] or (e[0] == "trap" and e[1] != a[1]):
                return self._diff("instantiation", f"{_outcome_kind(e)}->{_outcome_kind(a)}",
                                  _outcome_text(e), _outcome_text(a))
            return None
        if e[0] == "trap" and a[0] == "trap":
            return None if e[1] == a[1] else self._diff("trap_kind", f"{e[1]}->{a[1]}", e[1], a[1])
        if e[0] == "trap" or a[0] == "trap":
            ek = e[1] if e[0] == "trap" else "none"
            ak = a[1] if a[0] == "trap" else "none"
            return self._diff("trap_vs_none", f"{ek}->{ak}", _outcome_text(e), _outcome_text(a))
        results = self.shape.export_type(exp.call[0]).type[1]
        for t, ev, av in zip(results, e[1], a[1]):
            verdict = compare_value(t, ev, av)
            self.nan_allowed += verdict == "nan"
            if verdict == "differ":
                return self._diff("result", t, " ".join(show(rt, v) for rt, v in zip(results, e[1])),
                                  " ".join(show(rt, v) for rt, v in zip(results, a[1])))
        return None

    def _compare_host_calls(self, exp: Step) -> Difference | None:
        actual = self.engine.take_host_calls()
        if len(actual) != len(exp.host_calls):
            return self._diff("host_call", "count", f"{len(exp.host_calls)} calls", f"{len(actual)} calls")
        for (ei, eargs), (ai, aargs) in zip(exp.host_calls, actual):
            params = self.shape.imports[ei][2].type[0]
            if ei != ai or any(compare_value(t, x, y) == "differ" for t, x, y in zip(params, eargs, aargs)):
                return self._diff("host_call", "args", f"import {ei}{eargs}", f"import {ai}{aargs}")
        return None

    def _compare_state(self, exp: Step) -> Difference | None:
        memories, globals_, tables = self.engine.snapshot()
        where = "instantiation" if exp.call is None else f"after {_where(exp.outcome)}"
        if exp.outcome[0] == "trap":
            where += f" {exp.outcome[1]}"
        for label, (size, d) in exp.memories.items():
            data = memories.get(label)
            if data is not None and len(data) == size and digest(data) == d:
                continue
            if data is None or len(data) != size:
                return self._diff("memory", f"size {where}", f"{label}: {size} bytes",
                                  f"{label}: {None if data is None else len(data)} bytes")
            wanted = zlib.decompress(self._blobs[label])
            if not nan_explained(wanted, data):
                first = next(differing_offsets(wanted, data))
                return self._diff("memory", where, f"{label}[{first:#x}] = {wanted[first]:#04x}",
                                  f"{label}[{first:#x}] = {data[first]:#04x}")
            self.nan_allowed += 1
            self.engine.write_memory(label, wanted)
        for label, (t, ev) in exp.globals.items():
            av = globals_.get(label, (t, None))[1]
            verdict = compare_value(t, ev, av)
            if verdict == "differ":
                return self._diff("global", f"{t} {where}", f"{label} = {show(t, ev)}",
                                  f"{label} = {show(t, av)}")
            if verdict == "nan":
                self.nan_allowed += 1
                self.engine.set_global(label, t, ev)
        for label, entries in exp.tables.items():
            actual = tables.get(label)
            if actual != entries:
                detail = "size" if actual is None or len(actual) != len(entries) else "entries"
                return self._diff("table", f"{detail} {where}", f"{label}: {_table_text(entries)}",
                                  f"{label}: {_table_text(actual)}")
        return None


def _table_text(entries) -> str:
    if entries is None:
        return "missing"
    return f"{len(entries)} entries, non-null at {[i for i, e in enumerate(entries) if e is not None][:16]}"


def replay(engine, shape: Shape, plan, fuel: int | None, fuel_at: str | None,
           expected: Trace) -> Replayer:
    replayer = Replayer(engine, shape, expected)
    execute(engine, plan, fuel, fuel_at, replayer.visit)
    return replayer
