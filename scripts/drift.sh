#!/usr/bin/env bash
# Fails when generated/ or drizzle/ differ from what is committed (run after `npm run generate`).
set -euo pipefail
cd "$(dirname "$0")/.."
changes=$(git status --porcelain -- generated drizzle)
if [ -n "$changes" ]; then
  echo "generated/ or drizzle/ is out of date; run 'npm run generate' and commit:" >&2
  echo "$changes" >&2
  git --no-pager diff --stat -- generated drizzle >&2
  exit 1
fi
echo "generated/ and drizzle/ are up to date"
