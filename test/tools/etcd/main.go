// Command etcd is a plain build of the etcd server for packsmith's integration
// tests. etcd's own main module carries replace directives, so it cannot be
// installed with `go install`; this wrapper imports the server package instead.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
