#!/usr/bin/env python3
"""Reads `wrk --latency` output on stdin; prints "req/s requests p50_ms p99_ms non2xx" on one line."""
import re
import sys

text = sys.stdin.read()
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def latency(percentile):
    found = re.search(rf"^\s*{percentile}%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M)
    return float(found.group(1)) * UNITS[found.group(2)] if found else float("nan")


rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
requests = re.search(r"^\s*(\d+) requests in", text, re.M)
non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
errors = re.search(r"Socket errors:.*", text)
if not rps or not requests:
    sys.exit("wrk printed no result:\n" + text)
print(rps.group(1), requests.group(1), f"{latency(50):.3f}", f"{latency(99):.3f}", non2xx.group(1) if non2xx else 0)
if errors:
    print(errors.group(0), file=sys.stderr)
