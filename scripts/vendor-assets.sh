#!/bin/sh
# Fetch the front-end assets the registry serves from its own static folder (no CDN), and the
# accessibility checker the browser tests inject (tests only, never served).
# Versions are pinned; run this only to upgrade them, then commit the result.
set -eu
YASGUI_VERSION=4.6.2
SWAGGER_UI_VERSION=5.35.0
LEAFLET_VERSION=1.9.4
AXE_CORE_VERSION=4.14.1
here=$(cd "$(dirname "$0")/.." && pwd)
out="$here/registry/static/vendor"
tests_out="$here/tests/vendor"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm pack --silent "@zazuko/yasgui@$YASGUI_VERSION" "swagger-ui-dist@$SWAGGER_UI_VERSION" \
    "leaflet@$LEAFLET_VERSION" "axe-core@$AXE_CORE_VERSION" >/dev/null
mkdir yasgui swagger leaflet axe
tar xzf "zazuko-yasgui-$YASGUI_VERSION.tgz" -C yasgui
tar xzf "swagger-ui-dist-$SWAGGER_UI_VERSION.tgz" -C swagger
tar xzf "leaflet-$LEAFLET_VERSION.tgz" -C leaflet
tar xzf "axe-core-$AXE_CORE_VERSION.tgz" -C axe

# Served by the application.
rm -rf "$out/yasgui" "$out/swagger-ui" "$out/leaflet"
mkdir -p "$out/yasgui" "$out/swagger-ui" "$out/leaflet/images"
cp yasgui/package/build/yasgui.min.js yasgui/package/build/yasgui.min.css yasgui/package/package.json "$out/yasgui/"
cp swagger/package/swagger-ui-bundle.js swagger/package/swagger-ui.css swagger/package/LICENSE \
   swagger/package/NOTICE swagger/package/swagger-ui-bundle.js.LICENSE.txt "$out/swagger-ui/"
cp leaflet/package/dist/leaflet.js leaflet/package/dist/leaflet.css leaflet/package/LICENSE "$out/leaflet/"
cp leaflet/package/dist/images/*.png "$out/leaflet/images/"
# The bundles reference their source maps, which are not shipped.
sed -i '/^\/\/# sourceMappingURL=/d' "$out/yasgui/yasgui.min.js" "$out/swagger-ui/swagger-ui-bundle.js" \
    "$out/leaflet/leaflet.js"
sed -i 's#/\*\# sourceMappingURL=[^*]*\*/##' "$out/yasgui/yasgui.min.css" "$out/swagger-ui/swagger-ui.css"
(cd "$out" && sha256sum yasgui/* swagger-ui/* leaflet/LICENSE leaflet/leaflet.* leaflet/images/* > SHA256SUMS)

# Used by the browser tests only (not part of the package).
rm -rf "$tests_out/axe-core"
mkdir -p "$tests_out/axe-core"
cp axe/package/axe.min.js axe/package/LICENSE axe/package/LICENSE-3RD-PARTY.txt "$tests_out/axe-core/"
(cd "$tests_out" && sha256sum axe-core/* > SHA256SUMS)

echo "vendored @zazuko/yasgui $YASGUI_VERSION, swagger-ui-dist $SWAGGER_UI_VERSION and leaflet $LEAFLET_VERSION into $out"
echo "vendored axe-core $AXE_CORE_VERSION into $tests_out"
