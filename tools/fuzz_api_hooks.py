"""Schemathesis hooks for tools/fuzz-api: proves that a rejected request changes nothing.

Around every request schemathesis sends, the hooks read the event log's head
(`catalyst_events_head_position` from /metrics): before the call, once the server is quiet
(no cycle running, so nothing else appends), and right after the answer. The check
`rejected_requests_change_nothing` then fails any request that was answered 4xx/5xx, or was a
read (GET), while the head moved. The run must use one worker, so no other request interleaves.

One refusal records by design: a trade the risk rules deny (422 `risk_denied`) appends
`risk.denied` (and opens the risk day first), the audit trail `/api/v1/risk/violations` reads. For
those the check reads the new events and allows only these types.

Environment: FUZZ_API_BASE (the server's base URL), FUZZ_API_KEY (for GET /api/v1/events),
FUZZ_API_STATS (a file for the counters, written at exit).
"""

import atexit
import json
import os
import time
import urllib.request

import schemathesis

BASE = os.environ["FUZZ_API_BASE"].rstrip("/")
KEY = os.environ.get("FUZZ_API_KEY", "")
RECORDED_REFUSALS = {"risk_denied": {"risk.day_opened", "risk.parameters_changed", "risk.denied"}}
STATS_FILE = os.environ.get("FUZZ_API_STATS")

stats = {
    "requests": 0,
    "by_status_class": {},
    "rejected": 0,
    "rejected_mutations": 0,
    "reads": 0,
    "state_changes_from_rejected_or_reads": 0,
    "recorded_refusals": 0,
}
_before = {"head": None}
# id(response) -> (response, head before, head after); looked up by the check, which may run again
# during shrinking without a new call (then it finds nothing and skips). The response itself is kept
# and compared, because Python reuses the id of a freed object: requests a check never sees (those of
# other checks) must not lend their window to a later response.
_heads = {}


def _metrics():
    with urllib.request.urlopen(BASE + "/metrics", timeout=60) as answer:
        text = answer.read().decode()
    values = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        name, _, value = line.rpartition(" ")
        values[name] = value
    return values


def _head(wait_for_quiet):
    """The log head; first waits (up to 2 minutes) for cycles started by earlier accepted requests."""
    deadline = time.monotonic() + 120
    while True:
        metrics = _metrics()
        if not wait_for_quiet or metrics.get("catalyst_cycles_running", "0") == "0" or time.monotonic() > deadline:
            return metrics.get("catalyst_events_head_position")
        time.sleep(0.05)


def _event_types_after(position):
    """The types of the events after a global position (0 = from the start)."""
    request = urllib.request.Request(f"{BASE}/api/v1/events?after={position}&limit=1000", headers={"X-API-Key": KEY})
    with urllib.request.urlopen(request, timeout=60) as answer:
        page = json.loads(answer.read())
    return {event["event_type"] for event in page["events"]}


def _error_code(response):
    try:
        return response.json()["error"]["code"]
    except Exception:
        return None


@schemathesis.hook
def before_call(context, case, kwargs):
    _before["head"] = _head(wait_for_quiet=True)


@schemathesis.hook
def after_call(context, case, response):
    stats["requests"] += 1
    status_class = f"{response.status_code // 100}xx"
    stats["by_status_class"][status_class] = stats["by_status_class"].get(status_class, 0) + 1
    _heads[id(response)] = (response, _before["head"], _head(wait_for_quiet=False))


@schemathesis.check
def rejected_requests_change_nothing(ctx, response, case):
    """A request answered 4xx/5xx, or any GET, must not append to the event log."""
    entry = _heads.pop(id(response), None)
    if entry is None or entry[0] is not response:
        return None
    _, before, after = entry
    rejected = response.status_code >= 400
    read = case.method.upper() == "GET"
    if not (rejected or read):
        return None
    stats["rejected"] += int(rejected)
    stats["rejected_mutations"] += int(rejected and not read)
    stats["reads"] += int(read)
    if before == after:
        return True
    appended = _event_types_after(before or 0)
    allowed = RECORDED_REFUSALS.get(_error_code(response)) if rejected else None
    if allowed is not None and appended <= allowed:
        stats["recorded_refusals"] += 1
        return True
    stats["state_changes_from_rejected_or_reads"] += 1
    raise AssertionError(
        f"{case.method} {case.path} answered {response.status_code} but the event log head moved "
        f"from {before} to {after} (appended: {', '.join(sorted(appended))})"
    )


@atexit.register
def _write_stats():
    if STATS_FILE:
        with open(STATS_FILE, "w") as out:
            json.dump(stats, out)
