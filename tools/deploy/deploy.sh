#!/usr/bin/env bash
# ONE-DATA-STUDIO deployment, seed §4.3 / §5.1 / §5.2:
#   deploy.sh install  [--env prod|dev] [--dry-run]   namespaces -> infrastructure -> wait -> data -> model -> agent -> monitoring -> health checks
#   deploy.sh upgrade  --tag v1.1.0 [--chart data|model-studio|agent] [--env ...] [--dry-run]   backup values, upgrade --wait, rollout status; rolls back on failure
#   deploy.sh rollback --chart data [--revision N] [--dry-run]
# --dry-run prints every helm/kubectl command instead of running it. Stops at the first failure with a report.
set -euo pipefail

CHARTS="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../helm-charts" && pwd)"
HELM="${HELM:-helm}"
KUBECTL="${KUBECTL:-kubectl}"
ENVIRONMENT=prod
DRY_RUN=false
TAG=""
ONLY=""
REVISION=""
TIMEOUT="${TIMEOUT:-15m}"
COMMAND="${1:-}"
shift || true

while [ $# -gt 0 ]; do
  case "$1" in
    --env) ENVIRONMENT="$2"; shift 2 ;;
    --dry-run) DRY_RUN=true; shift ;;
    --tag) TAG="$2"; shift 2 ;;
    --chart) ONLY="$2"; shift 2 ;;
    --revision) REVISION="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

# chart:release:namespace, in install order (seed §4.3)
LAYERS=(
  "infrastructure:infrastructure:one-data-infra"
  "data:data:one-data-data"
  "model-studio:model:one-data-model"
  "agent:agent:one-data-agent"
  "monitoring:monitoring:one-data-system"
)

run() {
  if $DRY_RUN; then printf '%s\n' "$*"; else "$@"; fi
}
step() { printf '\n==> %s\n' "$*" >&2; }
fail() {
  printf '\nDEPLOYMENT STOPPED: %s\n' "$1" >&2
  if ! $DRY_RUN && [ -n "${2:-}" ]; then
    printf '\n--- pods in %s ---\n' "$2" >&2
    "$KUBECTL" get pods -n "$2" -o wide >&2 || true
    printf '\n--- recent events in %s ---\n' "$2" >&2
    "$KUBECTL" get events -n "$2" --sort-by=.lastTimestamp 2>/dev/null | tail -n 20 >&2 || true
  fi
  exit 1
}
values_args() { # chart
  local file="$CHARTS/$1/values-$ENVIRONMENT.yaml"
  [ -f "$file" ] && printf -- '-f\n%s\n' "$file"
}

build_dependencies() {
  step "building chart dependencies"
  for sub in "$CHARTS"/infrastructure/charts/*/; do run "$HELM" dependency update --skip-refresh "${sub%/}"; done
  for chart in data model-studio agent monitoring infrastructure one-data; do run "$HELM" dependency update --skip-refresh "$CHARTS/$chart"; done
}

install() {
  build_dependencies
  step "platform: namespaces with their labels, quotas, storage classes, gateway, mTLS (seed §1, §2.1, §3)"
  # namespaces first through kubectl (the release must live in one), carrying Helm ownership so the
  # platform release adopts them
  if $DRY_RUN; then
    echo "$HELM template one-data-platform $CHARTS/one-data -n one-data-system --show-only templates/namespaces.yaml | $KUBECTL apply -f -"
  else
    "$HELM" template one-data-platform "$CHARTS/one-data" -n one-data-system --show-only templates/namespaces.yaml | "$KUBECTL" apply -f - || fail "namespaces"
  fi
  run "$HELM" upgrade --install one-data-platform "$CHARTS/one-data" -n one-data-system $(values_args one-data) \
    --set infrastructure.enabled=false,data.enabled=false,model-studio.enabled=false,agent.enabled=false,monitoring.enabled=false \
    --wait --timeout "$TIMEOUT" || fail "platform objects" one-data-system

  for layer in "${LAYERS[@]}"; do
    IFS=: read -r chart release namespace <<<"$layer"
    step "$chart -> release $release in $namespace"
    run "$HELM" upgrade --install "$release" "$CHARTS/$chart" -n "$namespace" $(values_args "$chart") \
      --wait --timeout "$TIMEOUT" || fail "helm upgrade --install $release" "$namespace"
    if [ "$chart" = infrastructure ]; then
      step "waiting for the infrastructure to be ready (seed §5.1)"
      run "$KUBECTL" wait --for=condition=Ready pod -l app.kubernetes.io/part-of=one-data -n one-data-infra --timeout="$TIMEOUT" \
        || fail "infrastructure pods not ready" one-data-infra
      run "$KUBECTL" wait --for=condition=Available deployment -l app.kubernetes.io/part-of=one-data -n one-data-system --timeout="$TIMEOUT" \
        || fail "keycloak not available" one-data-system
    fi
  done
  health_checks
}

health_checks() {
  step "health checks (seed §5.1 / §8): helm test calls every component's /ready"
  for layer in "${LAYERS[@]:1:3}"; do
    IFS=: read -r _chart release namespace <<<"$layer"
    run "$HELM" test "$release" -n "$namespace" --timeout 5m || fail "helm test $release" "$namespace"
  done
  step "deployment complete"
}

upgrade() {
  [ -n "$TAG" ] || { echo "upgrade needs --tag" >&2; exit 2; }
  build_dependencies
  for layer in "${LAYERS[@]:1:3}"; do
    IFS=: read -r chart release namespace <<<"$layer"
    [ -z "$ONLY" ] || [ "$ONLY" = "$chart" ] || continue
    step "upgrade $release to $TAG (seed §5.2)"
    if $DRY_RUN; then
      echo "$HELM get values $release -n $namespace -o yaml > $release-backup-values.yaml"
    else
      "$HELM" get values "$release" -n "$namespace" -o yaml >"$release-backup-values.yaml"
    fi
    if ! run "$HELM" upgrade "$release" "$CHARTS/$chart" -n "$namespace" $(values_args "$chart") --reuse-values \
      --set "global.imageTag=$TAG" --wait --timeout 10m; then
      step "upgrade failed: rolling $release back"
      run "$HELM" rollback "$release" -n "$namespace" --wait
      fail "upgrade of $release to $TAG (rolled back)" "$namespace"
    fi
    prefix="${release}"
    run "$KUBECTL" rollout status "deployment/$prefix-api" -n "$namespace" --timeout 10m || fail "rollout of $prefix-api" "$namespace"
    run "$KUBECTL" get pods -n "$namespace"
    run "$HELM" test "$release" -n "$namespace" --timeout 5m || fail "helm test $release after upgrade" "$namespace"
  done
}

rollback() {
  [ -n "$ONLY" ] || { echo "rollback needs --chart" >&2; exit 2; }
  for layer in "${LAYERS[@]}"; do
    IFS=: read -r chart release namespace <<<"$layer"
    [ "$ONLY" = "$chart" ] || continue
    step "rollback $release${REVISION:+ to revision $REVISION}"
    run "$HELM" rollback "$release" $REVISION -n "$namespace" --wait || fail "rollback $release" "$namespace"
    return 0
  done
  echo "no chart $ONLY" >&2
  exit 2
}

case "$COMMAND" in
  install) install ;;
  upgrade) upgrade ;;
  rollback) rollback ;;
  *) sed -n '2,7p' "$0"; exit 2 ;;
esac
