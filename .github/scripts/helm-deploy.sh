#!/usr/bin/env bash
# The CD example's deployment (.github/workflows/deploy-validate.yml, job `deploy`): installs or
# upgrades the chart on a kube-context named explicitly, runs the chart's health gate, and rolls
# the release back when the gate fails.
#
#   KUBE_CONTEXT=prod-cluster IMAGE_REGISTRY=ghcr.io/you IMAGE_TAG=<sha> bash .github/scripts/helm-deploy.sh
#
# Settings (environment): KUBE_CONTEXT (required, never the current context by default),
# IMAGE_REGISTRY and IMAGE_TAG (required: the images 01's Dockerfiles built, pushed there),
# K8S_NAMESPACE (todo-app), HELM_RELEASE (todo-chatbot), HELM_CHART_DIR (helm/todo-chatbot),
# HELM_VALUES_FILES (comma-separated, your own), DEPLOY_TIMEOUT (10m), PUBLIC_URL (the frontend's).
# Secrets (environment, never argv): POSTGRES_PASSWORD or DATABASE_URL, BETTER_AUTH_SECRET,
# OPENAI_API_KEY. They go to helm in a 0600 values file in a private folder, removed on exit.
#
# 1. helm upgrade --install --atomic --wait: a release whose pods do not become Ready is rolled
#    back (or, on a first install, uninstalled) by helm itself (Helm 3's --atomic).
# 2. Health gate: `helm test` runs the chart's test pod (templates/tests/), which calls the
#    backend's /health and /ready, the MCP server and the frontend through their Services.
# 3. Gate failed: `helm rollback` to the previous revision with --wait, then exit 1; a first
#    install has nothing to roll back to and is uninstalled instead.
# Exit codes: 0 deployed and healthy; 1 deployment or gate failed (rolled back); 2 bad settings.
set -euo pipefail

die_usage() { printf 'helm-deploy: %s\n' "$1" >&2; exit 2; }
say() { printf 'helm-deploy: %s\n' "$*"; }

: "${KUBE_CONTEXT:=}" "${IMAGE_REGISTRY:=}" "${IMAGE_TAG:=}"
[ -n "$KUBE_CONTEXT" ] || die_usage "KUBE_CONTEXT is not set; name the kube-context to deploy to (kubectl config get-contexts -o name)"
if [ -z "$IMAGE_REGISTRY" ] || [ -z "$IMAGE_TAG" ]; then
  die_usage "IMAGE_REGISTRY and IMAGE_TAG must name the pushed images (e.g. ghcr.io/you and the commit sha)"
fi
kubectl config get-contexts -o name | grep -qxF -- "$KUBE_CONTEXT" ||
  die_usage "kube-context '$KUBE_CONTEXT' is not in the kubeconfig; check the KUBECONFIG secret and the KUBE_CONTEXT variable"
if [ -z "${DATABASE_URL:-}" ] && [ -z "${POSTGRES_PASSWORD:-}" ]; then
  die_usage "set POSTGRES_PASSWORD (in-chart database) or DATABASE_URL (external) as a secret"
fi
for key in BETTER_AUTH_SECRET OPENAI_API_KEY; do
  [ -n "${!key:-}" ] || die_usage "$key is not set; add it as a repository or environment secret"
done

namespace=${K8S_NAMESPACE:-todo-app}
release=${HELM_RELEASE:-todo-chatbot}
chart=${HELM_CHART_DIR:-helm/todo-chatbot}
timeout=${DEPLOY_TIMEOUT:-10m}
kube=(--kube-context "$KUBE_CONTEXT" --namespace "$namespace")

private=$(mktemp -d)
trap 'rm -rf "$private"' EXIT
# JSON is YAML: node quotes any secret correctly; the values never pass through argv.
(umask 077 && node -e '
  const e = process.env, s = { BETTER_AUTH_SECRET: e.BETTER_AUTH_SECRET, OPENAI_API_KEY: e.OPENAI_API_KEY };
  const values = { secrets: s };
  if (e.DATABASE_URL) { s.DATABASE_URL = e.DATABASE_URL; values.postgresql = { enabled: false }; }
  else s.POSTGRES_PASSWORD = e.POSTGRES_PASSWORD;
  require("fs").writeFileSync(process.argv[1], JSON.stringify(values));
' "$private/secrets.yaml")

values=()
IFS=, read -ra own <<<"${HELM_VALUES_FILES:-}"
for file in "${own[@]}"; do [ -z "$file" ] || values+=(-f "$file"); done
values+=(-f "$private/secrets.yaml")
# The frontend's browser address, also baked into its image at build time (NEXT_PUBLIC_APP_URL).
[ -z "${PUBLIC_URL:-}" ] || values+=(--set "publicUrls.frontend=$PUBLIC_URL")
for component in frontend backend mcp; do
  values+=(--set "$component.image.repository=$IMAGE_REGISTRY/todo-$component"
    --set-string "$component.image.tag=$IMAGE_TAG" --set "$component.image.pullPolicy=IfNotPresent")
done

say "helm upgrade --install $release on $KUBE_CONTEXT/$namespace (--atomic: a release that is not Ready within $timeout is undone)"
helm upgrade --install "$release" "$chart" "${kube[@]}" --create-namespace --atomic --wait --timeout "$timeout" "${values[@]}"

# The deployed revision, from `helm status -o json` (the release's "version" field).
revision() { helm status "$release" "${kube[@]}" -o json | node -e 'process.stdout.write(String(JSON.parse(require("fs").readFileSync(0, "utf8")).version))'; }

say "health gate: helm test $release"
if helm test "$release" "${kube[@]}" --timeout 5m --logs; then
  say "deployed and healthy: revision $(revision)"
  exit 0
fi

revision=$(revision)
if [ "$revision" -gt 1 ]; then
  say "health gate FAILED on revision $revision: rolling back to the previous revision"
  helm rollback "$release" "${kube[@]}" --wait --timeout "$timeout"
else
  say "health gate FAILED on the first install: nothing to roll back to, uninstalling it"
  helm uninstall "$release" "${kube[@]}" --wait --timeout "$timeout"
fi
exit 1
