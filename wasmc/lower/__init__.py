"""Wasm -> LLVM IR, one file per instruction family."""
