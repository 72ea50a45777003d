"""SIMD is validated but not lowered: a valid module raises UnsupportedError("simd"), an invalid one
ValidationError."""
import pytest

from wasmc.errors import UnsupportedError, ValidationError
from wasmc.lower.module import lower_module
from wasmc.wasm.decode import decode_module

wat2wasm = pytest.importorskip("wasmtime").wat2wasm


def lower(wat: str) -> str:
    return lower_module(decode_module(bytes(wat2wasm(wat))))


@pytest.mark.parametrize("wat", [
    "(module (func (param v128)))",
    "(module (global v128 (v128.const i64x2 1 2)))",
    "(module (func (local v128)))",
    # No v128 in any type: the operator's handler is the one that refuses.
    "(module (func (result i32) (v128.any_true (v128.const i32x4 0 0 0 1))))",
])
def test_valid_simd_is_unsupported(wat):
    with pytest.raises(UnsupportedError) as info:
        lower(wat)
    assert info.value.feature == "simd"


@pytest.mark.parametrize("wat", [
    """(module (func (param v128) (result i32) (i32x4.extract_lane 4 (local.get 0))))""",
    # The function after the first SIMD operator must still be validated.
    """(module (func (result i32) (v128.any_true (v128.const i32x4 0 0 0 1)))
               (func (result i32) (i64.const 0)))""",
])
def test_invalid_simd_module_is_invalid(wat):
    with pytest.raises(ValidationError):
        lower(wat)


def test_scalar_module_still_lowers():
    assert "wasm_func_0" in lower("(module (func (result i32) (i32.const 1)))")
