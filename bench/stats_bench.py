"""Benchmark of ``build.py stats``: lines per second and peak memory on a synthetic access log.

    python bench/stats_bench.py [--lines N]... [--gzip] [--keep DIR]

Not a test: prints a table. Writes a log of N lines (default 1,000,000 and 2,000,000; fixed seed)
for the sample cluster's production hosts — Apache's vhost_combined and zhanqun's nginx format
(also with fields after the agent) mixed, 8 % robots, 5 % 404s, 3 % searches in Chinese, 1,000
pages per site, 30 days, clients drawn from 327,680 addresses and 4 browsers — then runs
``python build.py --format json stats LOG`` in a child process and reports its wall time, lines per
second of CPU time (wall time too, but on a shared machine it measures the neighbours) and peak
resident memory (the child's ``ru_maxrss``), after a one-line run for the start-up
cost. Two sizes show how memory grows: not with the lines, only with what is counted per site and
day (pages, 404s, and the visitors' hashes — this log's clients are drawn at random from 300,000
addresses, so nearly every view is a new visitor, far more than a real site has).
"""

from __future__ import annotations

import argparse
import gzip
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from zhanqun.config.sites import load_cluster  # noqa: E402
from zhanqun.errors import Problems  # noqa: E402

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
BROWSERS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47",
    "Mozilla/5.0 (Linux; Android 14; V2302A) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko",
)
BOTS = ("Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)", "Sogou web spider/4.0", "curl/8.5.0")
WORDS = ("春耕", "社保", "公积金", "招聘", "政府信息公开", "不动产登记", "医保", "教育", "防汛")


def hosts() -> list[str]:
    cluster = load_cluster(ROOT, Problems())
    return [site.url.split("/")[2] for site in cluster.sites]


def write_log(path: Path, lines: int, compress: bool) -> None:
    rng = random.Random(16)
    names = hosts()
    pages = [f"/zwdt/item-{n:04d}.html" for n in range(1000)] + ["/", "/zwdt/", "/tzgg/", "/zfxxgk/"]
    opener = gzip.open if compress else open
    with opener(path, "wt", encoding="utf-8") as out:  # type: ignore[operator]
        for n in range(lines):
            day = 1 + n * 30 // lines
            client = f"10.{rng.randrange(20)}.{rng.randrange(256)}.{rng.randrange(64)}"
            stamp = f"{day:02d}/Mar/2026:{rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d} +0800"
            host = rng.choice(names)
            roll = rng.random()
            agent = rng.choice(BOTS) if roll < 0.08 else rng.choice(BROWSERS)
            if roll < 0.05 + 0.08 and roll >= 0.08:
                request, status, referrer = f"GET /old/page-{rng.randrange(300)}.html HTTP/1.1", 404, f"https://{rng.choice(names)}/zwdt/"
            elif roll > 0.97:
                words = rng.choice(WORDS).encode("utf-8")
                request, status, referrer = "GET /search.html?q=" + "".join(f"%{b:02X}" for b in words) + " HTTP/1.1", 200, "-"
            elif roll > 0.80:
                request, status, referrer = f"GET /theme/css/site.{rng.randrange(9)}.css HTTP/1.1", 200, f"https://{host}/"
            else:
                request, status, referrer = f"GET {rng.choice(pages)} HTTP/1.1", rng.choice((200, 200, 200, 200, 304)), "-"
            fields = f'[{stamp}] "{request}" {status} {rng.randrange(200, 90000)} "{referrer}" "{agent}"'
            kind = n % 3
            if kind == 0:
                out.write(f"{host}:443 {client} - - {fields}\n")
            elif kind == 1:
                out.write(f"{host} {client} - - {fields}\n")
            else:
                out.write(f"{host} {client} - - {fields} \"-\" 0.004\n")  # nginx with extra fields after the agent


def run(log: Path) -> tuple[float, float, int]:
    """Wall time, CPU time and peak resident memory (KiB) of one ``stats`` run, in a process of its own."""
    command = [sys.executable, str(ROOT / "build.py"), "--lang", "en", "--format", "json", "stats", str(log)]
    probe = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)\n"
        "e = time.perf_counter() - t\n"
        "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "sys.exit(r.stderr) if r.returncode else print(e, u.ru_utime + u.ru_stime, u.ru_maxrss)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe, *command], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(result.stderr)
    elapsed, cpu, peak = result.stdout.split()
    return float(elapsed), float(cpu), int(peak)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, action="append", help="lines of the synthetic log (repeatable)")
    parser.add_argument("--gzip", action="store_true", help="write the log gzip-compressed")
    parser.add_argument("--keep", type=Path, help="write the logs into this folder and keep them")
    args = parser.parse_args()
    counts = args.lines or [1_000_000, 2_000_000]
    folder = args.keep or Path(tempfile.mkdtemp(prefix="zq-stats-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"{'lines':>10} {'MB':>7} {'wall s':>7} {'CPU s':>7} {'lines/CPU s':>12} {'peak RSS MB':>12}")
    tiny = folder / "access-1.log"
    write_log(tiny, 1, False)
    elapsed, cpu, peak = run(tiny)
    print(f"{1:>10} {tiny.stat().st_size / 1e6:>7.1f} {elapsed:>7.2f} {cpu:>7.2f} {'-':>12} {peak / 1024:>12.1f}   (start-up: interpreter, click, zhanqun)")
    tiny.unlink()
    for count in counts:
        log = folder / (f"access-{count}.log" + (".gz" if args.gzip else ""))
        if not log.exists():
            write_log(log, count, args.gzip)
        elapsed, cpu, peak = run(log)
        print(f"{count:>10} {log.stat().st_size / 1e6:>7.1f} {elapsed:>7.2f} {cpu:>7.2f} {count / cpu:>12.0f} {peak / 1024:>12.1f}")
        if not args.keep:
            log.unlink()
    if not args.keep:
        folder.rmdir()


if __name__ == "__main__":
    main()
