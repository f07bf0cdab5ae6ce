#!/usr/bin/env python3
"""Where a cluster build spends its time, and what rendering sites in parallel buys.

    python bench/build_stages.py --articles 3000 [--corpus DIR] [--target preview]

Builds the synthetic corpus (bench/make_corpus.py) twice through ``zhanqun.pipeline.build``:
with one render process at a time (the baseline) and with one per CPU. Prints each stage's time
and two ratios measured in the same run: the parallel build's speed-up over the baseline, and the
share of the build spent outside Pelican (site files, content index, links, staging, output
checks, swap) — zhanqun's own overhead on top of the per-site Pelican runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from make_corpus import make_corpus  # noqa: E402

from zhanqun import pipeline  # noqa: E402


def timed_build(root: Path, target: str, jobs: int, out: Path) -> tuple[float, dict[str, float], int]:
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    report = pipeline.build(pipeline.BuildOptions(root, target, [], out, jobs))
    wall = time.perf_counter() - started
    if not report.ok:
        raise SystemExit("\n".join(p.format() for p in report.problems.errors[:20]))
    return wall, report.timings, report.pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--corpus", type=Path, help="an existing corpus (default: a fresh one in a temporary folder)")
    parser.add_argument("--target", default="preview", choices=["preview", "production", "intranet"])
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="zhanqun-bench-"))
    try:
        root = args.corpus
        if root is None:
            root = scratch / "corpus"
            make_corpus(root, args.articles)
        cpus = os.cpu_count() or 1
        one, one_stages, pages = timed_build(root, args.target, 1, scratch / "out1")
        many, stages, _ = timed_build(root, args.target, cpus, scratch / "outN")
        render = stages.get("render", 0.0)
        print(f"corpus: {root} ({pages} pages, target {args.target})")
        print(f"baseline --jobs 1: {one:.2f} s   --jobs {cpus}: {many:.2f} s   speed-up x{one / many:.2f}")
        print("stages (--jobs %d): %s" % (cpus, ", ".join(f"{k} {v:.2f}s" for k, v in stages.items())))
        print(f"outside Pelican: {many - render:.2f} s = {100 * (many - render) / many:.1f} % of the build")
        print(f"per page: {1000 * many / max(pages, 1):.1f} ms")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
