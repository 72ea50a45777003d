"""The errors users see. Library code raises these; only the CLI prints them. run_tool turns a failing
C compiler or linker into one."""
from __future__ import annotations

import subprocess


def _rebuild(cls, args, state):
    err = cls.__new__(cls)
    err.args = args
    err.__dict__.update(state)
    return err


class WasmcError(Exception):
    """Base of every error wasmc reports to a user."""

    def __reduce__(self):
        # Keep the fields as they are across processes (parallel compile workers raise these); the
        # default would call __init__ again with the formatted message.
        return _rebuild, (type(self), self.args, self.__dict__)


class DecodeError(WasmcError):
    """The bytes are not a well-formed Wasm binary (the spec's "malformed")."""

    def __init__(self, message: str, offset: int | None = None):
        self.message = message
        self.offset = offset
        where = f" (at offset 0x{offset:x})" if offset is not None else ""
        super().__init__(f"malformed module: {message}{where}")


class ValidationError(WasmcError):
    """The module is well-formed but does not validate (the spec's "invalid")."""

    def __init__(self, message: str, where: str = "", offset: int | None = None):
        self.message = message
        self.offset = offset
        parts = [p for p in (where, f"offset 0x{offset:x}" if offset is not None else "") if p]
        suffix = f" ({', '.join(parts)})" if parts else ""
        super().__init__(f"invalid module: {message}{suffix}")


class UnsupportedError(WasmcError):
    """The module uses a Wasm feature wasmc does not implement yet."""

    def __init__(self, feature: str, offset: int | None = None):
        self.feature = feature
        self.offset = offset
        where = f" (at offset 0x{offset:x})" if offset is not None else ""
        super().__init__(f"unsupported feature: {feature}{where}")


class LinkError(WasmcError):
    """An import could not be satisfied (the spec's "unlinkable")."""


class InstantiationError(WasmcError):
    """Instantiation failed after linking, e.g. a segment out of bounds (the spec's "uninstantiable")."""

    def __init__(self, message: str, trap: "Trap | None" = None):
        self.trap = trap
        super().__init__(message)


class Trap(WasmcError):
    """Wasm code trapped: raised by a call into wasm (or an Instance's start function) when it hits a
    trap. `kind` is the lower-case TrapKind name ("int_div_by_zero"), `message` runtime_c's spec-style
    text ("integer divide by zero"), `func` the wasm function that trapped, when known.

        try:
            instance.exports["div"](1, 0)
        except wasmc.Trap as e:
            print(e.message, e.func)       # integer divide by zero  div
    """

    def __init__(self, kind: str, message: str, func: str | None = None):
        self.kind = kind
        self.message = message
        self.func = func
        where = f" in {func}" if func else ""
        super().__init__(f"wasm trap: {message}{where}")


class ProcExit(WasmcError):
    """The guest called proc_exit (WASI)."""

    def __init__(self, code: int):
        self.code = code
        super().__init__(f"exit status {code}")


def run_tool(argv: list[str], missing: str, failure: str) -> None:
    """Run a C compiler or linker: a WasmcError when it cannot start (`missing`: what is needed) or
    fails (`failure`, then what it printed)."""
    try:
        result = subprocess.run(argv, capture_output=True, text=True)
    except FileNotFoundError:
        raise WasmcError(f"cannot run {argv[0]}: {missing}") from None
    if result.returncode != 0:
        raise WasmcError(f"{failure}: {result.stderr.strip()[:4000]}")
