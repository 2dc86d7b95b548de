// Package config declares the option types the lifecycle fills in before
// handing a Dockerfile to kaniko. The stub keeps only the fields it sets.
package config

import "time"

// KanikoDir is where kaniko keeps its working state.
var KanikoDir = "/kaniko"

// RegistryOptions is accepted and ignored.
type RegistryOptions struct{}

// CacheOptions controls layer caching.
type CacheOptions struct {
	CacheTTL time.Duration
}

// KanikoOptions describes one Dockerfile build.
type KanikoOptions struct {
	BuildArgs         []string
	Cache             bool
	CacheOptions      CacheOptions
	CacheRunLayers    bool
	CacheCopyLayers   bool
	CacheRepo         string
	Cleanup           bool
	CustomPlatform    string
	DockerfilePath    string
	IgnorePaths       []string
	IgnoreVarRun      bool
	InitialFSUnpacked bool
	NoPush            bool
	Reproducible      bool
	SnapshotMode      string
	SrcContext        string
}
