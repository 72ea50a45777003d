"""What runtime_c reports, as Python exceptions: a wasmc_invoke result becomes Trap or ProcExit (or the
exception a host function raised, carried across the wasm thread), and a segment out of bounds during
instantiation becomes InstantiationError. The messages are runtime_c's (wasmc_trap_message)."""
from __future__ import annotations

from typing import NoReturn

from .abi import TrapKind
from .errors import InstantiationError, ProcExit, Trap, WasmcError
from .runtime import runtime

# Set on the wasm thread by a failing host function, raised on the caller's thread by raise_trap.
_host_errors: list[BaseException] = []


def host_failed(error: BaseException) -> None:
    """Remember why a host function failed; its call then traps with TrapKind.HOST."""
    _host_errors.append(error)


def trap_of(kind: int) -> Trap:
    """The Trap for a trap kind, with runtime_c's message."""
    ffi, lib = runtime()
    return Trap(TrapKind(kind).name.lower(), ffi.string(lib.wasmc_trap_message(kind)).decode())


def raise_trap(kind: int, owner=None) -> NoReturn:
    """Raise what wasmc_invoke returned (not 0); `owner` (an Instance) names the wasm function that trapped."""
    _, lib = runtime()
    if kind < 0:
        raise WasmcError("cannot start a thread for wasm code (is the stack size too large?)")
    if kind == TrapKind.HOST and _host_errors:
        raise _host_errors.pop()
    if kind == TrapKind.EXIT:
        raise ProcExit(lib.wasmc_exit_code())
    trap = trap_of(kind)
    if kind == TrapKind.UNINITIALIZED and lib.wasmc_trap_element() >= 0:
        trap.message += f" {lib.wasmc_trap_element()}"     # the spec's wording: "uninitialized element 2"
    func = owner.function_at(lib.wasmc_trap_pc()) if hasattr(owner, "function_at") else None
    raise Trap(trap.kind, trap.message, func)


def segment_error(kind: int) -> InstantiationError:
    """A segment out of bounds at instantiation (wasmc_instantiate returned `kind`)."""
    trap = trap_of(kind)
    return InstantiationError(trap.message, trap)
