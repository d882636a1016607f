#!/usr/bin/env python3
"""Self and inclusive time per frame of a speedscope profile (dotnet-trace convert --format speedscope).

Usage: speedscope_summary.py PROFILE.speedscope.json [--within REGEX] [--match REGEX] [--top N]
Made for dotnet-trace's sampled thread time: a stack ending in CPU_TIME is managed work; one ending in
UNMANAGED_CODE_TIME counts as native work (a syscall, native crypto) unless its caller is a known wait
(thread-pool semaphore, epoll loop, Monitor.Wait...), which is idle time and not counted at all.
Self time goes to the last real frame ("[native]" marks its native part).
  --within: only count stack time that has a frame matching REGEX (e.g. 'ProcessRequests' for request work);
            shares are of that time, so waiting threads do not dilute them.
  --match:  list only frames matching REGEX in the inclusive table (e.g. 'Middleware|Yarp|OpenTelemetry').
"""
import argparse
import json
import re
from collections import defaultdict

parser = argparse.ArgumentParser()
parser.add_argument("profile")
parser.add_argument("--within", default=".")
parser.add_argument("--match", default=None)
parser.add_argument("--top", type=int, default=40)
args = parser.parse_args()

with open(args.profile) as f:
    doc = json.load(f)
names = [frame["name"] for frame in doc["shared"]["frames"]]
within = re.compile(args.within)
within_ids = {i for i, name in enumerate(names) if within.search(name)}
WAITS = re.compile(r"WaitNative|Monitor\.Wait|SocketAsyncEngine\.EventLoop|WaitOneNoCheck|ManualResetEventSlim\.Wait|Thread\.Sleep|FileSystemWatcher|WaitHandle\.Wait|SleepInternal|Wait(Core)?\(|TimerQueue\.TimerThread|Interop\+Sys\.Poll")
cpu_frame = names.index("CPU_TIME") if "CPU_TIME" in names else -1
native_frame = names.index("UNMANAGED_CODE_TIME") if "UNMANAGED_CODE_TIME" in names else -1
wait_ids = {i for i, name in enumerate(names) if WAITS.search(name)}
native_names = {}

self_time = defaultdict(float)
incl_time = defaultdict(float)
total = 0.0
for profile in doc["profiles"]:
    stack = []
    last = None
    for event in profile["events"]:
        at = event["at"]
        if last is not None and stack and at > last:
            span = at - last
            leaf = stack[-1]
            caller = next((frame for frame in reversed(stack[:-1]) if names[frame] != "?!?"), None)
            busy = leaf == cpu_frame or (leaf == native_frame and caller not in wait_ids)
            if busy and any(frame in within_ids for frame in stack):
                total += span
                owner = stack[-2] if len(stack) > 1 else leaf
                if leaf == native_frame:
                    owner = native_names.setdefault(owner, len(names))
                    if owner == len(names):
                        names.append("[native] " + names[stack[-2]])
                self_time[owner] += span
                for frame in set(stack[:-1]):
                    incl_time[frame] += span
        last = at
        if event["type"] == "O":
            stack.append(event["frame"])
        else:
            # close the innermost open instance of this frame
            for i in range(len(stack) - 1, -1, -1):
                if stack[i] == event["frame"]:
                    del stack[i:]
                    break

unit = doc["profiles"][0].get("unit", "")
print(f"counted time: {total:.1f} {unit} (stacks within /{args.within}/)")
print("\n== self ==")
for frame, t in sorted(self_time.items(), key=lambda kv: -kv[1])[: args.top]:
    print(f"{100 * t / total:6.2f}%  {names[frame][:160]}")
print("\n== self, by module ==")
by_module = defaultdict(float)
for frame, t in self_time.items():
    name = names[frame].removeprefix("[native] ")
    by_module[name.split("!")[0] if "!" in name else name] += t
for module, t in sorted(by_module.items(), key=lambda kv: -kv[1])[: args.top]:
    print(f"{100 * t / total:6.2f}%  {module}")
print("\n== inclusive ==")
match = re.compile(args.match) if args.match else None
shown = 0
for frame, t in sorted(incl_time.items(), key=lambda kv: -kv[1]):
    if match and not match.search(names[frame]):
        continue
    print(f"{100 * t / total:6.2f}%  {names[frame][:160]}")
    shown += 1
    if shown >= args.top:
        break
