module wasmcnet

go 1.24
