#!/usr/bin/env python3
"""An auditor's own check of the Catalyst Ledger hash chain, independent of the ledger's code.

Reads the CSV written by tools/audit_chain_export.sql (a COPY of audit_chain joined with events, in seq
order) from a file or stdin, and recomputes every link with the standard library only:

    hash(seq) = SHA-256( hash(seq - 1) || canonical(seq, event) ),   hash(0) = 32 zero bytes

canonical = b"catalyst-audit-v1\\n" followed by eleven fields, each "<byte length>:<bytes>\\n" (UTF-8):
seq, global_position, stream_id, stream_version, event_id (lower-case), event_type, schema_version,
occurred_at, recorded_at (UTC, "YYYY-MM-DDTHH:MM:SS.ffffffZ"), payload, metadata (as stored: payload::text).

It also checks that seqs are dense from 1, that every sealed event still exists, and that the events are
in strictly increasing reader order (tx_id, global_position).

Prints "OK <head seq> <head hash>" and exits 0, or "BAD seq <n> global_position <p>: <reason>" for the
first bad event and exits 2. Usage: python3 tools/verify_chain.py [chain.csv]
"""
import csv
import hashlib
import sys

HEADER = b"catalyst-audit-v1\n"
COLUMNS = ["seq", "hash", "global_position", "tx_id", "stream_id", "stream_version", "event_id", "event_type",
           "schema_version", "occurred_at", "recorded_at", "payload", "metadata"]
CANONICAL = ["seq", "global_position", "stream_id", "stream_version", "event_id", "event_type", "schema_version",
             "occurred_at", "recorded_at", "payload", "metadata"]


def canonical(row):
    out = [HEADER]
    for name in CANONICAL:
        value = row[name].lower() if name == "event_id" else row[name]
        data = value.encode("utf-8")
        out.append(str(len(data)).encode("ascii") + b":" + data + b"\n")
    return b"".join(out)


def check(lines):
    csv.field_size_limit(2**31 - 1)
    reader = csv.DictReader(lines)
    if reader.fieldnames != COLUMNS:
        return 2, "BAD input: expected the columns of tools/audit_chain_export.sql, got %s" % reader.fieldnames
    previous = bytes(32)
    expected = 1
    last_cursor = None
    head = (0, previous.hex())
    for row in reader:
        seq = int(row["seq"])
        where = "BAD seq %d global_position %s: " % (seq, row["global_position"])
        if seq != expected:
            return 2, "BAD seq %d: audit sequence has a gap (expected %d)" % (expected, expected)
        if row["event_id"] == "":
            return 2, where + "the sealed event is missing from the events table"
        cursor = (int(row["tx_id"]), int(row["global_position"]))
        if last_cursor is not None and not cursor > last_cursor:
            return 2, where + "event is out of reader order"
        link = hashlib.sha256(previous + canonical(row)).digest()
        if link.hex() != row["hash"]:
            return 2, where + "content does not match its seal (event %s, %s)" % (row["event_id"], row["event_type"])
        previous, last_cursor, expected = link, cursor, expected + 1
        head = (seq, row["hash"])
    return 0, "OK %d %s" % head


def main(argv):
    if len(argv) > 2:
        print(__doc__, file=sys.stderr)
        return 64
    if len(argv) == 2:
        with open(argv[1], newline="", encoding="utf-8") as f:
            status, message = check(f)
    else:
        stdin = open(sys.stdin.fileno(), newline="", encoding="utf-8", closefd=False)
        status, message = check(stdin)
    print(message)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
