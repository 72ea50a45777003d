"""The operator table and the lowering tables agree: every row has exactly one handler or is listed as
unsupported, and the dispatch lists are dense."""
from wasmc.lower import control
from wasmc.lower.dispatch import FAMILIES, HANDLERS, STEPS, UNSUPPORTED
from wasmc.wasm.opcodes import ALL_OPS, BY_NAME, PLAIN, PREFIXED
from wasmc.wasm.validate import VALIDATORS


def test_every_operator_is_lowered_or_unsupported():
    assert sorted(HANDLERS) == sorted(op.name for op in ALL_OPS)
    implemented = {name for family in FAMILIES for name in family.HANDLERS}
    assert implemented.isdisjoint(UNSUPPORTED)
    assert implemented | set(UNSUPPORTED) == set(BY_NAME)


def test_handlers_name_real_operators():
    names = [name for family in FAMILIES for name in family.HANDLERS]
    assert sorted(set(names)) == sorted(names), "an operator has two handlers"
    assert [n for n in names if n not in BY_NAME] == []
    assert set(control.UNREACHABLE_HANDLERS) <= set(control.HANDLERS)


def test_dispatch_lists_are_dense_and_indexed_by_op_index():
    assert [op.index for op in ALL_OPS] == list(range(len(ALL_OPS)))
    assert len(STEPS.lower) == len(STEPS.unreachable) == len(VALIDATORS) == len(ALL_OPS)
    for op in ALL_OPS:
        assert STEPS.lower[op.index] is HANDLERS[op.name]


def test_decode_tables_are_dense_and_consistent():
    for code, op in enumerate(PLAIN):
        if op is not None:
            assert op.code == code and op.prefix is None
    for prefix, table in PREFIXED.items():
        for code, op in table.items():
            assert op.code == code and op.prefix == prefix
