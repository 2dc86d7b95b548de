// Package image exposes the hook the lifecycle overrides to supply the base
// image of an extension build.
package image

import (
	"errors"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/osscontainertools/kaniko/pkg/config"
)

// RetrieveRemoteImage fetches a base image. The lifecycle replaces it before use.
var RetrieveRemoteImage = func(_ string, _ config.RegistryOptions, _ string) (v1.Image, error) {
	return nil, errors.New("remote images are not available in the kaniko stub")
}
