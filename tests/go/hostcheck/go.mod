module hostcheck

go 1.24
