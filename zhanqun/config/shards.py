"""``build --shard I/N``: a deterministic, size-balanced share of the cluster's sites.

A CI matrix of N runners builds a province-sized cluster in parallel, each runner one share.
Every runner must compute the same partition from the same tree, without talking to the others,
and the shares should take about as long: sites are weighed by their number of content files
(``content/<id>/**/*.md``, plus one for the site's own pages; syndicated copies are not counted —
a cheap estimate, known before anything is parsed), taken heaviest first (ties by id) and each
given to the lightest share so far (ties: the lowest share number) — the greedy
longest-processing-time rule, within 4/3 of the best balance.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..i18n import _

_SHARD = re.compile(r"([0-9]+)/([0-9]+)")


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/4"`` → ``(2, 4)``; a ValueError with a message the user can act on otherwise."""
    match = _SHARD.fullmatch(text.strip())
    if not match or not (1 <= int(match.group(1)) <= int(match.group(2))):
        raise ValueError(_("--shard {value!r} must be I/N with 1 ≤ I ≤ N, e.g. 1/4 (the first of four shares)").format(value=text))
    return int(match.group(1)), int(match.group(2))


def site_weight(root: Path, site_id: str) -> int:
    """How much rendering ``site_id`` costs, roughly: its content files, plus one."""
    folder = root / "content" / site_id
    return 1 + (sum(1 for _ in folder.rglob("*.md")) if folder.is_dir() else 0)


def shard_of(site_ids: list[str], weights: dict[str, int], shard: int, shards: int) -> list[str]:
    """The sites of share ``shard`` (1-based) of ``shards``, in the order of ``site_ids``."""
    totals = [0] * shards
    owner: dict[str, int] = {}
    for site_id in sorted(site_ids, key=lambda s: (-weights.get(s, 1), s)):
        lightest = min(range(shards), key=lambda n: (totals[n], n))
        owner[site_id] = lightest
        totals[lightest] += weights.get(site_id, 1)
    return [site_id for site_id in site_ids if owner[site_id] == shard - 1]
