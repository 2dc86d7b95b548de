// Package util holds the snapshot ignore list the lifecycle extends.
package util

// IgnoreListEntry names a path that snapshots leave out.
type IgnoreListEntry struct {
	Path            string
	PrefixMatchOnly bool
}

var defaultIgnoreList []IgnoreListEntry

// AddToDefaultIgnoreList records an entry; nothing reads it in the stub.
func AddToDefaultIgnoreList(entry IgnoreListEntry) {
	defaultIgnoreList = append(defaultIgnoreList, entry)
}
