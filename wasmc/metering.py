"""What a compile instruments code with for wasmtime's -W fuel and -W timeout: fuel metering and interrupt
checks (lowered by lower/meter.py). Code without either is today's code, so a Metering is part of every
cache key only when it asks for something (`tag`)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Metering:
    fuel: bool = False          # count operators as wasmtime does; trap when the fuel is used up
    interrupt: bool = False     # trap when wasmc_interrupt is set (the -W timeout timer)

    def __bool__(self) -> bool:
        return self.fuel or self.interrupt

    @property
    def tag(self) -> str:
        """"" for plain code, else what the code is instrumented with, for cache keys."""
        return "+".join(name for name, on in (("fuel", self.fuel), ("interrupt", self.interrupt)) if on)


NONE = Metering()


def metered_kind(metering: Metering) -> str:
    """What a module cache key's `kind` gains for metered code ("" for plain code: its keys stay as they were)."""
    return f"\0meter:{metering.tag}" if metering else ""
