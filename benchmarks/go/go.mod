module wasmcbench

go 1.22
