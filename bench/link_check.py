#!/usr/bin/env python3
"""How much of a build the output link check costs, on a synthetic cluster.

    python bench/link_check.py --articles 3000 [--jobs 2] [--target preview] [--repeat 3]

Writes the corpus (bench/make_corpus.py) unless ``--corpus DIR`` names an existing one, builds
every site for the target in-process through ``zhanqun.pipeline.build`` (rendering runs in the
usual spawned processes), and reports the link check's time (the ``check:links`` stage: parsing
every page, resolving every link) against the whole build's wall time. It then re-runs the link
check alone on the finished output ``--repeat`` times, for a steadier figure. The issue's
budget: the link check costs at most 10 % of the build.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from make_corpus import make_corpus  # noqa: E402

from zhanqun import pipeline  # noqa: E402
from zhanqun.errors import Problems  # noqa: E402
from zhanqun.links.link_check import check_output  # noqa: E402

BUDGET = 0.10


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--corpus", type=Path, help="an existing corpus to build instead of writing one")
    parser.add_argument("--target", default="preview", choices=["preview", "production", "intranet"])
    parser.add_argument("--jobs", type=int, default=0, help="sites rendered at once (default: CPU count)")
    parser.add_argument("--repeat", type=int, default=3, help="extra runs of the link check alone")
    args = parser.parse_args()

    corpus = args.corpus or HERE / "corpus"
    if not args.corpus:
        counts = make_corpus(corpus, args.articles)
        print(f"corpus: {corpus} ({', '.join(f'{v} {k}' for k, v in counts.items())})")
    options = pipeline.BuildOptions(corpus.resolve(), args.target, jobs=args.jobs)
    started = time.perf_counter()
    report = pipeline.build(options)
    total = time.perf_counter() - started
    if not report.ok:
        print("\n".join(p.format() for p in report.problems.sorted()[:20]))
        print(f"build failed: {len(report.problems.errors)} error(s)")
        return 1
    check = report.timings.get("check:links", 0.0)
    print(f"build: {len(report.site_ids)} sites, {report.pages} pages, target {args.target}, {total:.2f}s wall")
    print("stages: " + ", ".join(f"{k} {v:.2f}s" for k, v in report.timings.items()))
    print(report.notes[0] if report.notes else "links: (no report)")
    print(f"link check in the build: {check:.2f}s = {check / total:.1%} of the build (budget {BUDGET:.0%})")

    # The link check alone, again, on the finished output (the swap moved it to the output folder).
    context = pipeline.prepare(options, Problems())
    assert context.addresses
    built = {site_id: options.output / site_id for site_id in context.site_ids}
    runs = []
    for _ in range(args.repeat):
        problems = Problems()
        started = time.perf_counter()
        again = check_output(context.addresses, built, options.output, {}, options.root, options.output, problems)
        runs.append(time.perf_counter() - started)
        assert again.broken == 0, [p.format() for p in problems.sorted()[:5]]
    if runs:
        median = statistics.median(runs)
        print(f"link check alone: median {median:.2f}s of {len(runs)} runs = {median / total:.1%} of the build")
    return 0 if check / total <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
