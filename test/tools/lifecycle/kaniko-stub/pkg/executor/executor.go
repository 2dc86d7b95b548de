// Package executor would run a Dockerfile build; in this stub it always fails.
package executor

import (
	"errors"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/osscontainertools/kaniko/pkg/config"
)

// ErrUnavailable is returned by every build request.
var ErrUnavailable = errors.New("image extension is not available: this lifecycle was built without kaniko (packsmith test build)")

// DoBuild reports that Dockerfile builds are not supported by this build.
func DoBuild(_ *config.KanikoOptions) (v1.Image, error) {
	return nil, ErrUnavailable
}
