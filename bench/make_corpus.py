#!/usr/bin/env python3
"""Write a synthetic cluster for benchmarks: N articles spread over the sites of a generated
cluster, with cross-site links, same-site links, attachments, syndication and aliases.

    python bench/make_corpus.py --articles 3000 --out bench/corpus
    python build.py --root bench/corpus -v build
    python bench/make_corpus.py --sites 1000 --pages-per-site 100 --out /tmp/province   # 100,000 articles

The result is a complete repository (sites/, content/, themes/gov copied from this repository),
usable with ``--root``. The same arguments always give the same corpus (fixed random seed).
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

COUNTIES = ("ulanhot", "arxan", "kyqq", "kyzq", "jalaid", "tuquan")
DEPARTMENTS = ("tjj", "sthjj", "wsb", "fgw", "jyj", "wjw", "gaj", "mzj", "sfj", "czj", "rsj", "zrzyj")
COLUMNS = (("zwdt", "政务动态"), ("tzgg", "通知公告"), ("zcjd", "政策解读"), ("gzdt", "工作动态"))
WORDS = "兴安盟 乌兰浩特 阿尔山 春耕 生态 保护 草原 防火 教育 医疗 交通 旅游 冰雪 农牧业 招商 项目 会议 部署 推进 落实".split()

FOOTER = """
[footer]
sponsor = "{name}办公室"
contact = "0482-0000000"
icp = "蒙ICP备00000000号"
police = "蒙公网安备 00000000000000号"
"""


def site_file(site_id: str, kind: str, n: int) -> str:
    name = {"portal": "兴安盟行政公署", "county": f"{site_id}人民政府", "department": f"兴安盟{site_id}局"}[kind]
    url = "https://www.xam.gov.cn/" if kind == "portal" else (
        f"https://{site_id}.xam.gov.cn/" if kind == "department" else f"https://www.{site_id}.gov.cn/"
    )
    lines = [f'id = "{site_id}"', f'name = "{name}"', f'kind = "{kind}"', f'url = "{url}"', f'sitecode = "15220{n:05d}"']
    if kind != "portal":
        lines.append('parent = "portal"')
    text = "\n".join(lines) + "\n" + FOOTER.format(name=name)
    for column_id, column_name in COLUMNS:
        text += f'\n[[columns]]\nid = "{column_id}"\nname = "{column_name}"\ntype = "news"\n'
    return text


def title(rng: random.Random) -> str:
    return "".join(rng.choice(WORDS) for _ in range(rng.randint(3, 6)))


def department_ids(count: int) -> list[str]:
    """``count`` department ids: the 12 named ones, then generated ones (``d0013``, ``d0014``, …)."""
    return [*DEPARTMENTS[:count], *(f"d{n:04d}" for n in range(len(DEPARTMENTS) + 1, count + 1))]


def make_corpus(out: Path, articles: int, seed: int = 2026, departments: int = 6, pages_per_site: int | None = None) -> dict[str, int]:
    """Write the corpus into ``out`` (replaced); returns counts of what was written.

    ``departments``: how many department sites (6 by default: 13 sites; 10 gives issue 14's 17;
    beyond the 12 named ones they are generated, ``d0013``…, for the 1,000-site simulation).
    ``pages_per_site``: every site gets exactly that many articles, in turn (``articles`` is then
    ignored); otherwise the ``articles`` are spread at random, every site getting at least four."""
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(REPO / "themes" / "gov", out / "themes" / "gov")
    sites = [("portal", "portal"), *((c, "county") for c in COUNTIES), *((d, "department") for d in department_ids(departments))]
    if pages_per_site is not None:
        articles = pages_per_site * len(sites)
    for n, (site_id, kind) in enumerate(sites):
        path = out / "sites" / f"{site_id}.toml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(site_file(site_id, kind, n), encoding="utf-8")
        files = out / "content" / site_id / "files"
        files.mkdir(parents=True)
        (files / "map.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>', encoding="utf-8")
    ids = [s for s, _ in sites]
    placed: list[tuple[str, str]] = []  # (site, rel) of articles written so far
    counts = {"articles": 0, "cross_site_links": 0, "same_site_links": 0, "syndicated": 0, "aliases": 0}
    for n in range(articles):
        site_id = ids[n % len(ids)] if pages_per_site is not None or n < len(ids) * 4 else rng.choice(ids)
        column_id = rng.choice(COLUMNS)[0]
        rel = f"{column_id}/a{n:05d}.md"
        lines = [f"Title: {title(rng)}{n}", f"Date: 2025-{1 + n % 12:02d}-{1 + n % 28:02d} {n % 24:02d}:{n % 60:02d}", f"Slug: a{n:05d}"]
        if n % 100 == 7:
            lines.append("Syndicate: counties")
            counts["syndicated"] += 1
        if n % 50 == 3:
            lines.append(f"Aliases: /old/{n}.html")
            counts["aliases"] += 1
        body = [f"{title(rng)}。" * rng.randint(5, 20)]
        for _ in range(rng.randint(1, 3)):
            if placed and rng.random() < 0.8:
                other_site, other_rel = rng.choice(placed)
                if other_site == site_id:
                    body.append(f"[相关]({{filename}}/{other_rel})")
                    counts["same_site_links"] += 1
                else:
                    body.append(f"[{other_site}](site:{other_site}/{other_rel})")
                    counts["cross_site_links"] += 1
            else:
                body.append(f"[{rng.choice(ids)}](site:{rng.choice(ids)})")
                counts["cross_site_links"] += 1
        if n % 10 == 0:
            body.append("![地图]({static}/files/map.svg)")
        path = out / "content" / site_id / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n\n" + "\n\n".join(body) + "\n", encoding="utf-8")
        placed.append((site_id, rel))
        counts["articles"] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "corpus")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--departments", type=int, default=6, help=f"department sites ({len(DEPARTMENTS)} named, more are generated)")
    parser.add_argument("--sites", type=int, default=None, help="sites in all (portal, 6 counties, the rest departments); overrides --departments")
    parser.add_argument("--pages-per-site", type=int, default=None, help="exactly this many articles per site (overrides --articles)")
    args = parser.parse_args()
    departments = args.departments if args.sites is None else args.sites - 1 - len(COUNTIES)
    if departments < 0:
        parser.error(f"--sites must be at least {1 + len(COUNTIES)} (the portal and the counties)")
    counts = make_corpus(args.out, args.articles, args.seed, departments, args.pages_per_site)
    print(f"wrote {args.out}: " + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
