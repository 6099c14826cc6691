#!/usr/bin/env python3
"""Where the engine's instructions go, by design area rather than by symbol.

Runs `ifss-sim bench SCENARIO --reps N --threads 1` under `valgrind --tool=callgrind`
(instruction counts: repeatable, whatever else the machine is doing) and groups every
source line's instructions into the design areas of the README's performance section.
Fat LTO inlines most of the engine into a few functions, but each instruction keeps the
source file it came from, so the file decides first where a file serves one area; lines of
src/engine/mod.rs, src/engine/family.rs, src/time.rs and library code (the standard
library, rand, rayon) go by the function they were inlined into, and the event loop itself
(inlined into rayon's worker) counts as the referrals' and stages' bookkeeping. Needs valgrind (callgrind_annotate) and a release build with debug info (the
project's release profile has it).

Usage: scripts/profile-areas.py [--bin target/release/ifss-sim] [SCENARIO [REPS]] [-- BENCH-OPTIONS]
       scripts/profile-areas.py mmc 10          # model A, per customer
       scripts/profile-areas.py ifss-lite 100   # model B, per replication
       scripts/profile-areas.py western-bay 2 -- --scale 250   # per replication, 5,000 posts
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

AREAS = [
    "allocation, dispatch and worker load",
    "recorder (about 200 measures)",
    "referral and stage bookkeeping",
    "event queue",
    "random draws (fates, arrivals, staff)",
    "weekly bands and the batch fold",
    "start-up, output, allocator",
]

# by the file an instruction came from
FILES = [
    ("src/engine/allocate.rs", 0),
    ("src/engine/pools.rs", 0),
    ("src/engine/staff.rs", 0),
    ("src/engine/rebase.rs", 0),
    ("src/measures/", 1),
    ("src/engine/observer.rs", 1),
    ("src/engine/queue.rs", 3),
    ("src/rng.rs", 4),
    ("src/dist.rs", 4),
    ("rand_xoshiro", 4),
    ("rand_distr", 4),
    ("src/stats/", 5),
    ("src/batch", 5),
]

# by the function an instruction was inlined into (src/engine/mod.rs, src/time.rs, libraries)
FUNCTIONS = [
    (r"Engine::(allocate|begin|set_load|apply_load|recount|choose|fill_dirty_homes|advise)", 0),
    (r"engine::allocate::", 0),
    (r"pools::", 0),
    (r"measures::recorder|Recorder", 1),
    (r"slice::sort", 1),  # the waits' sort at the end of a replication
    (r"Engine::(referral|close|stage_end|handle|withdraw|closure)", 2),
    (r"queue::|EventQueue", 3),
    (r"Engine::next_arrival|rng::|dist::|rand_xoshiro|rand_distr|Exp1|Streams", 4),
    (r"stats::|batch::|Batch::", 5),
    (r"bridge_producer_consumer::helper", 2),  # the event loop, inlined into the worker
]

LINE = re.compile(r"^\s*([\d,]+)\s+\([\s\d.]+%\)\s+(.*?):(.*?)(?:\s+\[.*\])?\s*$")


def area(path, function):
    for key, k in FILES:
        if key in path:
            return k
    for pattern, k in FUNCTIONS:
        if re.search(pattern, function):
            return k
    if "/src/engine/" in path or path.startswith("src/engine/"):
        return 2
    return 6


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("scenario", nargs="?", default="mmc")
    p.add_argument("reps", nargs="?", type=int)
    p.add_argument("--bin", default="target/release/ifss-sim")
    p.add_argument("--json", action="store_true", help="print the areas as JSON")
    p.add_argument("bench_options", nargs="*", help="more options for bench, after --")
    a = p.parse_args()
    reps = a.reps or (10 if a.scenario == "mmc" else 100)
    bench = [a.bin, "bench", a.scenario, "--reps", str(reps), "--threads", "1"] + a.bench_options
    counts = json.loads(subprocess.run(bench + ["--json"], check=True,
                                       capture_output=True, text=True).stdout)
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "callgrind.out")
        subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"] + bench,
                       check=True, capture_output=True)
        text = subprocess.run(["callgrind_annotate", "--inclusive=no", "--auto=no", "--threshold=100", out],
                              check=True, capture_output=True, text=True).stdout
    totals = [0] * len(AREAS)
    program = 0
    for line in text.splitlines():
        if "PROGRAM TOTALS" in line:
            program = int(line.split()[0].replace(",", ""))
            continue
        m = LINE.match(line)
        if not m or m.group(2).startswith("<"):
            continue
        n = int(m.group(1).replace(",", ""))
        totals[area(m.group(2), m.group(3))] += n
    # lines callgrind could not place (no debug info) count as start-up and the rest
    totals[6] += program - sum(totals)
    if a.scenario == "mmc":
        unit, per = "customer", counts["one_thread"]["model_events"] / 3
    else:
        unit, per = "replication", reps
    events = counts["one_thread"]["events"]
    rows = {AREAS[k]: totals[k] / per for k in range(len(AREAS))}
    rows["total"] = program / per
    per_event = program / events
    if a.json:
        print(json.dumps({"scenario": a.scenario, "replications": reps, "per": unit,
                          "instructions": rows, "per_engine_event": per_event}, indent=2))
        return
    print(f"{a.scenario}: {reps} replications, instructions per {unit} "
          f"(callgrind, {program:,} in all, {per_event:,.0f} per engine event)")
    for name, x in rows.items():
        shown = f"{x:,.0f}" if x < 10_000 else f"{x / 1e3:,.0f} k"
        print(f"  {name:<40} {shown:>10}")


if __name__ == "__main__":
    sys.exit(main())
