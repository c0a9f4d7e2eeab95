#!/usr/bin/env python3
"""The official MCP Python SDK (`mcp`) as a client of `catalyst mcp` over stdio.

Usage:
    CATALYST_HOME=... DATABASE_URL=... \
    tools/.venv/bin/python tools/mcp_client_check.py [--expect-trades] -- /path/to/catalyst mcp

The server is started with the caller's environment. One line per check (`ok <name>` /
`FAIL <name>: why`, plus `note` lines for information), then `RESULT {json}`; exit status 1 if any
check failed.

Checks:
  1 initialize: server name catalyst-ledger
  2 resources/list: the plain resources
  3 resources/templates/list: the URI templates, each with name, description, mimeType application/json
  4 resources/read with filters: JSON answers that honour the filters
  5 bad filter values: JSON-RPC -32602 naming the parameter
  6 prompts/list: the prompts, each with description and declared arguments
  7 prompts/get: messages, the URIs read are named in the text, embedded JSON resources; bad arguments -32602
  8 tools/list and an undeclared tool argument (-32602 or an isError result)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Optional

import anyio

from mcp import ClientSession, StdioServerParameters, types
from mcp.client.stdio import stdio_client

try:  # mcp 1.x spelling
    from mcp.shared.exceptions import McpError  # type: ignore[attr-defined]
except ImportError:  # mcp 2.x spelling
    from mcp.shared.exceptions import MCPError as McpError

INVALID_PARAMS = -32602
TIMEOUT_SECONDS = 60

PLAIN_RESOURCES = [
    "trading-cycle://current",
    "positions://active",
    "market-scan://latest",
    "reports://daily",
    "risk://limits",
]

TEMPLATES = [
    "positions://history{?limit,status,pattern,days,symbol,pnl}",
    "trading-cycle://history{?limit,hours}",
    "market-scan://candidates{?cycle_id,limit}",
    "news://catalysts{?cycle_id,symbol,limit}",
    "risk://violations{?date}",
    "reports://daily{?date}",
    "reports://weekly{?date}",
    "reports://monthly{?date}",
    "doctor://pipeline{?limit}",
    "events://stream/{id}{?after,limit}",
]

PROMPTS = ["losing_trades", "training_dataset", "manual_intervention", "risk_optimization", "system_health", "pattern_performance"]

# name -> (arguments, substrings the prompt's text must contain, must embed a JSON resource)
PROMPT_CALLS: dict[str, tuple[dict[str, str], list[str], bool]] = {
    "losing_trades": ({"count": "5"}, ["positions://history"], True),
    "training_dataset": ({"pattern": "bull_flag"}, ["positions://history", "pattern=bull_flag"], True),
    "manual_intervention": ({"symbol": "AAPL", "reason": "news changed"}, ["AAPL"], False),
    "risk_optimization": ({}, ["risk://limits"], True),
    "system_health": ({"hours": "24"}, ["trading-cycle://history?hours=24"], True),
    "pattern_performance": ({"pattern": "bull_flag", "days": "30"}, ["positions://history", "pattern=bull_flag"], True),
}

# (uri, parameter the error message must name)
BAD_READS = [
    ("positions://history?pattern=nope", "pattern"),
    ("positions://history?days=-1", "days"),
    ("positions://history?status=sideways", "status"),
    ("positions://history?pnl=maybe", "pnl"),
    ("trading-cycle://history?hours=abc", "hours"),
    ("positions://history?bogus=1", "bogus"),
]

BAD_PROMPTS = [
    ("pattern_performance", {"pattern": "nope"}, "pattern"),
    ("system_health", {"hours": "0"}, "hours"),
]


class CheckFailed(Exception):
    pass


def expect(cond: bool, why: str) -> None:
    if not cond:
        raise CheckFailed(why)


@dataclass
class Report:
    passed: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    async def check(self, name: str, body: Callable[[], Awaitable[Any]]) -> Any:
        try:
            value = await body()
        except CheckFailed as e:
            self.fail(name, str(e))
            return None
        except McpError as e:
            self.fail(name, f"MCP error {e.error.code}: {e.error.message}")
            return None
        except Exception as e:  # a result that did not validate, a closed connection, ...
            self.fail(name, f"{type(e).__name__}: {e}")
            return None
        self.passed.append(name)
        print(f"ok {name}", flush=True)
        return value

    def fail(self, name: str, why: str) -> None:
        self.failed[name] = why
        print(f"FAIL {name}: {why}", flush=True)

    def note(self, text: str) -> None:
        self.notes.append(text)
        print(f"note {text}", flush=True)


def resource_json(result: types.ReadResourceResult, uri: str) -> Any:
    expect(len(result.contents) > 0, f"{uri}: no contents")
    first = result.contents[0]
    expect(isinstance(first, types.TextResourceContents), f"{uri}: contents[0] is {type(first).__name__}, not text")
    try:
        return json.loads(first.text)
    except json.JSONDecodeError as e:
        raise CheckFailed(f"{uri}: contents[0].text is not JSON ({e}): {first.text[:200]!r}")


def as_number(value: Any) -> Optional[float]:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


async def expect_invalid_params(call: Awaitable[Any], what: str, names: Optional[str]) -> str:
    """Awaits `call`, which must raise McpError -32602 whose message names `names` (if given)."""
    try:
        await call
    except McpError as e:
        expect(e.error.code == INVALID_PARAMS, f"{what}: error code {e.error.code} ({e.error.message}), expected {INVALID_PARAMS}")
        if names is not None:
            expect(names in e.error.message, f"{what}: message does not name {names!r}: {e.error.message!r}")
        return e.error.message
    raise CheckFailed(f"{what}: no error")


def prompt_texts(result: types.GetPromptResult) -> tuple[str, list[types.EmbeddedResource]]:
    texts: list[str] = []
    embedded: list[types.EmbeddedResource] = []
    for m in result.messages:
        content = m.content
        if isinstance(content, types.TextContent):
            texts.append(content.text)
        elif isinstance(content, types.EmbeddedResource):
            embedded.append(content)
    return "\n".join(texts), embedded


async def run_checks(session: ClientSession, report: Report, expect_trades: bool) -> None:
    # 1. initialize
    async def initialize():
        result = await session.initialize()
        expect(result.server_info.name == "catalyst-ledger", f"server name {result.server_info.name!r}")
        report.note(f"protocol {result.protocol_version}, server {result.server_info.name} {result.server_info.version}")
        return result

    if await report.check("initialize", initialize) is None:
        return

    # 2. resources/list
    async def list_resources():
        result = await session.list_resources()
        uris = {str(r.uri) for r in result.resources}
        missing = [u for u in PLAIN_RESOURCES if u not in uris]
        expect(not missing, f"missing {missing} (listed: {sorted(uris)})")

    await report.check("resources/list", list_resources)

    # 3. resources/templates/list
    async def list_templates():
        result = await session.list_resource_templates()
        by_template = {t.uri_template: t for t in result.resource_templates}
        missing = [t for t in TEMPLATES if t not in by_template]
        expect(not missing, f"missing {missing} (listed: {sorted(by_template)})")
        for uri in TEMPLATES:
            t = by_template[uri]
            expect(bool(t.name), f"{uri}: no name")
            expect(bool(t.description), f"{uri}: no description")
            expect(t.mime_type == "application/json", f"{uri}: mimeType {t.mime_type!r}")

    await report.check("resources/templates/list", list_templates)

    # 4. resources/read with filters
    async def read(uri: str) -> Any:
        return resource_json(await session.read_resource(uri), uri)

    def closed_losers(uri: str, rows: Any) -> None:
        expect(isinstance(rows, list), f"{uri}: answer is {type(rows).__name__}, not an array")
        expect(len(rows) <= 5, f"{uri}: {len(rows)} rows for limit=5")
        for row in rows:
            expect(row.get("status") == "closed", f"{uri}: row with status {row.get('status')!r}")
            pnl = as_number(row.get("realized_pnl"))
            expect(pnl is not None and pnl < 0, f"{uri}: row with realized_pnl {row.get('realized_pnl')!r}")
        if expect_trades:
            expect(len(rows) > 0, f"{uri}: empty, but --expect-trades")

    async def read_losers(uri: str):
        rows = await read(uri)
        closed_losers(uri, rows)
        report.note(f"{uri}: {len(rows)} rows")

    for uri in ("positions://history?limit=5&status=closed&pnl=negative", "positions://history?limit=5&status=closed&pnl<0"):
        await report.check(f"read {uri}", lambda uri=uri: read_losers(uri))

    async def read_pattern():
        uri = "positions://history?pattern=bull_flag&days=30"
        rows = await read(uri)
        expect(isinstance(rows, list), f"answer is {type(rows).__name__}, not an array")
        bad = [r.get("pattern") for r in rows if r.get("pattern") != "bull_flag"]
        expect(not bad, f"rows with pattern {bad[:5]}")

    await report.check("read positions://history?pattern=bull_flag&days=30", read_pattern)

    for uri in ("trading-cycle://history?hours=24", "news://catalysts?symbol=AAPL"):
        async def read_array(uri=uri):
            rows = await read(uri)
            expect(isinstance(rows, list), f"answer is {type(rows).__name__}, not an array")

        await report.check(f"read {uri}", read_array)

    for uri in dict.fromkeys(("risk://violations", "reports://daily", *PLAIN_RESOURCES)):
        await report.check(f"read {uri}", lambda uri=uri: read(uri))

    # 5. bad filter values
    for uri, name in BAD_READS:
        await report.check(f"read {uri} -> -32602", lambda uri=uri, name=name: expect_invalid_params(session.read_resource(uri), uri, name))

    # 6. prompts/list
    async def list_prompts():
        result = await session.list_prompts()
        by_name = {p.name: p for p in result.prompts}
        missing = [n for n in PROMPTS if n not in by_name]
        expect(not missing, f"missing {missing} (listed: {sorted(by_name)})")
        for n in PROMPTS:
            p = by_name[n]
            expect(bool(p.description), f"{n}: no description")
            expect(p.arguments is not None, f"{n}: arguments not declared")
            for a in p.arguments:
                expect(bool(a.name) and bool(a.description), f"{n}: argument {a.name!r} without a description")
        for n, (arguments, _, _) in PROMPT_CALLS.items():
            declared = {a.name for a in by_name[n].arguments or []}
            expect(set(arguments) <= declared, f"{n}: declares {sorted(declared)}, not {sorted(arguments)}")
            required = {a.name for a in by_name[n].arguments or [] if a.required}
            expect(required <= set(arguments), f"{n}: requires {sorted(required)}, more than this check sends")

    await report.check("prompts/list", list_prompts)

    # 7. prompts/get
    for name, (arguments, mentions, needs_resource) in PROMPT_CALLS.items():
        async def get_prompt(name=name, arguments=arguments, mentions=mentions, needs_resource=needs_resource):
            result = await session.get_prompt(name, arguments)
            expect(len(result.messages) > 0, "no messages")
            expect(result.messages[0].role == "user", f"first message role {result.messages[0].role!r}")
            text, embedded = prompt_texts(result)
            for m in mentions:
                expect(m in text, f"text does not mention {m!r}")
            for e in embedded:
                uri = str(e.resource.uri)
                expect(uri in text, f"embeds {uri} but its text does not name it")
                expect(isinstance(e.resource, types.TextResourceContents), f"{uri}: embedded resource is not text")
                try:
                    json.loads(e.resource.text)
                except json.JSONDecodeError as err:
                    raise CheckFailed(f"{uri}: embedded resource is not JSON ({err})")
            if needs_resource:
                expect(len(embedded) > 0, "no embedded resource (type resource) message")
            report.note(f"prompt {name}: {len(result.messages)} messages, embeds {[str(e.resource.uri) for e in embedded]}")

        await report.check(f"prompts/get {name} {json.dumps(arguments)}", get_prompt)

    for name, arguments, param in BAD_PROMPTS:
        await report.check(
            f"prompts/get {name} {json.dumps(arguments)} -> -32602",
            lambda name=name, arguments=arguments, param=param: expect_invalid_params(
                session.get_prompt(name, arguments), name, param
            ),
        )

    async def unknown_prompt():
        try:
            await session.get_prompt("no_such_prompt", {})
        except McpError as e:
            report.note(f"unknown prompt: MCP error {e.error.code}: {e.error.message}")
            return
        raise CheckFailed("no error for an unknown prompt")

    await report.check("prompts/get no_such_prompt -> error", unknown_prompt)

    # 8. tools
    async def list_tools():
        result = await session.list_tools()
        names = {t.name for t in result.tools}
        missing = [n for n in ("start_trading_cycle", "emergency_stop") if n not in names]
        expect(not missing, f"missing {missing} (listed: {sorted(names)})")

    await report.check("tools/list", list_tools)

    async def undeclared_argument():
        try:
            result = await session.call_tool("start_trading_cycle", {"operator": "craig"})
        except McpError as e:
            expect(e.error.code == INVALID_PARAMS, f"error code {e.error.code} ({e.error.message}), expected {INVALID_PARAMS}")
            report.note(f"undeclared tool argument: refused with MCP error -32602: {e.error.message}")
            return
        expect(result.is_error, "the call succeeded with an undeclared argument")
        report.note("undeclared tool argument: refused with an isError result")

    await report.check("tools/call start_trading_cycle {operator} -> refused", undeclared_argument)


async def amain(command: list[str], expect_trades: bool) -> Report:
    report = Report()
    params = StdioServerParameters(command=command[0], args=command[1:], env=dict(os.environ))
    try:
        with anyio.fail_after(TIMEOUT_SECONDS):
            async with stdio_client(params) as (read_stream, write_stream):
                async with ClientSession(read_stream, write_stream) as session:
                    await run_checks(session, report, expect_trades)
    except TimeoutError:
        report.fail("timeout", f"the checks did not finish within {TIMEOUT_SECONDS}s")
    except Exception as e:  # the server did not start, or the connection broke
        report.fail("connection", f"{type(e).__name__}: {e}")
    return report


def main() -> int:
    argv = sys.argv[1:]
    if "--" not in argv:
        print("usage: mcp_client_check.py [--expect-trades] -- <command that starts the MCP server> [args...]", file=sys.stderr)
        return 2
    split = argv.index("--")
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--expect-trades", action="store_true", help="require closed losing positions in check 4")
    options = parser.parse_args(argv[:split])
    command = argv[split + 1 :]
    if not command:
        print("no server command after --", file=sys.stderr)
        return 2

    report = anyio.run(amain, command, options.expect_trades)
    summary = {
        "passed": len(report.passed),
        "failed": len(report.failed),
        "failures": report.failed,
        "notes": report.notes,
    }
    print("RESULT " + json.dumps(summary, sort_keys=True), flush=True)
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
