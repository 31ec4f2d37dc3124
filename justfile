# agentry tasks. `npx just --list` shows them; `npx just <recipe>` runs one (rust-just comes with npm install).
set shell := ["bash", "-euo", "pipefail", "-c"]

node := "node"

# List recipes
default:
    @just --list

# Regenerate generated/ (bundled spec, types, operation table, client) from openapi/, and migrations from the schemas
generate:
    {{node}} scripts/generate.ts
    npx drizzle-kit generate --config drizzle.sqlite.config.ts
    npx drizzle-kit generate --config drizzle.pg.config.ts

# Fail when generated/ or drizzle/ is stale (run after `just generate`)
drift:
    #!/usr/bin/env bash
    set -euo pipefail
    changes=$(git status --porcelain -- generated drizzle)
    if [ -n "$changes" ]; then
      echo "generated/ or drizzle/ is out of date; run 'just generate' and commit:" >&2
      echo "$changes" >&2
      git --no-pager diff --stat -- generated drizzle >&2
      exit 1
    fi
    echo "generated/ and drizzle/ are up to date"

# Start with hot reload (configs/dev.yaml)
dev:
    {{node}} --watch src/main.ts serve -c configs/dev.yaml

# Start the server (SQLite at ./data/agentry.db unless configured)
start *args:
    {{node}} src/main.ts serve {{args}}

# Apply database migrations and exit
migrate *args:
    {{node}} src/main.ts migrate {{args}}

# Lint the contract
lint:
    npx redocly lint openapi/openapi.yaml --format=stylish

# Type-check everything
typecheck:
    npx tsc -p .

# Unit and contract tests that need nothing external
test-unit:
    npx vitest run --project unit

# The whole suite: SQLite, Postgres and NATS (throwaway servers started by the tests)
test:
    npx vitest run

# Generate + drift check + lint + typecheck + unit tests; needs no database or NATS
check: generate drift lint typecheck test-unit

# Loopback benchmark against a bare Hono route measured in the same run (bounded time)
bench *args:
    {{node}} bench/run.ts {{args}}

# Fault injection under load (throwaway Postgres + NATS, two instances; a few minutes; --short for CI's version)
chaos *args:
    {{node}} chaos/run.ts {{args}}
