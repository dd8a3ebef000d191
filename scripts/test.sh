#!/usr/bin/env bash
# Runs the whole test suite against a private, in-memory Azurite; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/azurite.sh

install_tools
start_azurite "$(free_port_base)"
trap 'kill "$AZURITE_PID" 2>/dev/null || true' EXIT INT TERM

export CRM_TEST_STORAGE="$CRM_STORAGE"
dotnet test Crm.sln -c Release --logger "console;verbosity=minimal" "$@"
