"""The spec-script runner against a stand-in engine: outcomes, skips, value matching, conversion and the CLI."""
from __future__ import annotations

import struct
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from wasmc import wast
from wasmc.cli import main
from wasmc.errors import DecodeError, InstantiationError, LinkError, Trap, UnsupportedError, ValidationError
from wasmc.wast import ExternRef, FileResult, Outcome, ScriptRunner, Status, arg_value, value_matches


# A stand-in for the wasmc API. A module's bytes name its behaviour: b"ok", b"malformed", b"invalid",
# b"simd", b"unlinkable", b"start-traps", b"bad-segment", b"imports-spectest".

class FakeFunc:
    def __init__(self, fn):
        self.fn = fn

    @classmethod
    def host(cls, functype, fn):
        return cls(fn)

    def call_raw(self, args):
        return self.fn(args)


class FakeGlobal:
    def __init__(self, type_, raw):
        self.type, self.raw = type_, raw

    def get_raw(self):
        return self.raw


class FakeTable:
    def __init__(self, type_, init=None):
        self.type = type_


class FakeMemory:
    def __init__(self, type_):
        self.type = type_


class FakeModule:
    def __init__(self, data, opt_level=2):
        self.data = data
        if data == b"malformed":
            raise DecodeError("unexpected end", 8)
        if data == b"invalid":
            raise ValidationError("type mismatch")
        if data == b"simd":
            raise UnsupportedError("simd")


def _trap(message):
    def fn(args):
        raise Trap("X", message)
    return fn


class FakeInstance:
    def __init__(self, module, imports):
        if module.data == b"unlinkable" or (module.data == b"imports-spectest" and "spectest" not in imports):
            raise LinkError("unknown import")
        if module.data == b"start-traps":
            raise Trap("UNREACHABLE", "unreachable")
        if module.data == b"bad-segment":
            raise InstantiationError("out of bounds memory access")
        self.exports = {
            "add": FakeFunc(lambda args: [(args[0] + args[1]) & 0xFFFF_FFFF]),
            "id": FakeFunc(lambda args: list(args)),
            "div0": FakeFunc(_trap("integer divide by zero")),
            "deep": FakeFunc(_trap("call stack exhausted")),
            "boom": FakeFunc(lambda args: 1 / 0),
            "g": FakeGlobal(None, 42),
            "print_global": imports.get("spectest", {}).get("global_i32"),
        }


FAKE = SimpleNamespace(Module=FakeModule, Instance=FakeInstance, Func=FakeFunc, Global=FakeGlobal,
                       Table=FakeTable, Memory=FakeMemory)


def i32(v):
    return {"type": "i32", "value": str(v)}


def invoke(field, *args, module=None):
    action = {"type": "invoke", "field": field, "args": list(args)}
    if module:
        action["module"] = module
    return action


@pytest.fixture
def run(tmp_path):
    def run(*commands, files=None):
        for name, data in (files or {}).items():
            (tmp_path / name).write_bytes(data)
        numbered = [dict(c, line=c.get("line", n + 1)) for n, c in enumerate(commands)]
        return ScriptRunner(tmp_path, api=FAKE).run(numbered)
    return run


def statuses(outcomes):
    return [o.status.value for o in outcomes]


def module(filename, **extra):
    return {"type": "module", "filename": filename, "module_type": "binary", **extra}


def test_assert_return_and_actions(run):
    out = run(module("m.wasm"),
              {"type": "assert_return", "action": invoke("add", i32(1), i32(-2)), "expected": [i32(-1)]},
              {"type": "assert_return", "action": invoke("add", i32(1), i32(2)), "expected": [i32(4)]},
              {"type": "assert_return", "action": {"type": "get", "field": "g"}, "expected": [i32(42)]},
              {"type": "action", "action": invoke("add", i32(1), i32(1))},
              {"type": "action", "action": invoke("div0")},
              files={"m.wasm": b"ok"})
    assert statuses(out) == ["passed", "passed", "failed", "passed", "passed", "failed"]
    assert "expected [i32:4 (0x00000004)], got [i32:3 (0x00000003)]" in out[2].reason
    assert out[5].reason == "trapped: integer divide by zero"


def test_traps_must_match_the_expected_message(run):
    out = run(module("m.wasm"),
              {"type": "assert_trap", "action": invoke("div0"), "text": "integer divide by zero"},
              {"type": "assert_trap", "action": invoke("div0"), "text": "integer overflow"},
              {"type": "assert_trap", "action": invoke("add", i32(1), i32(1)), "text": "unreachable"},
              {"type": "assert_trap", "action": invoke("boom"), "text": "unreachable"},
              {"type": "assert_exhaustion", "action": invoke("deep"), "text": "call stack exhausted"},
              {"type": "assert_exhaustion", "action": invoke("div0"), "text": "call stack exhausted"},
              files={"m.wasm": b"ok"})
    assert statuses(out) == ["passed", "passed", "failed", "failed", "failed", "passed", "failed"]
    assert out[4].reason.startswith("ZeroDivisionError: division by zero (at tests/unit/test_wast.py:")


def test_rejected_modules(run):
    out = run({"type": "assert_malformed", "filename": "bad.wasm", "module_type": "binary", "text": "x"},
              {"type": "assert_invalid", "filename": "inv.wasm", "module_type": "binary", "text": "x"},
              {"type": "assert_invalid", "filename": "ok.wasm", "module_type": "binary", "text": "x"},
              {"type": "assert_malformed", "filename": "t.wat", "module_type": "text", "text": "x"},
              {"type": "assert_malformed", "filename": "p.wat", "module_type": "text", "text": "x"},
              {"type": "assert_malformed", "filename": "simd.wasm", "module_type": "binary", "text": "x"},
              files={"bad.wasm": b"malformed", "inv.wasm": b"invalid", "ok.wasm": b"ok", "t.wat": b"(",
                     "t.wat.error": b"unexpected end", "p.wat": b"(module)", "p.wat.wasm": b"ok",
                     "simd.wasm": b"simd"})
    assert statuses(out) == ["passed", "passed", "failed", "passed", "failed", "skipped"]


def test_linking_and_instantiation(run):
    out = run({"type": "assert_unlinkable", "filename": "u.wasm", "module_type": "binary", "text": "x"},
              {"type": "assert_unlinkable", "filename": "ok.wasm", "module_type": "binary", "text": "x"},
              {"type": "assert_uninstantiable", "filename": "st.wasm", "module_type": "binary", "text": "x"},
              {"type": "assert_uninstantiable", "filename": "seg.wasm", "module_type": "binary", "text": "x"},
              {"type": "assert_uninstantiable", "filename": "u.wasm", "module_type": "binary", "text": "x"},
              module("sp.wasm"),
              {"type": "assert_return", "action": {"type": "get", "field": "print_global"}, "expected": [i32(666)]},
              files={"u.wasm": b"unlinkable", "ok.wasm": b"ok", "st.wasm": b"start-traps",
                     "seg.wasm": b"bad-segment", "sp.wasm": b"imports-spectest"})
    assert statuses(out) == ["passed", "failed", "passed", "passed", "failed", "passed", "passed"]


def test_skipped_module_skips_its_assertions_until_the_next_module(run):
    out = run(module("s.wasm", name="S"),
              {"type": "assert_return", "action": invoke("add", i32(1), i32(2)), "expected": [i32(3)]},
              {"type": "register", "as": "s"},
              module("m.wasm"),
              {"type": "assert_return", "action": invoke("add", i32(1), i32(2)), "expected": [i32(3)]},
              {"type": "assert_trap", "action": invoke("div0", module="S"), "text": "x"},
              {"type": "assert_return", "action": invoke("id", module="S"),
               "expected": [{"type": "v128", "lane_type": "i32", "value": ["0"] * 4}]},
              files={"s.wasm": b"simd", "m.wasm": b"ok"})
    assert statuses(out) == ["skipped", "skipped", "skipped", "passed", "passed", "skipped", "skipped"]
    assert {o.reason for o in out if o.status is Status.SKIPPED} == {"simd"}


def test_broken_module_fails_its_assertions(run):
    out = run(module("bad.wasm"),
              {"type": "assert_return", "action": invoke("add", i32(1), i32(2)), "expected": [i32(3)]},
              {"type": "assert_return", "action": invoke("nope", module="M"), "expected": []},
              {"type": "frobnicate"},
              files={"bad.wasm": b"invalid"})
    assert statuses(out) == ["failed", "failed", "failed", "skipped"]
    assert out[1].reason == "module at line 1 failed"
    assert out[2].reason == "no module named M"


def test_named_modules_and_register(run):
    out = run(module("a.wasm", name="A"),
              {"type": "register", "name": "A", "as": "a"},
              module("b.wasm"),
              {"type": "assert_return", "action": invoke("add", i32(2), i32(3), module="A"), "expected": [i32(5)]},
              files={"a.wasm": b"ok", "b.wasm": b"ok"})
    assert statuses(out) == ["passed"] * 4


def f32(x):
    return struct.unpack("<I", struct.pack("<f", x))[0]


@pytest.mark.parametrize("expected, actual, ok", [
    ({"type": "f32", "value": str(f32(1.5))}, f32(1.5), True),
    ({"type": "f32", "value": str(f32(0.0))}, f32(-0.0), False),           # floats compare by bits
    ({"type": "f32", "value": "nan:canonical"}, 0x7FC0_0000, True),
    ({"type": "f32", "value": "nan:canonical"}, 0xFFC0_0000, True),
    ({"type": "f32", "value": "nan:canonical"}, 0x7FC0_0001, False),
    ({"type": "f32", "value": "nan:arithmetic"}, 0x7FC0_0001, True),
    ({"type": "f32", "value": "nan:arithmetic"}, 0xFFE0_0000, True),
    ({"type": "f32", "value": "nan:arithmetic"}, 0x7FA0_0000, False),      # signalling
    ({"type": "f32", "value": "nan:arithmetic"}, 0x0040_0000, False),      # quiet bit without the exponent
    ({"type": "f64", "value": "nan:canonical"}, 0xFFF8_0000_0000_0000, True),
    ({"type": "f64", "value": "nan:arithmetic"}, 0x7FF4_0000_0000_0000, False),
    ({"type": "i64", "value": "-1"}, 0xFFFF_FFFF_FFFF_FFFF, True),
    ({"type": "i32", "value": "1"}, 1.0, False),
    ({"type": "externref", "value": "null"}, None, True),
    ({"type": "externref", "value": "1"}, ExternRef(1), True),
    ({"type": "externref", "value": "1"}, ExternRef(2), False),
    ({"type": "funcref", "value": "null"}, object(), False),
    ({"type": "funcref"}, object(), True),
    ({"type": "either", "values": [{"type": "i32", "value": "1"}, {"type": "i32", "value": "2"}]}, 2, True),
    # v128: lane by lane in the expected lane type, lane 0 in the low bits, each float lane its own NaN class
    ({"type": "v128", "lane_type": "i8", "value": ["-1"] + ["0"] * 15}, 0xFF, True),
    ({"type": "v128", "lane_type": "i16", "value": ["1", "2"] + ["0"] * 6}, 0x0002_0001, True),
    ({"type": "v128", "lane_type": "i16", "value": ["2", "1"] + ["0"] * 6}, 0x0002_0001, False),
    ({"type": "v128", "lane_type": "i64", "value": ["0", "-1"]}, 0xFFFF_FFFF_FFFF_FFFF << 64, True),
    ({"type": "v128", "lane_type": "f32", "value": ["nan:canonical", "nan:arithmetic", "0", "1065353216"]},
     0x3F80_0000 << 96 | 0x7FC0_0001 << 32 | 0xFFC0_0000, True),
    ({"type": "v128", "lane_type": "f32", "value": ["nan:canonical", "nan:arithmetic", "0", "1065353216"]},
     0x3F80_0000 << 96 | 0x7FA0_0000 << 32 | 0xFFC0_0000, False),      # lane 1 signalling
    ({"type": "v128", "lane_type": "f64", "value": ["nan:arithmetic", "0"]}, 0x7FF8_0000_0000_0001, True),
    ({"type": "v128", "lane_type": "i32", "value": ["0"] * 4}, None, False),
])
def test_value_matches(expected, actual, ok):
    assert value_matches(expected, actual) is ok


def test_arg_values():
    assert arg_value({"type": "i32", "value": "-1"}) == 0xFFFF_FFFF
    assert arg_value({"type": "f64", "value": "4607182418800017408"}) == 0x3FF0_0000_0000_0000
    assert arg_value({"type": "externref", "value": "3"}) == ExternRef(3)
    assert arg_value({"type": "funcref", "value": "null"}) is None
    assert arg_value({"type": "v128", "lane_type": "i16", "value": ["-1", "2"] + ["0"] * 6}) == 0x0002_FFFF
    assert arg_value({"type": "v128", "lane_type": "f64", "value": ["0", "4607182418800017408"]}) == 0x3FF << 116


def test_v128_results_in_failure_messages():
    want = {"type": "v128", "lane_type": "i32", "value": ["1", "-1", "nan:canonical", "0"]}
    assert wast.format_expected(want) == "v128:i32x4 [0x00000001 0xffffffff nan:canonical 0x00000000]"
    assert wast.format_value("v128", 0xAB << 120, "i8").endswith("0x00 0xab]")


def _have_wasm_tools() -> bool:
    try:
        return wast.find_wasm_tools().is_file()
    except wast.WastError:
        return False


wasm_tools = pytest.mark.skipif(not _have_wasm_tools(), reason="wasm-tools not installed")


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("WASMC_WAST_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


@wasm_tools
def test_convert_parses_text_modules_and_caches(tmp_path, cache):
    script = tmp_path / "t.wast"
    script.write_text('(module (func (export "f")))\n'
                      '(assert_malformed (module quote "(func (result i32) (i32.const))") "x")\n'
                      '(assert_malformed (module quote "(func)") "y")\n')
    converted = wast.convert(script)
    kinds = [c["type"] for c in converted.commands]
    assert kinds == ["module", "assert_malformed", "assert_malformed"]
    unparsable, parsable = (converted.wasm_dir / c["filename"] for c in converted.commands[1:])
    assert Path(f"{unparsable}.error").is_file() and not Path(f"{unparsable}.wasm").exists()
    assert Path(f"{parsable}.wasm").is_file()
    assert wast.convert(script).wasm_dir == converted.wasm_dir
    assert len(list(cache.iterdir())) == 1


@wasm_tools
def test_convert_errors_are_one_line(tmp_path, cache):
    with pytest.raises(wast.WastError, match="No such file"):
        wast.convert(tmp_path / "missing.wast")
    bad = tmp_path / "bad.wast"
    bad.write_text("(module (func (")
    with pytest.raises(wast.WastError) as e:
        wast.convert(bad)
    assert "\n" not in str(e.value) and f"{bad}:1:" in str(e.value)


def test_cli_counts_and_exit_status(tmp_path, monkeypatch):
    results = {
        "a.wast": [Outcome(1, "module", Status.PASSED), Outcome(2, "assert_return", Status.FAILED, "why")],
        "b.wast": [Outcome(1, "module", Status.SKIPPED, "simd")],
    }
    monkeypatch.setattr(wast, "run_file", lambda path, opt, **options: FileResult(path, results[path.name]))
    (tmp_path / "MANIFEST.tsv").write_text("path\tin_scalar2\na.wast\t1\n")
    paths = [str(tmp_path / name) for name in results]
    out = CliRunner().invoke(main, ["wast", "-v", "--summary", *paths])
    assert out.exit_code == 1
    lines = out.output.splitlines()
    assert lines[0] == f"{paths[0]}: 1 passed, 1 failed, 0 skipped (assertions passed 0/1 in_scalar2)"
    assert lines[1] == "  line 2: assert_return: why"
    assert lines[2] == f"{paths[1]}: 0 passed, 0 failed, 1 skipped"
    assert lines[-1] == "1 passed, 1 failed, 1 skipped"


def test_passes_count_up_to_the_columns_scope_and_failures_count_against_it():
    # A script at a lower level (in_scalar2) holds SIMD assertions that now pass too.
    ok, bad = Outcome(1, "assert_return", Status.PASSED), Outcome(2, "assert_trap", Status.FAILED, "x")
    assert wast.passed_in_scope(FileResult(Path("a"), [ok] * 30), 10) == 10
    assert wast.passed_in_scope(FileResult(Path("a"), [ok] * 30 + [bad]), 10) == 9
    assert wast.passed_in_scope(FileResult(Path("a"), [ok] * 5 + [bad] * 2), 10) == 5
    assert wast.passed_in_scope(FileResult(Path("a"), [Outcome(1, "module", Status.PASSED)] + [bad] * 12), 10) == 0


def test_cli_missing_file_is_one_line(tmp_path):
    out = CliRunner().invoke(main, ["wast", str(tmp_path / "nope.wast")])
    assert out.exit_code == 1
    assert f"{tmp_path / 'nope.wast'}: error: No such file or directory" in out.output
    assert "Traceback" not in out.output


def test_isolated_run_survives_a_crash_and_a_hang(tmp_path, monkeypatch):
    import faulthandler
    import os
    import signal
    import time

    def crash(args):
        faulthandler.disable()      # pytest's handler would print the child's stack
        os.kill(os.getpid(), signal.SIGSEGV)

    def hang(args):
        time.sleep(60)

    class Instance(FakeInstance):
        def __init__(self, module, imports):
            super().__init__(module, imports)
            self.exports.update(crash=FakeFunc(crash), hang=FakeFunc(hang))

    api = SimpleNamespace(**{**vars(FAKE), "Instance": Instance})
    (tmp_path / "m.wasm").write_bytes(b"ok")
    for bad in ("crash", "hang"):
        commands = [dict(module("m.wasm"), line=1),
                    {"type": "action", "line": 2, "action": invoke(bad)},
                    {"type": "assert_return", "line": 3, "action": invoke("add", i32(1), i32(2)),
                     "expected": [i32(3)]}]
        monkeypatch.setattr(wast, "convert", lambda path: wast.Script(commands, tmp_path))
        result = wast.run_file(tmp_path / "x.wast", api=api, isolate=True, timeout=1)
        assert statuses(result.outcomes) == ["passed", "failed", "failed"]
        ending = "crashed: SIGSEGV" if bad == "crash" else "timed out after 1 s"
        assert result.outcomes[1].reason == ending
        assert result.outcomes[2].reason == f"not run: line 2 {ending}"
