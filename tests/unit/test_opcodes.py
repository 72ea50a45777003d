"""The operator table and the lowering tables agree: every row has exactly one handler."""
from wasmc.lower.module import DISPATCH, FAMILIES
from wasmc.wasm.opcodes import ALL_OPS, BY_NAME, PLAIN, PREFIXED


def test_every_operator_is_lowered():
    missing = [op.name for op in ALL_OPS if op not in DISPATCH]
    assert missing == []


def test_handlers_name_real_operators():
    names = [name for family in FAMILIES for name in family.HANDLERS]
    assert sorted(set(names)) == sorted(names), "an operator has two handlers"
    assert [n for n in names if n not in BY_NAME] == []


def test_dispatch_tables_are_dense_and_consistent():
    for code, op in enumerate(PLAIN):
        if op is not None:
            assert op.code == code and op.prefix is None
    for prefix, table in PREFIXED.items():
        for code, op in table.items():
            assert op.code == code and op.prefix == prefix
