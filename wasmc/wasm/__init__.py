"""The Wasm binary format: decoding and validation. Never imports llvmlite."""
