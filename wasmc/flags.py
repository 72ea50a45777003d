"""wasmtime's option groups `-W` (wasm semantics) and `-S` (WASI), spelled and parsed as wasmtime does:
`-W KEY[=VALUE][,KEY[=VALUE]...]`, repeatable. Shared by `wasmc run` and GOWASIRUNTIMEARGS (gohost.py);
what each option does is the business of launch.py and runtime_c."""
from __future__ import annotations

from dataclasses import dataclass, field

from .errors import WasmcError
from .grants import EVERYTHING, GrantError, NetGrants, parse_listen


class FlagError(WasmcError):
    """A -W or -S option wasmc does not know, cannot apply yet, or whose value it cannot parse; the message
    names the option. The CLI exits with 2, as for any other bad option."""


@dataclass(slots=True)
class RunFlags:
    """What -W and -S asked for; None: not given."""
    max_wasm_stack: int | None = None       # bytes of stack wasm code may use
    max_memory_size: int | None = None      # bytes a linear memory may grow to
    unknown_imports_trap: bool = False      # unresolvable function imports trap when called
    inherit_env: bool = False               # the guest gets the whole environment
    inherit_network: bool = False           # the guest may connect to and bind on any address (allow-net *)
    tcplisten: list[str] = field(default_factory=list)     # HOST:PORT listeners, in order
    fuel: int | None = None                 # the fuel the guest starts with (code is metered)
    timeout_ns: int | None = None           # interrupt the guest after this many nanoseconds

    def net(self) -> NetGrants:
        """The network -S asked for."""
        return NetGrants(tuple(self.tcplisten), (EVERYTHING,) if self.inherit_network else ())


SUPPORTED = {"-W": "max-wasm-stack=N, max-memory-size=N, unknown-imports-trap[=y|n], fuel=N, timeout=DURATION",
             "-S": "inherit-env[=y|n], inherit-network[=y|n], tcplisten=HOST:PORT"}
# wasmtime's durations: N (seconds), Ns, Nms, Nus (or Nμs), Nns; N a whole number.
_DURATION_UNITS = (("", 10**9), ("s", 10**9), ("ms", 10**6), ("us", 10**3), ("μs", 10**3), ("ns", 1))
_MAX_NS = (1 << 64) - 2         # runtime_c/main.c reads ~0 as "no timeout"


def parse_duration(group: str, key: str, value: str | None) -> int:
    """A duration as wasmtime reads it, in nanoseconds."""
    text = value or ""
    for suffix, scale in _DURATION_UNITS:
        number = text[:len(text) - len(suffix)] if text.endswith(suffix) else None
        if number and number.removeprefix("+").isdigit() and number.isascii():
            return min(int(number) * scale, _MAX_NS)
    raise FlagError(f"{group} {key}={text}: failed to parse duration (expected N, Ns, Nms, Nus or Nns)")


def parse_bytes(group: str, key: str, value: str | None, what: str = "a number of bytes") -> int:
    """A size in bytes (or another u64, `what`) as wasmtime reads it: decimal or 0x hex, `_` ignored."""
    text = (value or "").replace("_", "")
    try:
        n = int(text[2:], 16) if text.startswith("0x") else int(text, 10) if text.isdigit() else None
    except ValueError:
        n = None
    if value is None or n is None:
        raise FlagError(f"{group} {key}: expected {key}=N, {what} (decimal or 0x hex)")
    if n >= 1 << 64:
        raise FlagError(f"{group} {key}={value}: number too large")
    return n


def parse_bool(group: str, key: str, value: str | None) -> bool:
    """wasmtime's switches: nothing, y, yes or true; n, no or false."""
    if value in (None, "y", "yes", "true"):
        return True
    if value in ("n", "no", "false"):
        return False
    raise FlagError(f"{group} {key}={value}: expected y or n")


def apply(flags: RunFlags, group: str, text: str) -> None:
    """Apply one `-W`/`-S` argument (a comma-separated list) to `flags`."""
    for item in text.split(","):
        key, eq, value = item.strip().partition("=")
        value = value if eq else None
        if group == "-W" and key == "max-wasm-stack":
            flags.max_wasm_stack = parse_bytes(group, key, value)
            if flags.max_wasm_stack == 0:
                raise FlagError(f"{group} max-wasm-stack=0: the stack must hold at least one frame")
        elif group == "-W" and key == "max-memory-size":
            flags.max_memory_size = parse_bytes(group, key, value)
        elif group == "-W" and key == "fuel":
            flags.fuel = parse_bytes(group, key, value, "units of fuel")
        elif group == "-W" and key == "timeout":
            flags.timeout_ns = parse_duration(group, key, value)
        elif group == "-W" and key == "unknown-imports-trap":
            flags.unknown_imports_trap = parse_bool(group, key, value)
        elif group == "-S" and key == "inherit-env":
            flags.inherit_env = parse_bool(group, key, value)
        elif group == "-S" and key == "inherit-network":
            flags.inherit_network = parse_bool(group, key, value)
        elif group == "-S" and key == "tcplisten":
            try:
                flags.tcplisten.append(parse_listen(value or "", f"{group} tcplisten"))
            except GrantError as e:
                raise FlagError(str(e)) from None
        else:
            shown = item.strip() or "''"
            raise FlagError(f"{group} {shown}: not an option wasmc supports (it supports {group} {SUPPORTED[group]})")
