"""The fuzz harness itself (fast: NaN rules, planted differences through fake and real engines, the
binary helpers, outcome classes) and, marked slow, short differential and hostile runs against wasmc."""
from __future__ import annotations

import json
import subprocess

import pytest

from .generate import export_fuel, wasm_tools
from .hostile import classify
from .trace import FUEL_EXPORT, Shape, ExternType, fuel_label, make_plan, record, replay
from .values import compare_value, f32_bits, nan_class, nan_explained
from .wasmbin import read_uleb, uleb


# --- the spec's NaN rules -------------------------------------------------------------------------------
def test_nan_classes_follow_the_spec():
    assert nan_class("f32", 0x7FC00000) == nan_class("f32", 0xFFC00000) == "canonical"
    assert nan_class("f32", 0x7FC00001) == "arithmetic"
    assert nan_class("f32", 0x7FA00000) == "signaling"
    assert nan_class("f32", 0x7F800000) is None and nan_class("f32", f32_bits(1.5)) is None
    assert nan_class("f64", 0xFFF8000000000000) == "canonical"
    assert nan_class("f64", 0x7FF0000000000001) == "signaling"
    # Sign and payload of a NaN of the same class are left open; the class is not.
    assert compare_value("f32", 0x7FC00000, 0xFFC00000) == "nan"
    assert compare_value("f64", 0x7FF8000000000001, 0xFFF8000000000123) == "nan"
    assert compare_value("f32", 0x7FC00000, 0x7FC00001) == "differ"
    assert compare_value("f32", 0x7FA00000, 0x7FE00000) == "differ"
    assert compare_value("f32", 0x7FC00000, 0x7F800000) == "differ"
    assert compare_value("i32", 0x7FC00000, 0xFFC00000) == "nan"        # a reinterpreted NaN
    assert compare_value("i32", 1, 2) == "differ"
    assert compare_value("externref", None, None) == "equal"


def test_memory_differing_only_in_nan_bits_is_allowed():
    base = bytearray(64)
    other = bytearray(64)
    base[8:12] = (0x7FC00000).to_bytes(4, "little")
    other[8:12] = (0xFFC00000).to_bytes(4, "little")
    assert nan_explained(bytes(base), bytes(other))
    other[40] = 1
    assert not nan_explained(bytes(base), bytes(other))


# --- planted differences through a fake engine ----------------------------------------------------------
SHAPE = Shape(imports=(("env", "log", ExternType("func", (("i32",), ()))),),
              exports=(("add", ExternType("func", (("i32", "i32"), ("i32",)))),
                       ("half", ExternType("func", (("f32",), ("f32",)))),
                       ("mem", ExternType("memory", (1, 1))),
                       (FUEL_EXPORT, ExternType("global", ("i32", True)))))


class FakeEngine:
    """A stand-in engine: `add` adds (and logs through its import), `half` stores a NaN in memory and
    returns one; `bug` plants one wrong behaviour."""

    def __init__(self, bug: str | None = None):
        self.bug = bug
        self.memory = bytearray(16)
        self.fuel = 0
        self.host_calls = []

    def instantiate(self):
        return ("ok", ())

    def call(self, name, args):
        if name == "add":
            self.host_calls.append((0, (args[0],)))
            if self.bug == "trap" and args == (0, 0):
                return ("trap", "int_div_by_zero")
            total = (args[0] + args[1]) & 0xFFFFFFFF
            return ("ok", (total + (self.bug == "result" and args[0] == 1),))
        nan = 0xFFC00000 if self.bug == "nan" else 0x7FC00000
        self.memory[0:4] = nan.to_bytes(4, "little")
        if self.bug == "memory":
            self.memory[9] = 1
        return ("ok", (nan,))

    def take_host_calls(self):
        calls, self.host_calls = tuple(self.host_calls), []
        return calls

    def snapshot(self):
        return {"export 'mem'": bytes(self.memory)}, {f"export {FUEL_EXPORT!r}": ("i32", self.fuel)}, {}

    def set_global(self, label, t, value):
        self.fuel = value

    def write_memory(self, label, data):
        self.memory[:] = data


def _replay(bug):
    plan = make_plan(SHAPE, "test")
    fuel_at = fuel_label(SHAPE)
    expected = record(FakeEngine(), plan, 100, fuel_at)
    return replay(FakeEngine(bug), SHAPE, plan, 100, fuel_at, expected), len(plan)


def test_identical_engines_show_no_difference():
    replayer, calls = _replay(None)
    assert replayer.difference is None and replayer.index == calls + 1


@pytest.mark.parametrize("bug, category", [("result", "result"), ("trap", "trap_vs_none"),
                                           ("memory", "memory")])
def test_a_planted_difference_is_found(bug, category):
    replayer, _ = _replay(bug)
    assert replayer.difference is not None and replayer.difference.category == category


def test_other_nan_bits_are_allowed_and_the_state_resynchronised():
    replayer, calls = _replay("nan")
    assert replayer.difference is None and replayer.index == calls + 1
    assert replayer.nan_allowed > 0


# --- the real reference, raw bits included --------------------------------------------------------------
NAN_WAT = """(module (memory (export "m") 1) (global (export "g") (mut f32) (f32.const 0))
  (func (export "snan") (param f32) (result f32)
    (global.set 0 (local.get 0)) (f32.store (i32.const 4) (local.get 0)) (f32.const nan:0x200000))
  (func (export "load") (param i32) (result i32) (drop (i32.load (local.get 0))) (i32.const 7)))"""


def test_wasmtime_reference_keeps_raw_nan_bits_and_a_wrong_candidate_is_caught():
    from . import ref_wasmtime
    data = subprocess.run([wasm_tools(), "parse", "-"], input=NAN_WAT.encode(), capture_output=True,
                          check=True).stdout
    engine = ref_wasmtime.new_engine()
    module = ref_wasmtime.compile_module(engine, data)
    shape = ref_wasmtime.shape_of(module)
    plan = [("snan", (0x7FA00001,)), ("load", (0,)), ("load", (65534,))]
    expected = record(ref_wasmtime.WasmtimeEngine(engine, module, shape), plan, None, None)
    assert expected.steps[1].outcome == ("ok", (0x7FA00000,))          # a signaling NaN, unquieted
    assert expected.steps[1].globals["export 'g'"] == ("f32", 0x7FA00001)
    assert expected.steps[3].outcome == ("trap", "memory_oob")
    again = replay(ref_wasmtime.WasmtimeEngine(engine, module, shape), shape, plan, None, None, expected)
    assert again.difference is None

    class DeadLoadDropped(ref_wasmtime.WasmtimeEngine):
        def call(self, name, args):
            outcome = super().call(name, args)
            return ("ok", (7,)) if outcome == ("trap", "memory_oob") else outcome

    wrong = replay(DeadLoadDropped(engine, module, shape), shape, plan, None, None, expected)
    assert wrong.difference.signature == "trap_vs_none:memory_oob->none" and wrong.difference.step == 3


# --- binary helpers and outcome classes ---------------------------------------------------------------------
def test_padded_leb128_reads_back():
    for n in (0, 1, 127, 128, 624485, 0xFFFFFFFF):
        for pad in (1, 5):
            encoded = uleb(n, pad)
            assert len(encoded) >= pad and read_uleb(encoded, 0) == (n, len(encoded))


def test_fuel_global_is_exported():
    wat = "(module (global (mut i32) (i32.const 5)) (global (mut i32) (i32.const 1000)) (func (export \"f\")))"
    data = subprocess.run([wasm_tools(), "parse", "-"], input=wat.encode(), capture_output=True, check=True).stdout
    printed = subprocess.run([wasm_tools(), "print", "-"], input=export_fuel(data), capture_output=True,
                             check=True).stdout.decode()
    assert f'(export "{FUEL_EXPORT}" (global 1))' in printed


def test_outcome_classes():
    assert classify("api", 1, "error: malformed module: unexpected end\n", 0)[0] == "error"
    assert classify("api", 134, "wasm trap: unreachable\n", 0)[0] == "trap"
    assert classify("api", 1, "Traceback (most recent call last):\n  x\nValueError: y\n", 0)[0] == "traceback"
    assert classify("api", None, "", 0)[0] == "hang"
    assert classify("api", -11, "", 0)[0] == "signal"
    assert classify("api", 0, "", 8 << 30)[0] == "memory"
    assert classify("compile", 2, "Usage: x\n\nError: y\n", 0)[0] == "messy_error"
    assert classify("compile", 1, "compiling x.wasm: 3 functions\nerror: x.wasm: malformed module\n", 0)[0] == "error"
    assert classify("run", 1, "compiling x.wasm, first run only\nerror: x.wasm: malformed module\n", 0)[0] == "error"


# --- against wasmc (slow) ----------------------------------------------------------------------------------
@pytest.mark.slow
def test_short_differential_run_finds_no_difference(tmp_path):
    from .difffuzz import main
    status = main(["--count", "200", "--seed", "11", "--out", str(tmp_path), "--no-shrink"])
    tally = json.loads(next(tmp_path.glob("run-*/summary.json")).read_text())["tally"]
    assert tally["run"] > 150 and tally["harness_errors"] == 0
    assert tally["signatures"] == {}, f"{tally['modules_differing']} of {tally['run']} modules differ"
    assert status == 0


@pytest.mark.slow
def test_hostile_inputs_have_no_bad_outcome(capsys):
    from .hostile import main
    status = main(["--count", "40"])
    out = capsys.readouterr().out
    assert "BAD outcomes: 0" in out and status == 0, out[out.find("BAD outcomes"):]
