#!/usr/bin/env python3
"""zhanqun side by side with Hugo on the same synthetic cluster (issue 14's targets).

    python bench/hugo_bench.py --articles 10000 --departments 10 --rounds 3 [--record]

Writes the corpus (``make_corpus.py``; 17 sites with ``--departments 10``), converts it to one
Hugo site per cluster site (same columns, titles, dates, slugs, bodies with their links made
plain addresses, a minimal layout with the same page kinds: item pages with 5 related items,
paginated column lists, home page, per-column and site feeds, sitemap), then measures, in
alternating rounds so that the machine's load falls on every tool alike:

- Hugo cold: every site, each ``hugo`` run into an empty folder;
- Pelican cold: the same corpus as one plain Pelican project per site (``pelican_sites``: Pelican's
  own headers, a minimal theme with the Hugo layout's page kinds, pagination of 20, feeds, the
  attachments as static files), each ``pelican`` run into an empty folder, ``--pelican-jobs`` at a
  time (default one per CPU: Pelican is single-threaded, while Hugo uses every core inside one run
  and zhanqun renders one site per core, so running them one by one would charge Pelican for cores
  it was not given);
- Pelican + Pagefind cold: the same plain Pelican runs, each followed by the Pagefind command
  line on that site's output (item pages only, marked ``data-pagefind-body`` as zhanqun's theme
  marks them). What any build made of Pelican and Pagefind takes at least, before it does anything
  of its own: the floor under zhanqun's cold build (``--no-floor`` leaves it out);
- zhanqun cold: no output, no cache;
- zhanqun no-op: the same build again;
- zhanqun one edit: one article's body changed (the edit is checked in the output).

Medians of the rounds, ratios to Hugo's median of the same run, and the peak memory of the
whole zhanqun process tree (the build, the fork server and the rendering processes, sampled
every 50 ms from /proc). At the end the incremental output is compared with a clean build of the
same tree (``--no-cache`` into another folder). ``--record`` appends the table to RESULTS.md.
Hugo is not a dependency of zhanqun: install it for the bench only (Debian: ``apt-get install hugo``).

Outputs of earlier runs are never deleted between the timed builds, only moved aside
(:func:`set_aside`) and deleted once every round is measured: on an ext4 file system without a
journal (this machine's), the kernel skips inodes freed in the last minute or so when it
allocates new ones, reading each one's inode-table entry, so a build that creates thousands of
files just after the bench deleted thousands spends seconds in the kernel for the bench's own
cleanup (seen with ``perf`` on 2026-12-01: a zhanqun cold build just after deleting the previous
output spent a fifth of all its CPU samples in ``find_inode_bit``, ``recently_deleted`` and the
block lookups they make (28.9 s under `perf stat`); into a fresh folder, none (22.6 s). A CI runner's build
starts in a fresh clone.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from make_corpus import make_corpus  # noqa: E402

HUGO_LAYOUTS = {
    "_default/baseof.html": """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }} - {{ .Site.Title }}</title>
<link rel="stylesheet" href="/css/site.css"></head><body><header><h1>{{ .Site.Title }}</h1><nav>{{ range .Site.Params.cluster }}<a href="{{ .url }}">{{ .name }}</a> {{ end }}</nav>
<nav>{{ range .Site.Sections }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ end }}</nav></header>
<main>{{ block "main" . }}{{ end }}</main><footer>{{ .Site.Params.footer }}</footer></body></html>
""",
    "_default/single.html": """{{ define "main" }}<article><h1>{{ .Title }}</h1><time>{{ .Date.Format "2006-01-02" }}</time>{{ .Content }}</article>
<section><h2>相关信息</h2><ul>{{ range first 5 (where (where .Site.RegularPages "Section" .Section) "Permalink" "!=" .Permalink) }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}</li>{{ end }}</ul></section>{{ end }}
""",
    "_default/list.html": """{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Paginator.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <p>{{ .Summary }}</p></li>{{ end }}</ul>
{{ with .Paginator }}{{ if .HasNext }}<a href="{{ .Next.URL }}">下一页</a>{{ end }}{{ end }}{{ end }}
""",
    "index.html": """{{ define "main" }}{{ range .Site.Sections }}<section><h2>{{ .Title }}</h2><ul>{{ range first 8 .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></section>{{ end }}{{ end }}
""",
}
#: A minimal Pelican theme with the Hugo layout's page kinds and content: the cluster and column
#: navigation on every page, item pages with 5 related items of their column (the column's newest,
#: taken from Pelican's per-category list: no scan of all items per page), column lists of 20 with
#: summaries, a home page with 8 items per column, feeds, a sitemap.
PELICAN_TEMPLATES = {
    "base.html": """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{% block title %}{{ SITENAME }}{% endblock %}</title>
<link rel="stylesheet" href="/{{ THEME_STATIC_DIR }}/css/site.css"></head><body><header><h1>{{ SITENAME }}</h1><nav>{% for id, name in CLUSTER %}<a href="/{{ id }}/">{{ name }}</a> {% endfor %}</nav>
<nav>{% for category, _ in categories %}<a href="/{{ category.url }}">{{ category.name }}</a> {% endfor %}</nav></header>
<main>{% block content %}{% endblock %}</main><footer>{{ FOOTER }}</footer></body></html>
""",
    "article.html": """{% extends "base.html" %}{% block title %}{{ article.title }} - {{ SITENAME }}{% endblock %}{% block content %}<article data-pagefind-body><h1>{{ article.title }}</h1><time>{{ article.date.strftime("%Y-%m-%d") }}</time>{{ article.content }}</article>
<section><h2>相关信息</h2><ul>{% for category, items in categories if category == article.category %}{% for other in (items[:6] | reject("sameas", article) | list)[:5] %}<li><a href="/{{ other.url }}">{{ other.title }}</a> {{ other.date.strftime("%Y-%m-%d") }}</li>{% endfor %}{% endfor %}</ul></section>{% endblock %}
""",
    "category.html": """{% extends "base.html" %}{% block title %}{{ category.name }} - {{ SITENAME }}{% endblock %}{% block content %}<h1>{{ category.name }}</h1><ul>{% for item in articles_page.object_list %}<li><a href="/{{ item.url }}">{{ item.title }}</a> <p>{{ item.summary }}</p></li>{% endfor %}</ul>
{% if articles_page.has_next() %}<a href="/{{ articles_next_page.url }}">下一页</a>{% endif %}{% endblock %}
""",
    "index.html": """{% extends "base.html" %}{% block content %}{% for category, items in categories %}<section><h2>{{ category.name }}</h2><ul>{% for item in items[:8] %}<li><a href="/{{ item.url }}">{{ item.title }}</a></li>{% endfor %}</ul></section>{% endfor %}{% endblock %}
""",
    "page.html": """{% extends "base.html" %}{% block content %}<h1>{{ page.title }}</h1>{{ page.content }}{% endblock %}
""",
    "sitemap.xml": """<?xml version="1.0" encoding="utf-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{% for item in articles %}<url><loc>{{ SITEURL }}/{{ item.url }}</loc><lastmod>{{ item.date.strftime("%Y-%m-%d") }}</lastmod></url>{% endfor %}</urlset>
""",
}
PELICAN_CONF = """SITENAME = {name!r}
SITEURL = {url!r}
FOOTER = {footer!r}
CLUSTER = {cluster!r}
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh"
THEME = "theme"
PATH = "content"
STATIC_PATHS = ["files"]
ARTICLE_URL = ARTICLE_SAVE_AS = "{{category}}/{{slug}}.html"
CATEGORY_URL = "{{slug}}/"
CATEGORY_SAVE_AS = "{{slug}}/index.html"
TAG_SAVE_AS = AUTHOR_SAVE_AS = ""
PAGE_SAVE_AS = PAGE_URL = ""
DIRECT_TEMPLATES = ["index"]
PAGINATED_TEMPLATES = {{"category": None}}
DEFAULT_PAGINATION = 20
TEMPLATE_PAGES = {{"sitemap.xml": "sitemap.xml"}}
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/{{slug}}.atom.xml"
TRANSLATION_FEED_ATOM = AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
"""
LINK = re.compile(r"\]\((?:\{filename\}/|site:)([^)]*)\)")
STATIC = re.compile(r"\{static\}/")


def hugo_sites(corpus: Path, dest: Path) -> list[Path]:
    """One Hugo site per cluster site, from the corpus's own files."""
    shutil.rmtree(dest, ignore_errors=True)
    sites = []
    cluster = _cluster(corpus)
    for site_id, name in cluster:
        site = dest / site_id
        for rel, layout in HUGO_LAYOUTS.items():
            (site / "layouts" / rel).parent.mkdir(parents=True, exist_ok=True)
            (site / "layouts" / rel).write_text(layout, encoding="utf-8")
        nav = "".join(f'[[params.cluster]]\nname = "{n}"\nurl = "/{s}/"\n' for s, n in cluster)
        (site / "hugo.toml").write_text(
            f'baseURL = "https://{site_id}.example.gov.cn/"\ntitle = "{name}"\nlanguageCode = "zh-cn"\nhasCJKLanguage = true\n'
            f'disableKinds = ["taxonomy", "term"]\npaginate = 20\n[params]\nfooter = "{name}办公室"\n{nav}',
            encoding="utf-8",
        )
        shutil.copytree(corpus / "content" / site_id / "files", site / "static" / "files")
        shutil.copytree(REPO / "themes" / "gov" / "static" / "css", site / "static" / "css")
        for source in sorted((corpus / "content" / site_id).rglob("*.md")):
            meta, body = _split(source)
            body = _plain_links(body, "/")
            front = f'---\ntitle: "{meta["Title"]}"\ndate: {meta["Date"].replace(" ", "T")}:00+08:00\nslug: "{meta["Slug"]}"\n---\n\n'
            target = site / "content" / source.relative_to(corpus / "content" / site_id)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(front + body, encoding="utf-8")
        sites.append(site)
    return sites


def pelican_sites(corpus: Path, dest: Path) -> list[Path]:
    """One plain Pelican project per cluster site, from the corpus's own files: Pelican's own
    Markdown headers (Title, Date, Slug; the column is the folder, Pelican's category), bodies with
    their links made plain addresses as for Hugo, the attachments as static files, the minimal theme
    above with the shared theme's stylesheet."""
    shutil.rmtree(dest, ignore_errors=True)
    cluster = _cluster(corpus)
    sites = []
    for site_id, name in cluster:
        site = dest / site_id
        for rel, template in PELICAN_TEMPLATES.items():
            (site / "theme" / "templates" / rel).parent.mkdir(parents=True, exist_ok=True)
            (site / "theme" / "templates" / rel).write_text(template, encoding="utf-8")
        shutil.copytree(REPO / "themes" / "gov" / "static" / "css", site / "theme" / "static" / "css")
        (site / "pelicanconf.py").write_text(
            PELICAN_CONF.format(name=name, url=f"https://{site_id}.example.gov.cn", footer=f"{name}办公室", cluster=[list(c) for c in cluster]),
            encoding="utf-8",
        )
        shutil.copytree(corpus / "content" / site_id / "files", site / "content" / "files")
        for source in sorted((corpus / "content" / site_id).rglob("*.md")):
            header, body = _split(source)
            kept = "".join(f"{key}: {header[key]}\n" for key in ("Title", "Date", "Slug"))
            target = site / "content" / source.relative_to(corpus / "content" / site_id)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(kept + "\n" + _plain_links(body, ".html"), encoding="utf-8")
        sites.append(site)
    return sites


def _cluster(corpus: Path) -> list[tuple[str, str]]:
    """(id, name) of every site of the corpus, in id order."""
    found = []
    for toml in sorted((corpus / "sites").glob("*.toml")):
        text = toml.read_text(encoding="utf-8")
        found.append((toml.stem, re.search(r'^name = "(.*)"', text, re.M).group(1)))
    return found


def _split(source: Path) -> tuple[dict[str, str], str]:
    header, _, body = source.read_text(encoding="utf-8").partition("\n\n")
    return dict(line.split(": ", 1) for line in header.splitlines()), body


def _plain_links(body: str, suffix: str) -> str:
    """zhanqun's ``{filename}``/``site:``/``{static}`` links as plain root-relative addresses."""
    return STATIC.sub("/", LINK.sub(lambda m: "](/" + m.group(1).replace(".md", suffix) + ")", body))


class PeakMemory:
    """The largest total resident memory of a process and all its descendants, sampled."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        page = os.sysconf("SC_PAGE_SIZE")
        while not self._stop.is_set():
            total = 0
            for pid in _descendants(self.pid):
                try:
                    total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * page
                except (OSError, IndexError, ValueError):
                    pass
            self.peak = max(self.peak, total)
            time.sleep(0.05)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def timed(command: list[str], cwd: Path = REPO, memory: bool = False) -> tuple[float, int]:
    """Run ``command``, its wall time and (with ``memory``) its peak memory with its children's.

    Python may write bytecode, whatever this shell says (``PYTHONDONTWRITEBYTECODE``, which
    ``.ci/run`` sets): an installed package has it (pip compiles it at install), and without it
    every run of a checkout compiles zhanqun's seventy modules again, about 0.3 s, while Pelican,
    installed, never does."""
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=environment)
    sampler = PeakMemory(process.pid) if memory else None
    _, err = process.communicate()
    seconds = time.perf_counter() - started
    peak = sampler.stop() if sampler else 0
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{err.decode(errors='replace')[-2000:]}")
    return seconds, peak


def set_aside(path: Path, trash: Path) -> None:
    """Move ``path`` (if any) into ``trash`` (on the same file system), deleted after the last round."""
    if path.exists():
        trash.mkdir(exist_ok=True)
        path.rename(trash / f"{time.time_ns()}-{path.name}")


def hugo_cold(sites: list[Path], out: Path, trash: Path) -> float:
    set_aside(out, trash)
    total = 0.0
    for site in sites:
        total += timed(["hugo", "--quiet", "--source", str(site), "--destination", str(out / site.name)])[0]
    return total


def pelican_cold(sites: list[Path], out: Path, jobs: int, trash: Path, pagefind: Path | None = None) -> float:
    """Every site, each ``pelican`` run into an empty folder, ``jobs`` at a time; the wall time of
    all. With ``pagefind``: each site's run followed by Pagefind's command line on its output (the
    binary zhanqun runs, into the site's ``pagefind/``)."""
    set_aside(out, trash)

    def one(site: Path) -> None:
        timed([sys.executable, "-m", "pelican", "--quiet", "content", "--settings", "pelicanconf.py", "--output", str(out / site.name)], cwd=site)
        if pagefind is not None:
            timed([str(pagefind), "--site", str(out / site.name), "--output-subdir", "pagefind", "--quiet"])

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for _ in pool.map(one, sites):
            pass
    return time.perf_counter() - started


def pelican_version() -> str:
    from importlib.metadata import version

    return version("pelican")


def digest(folder: Path) -> dict[str, str]:
    """Every output file's hash, the sites' ``.zhanqun/`` records included."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] + " Needs Hugo (Debian: apt-get install hugo).")
    parser.add_argument("--articles", type=int, default=10000, help="articles in the synthetic cluster (default: %(default)s)")
    parser.add_argument("--departments", type=int, default=10, help="department sites besides the portal and 6 counties (default: %(default)s)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of every build; medians are reported (default: %(default)s)")
    parser.add_argument("--work", type=Path, default=None, help="folder for the corpus and outputs (default: a temporary one)")
    parser.add_argument("--record", action="store_true", help="append the table to bench/RESULTS.md")
    parser.add_argument("--no-floor", action="store_true", help="leave out the Pelican + Pagefind row")
    parser.add_argument("--pelican-jobs", type=int, default=os.cpu_count() or 1, help="plain Pelican runs at once (default: one per CPU, as zhanqun renders)")
    args = parser.parse_args()
    if not shutil.which("hugo"):
        raise SystemExit("hugo is not installed (Debian: apt-get install hugo)")
    work = args.work or Path(tempfile.mkdtemp(prefix="zq-hugo-bench-"))
    corpus = work / "corpus"
    trash = work / "trash"  # what an earlier run left is set aside too, and deleted at the end with this run's
    for left in ("corpus", "hugo-src", "pelican-src", "hugo-out", "pelican-out", "clean"):
        set_aside(work / left, trash)
    make_corpus(corpus, args.articles, departments=args.departments)
    sites = hugo_sites(corpus, work / "hugo-src")
    plain = pelican_sites(corpus, work / "pelican-src")
    pages = sum(1 for _ in (corpus / "content").rglob("*.md"))
    build = [sys.executable, str(REPO / "build.py"), "--root", str(corpus), "build"]
    edit_target = sorted((corpus / "content" / "tuquan").rglob("*.md"))[0]
    results: dict[str, list[float]] = {"hugo cold": [], "pelican cold": [], "pelican + pagefind cold": [], "zhanqun cold": [], "zhanqun no-op": [], "zhanqun one edit": []}
    pagefind = None
    if args.no_floor:
        del results["pelican + pagefind cold"]
    else:
        sys.path.insert(0, str(REPO))
        from zhanqun.publish.pagefind import find as find_pagefind

        pagefind = find_pagefind().path
    peaks: list[int] = []
    loads: list[float] = []
    for round_no in range(args.rounds):
        loads.append(os.getloadavg()[0])
        results["hugo cold"].append(hugo_cold(sites, work / "hugo-out", trash))
        results["pelican cold"].append(pelican_cold(plain, work / "pelican-out", args.pelican_jobs, trash))
        if pagefind:
            results["pelican + pagefind cold"].append(pelican_cold(plain, work / "pelican-out", args.pelican_jobs, trash, pagefind))
        set_aside(corpus / "output", trash)
        set_aside(corpus / ".zhanqun-cache", trash)
        seconds, peak = timed(build, memory=True)
        results["zhanqun cold"].append(seconds)
        peaks.append(peak)
        seconds, peak = timed(build, memory=True)
        results["zhanqun no-op"].append(seconds)
        peaks.append(peak)
        marker = f"基准测试修改{round_no}号"
        edit_target.write_text(edit_target.read_text(encoding="utf-8") + f"\n{marker}。\n", encoding="utf-8")
        seconds, peak = timed(build, memory=True)
        results["zhanqun one edit"].append(seconds)
        peaks.append(peak)
        page = corpus / "output" / "preview" / "tuquan" / edit_target.parent.name / f"{edit_target.stem}.html"
        if marker not in page.read_text(encoding="utf-8"):
            raise SystemExit(f"the edit is not in {page}")
        print(f"round {round_no + 1}: " + ", ".join(f"{k} {v[-1]:.2f}s" for k, v in results.items()), flush=True)
    loads.append(os.getloadavg()[0])
    clean = work / "clean"
    set_aside(clean, trash)
    timed([*build, "--no-cache", "--out", str(clean)])
    identical = digest(corpus / "output" / "preview") == digest(clean)
    shutil.rmtree(trash, ignore_errors=True)
    medians = {k: statistics.median(v) for k, v in results.items()}
    hugo = medians["hugo cold"]
    rows = [f"| {k} | {medians[k]:.2f} | {medians[k] / hugo:.2f}× | {' / '.join(f'{v:.2f}' for v in results[k])} |" for k in results]
    table = "\n".join(
        [
            f"Measured {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {platform.machine()}, {os.cpu_count()} cores shared with other jobs "
            f"(load average {min(loads):.1f}–{max(loads):.1f} during the runs), Python {platform.python_version()}, "
            f"{subprocess.run(['hugo', 'version'], capture_output=True, text=True).stdout.split()[1]}, Pelican {pelican_version()}; "
            f"{args.articles} articles, {len(sites)} sites ({pages} sources), {args.rounds} alternating rounds; "
            f"plain Pelican {args.pelican_jobs} site(s) at a time.",
            "",
            "| build | median s | × Hugo | rounds s |",
            "| --- | ---: | ---: | --- |",
            *rows,
            "",
            f"Peak memory of the zhanqun process tree: {max(peaks) / 2**20:.0f} MB. "
            f"Incremental output byte-identical to a clean build: {'yes' if identical else 'NO'}.",
        ]
    )
    print(table)
    if args.record:
        with open(HERE / "RESULTS.md", "a", encoding="utf-8") as handle:
            handle.write("\n### hugo_bench run\n\n" + table + "\n")


if __name__ == "__main__":
    main()
