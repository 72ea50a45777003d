"""Which spec level a module is validated at: Wasm 3.0 (the default) or 2.0, whose rules a few 3.0
features relax. The wasm2 spec suite asserts the 2.0 rules, so its runner asks for them."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Features:
    name: str
    extended_const: bool     # add/sub/mul and global.get of defined globals in constant expressions
    memory64: bool           # 64-bit memories and tables (address type i64)


WASM2 = Features("2.0", extended_const=False, memory64=False)
WASM3 = Features("3.0", extended_const=True, memory64=True)
BY_NAME = {f.name: f for f in (WASM2, WASM3)}
