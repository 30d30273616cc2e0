#!/bin/sh
# Stand-in for "yarn install --frozen-lockfile && yarn build": copies src/ to dist/ and
# stamps the release id (the first argument) into index.html.
set -eu
release="${1:-dev}"
rm -rf dist
mkdir -p dist
cp -R src/. dist/
sed "s/@RELEASE@/$release/" src/index.html > dist/index.html
