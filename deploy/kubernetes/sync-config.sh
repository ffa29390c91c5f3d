#!/usr/bin/env bash
# Copies application.properties and routes/ from the repository's root into base/config/, where kustomize's
# configMapGenerator can read them (it reads only files at or below a kustomization's directory). The root files are
# the ones engineers edit; DeploymentManifestsTest fails while the copies differ, so they never drift unnoticed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
config=$here/base/config
rm -rf "$config/routes"
mkdir -p "$config/routes"
cp "$root/application.properties" "$config/application.properties"
cp "$root"/routes/*.camel.yaml "$root"/routes/*.camel.xml "$config/routes/"
# the generator lists each route file: a new or removed route file changes the list
{
  sed -n '1,/^# BEGIN routes (sync-config.sh)/p' "$here/base/kustomization.yaml"
  for file in "$config"/routes/*; do echo "      - config/routes/$(basename "$file")"; done
  sed -n '/^# END routes (sync-config.sh)/,$p' "$here/base/kustomization.yaml"
} > "$here/base/kustomization.yaml.new"
mv "$here/base/kustomization.yaml.new" "$here/base/kustomization.yaml"
echo "synced $(ls "$config/routes" | wc -l) route files and application.properties into $config"
