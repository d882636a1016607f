#!/usr/bin/env python3
"""Self and inclusive CPU share per function from `perf script` output (perf record -g of one process).

Usage: perf script -i perf.data | bench/edge/perf_summary.py [--match REGEX] [--top N]
  Self: the sampled (innermost) frame; by module: its DSO ([kernel.kallsyms], libcoreclr.so, JIT code...).
  Inclusive: samples with the function anywhere on the stack (recursion counted once), optionally only those
  matching --match (e.g. 'AgentCore|Middleware|OpenTelemetry').
  Owner: each sample charged to the innermost frame outside the runtime, BCL and kernel, to show which
  component's work the generic code (allocation, GC, syscalls) was done for.
"""
import argparse
import re
import sys
from collections import Counter

parser = argparse.ArgumentParser()
parser.add_argument("--match", default=None)
parser.add_argument("--top", type=int, default=40)
args = parser.parse_args()

# JIT frames (from the perf map) are named "<return type> [Assembly] Namespace.Type::Method(...)".
GENERIC_ASSEMBLY = re.compile(
    r"^(System\.Private\.CoreLib|System\.Runtime|System\.Collections.*|System\.Linq|System\.Memory|"
    r"System\.Threading.*|System\.Net\.Sockets|System\.IO\.Pipelines|System\.Diagnostics\.DiagnosticSource)$")


def assembly(frame):
    symbol, dso = frame
    if dso != "JIT":
        return None
    found = re.search(r"\[([\w.]+)\] ", symbol)
    return found.group(1) if found else None


def short(symbol):
    symbol = re.sub(r"^.*?\] ", "", symbol, count=1) if "] " in symbol else symbol
    return re.sub(r"\(.*", "", symbol)[:150]

samples = []
stack = []
for line in sys.stdin:
    line = line.rstrip("\n")
    if not line.strip():
        if stack:
            samples.append(stack)
        stack = []
        continue
    if not line.startswith((" ", "\t")):
        continue  # the sample's header line
    parts = line.strip().split(" ", 1)
    if len(parts) < 2:
        continue
    rest = parts[1]
    match = re.match(r"(.*) \((.*)\)$", rest)
    symbol, dso = (match.group(1), match.group(2)) if match else (rest, "?")
    symbol = re.sub(r"\+0x[0-9a-f]+$", "", symbol)
    dso = dso.rsplit("/", 1)[-1]
    if dso.startswith("perf-") and dso.endswith(".map"):
        dso = "JIT"
    stack.append((symbol, dso))
if stack:
    samples.append(stack)

total = len(samples)
print(f"samples: {total}")
self_by_symbol = Counter(f"{s[0][0][:150]}  [{s[0][1]}]" for s in samples)
self_by_dso = Counter(s[0][1] for s in samples)
inclusive = Counter()
owner = Counter()
for s in samples:
    for symbol in {short(frame[0]) for frame in s}:
        inclusive[symbol] += 1
    owned = next((frame for frame in s if assembly(frame) and not GENERIC_ASSEMBLY.match(assembly(frame))), None)
    owner[f"[{assembly(owned)}] {short(owned[0])}" if owned else "(runtime/BCL/kernel only)"] += 1

def show(title, counter, predicate=lambda key: True):
    print(f"\n== {title} ==")
    shown = 0
    for key, count in counter.most_common():
        if not predicate(key):
            continue
        print(f"{100 * count / total:6.2f}%  {key[:170]}")
        shown += 1
        if shown >= args.top:
            break

show("self, by module", self_by_dso)
show("self", self_by_symbol)
show("owner (innermost frame outside runtime/BCL/kernel)", owner)
owner_assembly = Counter()
for key, count in owner.items():
    owner_assembly[key.split("] ")[0] + "]" if key.startswith("[") else key] += count
show("owner, by assembly", owner_assembly)
pattern = re.compile(args.match) if args.match else None
show("inclusive", inclusive, lambda key: pattern is None or pattern.search(key))
