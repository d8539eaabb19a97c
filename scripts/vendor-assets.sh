#!/bin/sh
# Fetch the front-end assets the registry serves from its own static folder (no CDN).
# Versions are pinned; run this only to upgrade them, then commit the result.
set -eu
YASGUI_VERSION=4.6.2
SWAGGER_UI_VERSION=5.35.0
here=$(cd "$(dirname "$0")/.." && pwd)
out="$here/registry/static/vendor"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm pack --silent "@zazuko/yasgui@$YASGUI_VERSION" "swagger-ui-dist@$SWAGGER_UI_VERSION" >/dev/null
mkdir yasgui swagger
tar xzf "zazuko-yasgui-$YASGUI_VERSION.tgz" -C yasgui
tar xzf "swagger-ui-dist-$SWAGGER_UI_VERSION.tgz" -C swagger
rm -rf "$out/yasgui" "$out/swagger-ui"
mkdir -p "$out/yasgui" "$out/swagger-ui"
cp yasgui/package/build/yasgui.min.js yasgui/package/build/yasgui.min.css yasgui/package/package.json "$out/yasgui/"
cp swagger/package/swagger-ui-bundle.js swagger/package/swagger-ui.css swagger/package/LICENSE \
   swagger/package/NOTICE swagger/package/swagger-ui-bundle.js.LICENSE.txt "$out/swagger-ui/"
# The bundles reference their source maps, which are not shipped.
sed -i '/^\/\/# sourceMappingURL=/d' "$out/yasgui/yasgui.min.js" "$out/swagger-ui/swagger-ui-bundle.js"
sed -i 's#/\*\# sourceMappingURL=[^*]*\*/##' "$out/yasgui/yasgui.min.css" "$out/swagger-ui/swagger-ui.css"
(cd "$out" && sha256sum yasgui/* swagger-ui/* > SHA256SUMS)
echo "vendored @zazuko/yasgui $YASGUI_VERSION and swagger-ui-dist $SWAGGER_UI_VERSION into $out"
