// sandbox: escape attempts through the os package from the preopened directory (the working
// directory), which the test places beside secret.txt and outside/keep.txt. Go cleans ".." itself, so
// the attempts that reach the host are the symbolic links; each must fail and nothing outside changes.
package main

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
)

var timeZero = time.Unix(0, 0)

func errno(err error) string {
	var e syscall.Errno
	if errors.As(err, &e) {
		return fmt.Sprintf("errno %d (%v)", uintptr(e), e)
	}
	if err == nil {
		return "OK!"
	}
	return err.Error()
}

func try(what string, err error) {
	fmt.Printf("%-36s -> %s\n", what, errno(err))
}

func main() {
	try("symlink secret -> ../secret.txt", os.Symlink("../secret.txt", "secret"))
	try("symlink out -> ../outside", os.Symlink("../outside", "out"))
	try("symlink up -> ..", os.Symlink("..", "up"))
	try("symlink root -> /", os.Symlink("/", "root"))
	try("write inside.txt", os.WriteFile("inside.txt", []byte("inside\n"), 0o644))

	read := func(path string) {
		data, err := os.ReadFile(path)
		if err == nil {
			fmt.Printf("%-36s -> OK! %q\n", "read "+path, data)
			return
		}
		try("read "+path, err)
	}
	read("../secret.txt")
	read("/../secret.txt")
	read("secret")
	read("up/secret.txt")
	read("out/keep.txt")
	read("root/etc/passwd")
	read("/etc/passwd")
	_, err := os.ReadDir("up")
	try("readdir up", err)
	_, err = os.Stat("secret")
	try("stat secret", err)
	_, err = os.Lstat("secret")
	try("lstat secret", err)

	try("create out/new.txt", os.WriteFile("out/new.txt", []byte("x"), 0o644))
	try("mkdir up/newdir", os.Mkdir("up/newdir", 0o755))
	try("remove out/keep.txt", os.Remove("out/keep.txt"))
	try("remove up/secret.txt", os.Remove("up/secret.txt"))
	try("truncate secret", os.Truncate("secret", 0))
	try("rename inside.txt -> out/moved", os.Rename("inside.txt", "out/moved"))
	try("rename inside.txt -> up/moved", os.Rename("inside.txt", "up/moved"))
	try("rename up/secret.txt -> got", os.Rename("up/secret.txt", "got"))
	try("link up/secret.txt -> got", os.Link("up/secret.txt", "got"))
	try("symlink out/evil -> keep.txt", os.Symlink("keep.txt", "out/evil"))
	try("chtimes out/keep.txt", os.Chtimes("out/keep.txt", timeZero, timeZero))

	target, err := os.Readlink("secret")
	fmt.Println("readlink secret:", target, errno(err))
	for _, name := range []string{"secret", "out", "up", "root", "inside.txt"} {
		try("remove "+name, os.Remove(name))
	}
	entries, _ := os.ReadDir(".")
	fmt.Println("left:", len(entries))
}
