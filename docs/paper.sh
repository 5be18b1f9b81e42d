#!/usr/bin/env bash
# Regenerates docs/paper.md and its figures in docs/paper/ (make paper):
# every preset of `fpsolve sweep`, then the page from their sweep.json files.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(mktemp -d)/fpsolve
trap 'rm -rf "$(dirname "$bin")"' EXIT
go build -o "$bin" ./cmd/fpsolve
for p in sgd-batch sgd-lr sgld-temperature sharpness selection; do
	rm -rf "docs/paper/$p"
	"$bin" sweep -q --preset "$p" --out "docs/paper/$p"
done
go run ./docs/paper/gen -dir docs/paper -out docs/paper.md
echo "docs/paper.md regenerated"
