// `GOOS=wasip1 GOARCH=wasm go test` runs this through go_wasip1_wasm_exec, that is through wasmc.
package main

import (
	"os"
	"runtime"
	"testing"
)

func TestRunsUnderWasip1(t *testing.T) {
	if runtime.GOOS != "wasip1" {
		t.Skip("not built for wasip1")
	}
	// The host's / is preopened and PWD passed, so the package's own files are visible.
	if _, err := os.Stat("go.mod"); err != nil {
		t.Fatal(err)
	}
}
