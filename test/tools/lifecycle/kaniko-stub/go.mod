// Stand-in for github.com/osscontainertools/kaniko, which the lifecycle uses
// only for its `extend` phase (applying Dockerfile extensions inside a
// container). The pinned kaniko release cannot be fetched through the Go
// module proxy reachable from the project machines, so the lifecycle is built
// against this stub instead. It declares just the identifiers the lifecycle
// refers to; every call that would do work reports that image extension is not
// available. No other phase touches it.
module github.com/osscontainertools/kaniko

go 1.25.0

require github.com/google/go-containerregistry v0.21.9
