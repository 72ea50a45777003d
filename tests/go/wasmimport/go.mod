module wasmimport

go 1.24
