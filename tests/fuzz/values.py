"""Values as the fuzzer sees them: raw bit patterns for numbers, tokens for externrefs, argument patterns,
and the spec's NaN rules for comparing two engines' values.

Numbers are unsigned bit patterns (i32/f32 in 32 bits, i64/f64 in 64). A funcref is None or FUNC (only
null-ness crosses engines); an externref is None or an ExternToken the harness passed in.
"""
from __future__ import annotations

import random
import struct
from dataclasses import dataclass

NUM_TYPES = ("i32", "i64", "f32", "f64")
REF_TYPES = ("funcref", "externref")
WIDTH = {"i32": 32, "f32": 32, "i64": 64, "f64": 64}
MASK = {t: (1 << w) - 1 for t, w in WIDTH.items()}

FUNC = "func"          # a non-null funcref, as compared across engines


@dataclass(frozen=True, slots=True)
class ExternToken:
    """A host object passed as an externref argument; it must come back as itself."""
    n: int


def ref_value(t: str, obj) -> object:
    """An engine's reference value -> the comparable form (None, FUNC or an ExternToken)."""
    if obj is None:
        return None
    if t == "funcref":
        return FUNC
    return obj if isinstance(obj, ExternToken) else f"foreign:{type(obj).__name__}"


# --- NaN classes ------------------------------------------------------------------------------------------
# The spec (Numerics, "NaN propagation"): an arithmetic operator returns a canonical NaN when all NaN
# inputs are canonical, else an arithmetic NaN (quiet bit set, any payload); the sign is never specified.
# So across engines only the class of a NaN result is deterministic, not its sign or payload.
_FLOAT = {"f32": (23, 0xFF), "f64": (52, 0x7FF)}


def nan_class(t: str, bits: int) -> str | None:
    """"canonical", "arithmetic" (quiet, other payload), "signaling", or None when not a NaN."""
    frac_bits, exp_max = _FLOAT[t]
    if (bits >> frac_bits) & exp_max != exp_max:
        return None
    frac = bits & ((1 << frac_bits) - 1)
    quiet = 1 << (frac_bits - 1)
    if frac == 0:
        return None                                    # infinity
    if frac == quiet:
        return "canonical"
    return "arithmetic" if frac & quiet else "signaling"


def compare_value(t: str, expected, actual) -> str:
    """"equal", "nan" (different NaN bits of the same class: allowed) or "differ".

    An integer may hold a reinterpreted float, so two integers that are both NaN patterns of the float
    of their width and of one class are "nan" too."""
    if expected == actual:
        return "equal"
    if t in REF_TYPES or expected is None or actual is None:
        return "differ"
    float_type = {"i32": "f32", "i64": "f64"}.get(t, t)
    ce, ca = nan_class(float_type, expected), nan_class(float_type, actual)
    return "nan" if ce is not None and ce == ca else "differ"


def nan_explained(expected: bytes, actual: bytes) -> bool:
    """Whether two equally long memories differ only inside f32/f64 NaNs of the same class (a store of a
    NaN whose bits the spec leaves open)."""
    if len(expected) != len(actual):
        return False
    for i in differing_offsets(expected, actual):
        if not any(_nan_window(expected, actual, i, size) for size in (4, 8)):
            return False
    return True


def _nan_window(expected: bytes, actual: bytes, i: int, size: int) -> bool:
    t, fmt = ("f32", "<I") if size == 4 else ("f64", "<Q")
    for start in range(max(0, i - size + 1), min(i, len(expected) - size) + 1):
        e = struct.unpack_from(fmt, expected, start)[0]
        a = struct.unpack_from(fmt, actual, start)[0]
        ce = nan_class(t, e)
        if ce is not None and ce == nan_class(t, a):
            return True
    return False


def differing_offsets(expected: bytes, actual: bytes, chunk: int = 4096, limit: int = 4096):
    """Offsets where two equally long byte strings differ (at most `limit` of them), scanning by chunks."""
    found = 0
    for base in range(0, len(expected), chunk):
        if expected[base:base + chunk] == actual[base:base + chunk]:
            continue
        for i in range(base, min(base + chunk, len(expected))):
            if expected[i] != actual[i]:
                yield i
                found += 1
                if found >= limit:
                    return


# --- argument patterns ------------------------------------------------------------------------------------
def f32_bits(x: float) -> int:
    return struct.unpack("<I", struct.pack("<f", x))[0]


def f64_bits(x: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", x))[0]


_SMALL_INTS = (2, 3, 4, 7, 8, 15, 16, 31, 32, 63, 64, 100, 255, 256, 1000, 4096, 65535, 65536)
_SPECIAL_INTS = {
    "i32": (0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x10000, 0xFFFC, 0xFFFFFFFE, 0xFFFF0000, 0x100000, 0x7FFFFFFE),
    "i64": (0x80, 0xFFFF, 0x10000, 0xFFFFFFFF, 0x100000000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFFFFFFFFFE,
            0x8000000000000001, 0xFFFFFFFF00000000),
}
_SPECIAL_FLOATS = {
    "f32": (0x7FC00000, 0xFFC00000, 0x7FA00000, 0x7FC00001, 0xFF800001, 0x80000000, 0x00000001,
            0x7F7FFFFF, 0x4F000000, 0xCF000000, 0x4F800000, 0x3F000000, 0xBF000000),
    "f64": (0x7FF8000000000000, 0xFFF8000000000000, 0x7FF4000000000000, 0x7FF8000000000001,
            0x8000000000000000, 0x0000000000000001, 0x7FEFFFFFFFFFFFFF, 0x41E0000000000000,
            0xC1E0000000000000, 0x41F0000000000000, 0x43E0000000000000, 0x3FE0000000000000),
}


def _float_bits(t: str, x: float) -> int:
    return f32_bits(x) if t == "f32" else f64_bits(x)


def _pattern_value(pattern: str, t: str, rng: random.Random):
    if t == "funcref":
        return None                    # no funcref crosses engines: only null goes in
    if t == "externref":
        return None if pattern == "zeros" else ExternToken(rng.randrange(1, 4))
    is_float = t[0] == "f"
    w = WIDTH[t]
    if pattern == "zeros":
        return 0
    if pattern == "ones":
        return _float_bits(t, 1.0) if is_float else 1
    if pattern == "minus_one":
        return _float_bits(t, -1.0) if is_float else MASK[t]
    if pattern == "min":
        return _float_bits(t, float("-inf")) if is_float else 1 << (w - 1)
    if pattern == "max":
        return _float_bits(t, float("inf")) if is_float else (1 << (w - 1)) - 1
    if pattern == "small":
        if is_float:
            return _float_bits(t, rng.choice((0.5, 2.0, 3.0, 7.5, 100.0, -2.5, 1e-3, 65536.0)))
        return rng.choice(_SMALL_INTS)
    if pattern == "special":
        return rng.choice(_SPECIAL_FLOATS[t] if is_float else _SPECIAL_INTS[t])
    return rng.getrandbits(w)          # "random"


PATTERNS = ("zeros", "ones", "minus_one", "min", "max", "small", "special", "random")


def pattern_args(params: tuple[str, ...], pattern: str, seed: str) -> tuple:
    """Arguments of one call, a function of the types, the pattern and `seed` only (so a shrunk module
    calls a surviving export with the same arguments)."""
    rng = random.Random(f"{seed}:{pattern}")
    return tuple(_pattern_value(pattern, t, rng) for t in params)


def args_to_json(args) -> list:
    """Call arguments as JSON (finding.json): numbers as they are, externrefs as {"externref": n}."""
    return [{"externref": a.n} if isinstance(a, ExternToken) else a for a in args]


def args_from_json(items: list) -> tuple:
    return tuple(ExternToken(a["externref"]) if isinstance(a, dict) else a for a in items)


def zero_of(t: str):
    return None if t in REF_TYPES else 0


def show(t: str, v) -> str:
    """A value for a human: hex bits, with the float it stands for."""
    if v is None or t in REF_TYPES:
        return repr(v)
    if t == "f32":
        return f"0x{v:08x} ({struct.unpack('<f', struct.pack('<I', v))[0]!r})"
    if t == "f64":
        return f"0x{v:016x} ({struct.unpack('<d', struct.pack('<Q', v))[0]!r})"
    return f"0x{v:x}"
