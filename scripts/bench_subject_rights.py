#!/usr/bin/env python3
"""Times data-subject requests against a running Custodian server.

    bench_subject_rights.py BASE_URL ADMIN_TOKEN [LINKED] [ROUNDS]

For each round it creates a subject (one contact) with LINKED activities
(default 10,000) through the API, and a small subject shaped like the one
measured on Fides in shared/BENCHMARKS.md (one contact, 10 activities, two
assets, two requests: 15 records). For each subject it logs an access
request, verifies identity, confirms the record, and times the export
(GET .../export, the whole ZIP); then it logs an erasure request and times
the erasure (POST .../erasure, which includes the WAL checkpoint or VACUUM
and the certificate). Prints a Markdown table. Standard library only; keeps
one connection open, as a client would.
"""

import http.client
import json
import statistics
import sys
import time
import urllib.parse


class Api:
    def __init__(self, base, token):
        url = urllib.parse.urlparse(base)
        self.conn = http.client.HTTPConnection(url.hostname, url.port, timeout=600)
        self.token = token

    def call(self, method, path, body=None, expect=(200, 201)):
        headers = {"Authorization": f"Bearer {self.token}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        self.conn.request(method, "/api/v1" + path, body=data, headers=headers)
        response = self.conn.getresponse()
        payload = response.read()
        elapsed = time.perf_counter() - started
        if response.status not in expect:
            raise SystemExit(f"{method} {path}: {response.status} {payload[:300]!r}")
        return payload, elapsed


def make_subject(api, n, linked):
    name = f"Benchsubject{n}"
    payload, _ = api.call("POST", "/contacts", {
        "first_name": name, "last_name": "Quellmann",
        "emails": [f"{name.lower()}@subject.example"], "phones": [f"+49 30 77{n:05d}"],
    })
    contact = json.loads(payload)["id"]
    for i in range(linked):
        api.call("POST", "/activities", {
            "kind": "call", "occurred_at": "2026-10-01T09:00:00Z",
            "subject": f"Call {i} with {name} Quellmann",
            "body": f"{name} asked about order {i}; call back on +49 30 77{n:05d} or {name.lower()}@subject.example.",
            "contact_ids": [contact],
        })
    return contact


def small_subject(api, n):
    contact = make_subject(api, n, 10)
    for i in range(2):
        api.call("POST", "/assets", {"product_name": "Pump", "serial_number": f"SMALL-{n}-{i}", "contact_id": contact})
    return contact


def request(api, kind, contact):
    payload, _ = api.call("POST", "/requests", {
        "request_type": kind, "channel": "letter", "subject_name": "Benchmark subject", "contact_id": contact,
    })
    rid = json.loads(payload)["id"]
    api.call("POST", f"/requests/{rid}/identity", {"method": "benchmark"})
    api.call("PUT", f"/requests/{rid}/subjects", {"contact_ids": [contact]})
    return rid


def measure(api, contact, export_runs=5):
    access = request(api, "access", contact)
    exports = []
    size = 0
    for _ in range(export_runs):
        payload, elapsed = api.call("GET", f"/requests/{access}/export")
        exports.append(elapsed)
        size = len(payload)
    erasure = request(api, "erasure", contact)
    payload, elapsed = api.call("POST", f"/requests/{erasure}/erasure", {"confirm": True, "keep_under_legal_hold": True})
    certificate = json.loads(payload)
    return exports, size, elapsed, certificate


def main():
    base, token = sys.argv[1], sys.argv[2]
    linked = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000
    rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    api = Api(base, token)
    rows = []
    stamp = int(time.time()) % 10_000
    for r in range(rounds):
        for label, build in (("15 records (the Fides shape)", lambda n: small_subject(api, n)),
                             (f"1 contact + {linked:,} activities", lambda n: make_subject(api, n, linked))):
            started = time.perf_counter()
            contact = build(stamp * 100 + r * 2 + (0 if label.startswith("15") else 1))
            setup = time.perf_counter() - started
            exports, size, erase, certificate = measure(api, contact)
            rows.append((label, statistics.median(exports), max(exports), size, erase,
                         certificate["duration_ms"], setup))
            print(f"round {r + 1}: {label}: export median {statistics.median(exports) * 1000:.1f} ms, "
                  f"erasure {erase * 1000:.1f} ms", file=sys.stderr)
    print("| subject | export, median of 5 | export, slowest | ZIP size | erasure (HTTP) | erasure (certificate) |")
    print("|---|---|---|---|---|---|")
    for label, median, slowest, size, erase, duration, _ in rows:
        print(f"| {label} | {median * 1000:.1f} ms | {slowest * 1000:.1f} ms | {size / 1024:.0f} KiB | "
              f"{erase * 1000:.1f} ms | {duration} ms |")


if __name__ == "__main__":
    main()
