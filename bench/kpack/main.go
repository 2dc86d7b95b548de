// Command bench-kpack is the kpack column of bench/builder.ts: it does what kpack's ClusterStore,
// ClusterStack, ClusterLifecycle and ClusterBuilder reconcilers do for one builder, in one process
// and without Kubernetes, by calling kpack v0.18.0's own packages: the remote readers fill each
// resource's status, then RemoteBuilderCreator builds the builder from those statuses and pushes it.
//
// Input: a JSON file (first argument) naming the images; credentials come from the Docker config
// ($DOCKER_CONFIG/config.json) through go-containerregistry's default keychain, as a pod's
// mounted secrets would. Output: one line of JSON with the builder's latest image and its buildpacks.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/google/go-containerregistry/pkg/authn"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	buildapi "github.com/pivotal/kpack/pkg/apis/build/v1alpha2"
	corev1alpha1 "github.com/pivotal/kpack/pkg/apis/core/v1alpha1"
	"github.com/pivotal/kpack/pkg/cnb"
	"github.com/pivotal/kpack/pkg/registry"
)

// input is what bench/builder.ts writes: the same images packsmith's YAML and pack's builder.toml name.
type input struct {
	Tag        string     `json:"tag"`
	StackID    string     `json:"stackId"`
	BuildImage string     `json:"buildImage"`
	RunImage   string     `json:"runImage"`
	Lifecycle  string     `json:"lifecycle"`
	Store      []string   `json:"store"`
	Order      [][]string `json:"order"`
}

type output struct {
	LatestImage string   `json:"latestImage"`
	RunImage    string   `json:"runImage"`
	Buildpacks  int      `json:"buildpacks"`
	Ids         []string `json:"ids"`
}

// dockerConfigKeychains hands every secret reference the Docker config keychain: this process has
// no service accounts, only the one config file the bench writes.
type dockerConfigKeychains struct{}

func (dockerConfigKeychains) KeychainForSecretRef(context.Context, registry.SecretRef) (authn.Keychain, error) {
	return authn.DefaultKeychain, nil
}

func run(path string) (output, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return output{}, err
	}
	var in input
	if err := json.Unmarshal(raw, &in); err != nil {
		return output{}, fmt.Errorf("%s: %w", path, err)
	}
	ctx := context.Background()
	client := &registry.Client{}
	keychain := authn.DefaultKeychain
	meta := metav1.ObjectMeta{Name: "bench"}

	// ClusterStore reconciler: read every source image into status.buildpacks.
	store := &buildapi.ClusterStore{ObjectMeta: meta}
	for _, image := range in.Store {
		store.Spec.Sources = append(store.Spec.Sources, corev1alpha1.ImageSource{Image: image})
	}
	buildpacks, err := (&cnb.RemoteBuildpackReader{RegistryClient: client}).Read(keychain, store.Spec.Sources)
	if err != nil {
		return output{}, fmt.Errorf("store: %w", err)
	}
	store.Status.Buildpacks = buildpacks

	// ClusterStack reconciler: resolve the build and run images to digests, mixins and CNB ids.
	stack := &buildapi.ClusterStack{ObjectMeta: meta, Spec: buildapi.ClusterStackSpec{
		Id:         in.StackID,
		BuildImage: buildapi.ClusterStackSpecImage{Image: in.BuildImage},
		RunImage:   buildapi.ClusterStackSpecImage{Image: in.RunImage},
	}}
	resolvedStack, err := (&cnb.RemoteStackReader{RegistryClient: client}).Read(keychain, stack.Spec)
	if err != nil {
		return output{}, fmt.Errorf("stack: %w", err)
	}
	stack.Status.ResolvedClusterStack = resolvedStack

	// ClusterLifecycle reconciler: the lifecycle image's digest, version and APIs.
	lifecycle := &buildapi.ClusterLifecycle{ObjectMeta: meta, Spec: buildapi.ClusterLifecycleSpec{
		ImageSource: corev1alpha1.ImageSource{Image: in.Lifecycle},
	}}
	resolvedLifecycle, err := (&cnb.RemoteLifecycleReader{RegistryClient: client}).Read(keychain, lifecycle.Spec)
	if err != nil {
		return output{}, fmt.Errorf("lifecycle: %w", err)
	}
	lifecycle.Status.ResolvedClusterLifecycle = resolvedLifecycle

	// ClusterBuilder reconciler: buildpacks resolved by id from the store's status, then the builder.
	spec := buildapi.BuilderSpec{
		Tag:       in.Tag,
		Stack:     corev1.ObjectReference{Kind: buildapi.ClusterStackKind, Name: meta.Name},
		Store:     corev1.ObjectReference{Kind: buildapi.ClusterStoreKind, Name: meta.Name},
		Lifecycle: corev1.ObjectReference{Kind: buildapi.ClusterLifecycleKind, Name: meta.Name},
	}
	for _, group := range in.Order {
		entry := buildapi.BuilderOrderEntry{}
		for _, id := range group {
			entry.Group = append(entry.Group, buildapi.BuilderBuildpackRef{
				BuildpackRef: corev1alpha1.BuildpackRef{BuildpackInfo: corev1alpha1.BuildpackInfo{Id: id}},
			})
		}
		spec.Order = append(spec.Order, entry)
	}
	fetcher := cnb.NewRemoteBuildpackFetcher(dockerConfigKeychains{}, store, nil, nil)
	creator := &cnb.RemoteBuilderCreator{RegistryClient: client, KpackVersion: "v0.18.0"}
	record, err := creator.CreateBuilder(ctx, keychain, keychain, keychain, fetcher, stack, lifecycle, spec, nil, in.Tag)
	if err != nil {
		return output{}, fmt.Errorf("builder: %w", err)
	}

	out := output{LatestImage: record.Image, RunImage: record.Stack.RunImage, Buildpacks: len(record.Buildpacks)}
	for _, bp := range record.Buildpacks {
		out.Ids = append(out.Ids, bp.Id+"@"+bp.Version)
	}
	return out, nil
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: bench-kpack INPUT.json")
		os.Exit(2)
	}
	out, err := run(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench-kpack:", err)
		os.Exit(1)
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, "bench-kpack:", err)
		os.Exit(1)
	}
}
