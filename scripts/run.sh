#!/usr/bin/env bash
# Runs the CRM locally: Azurite in memory, the service on $CRM_URLS (default http://127.0.0.1:7071),
# a demo tenant "demo" with administrator "admin". Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/azurite.sh

install_tools
start_azurite "${CRM_AZURITE_PORT:-10000}"
trap 'kill "$AZURITE_PID" 2>/dev/null || true' EXIT INT TERM

export ASPNETCORE_URLS="${CRM_URLS:-http://127.0.0.1:7071}"
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
export Storage__ConnectionString="$CRM_STORAGE"
export Auth__SigningKey="${Auth__SigningKey:-$(head -c 48 /dev/urandom | base64 | tr -d '\n')}"
export Demo__Enabled="${Demo__Enabled:-true}"
dotnet run --project functions/Crm.Functions -c Release
