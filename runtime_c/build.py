"""Builds runtime_c: into the cffi extension wasmc._rt for the JIT and the Python host (`ffibuilder`, used
by setup.py), and into libwasmc_rt.a for AOT linking (`build_static_library`). What the C does is the
business of the .c files and wasmc_rt.h."""
from __future__ import annotations

import os
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor

from cffi import FFI

HERE = os.path.dirname(os.path.abspath(__file__))
# The same sources make the cffi extension and libwasmc_rt.a: both instantiate through instance.c.
RUNTIME_SOURCES = ("trap.c", "timeout.c", "memory.c", "table.c", "host.c", "image.c", "instance.c",
                   "wasi/state.c", "wasi/errno.c", "wasi/fd.c", "wasi/path.c", "wasi/poll.c", "wasi/clock.c",
                   "wasi/proc.c", "wasi/sock.c", "wasi/sockopt.c", "wasi/addrinfo.c", "wasi/net.c")
SELFTEST_SOURCES = ("selftest.c",)   # stand-in entry trampolines for tests/runtime; JIT extension only
CFLAGS = ("-O2",)


# cffi's declarations come from the headers themselves, by one rule applied to each of CDEF_HEADERS:
#   - the header is cut into sections at lines starting with "/* ---- "; sections whose title starts with
#     a name in its skip list are left out;
#   - comments are removed;
#   - `#define NAME "text"` becomes `static const char *const NAME;`, any other `#define NAME value`
#     becomes `#define NAME ...` (cffi then takes both values from the compiler); every other
#     preprocessor line (include guards, #include) is dropped;
#   - `_Noreturn` is dropped (pycparser does not know it).
# Struct layouts are kept exact, so cffi checks them against the compiler when the extension is built.
# Python must never call wasmc_trap, wasmc_exit or the bulk operators: they long-jump.
CDEF_HEADERS = (
    # "Defined by generated code": only compiled modules define those symbols, not the extension.
    ("wasmc_rt.h", ("Defined by generated code",)),
    ("wasi/wasi.h", ("Internal",)),
    ("instance.h", ()),
    ("selftest.h", ()),
)

_SECTION = re.compile(r"^/\* ---- ", re.M)
_COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)
_DEFINE = re.compile(r"#\s*define\s+(\w+)\s+(.+)")


def header_cdef(name: str, skip: tuple[str, ...] = ()) -> str:
    """The declarations of runtime_c/`name` as cffi reads them (the rule above)."""
    with open(os.path.join(HERE, name)) as f:
        text = f.read()
    starts = [0, *(m.start() for m in _SECTION.finditer(text)), len(text)]
    sections = [text[a:b] for a, b in zip(starts, starts[1:])]
    kept = "".join(s for s in sections if not any(s.startswith(f"/* ---- {title}") for title in skip))
    lines = []
    for line in _COMMENT.sub("", kept).splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            define = _DEFINE.fullmatch(stripped)
            if define and define[2].startswith('"'):
                lines.append(f"static const char *const {define[1]};")
            elif define:
                lines.append(f"#define {define[1]} ...")
            continue
        lines.append(line.replace("_Noreturn ", ""))
    return "\n".join(line for line in lines if line.strip()) + "\n"


# Python host functions: @ffi.def_extern() defines it; lib.wasmc_py_host_call is then a valid
# wasmc_host_func.call, with a handle (ffi.new_handle) saying which Python callable to run.
PYTHON_CALLBACKS = 'extern "Python" int wasmc_py_host_call(void *handle, uint64_t *args_results);\n'

CDEF = "".join(header_cdef(name, skip) for name, skip in CDEF_HEADERS) + PYTHON_CALLBACKS
PRELUDE = "".join(f'#include "{name}"\n' for name, _ in CDEF_HEADERS)


def _rel(name: str) -> str:
    # setuptools wants source paths relative to the project root, where setup.py runs.
    return os.path.relpath(os.path.join(HERE, name))


def ffibuilder() -> FFI:
    """The extension's builder (setup.py's cffi_modules calls it). A function, so that AOT links, which
    load this file for build_static_library and the sources' key, do not parse the declarations."""
    builder = FFI()
    builder.cdef(CDEF)
    builder.set_source(
        "wasmc._rt",
        PRELUDE,
        sources=[_rel(name) for name in RUNTIME_SOURCES + SELFTEST_SOURCES],
        include_dirs=[_rel(".")],
        extra_compile_args=list(CFLAGS),
        libraries=["pthread"],
    )
    return builder


def build_static_library(out_dir: str | os.PathLike[str], cc: str | None = None) -> str:
    """Compile the runtime sources into out_dir/libwasmc_rt.a for AOT linking and return its path.

    Uses $CC (default `cc`) and `ar` directly, so no make or setuptools is needed at link time.
    """
    cc = cc or os.environ.get("CC", "cc")
    out_dir = os.fspath(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    objects = [os.path.join(out_dir, os.path.splitext(name)[0].replace("/", "_") + ".o") for name in RUNTIME_SOURCES]
    # One compiler per core: the first AOT link on a machine waits for this.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        list(pool.map(lambda name, obj: _run([cc, *CFLAGS, "-fPIC", "-std=c11", "-I", HERE, "-c",
                                              os.path.join(HERE, name), "-o", obj]),
                      RUNTIME_SOURCES, objects))
    library = os.path.join(out_dir, "libwasmc_rt.a")
    if os.path.exists(library):
        os.remove(library)   # `ar rcs` adds to an existing archive; start clean
    _run(["ar", "rcs", library, *objects])
    return library


def _run(argv: list[str]) -> None:
    result = subprocess.run(argv, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed:\n{result.stderr}")


if __name__ == "__main__":
    ffibuilder().compile(verbose=True)
