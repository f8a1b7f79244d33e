package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	in, _ := io.ReadAll(os.Stdin)
	fmt.Printf("hello from go, %d bytes in, UBIQ_TEST=%s\n", len(in), os.Getenv("UBIQ_TEST"))
	if len(os.Args) > 1 && os.Args[1] == "fail" {
		os.Exit(3)
	}
}
