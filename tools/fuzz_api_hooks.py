"""Schemathesis hooks for tools/fuzz-api: proves that a rejected request changes nothing.

Around every request schemathesis sends, the hooks read the event log's head
(`catalyst_events_head_position` from /metrics): before the call, once the server is quiet
(no cycle running, so nothing else appends), and right after the answer. The check
`rejected_requests_change_nothing` then fails any request that was answered 4xx/5xx, or was a
read (GET), while the head moved. The run must use one worker, so no other request interleaves.

Schemathesis may re-send an accepted request outside the hooks (to confirm a failure), so a cycle
can still be running when the head is read: events carrying the correlation id of an event already
in the log before the call are that earlier work finishing, not this request's doing.

One refusal records by design: a trade the risk rules deny (422 `risk_denied`) appends
`risk.denied` (and opens the risk day first), the audit trail `/api/v1/risk/violations` reads. For
those the check reads the new events and allows only these types.

Environment: FUZZ_API_BASE (the server's base URL), FUZZ_API_KEY (a key that may read: the server runs with private reads),
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
    "continuations_of_earlier_work": 0,
}
_before = {"head": None}
# id(response) -> (response, head before, head after); looked up by the check, which may run again
# during shrinking without a new call (then it finds nothing and skips). The response itself is kept
# and compared, because Python reuses the id of a freed object: requests a check never sees (those of
# other checks) must not lend their window to a later response.
_heads = {}


def _metrics():
    request = urllib.request.Request(BASE + "/metrics", headers={"X-API-Key": KEY})
    with urllib.request.urlopen(request, timeout=60) as answer:
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
        # Prometheus values are floats ("0.0"): compare numbers, not text.
        if not wait_for_quiet or float(metrics.get("catalyst_cycles_running", "0")) == 0 or time.monotonic() > deadline:
            head = metrics.get("catalyst_events_head_position")
            return None if head is None else str(int(float(head)))
        time.sleep(0.05)


def _all_events():
    """The whole log, in reader order, through GET /api/v1/events."""
    events, after = [], "0"
    while True:
        request = urllib.request.Request(f"{BASE}/api/v1/events?after={after}&limit=1000", headers={"X-API-Key": KEY})
        with urllib.request.urlopen(request, timeout=60) as answer:
            page = json.loads(answer.read())
        events += page["events"]
        if not page["events"] or page["next_after"] is None:
            return events
        after = page["next_after"]


def _appended_since(position):
    """(types, continuation): the types of the events after `position`, and whether every one of them
    carries the correlation id of an event at or before it — the rest of work an earlier accepted
    request started (a cycle finishing its stages), not something this request began."""
    events = _all_events()
    old = {e["metadata"].get("correlation_id") for e in events if e["global_position"] <= int(position)}
    new = [e for e in events if e["global_position"] > int(position)]
    types = {e["event_type"] for e in new}
    continuation = bool(new) and all(e["metadata"].get("correlation_id") in old for e in new)
    return types, continuation


def _error_code(response):
    try:
        return response.json()["error"]["code"]
    except Exception:
        return None


TRACE = os.environ.get("FUZZ_API_TRACE")


def _trace(*parts):
    if TRACE:
        with open(TRACE, "a") as out:
            print(time.time(), *parts, file=out)


@schemathesis.hook
def before_call(context, case, kwargs):
    _before["head"] = _head(wait_for_quiet=True)
    _trace("before", case.method, case.path, _before["head"])


@schemathesis.hook
def after_call(context, case, response):
    stats["requests"] += 1
    status_class = f"{response.status_code // 100}xx"
    stats["by_status_class"][status_class] = stats["by_status_class"].get(status_class, 0) + 1
    _heads[id(response)] = (response, _before["head"], _head(wait_for_quiet=False))
    _trace("after", case.method, case.path, response.status_code, _heads[id(response)][1:])


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
    appended, continuation = _appended_since(before or 0)
    if continuation:
        stats["continuations_of_earlier_work"] += 1
        return True
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
