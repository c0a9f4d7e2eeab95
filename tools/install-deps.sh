#!/usr/bin/env bash
# Installs the system packages Catalyst Ledger needs, but only those dpkg reports missing.
# Used by `make demo`, `make test` and CI; safe to run repeatedly.
set -euo pipefail

required=(postgresql libpq-dev libcurl4-openssl-dev liblz4-dev)
missing=()
for pkg in "${required[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done

# Doctor's alert tests use a local SMTP sink (tools/smtp_sink.py) built on aiosmtpd from PyPI.
if command -v python3 >/dev/null && ! python3 -c "import aiosmtpd" 2>/dev/null; then
    echo "installing aiosmtpd (SMTP sink for the alert tests)"
    python3 -m pip install -q aiosmtpd || echo "warning: could not install aiosmtpd; the SMTP alert test will be skipped" >&2
fi

if ((${#missing[@]} == 0)); then
    exit 0
fi

echo "installing missing packages: ${missing[*]}"
sudo=""
if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
# The Debian postgresql package starts a system cluster on port 5432 by default; we never use it.
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
