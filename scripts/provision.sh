#!/usr/bin/env bash
# Provision the tools packsmith's integration tests run against.
#
#   scripts/provision.sh           install what is missing (idempotent; seconds when nothing is)
#   scripts/provision.sh --check   only report what is missing (on stdout); exit 1 if anything is
#
# 1. Debian packages: docker-registry, skopeo, umoci, openssl, util-linux (setpriv, flock, unshare)
#    and debootstrap.
#    Installed with apt-get when missing; that needs root.
# 2. Go-built tools, each from a small committed Go module under test/tools/ whose go.mod and
#    go.sum pin every dependency (test/tools/README.md has the versions and how to bump them):
#      lifecycle                test/tools/lifecycle   github.com/buildpacks/lifecycle/cmd/lifecycle
#      launcher                 test/tools/lifecycle   github.com/buildpacks/lifecycle/cmd/launcher
#      pack                     test/tools/pack        github.com/buildpacks/pack/cmd/pack
#      kube-apiserver, kubectl  test/tools/kube        k8s.io/kubernetes/cmd/{kube-apiserver,kubectl}
#      etcd                     test/tools/etcd        go.etcd.io/etcd/server/v3/etcdmain
#      cosign                   test/tools/cosign      github.com/sigstore/cosign/v2/cmd/cosign
#    Each is compiled once into $CACHE/tools/<name>-<version>/ and marked finished only when the
#    build succeeded, so an interrupted build is redone on the next run; changing the module
#    (go.mod, go.sum, sources) also triggers a rebuild. Build logs stay in $CACHE/logs/.
#    The launcher is its own group (same module, own directory) built with CGO_ENABLED=0: the
#    exporter copies it into app images whose C library is not the host's. Keeping it out of the
#    lifecycle group leaves that group's fingerprint as it was, so a checkout with an older copy
#    of this script sharing the cache neither rebuilds the lifecycle nor removes the launcher.
# 3. A minimal Debian root filesystem for the real-OS tests (test/realos/):
#      debootstrap --variant=minbase bookworm $CACHE/rootfs/debian-bookworm-minbase <mirror>
#    from the Debian mirror apt uses here (the first bookworm entry in /etc/apt/sources.list*).
#    Needs root and the debootstrap package (installed when missing). Built into a .partial
#    directory and marked finished only on success, like the Go tools; bump ROOTFS_REVISION
#    when the recipe changes. Without root it is reported missing and skipped, not fatal.
#
# Locations (fixed; in install mode nothing is printed on stdout and there is nothing to eval):
#   CACHE = ${XDG_CACHE_HOME:-$HOME/.cache}/packsmith
#   BIN   = $CACHE/bin      symlinks: lifecycle launcher pack kube-apiserver kubectl etcd cosign
#   ROOTFS = $CACHE/rootfs/debian-bookworm-minbase
#
# Permissions: everything from $CACHE down is made 0755 (directories and binaries), so any user
# who can reach $CACHE can run the tools. This script does NOT change $HOME or ~/.cache. When
# those are private (root's /root is 0700 on Debian), an unprivileged user such as uid 65534
# cannot reach $BIN. That matters only for the lifecycle, which refuses to run as uid 0: the
# test helper copies $BIN/lifecycle into its own scratch directory (made 0755, outside any
# private home) and runs that copy through setpriv. When the tests themselves run as a normal
# user, neither setpriv nor the copy is needed. The last lines of a run say which case applies.
# (Pointing XDG_CACHE_HOME at a world-traversable directory before provisioning also works; note
# that it moves Go's default build cache too, so the first build there starts cold.)
set -euo pipefail

# Bump when the build recipe below changes, to force a rebuild of every Go tool.
RECIPE_REVISION=2

# Bump when the root filesystem recipe (debootstrap arguments, post-processing) changes.
ROOTFS_REVISION=1
ROOTFS_SUITE=bookworm
ROOTFS_VARIANT=minbase

DEB_PACKAGES=(docker-registry skopeo umoci openssl util-linux debootstrap)

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS_SRC="$REPO_ROOT/test/tools"

CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/packsmith"
TOOLS_DIR="$CACHE_ROOT/tools"
LOG_DIR="$CACHE_ROOT/logs"
BIN_DIR="$CACHE_ROOT/bin"
ROOTFS_DIR="$CACHE_ROOT/rootfs/debian-$ROOTFS_SUITE-$ROOTFS_VARIANT"

# The machines have 2 cores; two package builds at a time also keeps the memory use of the
# Kubernetes link step within bounds.
GO_BUILD_PARALLELISM=2

CHECK_ONLY=0
case "${1:-}" in
  '') ;;
  --check) CHECK_ONLY=1 ;;
  -h | --help)
    sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
    exit 0
    ;;
  *)
    echo "provision.sh: unknown argument '$1' (use --check or --help)" >&2
    exit 2
    ;;
esac

umask 022

log() { printf 'provision: %s\n' "$*" >&2; }
die() {
  printf 'provision: error: %s\n' "$*" >&2
  exit 1
}

# ---------------------------------------------------------------------------------------------
# Debian packages

package_installed() {
  dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed'
}

missing_packages() {
  local p
  if ! command -v dpkg >/dev/null 2>&1; then
    # Not a Debian system: look for the commands themselves.
    local -A cmd=([docker-registry]=docker-registry [skopeo]=skopeo [umoci]=umoci [openssl]=openssl [util-linux]=setpriv [debootstrap]=debootstrap)
    for p in "${DEB_PACKAGES[@]}"; do command -v "${cmd[$p]}" >/dev/null 2>&1 || echo "$p"; done
    return 0
  fi
  for p in "${DEB_PACKAGES[@]}"; do package_installed "$p" || echo "$p"; done
}

install_packages() {
  local missing
  mapfile -t missing < <(missing_packages)
  ((${#missing[@]} == 0)) && return 0
  command -v apt-get >/dev/null 2>&1 ||
    die "missing packages (${missing[*]}) and no apt-get here; install the equivalent tools by hand"
  if [[ $(id -u) != 0 ]]; then
    die "missing Debian packages: ${missing[*]}. Installing them needs root; run
    sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}
  or run this script as root."
  fi
  log "installing Debian packages: ${missing[*]}"
  local apt_log="$LOG_DIR/apt.log"
  if ! { apt-get update &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"; } >"$apt_log" 2>&1; then
    tail -n 30 "$apt_log" >&2
    die "apt-get failed (full log: $apt_log)"
  fi
  mapfile -t missing < <(missing_packages)
  ((${#missing[@]} == 0)) || die "still missing after apt-get install: ${missing[*]}"
}

# ---------------------------------------------------------------------------------------------
# Go tools
#
# A "group" is one module under test/tools/ and the binaries built from it. The marker file
# .complete in the group's cache directory starts with the group's fingerprint (recipe, version,
# ldflags and a hash of the module's files); a missing marker or a different fingerprint means
# "build again".

TOOL_GROUPS=(lifecycle launcher pack kube etcd cosign)

group_module_dir() {
  case $1 in
    launcher) echo "$TOOLS_SRC/lifecycle" ;;
    *) echo "$TOOLS_SRC/$1" ;;
  esac
}

# The upstream module whose version names the group.
group_pinned_module() {
  case $1 in
    lifecycle | launcher) echo github.com/buildpacks/lifecycle ;;
    pack) echo github.com/buildpacks/pack ;;
    kube) echo k8s.io/kubernetes ;;
    etcd) echo go.etcd.io/etcd/server/v3 ;;
    cosign) echo github.com/sigstore/cosign/v2 ;;
  esac
}

group_packages() {
  case $1 in
    lifecycle) echo github.com/buildpacks/lifecycle/cmd/lifecycle ;;
    launcher) echo github.com/buildpacks/lifecycle/cmd/launcher ;;
    pack) echo github.com/buildpacks/pack/cmd/pack ;;
    kube) echo k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubectl ;;
    etcd) echo . ;; # the module's own main package; the binary takes the module's last path element
    cosign) echo github.com/sigstore/cosign/v2/cmd/cosign ;;
  esac
}

group_binaries() {
  case $1 in
    kube) echo kube-apiserver kubectl ;;
    *) echo "$1" ;;
  esac
}

# Version of a module as required by a go.mod (single-line or block form).
required_version() {
  awk -v m="$2" '($1 == "require" && $2 == m) { print $3; exit } ($1 == m && $2 ~ /^v/) { print $2; exit }' "$1"
}

declare -A GROUP_VERSION
for g in "${TOOL_GROUPS[@]}"; do
  GROUP_VERSION[$g]=$(required_version "$(group_module_dir "$g")/go.mod" "$(group_pinned_module "$g")")
  [[ -n ${GROUP_VERSION[$g]} ]] ||
    die "cannot find the $(group_pinned_module "$g") requirement in $(group_module_dir "$g")/go.mod"
done

group_version() { echo "${GROUP_VERSION[$1]}"; }

# Version stamps, so that `--version` output matches the upstream release builds.
group_ldflags() {
  local v flags="-s -w" major minor x
  v=$(group_version "$1")
  case $1 in
    lifecycle | launcher) flags+=" -X github.com/buildpacks/lifecycle/cmd.Version=${v#v}" ;;
    pack) flags+=" -X github.com/buildpacks/pack.Version=${v#v}" ;;
    kube)
      major=${v#v}
      major=${major%%.*}
      minor=${v#v"$major".}
      minor=${minor%%.*}
      # Both version packages, as the Kubernetes release build stamps them: the apiserver and
      # kubectl report these in --version, /version and version-skew checks.
      for x in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
        flags+=" -X $x.gitVersion=$v -X $x.gitMajor=$major -X $x.gitMinor=$minor -X $x.gitTreeState=archive"
      done
      ;;
    etcd) ;; # etcd's version is a constant in go.etcd.io/etcd/api/v3/version
    # cosign's release build stamps sigs.k8s.io/release-utils; unstamped, `cosign version` says "devel".
    cosign) flags+=" -X sigs.k8s.io/release-utils/version.gitVersion=$v -X sigs.k8s.io/release-utils/version.gitTreeState=archive" ;;
  esac
  echo "$flags"
}

# Extra build environment of a group (empty for most).
group_env() {
  case $1 in
    launcher) echo CGO_ENABLED=0 ;;
  esac
}

group_fingerprint() {
  local dir sources fp env
  dir=$(group_module_dir "$1")
  sources=$(cd "$dir" && find . -type f \( -name go.mod -o -name go.sum -o -name '*.go' \) -print0 |
    LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
  fp="recipe=$RECIPE_REVISION version=$(group_version "$1") sources=$sources ldflags=$(group_ldflags "$1" | sha256sum | cut -c1-8)"
  # Only groups with an extra environment name it, so the others keep the fingerprints they had
  # before this existed (and are not rebuilt).
  env=$(group_env "$1")
  [[ -z $env ]] || fp+=" env=$env"
  echo "$fp"
}

group_dir() { echo "$TOOLS_DIR/$1-$(group_version "$1")"; }

group_ready() {
  local dir b
  dir=$(group_dir "$1")
  [[ -f $dir/.complete && $(head -n1 "$dir/.complete") == "$(group_fingerprint "$1")" ]] || return 1
  for b in $(group_binaries "$1"); do [[ -x $dir/$b ]] || return 1; done
}

build_group() {
  local g=$1 version dir tmp log_file started elapsed pkgs env
  version=$(group_version "$g")
  dir=$(group_dir "$g")
  log_file="$LOG_DIR/$g-$version.log"
  case $g in
    kube) log "building kube-apiserver and kubectl $version (first time only, several minutes)…" ;;
    *) log "building $g $version (first time only, a minute or two)…" ;;
  esac
  tmp="$dir.partial"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  read -ra pkgs <<<"$(group_packages "$g")"
  read -ra env <<<"$(group_env "$g")"
  started=$SECONDS
  if ! {
    echo "# $(date -u +%FT%TZ) building $g $version with $(go version) ${env[*]}"
    env "${env[@]}" go -C "$(group_module_dir "$g")" build -p "$GO_BUILD_PARALLELISM" -trimpath -buildvcs=false \
      -mod=readonly -ldflags "$(group_ldflags "$g")" -o "$tmp/" "${pkgs[@]}"
  } >"$log_file" 2>&1; then
    echo "----- last lines of $log_file -----" >&2
    tail -n 40 "$log_file" >&2
    die "building $g $version failed (full log: $log_file)"
  fi
  elapsed=$((SECONDS - started))
  chmod 755 "$tmp" "$tmp"/*
  {
    group_fingerprint "$g"
    echo "built $(date -u +%FT%TZ) in ${elapsed}s with $(go version)"
  } >"$tmp/.complete"
  # Swap in the new build; the old one is moved aside first so the links dangle only for the
  # instant between the two renames (tests may be running the old binaries right now).
  if [[ -e $dir ]]; then mv "$dir" "$dir.old"; fi
  mv "$tmp" "$dir"
  rm -rf "$dir.old"
  log "built $g $version in ${elapsed}s"
}

link_target() { echo "../tools/$(basename "$(group_dir "$1")")/$2"; }

link_group() {
  local b
  for b in $(group_binaries "$1"); do
    # Relative links keep working if the whole cache directory is moved or bind-mounted.
    ln -sfn "$(link_target "$1" "$b")" "$BIN_DIR/$b.tmp"
    mv -Tf "$BIN_DIR/$b.tmp" "$BIN_DIR/$b"
  done
}

link_ok() {
  local b
  for b in $(group_binaries "$1"); do
    [[ $(readlink "$BIN_DIR/$b" 2>/dev/null) == "$(link_target "$1" "$b")" ]] || return 1
  done
}

# Remove builds of versions no longer pinned, and leftovers of interrupted builds.
prune_group() {
  local keep d
  keep=$(group_dir "$1")
  for d in "$TOOLS_DIR/$1"-*; do
    [[ -e $d && $d != "$keep" ]] || continue
    log "removing stale $d"
    rm -rf "$d"
  done
}

# Can uid 65534 run the lifecycle from BIN? Tells which way the tests will have to run it.
# The path is resolved by a shell already running as 65534: setpriv itself keeps root's
# capabilities until its own execve, so `setpriv ... $BIN_DIR/lifecycle` starts even when a
# parent directory is private, which would make this check pass for the wrong reason.
report_unprivileged_access() {
  [[ $(id -u) == 0 ]] && command -v setpriv >/dev/null 2>&1 || return 0
  # shellcheck disable=SC2016 # $0 is expanded by the inner shell
  if setpriv --reuid=65534 --regid=65534 --clear-groups \
    /bin/sh -c 'exec "$0" -version' "$BIN_DIR/lifecycle" >/dev/null 2>&1; then
    log "uid 65534 can run $BIN_DIR/lifecycle directly"
  else
    log "note: uid 65534 cannot reach $BIN_DIR (a parent directory is private); the tests" \
      "copy lifecycle into a world-readable scratch directory and run the copy with setpriv"
  fi
}

# ---------------------------------------------------------------------------------------------
# Debian root filesystem
#
# One directory, $ROOTFS_DIR, made by debootstrap and never changed afterwards: the tests copy or
# overlay it, they do not write into it. Its marker sits beside it ($ROOTFS_DIR.complete), not in
# it, so the tree holds only what debootstrap wrote.

# The first mirror apt uses here for the suite (deb822 .sources or one-line .list files).
debian_mirror() {
  local f
  for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f $f ]] || continue
    awk -v suite="$ROOTFS_SUITE" '
      /^[[:space:]]*#/ { next }
      # one-line form: deb [options] URI SUITE COMPONENTS
      $1 == "deb" { i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } if ($(i + 1) == suite) { print $i; exit } next }
      # deb822 form: one stanza per blank-line-separated block
      /^[[:space:]]*$/ { if (uri != "" && has) { print uri; exit } uri = ""; has = 0; next }
      $1 == "URIs:" { uri = $2 }
      $1 == "Suites:" { for (j = 2; j <= NF; j++) if ($j == suite) has = 1 }
      END { if (uri != "" && has) print uri }
    ' "$f" | head -n1
  done | head -n1
}

rootfs_fingerprint() {
  echo "rootfs=$ROOTFS_REVISION suite=$ROOTFS_SUITE variant=$ROOTFS_VARIANT arch=$(dpkg --print-architecture 2>/dev/null || uname -m)"
}

rootfs_ready() {
  [[ -f $ROOTFS_DIR.complete && $(head -n1 "$ROOTFS_DIR.complete") == "$(rootfs_fingerprint)" && -x $ROOTFS_DIR/bin/sh ]]
}

build_rootfs() {
  local mirror tmp log_file started elapsed
  mirror=$(debian_mirror)
  [[ -n $mirror ]] || mirror=http://deb.debian.org/debian
  log_file="$LOG_DIR/rootfs-debian-$ROOTFS_SUITE-$ROOTFS_VARIANT.log"
  tmp="$ROOTFS_DIR.partial"
  log "building the Debian $ROOTFS_SUITE $ROOTFS_VARIANT root filesystem from $mirror (first time only, a few minutes)…"
  rm -rf "$tmp" "$ROOTFS_DIR.complete"
  mkdir -p "$(dirname "$ROOTFS_DIR")"
  started=$SECONDS
  if ! {
    echo "# $(date -u +%FT%TZ) debootstrap --variant=$ROOTFS_VARIANT $ROOTFS_SUITE $tmp $mirror"
    debootstrap --variant="$ROOTFS_VARIANT" "$ROOTFS_SUITE" "$tmp" "$mirror" &&
      # Downloaded packages and package lists are not part of an OS base; they only make every
      # layer made from it bigger.
      rm -rf "$tmp"/var/cache/apt/archives/*.deb "$tmp"/var/lib/apt/lists/* "$tmp"/var/log/bootstrap.log
  } >"$log_file" 2>&1; then
    echo "----- last lines of $log_file -----" >&2
    tail -n 40 "$log_file" >&2
    die "building the root filesystem failed (full log: $log_file)"
  fi
  elapsed=$((SECONDS - started))
  chmod 755 "$tmp"
  if [[ -e $ROOTFS_DIR ]]; then mv "$ROOTFS_DIR" "$ROOTFS_DIR.old"; fi
  mv "$tmp" "$ROOTFS_DIR"
  rm -rf "$ROOTFS_DIR.old"
  {
    rootfs_fingerprint
    echo "built $(date -u +%FT%TZ) in ${elapsed}s from $mirror"
  } >"$ROOTFS_DIR.complete"
  log "built the root filesystem in ${elapsed}s"
}

# ---------------------------------------------------------------------------------------------

# The whole run is one function, so bash has read all of it before anything executes: editing or
# checking out this file during a long build cannot change what the running script does.
main() {
  local g p
  if ((CHECK_ONLY)); then
    local absent=0
    while read -r p; do
      [[ -n $p ]] || continue
      echo "missing Debian package: $p"
      absent=1
    done < <(missing_packages)
    command -v go >/dev/null 2>&1 || {
      echo "missing: go (needed to build the test tools)"
      absent=1
    }
    for g in "${TOOL_GROUPS[@]}"; do
      if ! group_ready "$g"; then
        echo "missing: $(group_binaries "$g") $(group_version "$g") (no finished build in $(group_dir "$g"))"
        absent=1
      elif ! link_ok "$g"; then
        echo "missing: links for $(group_binaries "$g") in $BIN_DIR"
        absent=1
      fi
    done
    if ! rootfs_ready; then
      echo "missing: Debian $ROOTFS_SUITE $ROOTFS_VARIANT root filesystem (no finished build in $ROOTFS_DIR)"
      absent=1
    fi
    ((absent)) || echo "all test tools present in $BIN_DIR (root filesystem in $ROOTFS_DIR)"
    exit "$absent"
  fi

  mkdir -p "$TOOLS_DIR" "$LOG_DIR" "$BIN_DIR"
  # One provisioning run at a time per cache (parallel CI jobs, two terminals). flock is part of
  # util-linux, which every Debian system has; without it, go on unlocked.
  exec 9>"$CACHE_ROOT/.lock"
  if command -v flock >/dev/null 2>&1 && ! flock -n 9; then
    log "another provisioning run holds $CACHE_ROOT/.lock; waiting for it…"
    flock 9
  fi

  install_packages

  command -v go >/dev/null 2>&1 || die "go is not on PATH; install Go 1.26.6 or newer to build the test tools"

  for g in "${TOOL_GROUPS[@]}"; do
    group_ready "$g" || build_group "$g"
    link_group "$g"
    prune_group "$g"
  done

  if rootfs_ready; then
    :
  elif [[ $(id -u) == 0 ]]; then
    build_rootfs
  else
    # Only the real-OS tests need it, and they need root anyway.
    log "note: not root, so the Debian root filesystem for test/realos is not built; run this script as root"
  fi

  chmod 755 "$CACHE_ROOT" "$TOOLS_DIR" "$LOG_DIR" "$BIN_DIR"
  [[ ! -d $ROOTFS_DIR ]] || chmod 755 "$(dirname "$ROOTFS_DIR")" "$ROOTFS_DIR"
  for g in "${TOOL_GROUPS[@]}"; do chmod 755 "$(group_dir "$g")"; done

  report_unprivileged_access
  log "test tools ready in $BIN_DIR"
}

main "$@"; exit $?
