#!/usr/bin/env python3
"""Times GET /api/v1/audit/events for the documented filters, walking PAGES pages of each with the returned cursor.

Usage: queries.py BASE_URL ADMIN_TOKEN TENANT_TOKEN REPEATS PAGES [LABEL]
Prints one markdown row per query: p50, p95 and max over every request of that query (first pages and later pages).
"""
import datetime
import json
import statistics
import sys
import time
import urllib.parse
import urllib.request

base, admin, tenant_admin, repeats, pages = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
day = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=15)).replace(microsecond=0)
QUERIES = [
    ("newest first, no filter", admin, {}),
    ("tenant_id (30 % of rows)", admin, {"tenant_id": "tenant-0"}),
    ("tenant_id (1.4 % of rows)", admin, {"tenant_id": "tenant-48"}),
    ("type (60 %)", admin, {"type": "auth.token_issued"}),
    ("type (0.01 %)", admin, {"type": "auth.refresh_reuse_detected"}),
    ("client_id (0.5 %)", admin, {"client_id": "client-17"}),
    ("subject (one user)", admin, {"subject": "user-123@example.com"}),
    ("outcome (5 %)", admin, {"outcome": "denied"}),
    ("from/to (one day)", admin, {"from": day.isoformat(), "to": (day + datetime.timedelta(days=1)).isoformat()}),
    ("tenant_id + type", admin, {"tenant_id": "tenant-3", "type": "authz.denied"}),
    ("tenant admin token + outcome", tenant_admin, {"outcome": "failure"}),
    ("tenant_id + from/to + limit=500", admin, {"tenant_id": "tenant-0", "from": day.isoformat(),
                                                "to": (day + datetime.timedelta(days=1)).isoformat(), "limit": "500"}),
]


def get(token, params):
    request = urllib.request.Request(base + "/api/v1/audit/events?" + urllib.parse.urlencode(params),
                                     headers={"Authorization": "Bearer " + token})
    started = time.perf_counter()
    with urllib.request.urlopen(request) as response:
        body = json.load(response)
    return (time.perf_counter() - started) * 1000, body


for name, token, params in QUERIES:
    get(token, params)  # warm-up: plans, caches, JIT
    timings, found = [], 0
    for _ in range(repeats):
        cursor = None
        for _ in range(pages):
            elapsed, body = get(token, dict(params, **({"cursor": cursor} if cursor else {})))
            timings.append(elapsed)
            found += len(body["events"])
            cursor = body.get("next_cursor")
            if not cursor:
                break
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(round(0.95 * len(timings))) - 1)]
    print(f"| {name} | {len(timings)} | {statistics.median(timings):.1f} | {p95:.1f} | {timings[-1]:.1f} | {found // repeats} |", flush=True)
