"""``build --shard I/N`` (``config/shards.py``): every site in exactly one share, balanced, the same on every runner."""

from __future__ import annotations

import pytest
from conftest import Repo, article
from hypothesis import given, settings
from hypothesis import strategies as st

from zhanqun.config.shards import parse_shard, shard_of, site_weight


@settings(max_examples=60, deadline=None)
@given(weights=st.dictionaries(st.text("abcdefgh", min_size=1, max_size=4), st.integers(1, 500), min_size=1, max_size=40), shards=st.integers(1, 8))
def test_every_site_is_in_exactly_one_share_and_the_split_is_balanced(weights: dict[str, int], shards: int) -> None:
    ids = sorted(weights)
    shares = [shard_of(ids, weights, n, shards) for n in range(1, shards + 1)]
    assert sorted(s for share in shares for s in share) == ids
    assert all(share == [s for s in ids if s in share] for share in shares)  # cluster order kept
    totals = [sum(weights[s] for s in share) for share in shares]
    assert max(totals) - min(totals) <= max(weights.values())  # greedy: within one site of even
    assert shares == [shard_of(list(reversed(ids)), weights, n, shards)[::-1] for n in range(1, shards + 1)]  # input order does not matter


def test_the_heaviest_sites_are_spread_first() -> None:
    weights = {"portal": 3000, "a": 800, "b": 700, "c": 600, "d": 100}
    ids = list(weights)
    assert shard_of(ids, weights, 1, 2) == ["portal"]
    assert shard_of(ids, weights, 2, 2) == ["a", "b", "c", "d"]


@pytest.mark.parametrize("text", ["0/2", "3/2", "1", "a/b", "1/0", "-1/2", "1/2/3", ""])
def test_a_shard_that_is_not_i_of_n_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="must be I/N"):
        parse_shard(text)


def test_parse_shard_reads_i_and_n() -> None:
    assert parse_shard("2/4") == (2, 4) and parse_shard(" 1/1 ") == (1, 1)


def test_the_weight_of_a_site_is_its_content_files(repo: Repo) -> None:
    repo.write("content/portal/zwdt/a.md", article("甲"))
    repo.write("content/portal/zwdt/sub/b.md", article("乙"))
    repo.write("content/portal/files/x.pdf", b"%PDF")
    assert site_weight(repo.root, "portal") == 3 and site_weight(repo.root, "none") == 1


def test_build_with_a_bad_shard_is_a_usage_error(repo: Repo) -> None:
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/")
    result = repo.run("build", "--shard", "3/2")
    assert result.exit_code == 2
    assert "--shard '3/2' must be I/N with 1 ≤ I ≤ N" in result.stderr
    assert not repo.out().exists()
