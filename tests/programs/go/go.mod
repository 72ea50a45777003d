module wasmcprogs

go 1.24
