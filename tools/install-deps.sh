#!/usr/bin/env bash
# Installs the system packages Catalyst Ledger needs, but only those dpkg reports missing.
# Used by `make demo`, `make test` and CI; safe to run repeatedly.
#   tools/install-deps.sh          the build and runtime packages
#   tools/install-deps.sh --test   also what some tests drive (best effort: a test whose tool is
#                                  missing says so and is skipped; nothing else depends on them)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

required=(postgresql libpq-dev libcurl4-openssl-dev liblz4-dev)
optional=()
if [[ "${1:-}" == "--test" ]]; then
    # curl runs the crontab's lines verbatim; chromium renders the dashboard headless; pg_auto_failover
    # runs the failover drill (FailoverDrillTests) and `catalyst ha`.
    optional=(curl chromium postgresql-15-auto-failover pg-auto-failover-cli)
fi

missing_of() {
    local out=()
    for pkg in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
            out+=("$pkg")
        fi
    done
    echo "${out[@]:-}"
}

read -r -a missing <<<"$(missing_of "${required[@]}")"
read -r -a missing_optional <<<"$(missing_of "${optional[@]:-}")"

sudo=""
if ((${#missing[@]} + ${#missing_optional[@]} > 0)) && [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "need root or sudo to install: ${missing[*]} ${missing_optional[*]}" >&2; exit 1; }
    sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
updated=false
apt_update() { $updated || { $sudo apt-get update -qq; updated=true; }; }

if ((${#missing[@]} > 0)); then
    echo "installing missing packages: ${missing[*]}"
    apt_update
    # The Debian postgresql package starts a system cluster on port 5432 by default; we never use it.
    $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ((${#missing_optional[@]} > 0)); then
    echo "installing test tools: ${missing_optional[*]}"
    apt_update
    $sudo apt-get install -y -qq --no-install-recommends "${missing_optional[@]}" \
        || echo "warning: could not install ${missing_optional[*]}; the tests that need them will be skipped" >&2
fi

# Doctor's alert tests use a local SMTP sink (tools/smtp_sink.py) built on aiosmtpd from PyPI.
if [[ "${1:-}" == "--test" ]] && command -v python3 >/dev/null && ! python3 -c "import aiosmtpd" 2>/dev/null; then
    echo "installing aiosmtpd (SMTP sink for the alert tests)"
    python3 -m pip install -q aiosmtpd || echo "warning: could not install aiosmtpd; the SMTP alert test will be skipped" >&2
fi

# tools/fuzz-api (and its test, HTTPAPITests.SchemathesisFuzzTests) fuzzes the API with schemathesis
# from PyPI, kept in its own venv, tools/.venv (gitignored).
if [[ "${1:-}" == "--test" ]] && command -v python3 >/dev/null && ! "$root/tools/.venv/bin/python" -c "import schemathesis" 2>/dev/null; then
    echo "installing schemathesis into tools/.venv (API fuzzing)"
    { python3 -m venv "$root/tools/.venv" && "$root/tools/.venv/bin/pip" install -q schemathesis; } \
        || echo "warning: could not install schemathesis; the API fuzz test will be skipped" >&2
fi

# The official MCP Python client (PyPI `mcp`) drives `catalyst mcp` over stdio in
# HTTPAPITests.MCPPythonClientTests, and Alpaca's official SDK (PyPI `alpaca-py`) reads the fake Alpaca
# in BrokerTests.AlpacaSDKWireTests; both live in tools/.venv. Unpinned: the tests follow the current SDKs.
if [[ "${1:-}" == "--test" ]] && command -v python3 >/dev/null; then
    for pkg in mcp:mcp alpaca-py:alpaca; do
        if ! "$root/tools/.venv/bin/python" -c "import ${pkg#*:}" 2>/dev/null; then
            echo "installing ${pkg%%:*} into tools/.venv"
            { [[ -x "$root/tools/.venv/bin/pip" ]] || python3 -m venv "$root/tools/.venv"; } && "$root/tools/.venv/bin/pip" install -q "${pkg%%:*}" \
                || echo "warning: could not install ${pkg%%:*}; the tests that use it will be skipped" >&2
        fi
    done
fi
