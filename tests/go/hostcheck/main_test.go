package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// go test runs the binary in the package directory with PWD set to it: testdata is found relatively.
func TestTestdataRelative(t *testing.T) {
	data, err := os.ReadFile("testdata/greeting.txt")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(data)); got != "hello from testdata" {
		t.Fatalf("got %q", got)
	}
}

func TestEnvironmentIsPwdAndPath(t *testing.T) {
	var names []string
	for _, e := range os.Environ() {
		names = append(names, strings.SplitN(e, "=", 2)[0])
	}
	if strings.Join(names, ",") != "PWD,PATH" {
		t.Fatalf("environment names %v, want [PWD PATH]", names)
	}
	wd, _ := os.Getwd()
	if wd != os.Getenv("PWD") {
		t.Fatalf("Getwd %q != PWD %q", wd, os.Getenv("PWD"))
	}
}

func TestTempDir(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	if err := os.WriteFile(path, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
}

// HOSTCHECK_FAIL reaches the guest only through GOWASIRUNTIMEARGS="--env HOSTCHECK_FAIL=1".
func TestFails(t *testing.T) {
	if os.Getenv("HOSTCHECK_FAIL") == "" {
		t.Skip("only fails on request")
	}
	t.Fatal("failing on request")
}
