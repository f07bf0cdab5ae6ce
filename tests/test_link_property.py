"""Property: for a random cluster of sites and links, every link in the output resolves.

The resolver and the checker are tested together without Pelican on many examples (a fake output
holds exactly the pages the address map promises); a few examples go through a real build, whose
pages are then checked independently of the link checker.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from conftest import Repo, article, make_repo
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from zhanqun.errors import Problems
from zhanqun.links.link_check import check_output
from zhanqun.pipeline import BuildOptions, prepare

COLUMN_CHOICES = (("zwdt", "政务动态", "news"), ("tzgg", "通知公告", "news"))
SITE_IDS = ("portal", "ulanhot", "arxan", "kyqq", "tjj")


@dataclass(frozen=True)
class Cluster:
    sites: tuple[str, ...]
    columns: dict[str, tuple[str, ...]]  # site → column ids
    items: dict[str, tuple[tuple[str, str], ...]]  # site → (column, slug)
    links: dict[tuple[str, int], tuple[str, ...]]  # (site, item number) → references
    target: str


@st.composite
def clusters(draw: st.DrawFn) -> Cluster:
    count = draw(st.integers(2, len(SITE_IDS)))
    sites = SITE_IDS[:count]
    columns = {s: tuple(c[0] for c in COLUMN_CHOICES[: draw(st.integers(1, 2))]) for s in sites}
    items = {
        s: tuple((draw(st.sampled_from(columns[s])), f"item-{n}") for n in range(draw(st.integers(0, 3))))
        for s in sites
    }
    everything = [(s, n) for s in sites for n in range(len(items[s]))]
    links: dict[tuple[str, int], tuple[str, ...]] = {}
    for site, n in everything:
        refs = []
        for _ in range(draw(st.integers(0, 4))):
            kind = draw(st.sampled_from(["site", "page", "column", "filename", "category", "index", "static"]))
            other = draw(st.sampled_from(sites))
            if kind == "site":
                refs.append(f"site:{other}")
            elif kind == "page" and items[other]:
                m = draw(st.integers(0, len(items[other]) - 1))
                column, _ = items[other][m]
                refs.append(f"site:{other}/{column}/f{m}.md" + draw(st.sampled_from(["", "#part"])))
            elif kind == "column":
                refs.append(f"site:{other}/{draw(st.sampled_from(columns[other]))}/")
            elif kind == "filename" and items[site]:
                m = draw(st.integers(0, len(items[site]) - 1))
                refs.append(f"{{filename}}/{items[site][m][0]}/f{m}.md")
            elif kind == "category":
                refs.append(f"{{category}}{draw(st.sampled_from(columns[site]))}")
            elif kind == "index":
                refs.append("{index}")
            elif kind == "static":
                refs.append(f"site:{other}/files/图{other}.png")
        links[(site, n)] = tuple(refs)
    return Cluster(sites, columns, items, links, draw(st.sampled_from(["preview", "production", "intranet"])))


def write(cluster: Cluster, repo: Repo) -> None:
    names = {c[0]: c for c in COLUMN_CHOICES}
    for site in cluster.sites:
        kind = "portal" if site == "portal" else "county"
        extra = f'intranet_url = "http://{site}.zw.xam/"' if site in ("portal", "arxan") else ""
        repo.site(site, f"{site}站", kind=kind, url=f"https://www.{site}.gov.cn/", extra=extra,
                  columns=tuple(names[c] for c in cluster.columns[site]))
        repo.write(f"content/{site}/files/图{site}.png", b"\x89PNG")
        for n, (column, slug) in enumerate(cluster.items[site]):
            body = "\n\n".join(f"[链接{k}]({ref})" for k, ref in enumerate(cluster.links[(site, n)])) or "正文。"
            repo.write(f"content/{site}/{column}/f{n}.md", article(f"{site}稿件{n}", "2026-03-01", body, Slug=slug))


MD_LINK = re.compile(r"\]\(([^)\s]+)\)")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(clusters())
def test_every_resolved_link_leads_to_a_page_the_address_map_promises(cluster: Cluster) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        repo = make_repo(Path(tmp) / "repo")
        write(cluster, repo)
        problems = Problems()
        context = prepare(BuildOptions(repo.root, cluster.target), problems)
        assert not problems.errors, [p.format() for p in problems]
        assert context.addresses and context.resolver
        out = Path(tmp) / "out"
        written, bogus = 0, []
        for site in cluster.sites:
            pages = {"index.html": [], **{f"{c}/index.html": [] for c in cluster.columns[site]}}
            for path, item in context.addresses.pages_of(site).items():
                body, _ = context.resolver.rewritten(item, problems)
                pages[path] = MD_LINK.findall(body)
                written += len(pages[path])
                # one link that leads nowhere on every item page: the check must find each of them
                pages[path].append(context.addresses.site_url(cluster.sites[len(bogus) % len(cluster.sites)]) + "gone.html")
                bogus.append(pages[path][-1])
            for path, hrefs in pages.items():
                (out / site / path).parent.mkdir(parents=True, exist_ok=True)
                (out / site / path).write_text("".join(f'<a href="{h}">x</a>' for h in hrefs), encoding="utf-8")
            (out / site / "files").mkdir(exist_ok=True)
            (out / site / "files" / f"图{site}.png").write_bytes(b"\x89PNG")
        assert not problems.errors
        built = {site: out / site for site in cluster.sites}
        report = check_output(context.addresses, built, out, {}, repo.root, out, problems)
        assert report.links == written + len(bogus)
        assert report.broken == len(bogus)
        assert all('gone.html": no such page' in p.message for p in problems.errors)


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(clusters())
def test_every_link_of_a_built_random_cluster_resolves(cluster: Cluster) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        repo = make_repo(Path(tmp) / "repo")
        write(cluster, repo)
        result = repo.run("build", "--target", cluster.target)
        assert result.exit_code == 0, result.output
        assert re.search(r"links: \d+ pages, [1-9]\d* links into the cluster checked, 0 broken", result.output)
        # An independent check: every address on a cluster host leads to a file of the output.
        hosts = {"": None} if cluster.target == "preview" else {}
        for site in cluster.sites:
            if cluster.target != "preview":
                intranet = cluster.target == "intranet" and site in ("portal", "arxan")
                hosts[f"{site}.zw.xam" if intranet else f"www.{site}.gov.cn"] = site
        output = repo.out(target=cluster.target)
        for page in output.rglob("*.html"):
            for node in LexborHTMLParser(page.read_text(encoding="utf-8")).css("[href],[src]"):
                value = node.attributes.get("href") or node.attributes.get("src") or ""
                parts = urlsplit(value)
                if parts.netloc not in hosts or not parts.path.startswith("/"):
                    continue
                path = unquote(parts.path)
                if cluster.target != "preview":
                    path = f"/{hosts[parts.netloc]}{path}"
                file = output / path.lstrip("/")
                assert file.is_file() or (file / "index.html").is_file(), (page, value)
