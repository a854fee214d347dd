#!/usr/bin/env bash
# Checks the deployment assets with the real tools, offline (docs/deploy.md, "Checked by real
# tools"):
#   1. helm lint --strict, then helm template of deploy/helm/shop-platform with each values
#      file in deploy/check/values/; rendering without a secret, or with a misspelled value
#      (values.schema.json), must fail.
#   2. kubeconform -strict on every rendered object, against schemas generated here (no
#      download at run time): Kubernetes from the Go module k8s.io/api via openapi-gen, plus
#      the CRDs of KEDA, the RabbitMQ Cluster Operator, CloudNativePG, the MongoDB Community
#      Operator and the Gateway API, from their Go modules.
#   3. Every manifest in deploy/check/invalid/ must be rejected (a wrong field is an error).
#   4. docker compose config --quiet on docker-compose.yml (and it must refuse a missing
#      JWT_SECRET).
#
# The tools and schemas are built once from the Go module proxy into .cache/deploy-check
# (git-ignored). Measured on two shared cores: 8 min 44 s with Go's build cache empty (module
# downloads not included), 36 s in a fresh clone while Go's build cache is warm, 3-12 s
# afterwards. Needs Go >= 1.26.8.
# Exits non-zero on any failure; the last line is a summary. `--helm-path` builds only helm and
# prints its path.
set -euo pipefail

readonly HELM_VERSION=v4.3.2
readonly KUBECONFORM_VERSION=v0.8.0
readonly COMPOSE_VERSION=v5.6.0
# The newest `go` directive among the tools' modules (compose's).
readonly MIN_GO_VERSION=1.26.8
# The Kubernetes API the manifests are checked against: k8s.io/api v0.35 is Kubernetes 1.35.
# deploy/check/schemagen/go.mod pins it and the kube-openapi (openapi-gen) that goes with it.
readonly KEDA_MODULE=github.com/kedacore/keda/v2@v2.20.2
readonly RABBITMQ_OPERATOR_MODULE=github.com/rabbitmq/cluster-operator/v2@v2.16.0
readonly CNPG_MODULE=github.com/cloudnative-pg/cloudnative-pg@v1.25.1
readonly MONGODB_OPERATOR_MODULE=github.com/mongodb/mongodb-kubernetes-operator@v0.9.0
readonly GATEWAY_API_MODULE=sigs.k8s.io/gateway-api@v1.3.0
# Kinds validated by no schema, with the reason (kubeconform -skip). None today: every CRD
# the chart renders comes from a Go module. Add "Kind" here only with a reason in
# deploy/README.md.
readonly SKIP_KINDS=""

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT
readonly CHART="$ROOT/deploy/helm/shop-platform"
readonly CHECK_DIR="$ROOT/deploy/check"
readonly CACHE_DIR="$ROOT/.cache/deploy-check"
readonly BIN_DIR="$CACHE_DIR/bin"
readonly BUILD_LOG="$CACHE_DIR/build.log"
readonly OUT_DIR="$CACHE_DIR/out"

log() { printf '[deploy-check] %s\n' "$*" >&2; }
die() { log "$*"; printf 'deploy check: FAILED (%s)\n' "$*"; exit 1; }

# ---------------------------------------------------------------- tools

find_go() {
  if command -v go >/dev/null; then
    GO=go
  elif [[ -x /usr/local/go/bin/go ]]; then
    GO=/usr/local/go/bin/go
  else
    die "Go is not installed: install Go >= $MIN_GO_VERSION (the deploy check builds helm, kubeconform, docker compose and its schemas from the Go module proxy)."
  fi
  local version
  version="$("$GO" env GOVERSION)"
  [[ "$(printf '%s\n' "go$MIN_GO_VERSION" "$version" | sort -V | head -n 1)" == "go$MIN_GO_VERSION" ]] \
    || die "Go ${version#go} is too old: install Go >= $MIN_GO_VERSION (docker compose $COMPOSE_VERSION needs it)."
  # No toolchain download behind our back: the tools build with the Go that is installed.
  export GOTOOLCHAIN=local GOFLAGS=-buildvcs=false
}

# The unpacked source of a Go module, from the module cache (downloaded once).
module_dir() { # module@version; sets MODULE_DIR
  MODULE_DIR="$(cd "$CACHE_DIR" && "$GO" mod download -json "$1" 2>>"$BUILD_LOG" | sed -n -E 's/^[[:space:]]*"Dir": "(.*)",?$/\1/p')" || true
  [[ -n $MODULE_DIR && -d $MODULE_DIR ]] || die "go mod download $1 failed (log: $BUILD_LOG)."
}

# Builds a command once into bin/<name>-<version>, inside its own module as its authors do:
# `go install pkg@version` refuses modules with replace or exclude directives (compose has
# them). Sets the variable named by $4 to the binary.
build_tool() { # name module@version ./cmd/package variable [-X version ldflag]
  local name=$1 module=$2 package=$3 bin="$BIN_DIR/$1-${2##*@}" started=$SECONDS
  printf -v "$4" '%s' "$bin"
  [[ -x $bin ]] && return 0
  log "building $name ${module##*@} from the Go module proxy (first run only; minutes on two cores)..."
  module_dir "$module"
  (cd "$MODULE_DIR" && "$GO" build -trimpath -ldflags="-s -w ${5:+-X $5=${module##*@}}" -o "$bin.tmp" "$package") >>"$BUILD_LOG" 2>&1 \
    || { tail -n 20 "$BUILD_LOG" >&2; die "building $name from $module failed (log: $BUILD_LOG)."; }
  mv "$bin.tmp" "$bin"
  log "built $name ${module##*@} in $((SECONDS - started)) s"
}

# Sets HELM.
build_helm() {
  build_tool helm "helm.sh/helm/v4@$HELM_VERSION" ./cmd/helm HELM helm.sh/helm/v4/internal/version.version
}

# Appends the CRD files of a Go module to CRDS.
add_crds() { # module@version glob...
  local module=$1 pattern file
  shift
  module_dir "$module"
  for pattern in "$@"; do
    for file in "$MODULE_DIR"/$pattern; do
      [[ -f $file ]] || die "$module has no $pattern: did its layout change?"
      CRDS+=("$file")
    done
  done
}

collect_crds() {
  CRDS=()
  add_crds "$KEDA_MODULE" 'config/crd/bases/*.yaml'
  add_crds "$RABBITMQ_OPERATOR_MODULE" config/crd/bases/rabbitmq.com_rabbitmqclusters.yaml
  add_crds "$CNPG_MODULE" 'config/crd/bases/*.yaml'
  add_crds "$MONGODB_OPERATOR_MODULE" config/crd/bases/mongodbcommunity.mongodb.com_mongodbcommunity.yaml
  add_crds "$GATEWAY_API_MODULE" 'config/crd/standard/*.yaml'
}

# Generates the schemas once per input: the generator's source and pins, and the CRD modules.
build_schemas() {
  local key src="$CACHE_DIR/schemagen-src" started=$SECONDS packages
  key="$({ cat "$CHECK_DIR"/schemagen/*; printf '%s\n' "$KEDA_MODULE" "$RABBITMQ_OPERATOR_MODULE" \
    "$CNPG_MODULE" "$MONGODB_OPERATOR_MODULE" "$GATEWAY_API_MODULE"; } | sha256sum | cut -c1-16)"
  SCHEMA_DIR="$CACHE_DIR/schemas-$key"
  [[ -f $SCHEMA_DIR/.complete ]] && return 0
  log "generating the Kubernetes and CRD schemas (first run only)..."
  rm -rf "$src" "$SCHEMA_DIR" "$CACHE_DIR"/schemas-*
  cp -R "$CHECK_DIR/schemagen" "$src"
  # The API packages openapi-gen reads: the groups the generator registers, and the
  # apimachinery types they refer to.
  mapfile -t packages < <(grep -o -E '"k8s\.io/api/[a-z0-9]+/v[0-9a-z]+"' "$src/groups.go" | tr -d '"')
  packages+=(k8s.io/apimachinery/pkg/apis/meta/v1 k8s.io/apimachinery/pkg/runtime
    k8s.io/apimachinery/pkg/util/intstr k8s.io/apimachinery/pkg/api/resource k8s.io/apimachinery/pkg/version)
  : >"$src/header.txt"
  (cd "$src" && "$GO" build -trimpath -o "$BIN_DIR/openapi-gen" k8s.io/kube-openapi/cmd/openapi-gen \
    && "$BIN_DIR/openapi-gen" --output-dir openapi --output-pkg shop.local/schemagen/openapi \
      --output-file zz_generated.openapi.go --go-header-file header.txt \
      --report-filename "$CACHE_DIR/api-rule-violations.txt" "${packages[@]}") >>"$BUILD_LOG" 2>&1 \
    || { tail -n 20 "$BUILD_LOG" >&2; die "openapi-gen failed on k8s.io/api (log: $BUILD_LOG)."; }
  (cd "$src" && "$GO" build -trimpath -o "$BIN_DIR/schemagen" .) >>"$BUILD_LOG" 2>&1 \
    || { tail -n 20 "$BUILD_LOG" >&2; die "building the schema generator failed (log: $BUILD_LOG)."; }
  collect_crds
  "$BIN_DIR/schemagen" -out "$SCHEMA_DIR.tmp" "${CRDS[@]}" 2>>"$BUILD_LOG" >&2 \
    || die "the schema generator failed (log: $BUILD_LOG)."
  touch "$SCHEMA_DIR.tmp/.complete"
  mv "$SCHEMA_DIR.tmp" "$SCHEMA_DIR"
  log "generated $(find "$SCHEMA_DIR" -name '*.json' | wc -l) schemas in $((SECONDS - started)) s"
}

# ---------------------------------------------------------------- checks

VALID=0
INVALID=0
SKIPPED=0
FAILURES=()

# kubeconform -strict over files; adds its counts. Returns non-zero if any object is not valid.
kubeconform_files() {
  local report summary
  report="$("$KUBECONFORM" -strict -summary -output text -n 2 \
    -schema-location "$SCHEMA_DIR/{{ .ResourceKind }}{{ .KindSuffix }}.json" \
    ${SKIP_KINDS:+-skip "$SKIP_KINDS"} "$@" 2>&1)" && KUBECONFORM_RC=0 || KUBECONFORM_RC=$?
  KUBECONFORM_REPORT=$report
  summary="$(grep -E '^Summary: ' <<<"$report" | tail -n 1)"
  [[ $summary =~ Valid:\ ([0-9]+),\ Invalid:\ ([0-9]+),\ Errors:\ ([0-9]+),\ Skipped:\ ([0-9]+) ]] \
    || { KUBECONFORM_VALID=0; KUBECONFORM_BAD=1; KUBECONFORM_SKIPPED=0; return 1; }
  KUBECONFORM_VALID=${BASH_REMATCH[1]}
  KUBECONFORM_BAD=$((BASH_REMATCH[2] + BASH_REMATCH[3]))
  KUBECONFORM_SKIPPED=${BASH_REMATCH[4]}
  return "$KUBECONFORM_RC"
}

check_chart() {
  local values name rendered
  "$HELM" lint --strict "$CHART" -f "$CHECK_DIR/values/operators.yaml" >"$OUT_DIR/lint.txt" 2>&1 \
    || { cat "$OUT_DIR/lint.txt" >&2; FAILURES+=("helm lint"); }
  for values in "$CHECK_DIR"/values/*.yaml; do
    name="$(basename "$values" .yaml)"
    rendered="$OUT_DIR/rendered-$name.yaml"
    if ! "$HELM" template shop "$CHART" --namespace shop -f "$values" >"$rendered" 2>"$OUT_DIR/render-$name.err"; then
      cat "$OUT_DIR/render-$name.err" >&2
      FAILURES+=("helm template with $name.yaml")
      continue
    fi
    if kubeconform_files "$rendered"; then
      log "values/$name.yaml: $KUBECONFORM_VALID objects valid"
    else
      grep -v -E '^Summary: ' <<<"$KUBECONFORM_REPORT" >&2 || true
      FAILURES+=("objects rendered with $name.yaml")
    fi
    VALID=$((VALID + KUBECONFORM_VALID))
    INVALID=$((INVALID + KUBECONFORM_BAD))
    SKIPPED=$((SKIPPED + KUBECONFORM_SKIPPED))
  done
}

# Runs a command that must fail with output containing the expected words.
expect_refusal() { # what expected command...
  local what=$1 expected=$2 out
  shift 2
  if out="$("$@" 2>&1)"; then
    FAILURES+=("$what was accepted")
  elif ! grep -q -F -- "$expected" <<<"$out"; then
    log "$what failed, but not saying \"$expected\": $out"
    FAILURES+=("$what: unclear error")
  fi
}

# An install that forgets a secret must stop with a message naming the value to set.
check_required_secrets() {
  local mongo_apps=() passwords=() app
  # Each mongo app of apps.json needs its password when the chart runs the MongoDB operator.
  mapfile -t mongo_apps < <(node "$ROOT/scripts/list-apps.js" --database mongo name)
  for app in "${mongo_apps[@]}"; do passwords+=(--set "mongodb.operator.passwords.$app=check-only"); done
  expect_refusal "helm template without secrets.jwtSecret" "secrets.jwtSecret is required" \
    "$HELM" template shop "$CHART" "${passwords[@]}"
  if ((${#mongo_apps[@]})); then
    app=${mongo_apps[0]}
    expect_refusal "helm template without the $app MongoDB password" "mongodb.operator.passwords.$app is required" \
      "$HELM" template shop "$CHART" --set secrets.jwtSecret=check-only-placeholder-not-a-secret-0123456789 \
      "${passwords[@]:2}"
  fi
  expect_refusal "helm template with a short secrets.jwtSecret" "at least 32 characters" \
    "$HELM" template shop "$CHART" -f "$CHECK_DIR/values/operators.yaml" --set secrets.jwtSecret=short
  # values.schema.json: a misspelled value is an error, not silently ignored.
  expect_refusal "helm template with a misspelled value" "additional properties 'autoscalling' not allowed" \
    "$HELM" template shop "$CHART" -f "$CHECK_DIR/values/operators.yaml" --set apps.gateway.autoscalling.enabled=false
}

# Each invalid manifest states, in a "# expect: ..." line, the words kubeconform must report.
check_invalid_fixtures() {
  local fixture expected
  REJECTED=0
  for fixture in "$CHECK_DIR"/invalid/*.yaml; do
    expected="$(sed -n -E 's/^# expect: (.*)$/\1/p' "$fixture")"
    [[ -n $expected ]] || { FAILURES+=("$(basename "$fixture") has no '# expect:' line"); continue; }
    if kubeconform_files "$fixture"; then
      log "invalid/$(basename "$fixture") was accepted; strict validation is not working"
      FAILURES+=("invalid/$(basename "$fixture") accepted")
    elif ((KUBECONFORM_BAD != 1)) || ! grep -q -F -- "$expected" <<<"$KUBECONFORM_REPORT"; then
      log "invalid/$(basename "$fixture") was rejected, but not for \"$expected\": $KUBECONFORM_REPORT"
      FAILURES+=("invalid/$(basename "$fixture") rejected for another reason")
    else
      REJECTED=$((REJECTED + 1))
    fi
  done
}

check_compose() {
  local out
  # A throwaway config dir: compose must not read or write the user's ~/.docker.
  export DOCKER_CONFIG="$CACHE_DIR/docker-config"
  mkdir -p "$DOCKER_CONFIG"
  if ! out="$(cd "$ROOT" && JWT_SECRET=check-only-not-a-secret-0123456789abcdef "$COMPOSE" -f docker-compose.yml config --quiet 2>&1)"; then
    log "docker compose config: $out"
    FAILURES+=("docker-compose.yml")
  fi
  expect_refusal "docker-compose.yml without JWT_SECRET" "set JWT_SECRET" \
    env -u JWT_SECRET "$COMPOSE" -f "$ROOT/docker-compose.yml" config --quiet
}

take_lock() {
  mkdir -p "$BIN_DIR" "$OUT_DIR"
  exec 9>"$CACHE_DIR/lock"
  # A cold build takes minutes; a second run waits for it instead of building twice.
  flock -w 1800 9 || die "another scripts/check-deploy.sh holds $CACHE_DIR/lock for more than 30 minutes."
}

# `--helm-path`: only builds helm (once, as the check does) and prints its path, for tests that
# render the chart (test/scaffold.e2e-spec.ts).
print_helm_path() {
  take_lock
  find_go
  build_helm
  printf '%s\n' "$HELM"
}

main() {
  local started=$SECONDS
  take_lock
  find_go
  # One build at a time: Go builds take both cores.
  build_tool kubeconform "github.com/yannh/kubeconform@$KUBECONFORM_VERSION" ./cmd/kubeconform KUBECONFORM main.version
  build_helm
  build_tool docker-compose "github.com/docker/compose/v5@$COMPOSE_VERSION" ./cmd COMPOSE \
    github.com/docker/compose/v5/internal.Version
  build_schemas
  # helm must not read or write the user's configuration, nor reach any repository.
  export HELM_CACHE_HOME="$CACHE_DIR/helm/cache" HELM_CONFIG_HOME="$CACHE_DIR/helm/config" HELM_DATA_HOME="$CACHE_DIR/helm/data"

  check_chart
  check_required_secrets
  check_invalid_fixtures
  check_compose

  if ((${#FAILURES[@]})); then
    log "failed: $(IFS=';'; printf '%s' "${FAILURES[*]}")"
    printf 'deploy check: %d objects valid, %d invalid, %d skipped; %d bad manifests rejected; FAILED: %s\n' \
      "$VALID" "$INVALID" "$SKIPPED" "$REJECTED" "$(IFS=';'; printf '%s' "${FAILURES[*]}")"
    exit 1
  fi
  printf 'deploy check: %d objects valid, %d invalid, %d skipped; %d bad manifests rejected; docker-compose.yml valid (%d s)\n' \
    "$VALID" "$INVALID" "$SKIPPED" "$REJECTED" $((SECONDS - started))
}

case "${1:-}" in
  --helm-path) print_helm_path ;;
  "") main ;;
  *) die "usage: scripts/check-deploy.sh [--helm-path]" ;;
esac
