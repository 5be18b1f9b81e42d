#!/usr/bin/env bash
# Regenerates the pictures of the README (make docs).
set -euo pipefail
cd "$(dirname "$0")/.."
go build -o fpsolve ./cmd/fpsolve
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
./fpsolve run -q --out "$tmp/default" --set output.formats=[png]
cp "$tmp/default/density.png" docs/default-run.png
./fpsolve run -q --out "$tmp/escape" --set 'targets=[{basin: 0}]' --set time.end=600 --set output.formats=[png]
cp "$tmp/escape/survival.png" docs/survival.png
./fpsolve run -q testdata/scenarios/flat-sharp-2d.yaml --out "$tmp/fs" --set output.formats=[png]
cp "$tmp/fs/density.png" docs/flat-sharp-density.png
cp "$tmp/fs/density_panels.png" docs/flat-sharp-panels.png
./fpsolve run -q testdata/scenarios/muller-brown.yaml --out "$tmp/mb" --set output.formats=[png]
cp "$tmp/mb/density_panels.png" docs/muller-brown-panels.png
echo "docs/*.png regenerated"
