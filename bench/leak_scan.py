"""Benchmark of the leak gate's scanner: milliseconds per 30 KB page for a number of unpublished items.

    python bench/leak_scan.py [ITEMS...]

Not a test: prints a table. The page is a real-looking page (Chinese text in HTML markup);
each item contributes a title and a slug, in every spelling the gate searches for.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from zhanqun.publish.leak_gate import LeakScanner, Trace, _spellings  # noqa: E402

CJK = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]


def page(rng: random.Random, size: int = 30_000) -> str:
    parts = []
    while sum(map(len, parts)) < size:
        words = "".join(rng.choice(CJK) for _ in range(rng.randint(10, 60)))
        parts.append(f'<li class="item"><a href="/portal/zwdt/item-{rng.randint(1, 9999)}.html">{words}</a><span>2026-03-01</span></li>\n')
    return "".join(parts)[:size]


def traces(rng: random.Random, items: int) -> list[Trace]:
    found = []
    for n in range(items):
        title = "".join(rng.choice(CJK) for _ in range(rng.randint(8, 24)))
        found += [Trace(s, f"content/portal/zwdt/{n}.md", "title", title) for s in _spellings(title)]
        slug = f"internal-item-{n:05d}"
        found += [Trace(s, f"content/portal/zwdt/{n}.md", "slug", slug, True) for s in _spellings(slug)]
    return found


def main(counts: list[int]) -> None:
    rng = random.Random(1)
    text = page(rng)
    print(f"{'items':>6} {'traces':>7} {'mode':>6} {'ms/page':>8}")
    for items in counts:
        found = traces(rng, items)
        for mode in ("find", "grams", "auto"):
            scanner = LeakScanner(found, mode=mode)
            started = time.perf_counter()
            for _ in range(50):
                scanner.scan(text)
            print(f"{items:>6} {len(scanner.traces):>7} {mode:>6} {(time.perf_counter() - started) * 20:>8.2f}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10, 100, 500, 2000])
