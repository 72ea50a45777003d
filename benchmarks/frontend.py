"""Front-end speed: decode, and validate + lower to LLVM IR text, per 100,000 Wasm instructions.

    python benchmarks/frontend.py MODULE.wasm
"""
from __future__ import annotations

import sys
import time

from wasmc.lower.module import lower_module
from wasmc.wasm.decode import decode_module
from wasmc.wasm.instr import read_op
from wasmc.wasm.reader import Reader


def count_instructions(m) -> int:
    n = 0
    for body in m.code:
        r = Reader(m.data, body.start, body.end)
        while r.pos < r.end:
            read_op(r)
            n += 1
    return n


def main(path: str) -> None:
    data = open(path, "rb").read()
    t0 = time.perf_counter()
    m = decode_module(data)
    t1 = time.perf_counter()
    ir = lower_module(m)
    t2 = time.perf_counter()
    n = count_instructions(m)
    print(f"{path}: {len(data) / 1e6:.1f} MB, {len(m.code)} functions, {n} instructions, IR {len(ir) / 1e6:.1f} MB")
    print(f"decode {t1 - t0:.2f} s, validate+lower {t2 - t1:.2f} s, "
          f"front end {(t2 - t0) / n * 1e5:.3f} s per 100k instructions")


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] in ("-h", "--help"):
        sys.exit(__doc__.strip())
    try:
        main(sys.argv[1])
    except OSError as e:
        sys.exit(f"error: cannot read {sys.argv[1]}: {e.strerror}")
