# agentry tasks. `just --list` shows them; each recipe runs the npm script of the same name, so
# `npm run <script>` does the same without `just` (CI and scripts/ use npm only).
set shell := ["bash", "-euo", "pipefail", "-c"]

# List recipes
default:
    @just --list

# Regenerate generated/ (bundled spec, types, operation table, client) from openapi/, and migrations from the schemas
generate:
    npm run --silent generate

# Fail when generated/ or drizzle/ is stale (run after `just generate`)
drift:
    npm run --silent drift

# Start with hot reload (configs/dev.yaml)
dev:
    npm run --silent dev

# Start the server (SQLite at ./data/agentry.db unless configured)
start *args:
    npm run --silent start -- {{args}}

# Apply database migrations and exit
migrate *args:
    npm run --silent migrate -- {{args}}

# Lint the contract
lint:
    npm run --silent lint

# Lint and format-check the code (Biome, zero warnings)
lint-code:
    npm run --silent lint:code

# Apply the formatter and the linter's safe fixes
lint-fix:
    npm run --silent lint:fix

# Rewrite formatting only
format:
    npm run --silent format

# Type-check everything
typecheck:
    npm run --silent typecheck

# Unit and contract tests that need nothing external
test-unit:
    npm run --silent test:unit

# The whole suite: SQLite, Postgres and NATS (throwaway servers started by the tests)
test *args:
    npm run --silent test -- {{args}}

# Generate + drift check + contract lint + code lint + typecheck + unit tests; needs no database or NATS
check:
    npm run --silent check

# Loopback benchmark against a bare Hono route measured in the same run (bounded time)
bench *args:
    npm run --silent bench -- {{args}}

# Heap per parked event-feed reader (EventNotifier), printed rather than asserted
bench-notifier *args:
    npm run --silent bench:notifier -- {{args}}

# Remote commands: N agents parked in a command long poll (RSS), one-agent wake latency, fan-out to all (--agents, --sends)
bench-commands *args:
    npm run --silent bench:commands -- {{args}}

# Heap per parked command poll, from heap snapshots of the server with none and with --agents N parked
bench-parked-heap *args:
    npm run --silent bench:parked-heap -- {{args}}

# Where the server's allocations come from while agents enrol, heartbeat or park their polls (--phase)
bench-allocations *args:
    npm run --silent bench:allocations -- {{args}}

# What enrolled agents and their ingestion keep on the server's heap, per agent (heap snapshots)
bench-ingest-heap *args:
    npm run --silent bench:ingest-heap -- {{args}}

# Fault injection under load (throwaway Postgres + NATS, two instances; a few minutes; --short for CI's version)
chaos *args:
    npm run --silent chaos -- {{args}}
