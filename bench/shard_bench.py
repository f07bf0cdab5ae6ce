#!/usr/bin/env python3
"""One shard of a province-sized cluster, measured (issue 14: "simulate 1,000 sites x 100 pages,
measure one shard, write the extrapolation").

    python bench/shard_bench.py --sites 1000 --pages-per-site 100 --shards 50 [--work DIR]

Writes the corpus (``make_corpus.py --sites N --pages-per-site M``: the portal, 6 counties and
N-7 departments, each with exactly M articles, cross-site links, syndication, aliases), then, as
one CI runner of an N-shard matrix would, with no output and no cache:

1. ``build --target production --shard I/N -v``: wall time, the stage timings ``-v`` prints, and
   the peak memory of the whole process tree (build, fork server, rendering processes);
2. ``check --target production --out <that shard's output> --site …`` for the shard's sites: the
   combined-output check over what one runner wrote (the check of the whole cluster reads every
   shard's output the same way);
3. ``check --target production`` (sources only, every target): what the matrix's ``check`` job
   costs (``--no-source-check`` skips it).

It prints the figures and the split of the shard's time into what grows with the whole cluster
(reading every site file and every source, addresses and links of every item) and what grows with
the shard (staging, rendering, search, output checks of its sites) — the basis of the
extrapolation in RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

from hugo_bench import PeakMemory  # noqa: E402
from make_corpus import COUNTIES, make_corpus  # noqa: E402

#: Stages whose work is over every site or every source of the cluster, whatever the shard.
CLUSTER_STAGES = ("sites", "content", "addresses:", "features:", "links:", "leaks:")


def run(command: list[str], cwd: Path = REPO) -> tuple[float, int, str]:
    """(wall seconds, peak memory of the process tree in bytes, stderr) of a command that must pass."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, "ZHANQUN_LANG": "en"})
    sampler = PeakMemory(process.pid)
    _, err = process.communicate()
    seconds = time.perf_counter() - started
    peak = sampler.stop()
    text = err.decode(errors="replace")
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{text[-3000:]}")
    return seconds, peak, text


def timings(stderr: str) -> dict[str, float]:
    """The stage timings of ``-v`` (``timings: sites 0.15s, content 1.20s, …``)."""
    line = next((line for line in stderr.splitlines() if line.startswith("timings: ")), "")
    return {name: float(value) for name, value in re.findall(r"([\w:.-]+) ([0-9.]+)s", line)}


def split(stages: dict[str, float]) -> tuple[float, float]:
    """(seconds of whole-cluster stages, seconds of per-shard stages)."""
    whole = sum(v for k, v in stages.items() if k.startswith(CLUSTER_STAGES) and k != "search:indexer")
    return whole, sum(stages.values()) - whole


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=1000)
    parser.add_argument("--pages-per-site", type=int, default=100)
    parser.add_argument("--shards", type=int, default=50)
    parser.add_argument("--shard", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=0, help="build --jobs (default: one per CPU)")
    parser.add_argument("--work", type=Path, default=None, help="folder for the corpus and outputs (default: a temporary one)")
    parser.add_argument("--no-source-check", action="store_true", help="skip step 3 (the source check of every target)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="zq-shard-bench-"))
    corpus = work / "corpus"
    loads = [os.getloadavg()[0]]
    started = time.perf_counter()
    counts = make_corpus(corpus, 0, departments=args.sites - 1 - len(COUNTIES), pages_per_site=args.pages_per_site)
    generated = time.perf_counter() - started
    sources = counts["articles"]
    print(f"corpus: {args.sites} sites, {sources} articles in {generated:.1f}s ({corpus})", flush=True)

    out = work / f"shard-{args.shard}"
    build = [sys.executable, str(REPO / "build.py"), "--root", str(corpus), "-v", "build", "--target", "production",
             "--shard", f"{args.shard}/{args.shards}", "--out", str(out)]
    if args.jobs:
        build += ["--jobs", str(args.jobs)]
    build_s, build_peak, build_err = run(build)
    loads.append(os.getloadavg()[0])
    shard_sites = sorted(p.name for p in out.iterdir() if p.is_dir() and not p.name.startswith("."))
    pages = int(re.search(r"built \d+ site\(s\), (\d+) pages", build_err).group(1))
    stages = timings(build_err)
    print(f"build --shard {args.shard}/{args.shards}: {len(shard_sites)} sites, {pages} pages, {build_s:.1f}s, peak {build_peak / 2**20:.0f} MB", flush=True)
    print("  " + ", ".join(f"{k} {v:.2f}s" for k, v in stages.items()), flush=True)

    check = [sys.executable, str(REPO / "build.py"), "--root", str(corpus), "-v", "check", "--target", "production", "--out", str(out)]
    check += [f"--site={site}" for site in shard_sites]
    check_s, check_peak, check_err = run(check)
    loads.append(os.getloadavg()[0])
    check_stages = timings(check_err)
    links_line = next((line for line in check_err.splitlines() if line.startswith("links: ")), "")
    print(f"check --out (the shard's {len(shard_sites)} sites): {check_s:.1f}s, peak {check_peak / 2**20:.0f} MB; {links_line}", flush=True)
    print("  " + ", ".join(f"{k} {v:.2f}s" for k, v in check_stages.items()), flush=True)

    if not args.no_source_check:
        source_check = [sys.executable, str(REPO / "build.py"), "--root", str(corpus), "-v", "check"]
        source_s, source_peak, source_err = run(source_check)
        loads.append(os.getloadavg()[0])
        print(f"check (sources, every target): {source_s:.1f}s, peak {source_peak / 2**20:.0f} MB", flush=True)
        print("  " + ", ".join(f"{k} {v:.2f}s" for k, v in timings(source_err).items()), flush=True)

    whole, per_shard = split(stages)
    print()
    print(
        f"Measured {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {platform.machine()}, {os.cpu_count()} cores, "
        f"load average {min(loads):.1f}–{max(loads):.1f}, Python {platform.python_version()}; "
        f"{args.sites} sites x {args.pages_per_site} articles ({sources} sources), shard {args.shard}/{args.shards}."
    )
    print(f"shard build: whole-cluster stages {whole:.1f}s, per-shard stages {per_shard:.1f}s, "
          f"interpreter and the rest {build_s - whole - per_shard:.1f}s; per page of the shard {per_shard / max(pages, 1) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
