// files: file I/O in the preopened directory (the working directory): create, write, read, seek, ReadAt
// and WriteAt, truncate, sync, stat, Chtimes, a directory with many entries (several fd_readdir calls),
// rename, hard and symbolic links, and removal. Leaves the directory empty.
package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

func check(what string, err error) {
	if err != nil {
		fmt.Printf("%s: %v\n", what, err)
	}
}

func main() {
	wd, _ := os.Getwd()
	fmt.Println("cwd:", wd)
	check("write", os.WriteFile("notes.txt", []byte("line one\nline two\n"), 0o644))
	data, err := os.ReadFile("notes.txt")
	fmt.Printf("read %q %v\n", data, err)

	f, err := os.OpenFile("notes.txt", os.O_RDWR, 0)
	check("open", err)
	pos, _ := f.Seek(5, io.SeekStart)
	buf := make([]byte, 3)
	n, _ := f.Read(buf)
	fmt.Printf("seek %d read %d %q\n", pos, n, buf)
	_, err = f.WriteAt([]byte("ONE"), 5)
	check("writeat", err)
	buf = make([]byte, 8)
	n, _ = f.ReadAt(buf, 0)
	fmt.Printf("readat %d %q\n", n, buf)
	_, err = f.ReadAt(buf, 100)
	fmt.Println("readat past end:", err == io.EOF)
	check("sync", f.Sync())
	check("truncate", f.Truncate(4))
	st, _ := f.Stat()
	fmt.Println("size after truncate:", st.Size(), st.Mode().IsRegular(), st.Name())
	check("close", f.Close())
	fmt.Println("close twice:", f.Close())

	f, _ = os.OpenFile("notes.txt", os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString("+appended")
	f.Close()
	data, _ = os.ReadFile("notes.txt")
	fmt.Printf("appended: %q\n", data)

	mtime := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	check("chtimes", os.Chtimes("notes.txt", mtime, mtime))
	st, _ = os.Stat("notes.txt")
	fmt.Println("mtime:", st.ModTime().UTC())

	check("mkdirall", os.MkdirAll("tree/a/b", 0o755))
	for i := 0; i < 60; i++ {
		check("create", os.WriteFile(filepath.Join("tree", fmt.Sprintf("entry-%03d-with-a-long-name.dat", i)), []byte{byte(i)}, 0o644))
	}
	entries, err := os.ReadDir("tree")
	fmt.Println("readdir:", len(entries), err, entries[0].Name(), entries[len(entries)-1].Name(), entries[60].IsDir())
	total := 0
	filepath.WalkDir("tree", func(path string, d fs.DirEntry, err error) error {
		total++
		return err
	})
	fmt.Println("walk:", total)

	check("rename", os.Rename("notes.txt", "tree/a/b/moved.txt"))
	_, err = os.Stat("notes.txt")
	fmt.Println("old name gone:", errors.Is(err, fs.ErrNotExist))
	check("link", os.Link("tree/a/b/moved.txt", "hard.txt"))
	check("symlink", os.Symlink("tree/a/b/moved.txt", "soft.txt"))
	target, err := os.Readlink("soft.txt")
	fmt.Println("readlink:", target, err)
	lst, _ := os.Lstat("soft.txt")
	sst, _ := os.Stat("soft.txt")
	fmt.Println("lstat symlink:", lst.Mode()&fs.ModeSymlink != 0, "stat regular:", sst.Mode().IsRegular())
	data, _ = os.ReadFile("hard.txt")
	fmt.Printf("via hard link: %q\n", data)

	_, err = os.Open("missing.txt")
	fmt.Println("missing:", err, errors.Is(err, fs.ErrNotExist))
	err = os.Mkdir("tree", 0o755)
	fmt.Println("mkdir existing:", err, errors.Is(err, fs.ErrExist))
	err = os.Remove("tree")
	fmt.Println("remove non-empty:", err != nil)

	check("removeall", os.RemoveAll("tree"))
	check("remove", os.Remove("hard.txt"))
	check("remove", os.Remove("soft.txt"))
	entries, _ = os.ReadDir(".")
	fmt.Println("left:", len(entries))
}
