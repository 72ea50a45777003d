"""Builds canon.c into the extension module wasmc.fcache._canon (setup.py). The declarations cffi sees
are canon.h's, with its #define values substituted: the header is the one source."""
from __future__ import annotations

import os
import re

from cffi import FFI

HERE = os.path.dirname(os.path.abspath(__file__))


def _cdef() -> str:
    with open(os.path.join(HERE, "canon.h")) as f:
        text = f.read()
    defines = dict(re.findall(r"^#define (\w+) (\d+)\b", text, re.MULTILINE))
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    body = "\n".join(lines)
    for name, value in defines.items():
        body = re.sub(rf"\b{name}\b", value, body)
    return body + "".join(f"\n#define {name} {value}" for name, value in defines.items())


def _rel(name: str) -> str:
    # setuptools wants source paths relative to the project root, where setup.py runs.
    return os.path.relpath(os.path.join(HERE, name))


ffibuilder = FFI()
ffibuilder.cdef(_cdef())
ffibuilder.set_source("wasmc.fcache._canon", '#include "canon.h"', sources=[_rel("canon.c")],
                      include_dirs=[_rel(".")], extra_compile_args=["-O2", "-std=c11"])

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
