"""wasmc/abi.py against runtime_c/wasmc_rt.h: struct offsets and sizes through cffi (which compiled the
header), the trap enum and each kind's message, the runtime calls against the header's prototypes, the
symbols generated code defines, and the constants the Python side mirrors."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from wasmc import abi
from wasmc._rt import ffi, lib
from wasmc.abi import TrapKind, VmctxOffset

HEADER = Path(__file__).resolve().parents[2] / "runtime_c" / "wasmc_rt.h"
HEADER_TEXT = HEADER.read_text()


def section(title: str) -> str:
    """The text of the header section whose `/* ---- ` line starts with `title`."""
    start = HEADER_TEXT.index(f"/* ---- {title}")
    end = HEADER_TEXT.find("/* ---- ", start + 1)
    return HEADER_TEXT[start:end if end >= 0 else None]


def without_comments(text: str) -> str:
    return re.sub(r"/\*.*?\*/", "", text, flags=re.S)


# ---- Layout ----

def test_vmctx_fields_and_offsets():
    fields = [name for name, _ in ffi.typeof("wasmc_vmctx").fields]
    assert fields == [member.name.lower() for member in VmctxOffset]
    for member in VmctxOffset:
        assert ffi.offsetof("wasmc_vmctx", member.name.lower()) == member, member.name
    assert ffi.sizeof("wasmc_vmctx") == abi.VMCTX_SIZE


@pytest.mark.parametrize("struct, size, offsets", [
    ("wasmc_funcref", abi.FUNCREF_SIZE,
     {"fn": abi.FUNCREF_FN, "type_id": abi.FUNCREF_TYPE_ID, "vmctx": abi.FUNCREF_VMCTX}),
    ("wasmc_memory", abi.MEMORY_STRUCT_SIZE, {"base": abi.MEMORY_BASE, "size": abi.MEMORY_SIZE}),
    ("wasmc_table", abi.TABLE_STRUCT_SIZE, {"elems": abi.TABLE_ELEMS, "size": abi.TABLE_SIZE}),
    ("wasmc_global", abi.GLOBAL_CELL_SIZE, {"bits": 0}),
])
def test_struct_sizes_and_offsets(struct, size, offsets):
    assert ffi.sizeof(struct) == size
    for field, offset in offsets.items():
        assert ffi.offsetof(struct, field) == offset, f"{struct}.{field}"


def test_constants():
    assert lib.WASMC_ABI_VERSION == abi.ABI_VERSION
    assert lib.WASMC_MEMORY_RESERVATION == abi.MEMORY_RESERVATION
    assert lib.WASMC_DEFAULT_STACK == abi.DEFAULT_STACK == abi.DEFAULT_STACK_MIB << 20


def test_cli_stack_default_is_the_header_one():
    # The CLI leaves the stack to runtime_c (WASMC_DEFAULT_STACK) unless asked, and says so in its help.
    from wasmc import invoke
    from wasmc.cli import run_command
    option = next(p for p in run_command.params if p.name == "stack_size")
    assert not isinstance(option.default, int) and f"default {lib.WASMC_DEFAULT_STACK >> 20}" in option.help
    assert invoke.DEFAULT_STACK == lib.WASMC_DEFAULT_STACK


# ---- Traps ----

def test_trap_enum_matches_trap_kind():
    in_header = {name: value for value, name in ffi.typeof("enum wasmc_trap_kind").elements.items()}
    assert in_header.pop("WASMC_TRAP_COUNT") == len(TrapKind)
    assert in_header == {f"WASMC_TRAP_{kind.name}": kind.value for kind in TrapKind}


def header_messages() -> dict[str, str]:
    """Each trap kind's message as the header's enum comment quotes it."""
    found = re.findall(r"WASMC_TRAP_(\w+) = \d+,\s*/\* \"([^\"]*)\"", section("Traps"))
    return dict(found)


def test_every_trap_kind_has_its_message_in_the_header():
    assert set(header_messages()) == {kind.name for kind in TrapKind}


@pytest.mark.parametrize("kind", list(TrapKind), ids=lambda kind: kind.name)
def test_trap_message_is_the_header_one(kind):
    assert ffi.string(lib.wasmc_trap_message(kind)).decode() == header_messages()[kind.name]


def test_trap_kind_names_raised_by_python():
    # Trap.kind is the lower-case TrapKind name; instantiation reports segment traps with those names.
    from wasmc.errors import Trap
    assert Trap(TrapKind.TABLE_OOB.name.lower(), "x").kind == "table_oob"


# ---- Runtime calls ----

_LLVM_OF_C = {"uint32_t": "i32", "int32_t": "i32", "uint64_t": "i64", "int64_t": "i64", "size_t": "i64",
              "int": "i32", "float": "float", "double": "double", "void": "void"}


def llvm_type(c_decl: str) -> str:
    """The LLVM type of a C type (with or without a parameter name): pointers are ptr."""
    if "*" in c_decl:
        return "ptr"
    words = c_decl.replace("const", " ").split()
    return _LLVM_OF_C[words[0]]


def header_prototypes() -> dict[str, tuple[str, tuple[str, ...], bool]]:
    """name -> (LLVM return type, LLVM parameter types, noreturn) of "Called by generated code"."""
    text = without_comments(section("Called by generated code"))
    out = {}
    for decl in text.split(";")[:-1]:
        m = re.fullmatch(r"\s*(_Noreturn\s+)?(.+?)\b(wasmc_\w+)\s*\(([^)]*)\)\s*", decl, re.S)
        assert m, f"not a prototype: {decl!r}"
        noreturn, ret, name, params = m.groups()
        out[name] = (llvm_type(ret), tuple(llvm_type(p) for p in params.split(",")), noreturn is not None)
    return out


def test_runtime_calls_are_the_header_prototypes():
    prototypes = header_prototypes()
    assert set(abi.RUNTIME_CALLS) == set(prototypes)
    for name, (ret, params, attrs) in abi.RUNTIME_CALLS.items():
        assert (ret, params, "noreturn" in attrs.split()) == prototypes[name], name


def test_runtime_calls_exist_in_the_runtime():
    for name in abi.RUNTIME_CALLS:
        assert ffi.addressof(lib, name) != ffi.NULL


# ---- Symbols generated code defines ----

def test_generated_code_defines_the_declared_symbols():
    wasmtime = pytest.importorskip("wasmtime")
    from wasmc.codegen import cpu_requirement_ir, target_machine
    from wasmc.compile import module_ir
    from wasmc.image import encode_image, host_imports_ir, image_ir, names_ir
    from wasmc.wasm.decode import decode_module
    data = wasmtime.wat2wasm('(module (import "env" "f" (func)) (func (export "g") (call 0)))')
    m = decode_module(data)
    # The lowering, the image and, in every object codegen makes, the CPU requirement.
    ir = (module_ir(data) + image_ir(encode_image(m)) + host_imports_ir(m) + names_ir(m)
          + cpu_requirement_ir(target_machine()))
    defined = set(re.findall(r"^@(wasmc_\w+) = ", ir, re.M))
    declared = set(re.findall(r"\bextern\b[^;]*?\b(wasmc_\w+)\s*(?:\[\])?;",
                              without_comments(section("Defined by generated code"))))
    assert defined == declared


# ---- Linking ----

def test_wasi_module_name():
    assert ffi.string(lib.WASMC_WASI_MODULE).decode() == abi.WASI_MODULE


def test_signature_letters_are_runtime_c_ones():
    # runtime_c spells the import's type in its own letters when a WASI import has the wrong type.
    wasmtime = pytest.importorskip("wasmtime")
    import wasmc
    from wasmc.wasi import Wasi, WasiConfig
    from wasmc.wasm.types import EXTERNREF, F32, F64, FUNCREF, I32, I64, FuncType
    wrong = FuncType((I32, I64, F32, F64, FUNCREF, EXTERNREF), (I32,))
    module = wasmc.Module(wasmtime.wat2wasm(
        '(module (import "wasi_snapshot_preview1" "fd_write" '
        '(func (param i32 i64 f32 f64 funcref externref) (result i32))))'), opt_level=0)
    with Wasi(WasiConfig()) as wasi, pytest.raises(wasmc.LinkError) as e:
        wasmc.Instance(module, {}, wasi=wasi)
    fd_write = abi.signature(FuncType((I32,) * 4, (I32,)))
    assert str(e.value).endswith(f"expected {fd_write}, found {abi.signature(wrong)}")
    assert abi.signature(wrong) == "ilfdrr_i" and abi.functype_of(fd_write) == FuncType((I32,) * 4, (I32,))
