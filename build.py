#!/usr/bin/env python3
"""zhanqun command line: parses arguments, then calls the engine in ``zhanqun/``.

Exit status: 0 success, 1 content or check errors (all listed), 2 usage errors.
"""

from __future__ import annotations

import _signal  # the interpreter's own module: loaded at once, unlike ``signal``
import sys


def _stop_quietly(signum: int, frame: object) -> None:
    """Ctrl-C or SIGTERM before a command has its own handling (while modules load): stop, no traceback.

    Caught inside the import system's module-lock callback (a weakref callback), a ``SystemExit``
    would be printed as "Exception ignored" and the command would go on: there, while a module
    loads and nothing needs cleaning up, the process ends at once."""
    code = getattr(frame, "f_code", None)
    if code is not None and code.co_name == "cb" and code.co_filename.startswith("<frozen importlib"):
        import os

        os._exit(128 + signum)
    sys.exit(128 + signum)


# first of all: a signal while the modules below load would otherwise print a traceback
_signal.signal(_signal.SIGINT, _stop_quietly)
_signal.signal(_signal.SIGTERM, _stop_quietly)

import json  # noqa: E402
import time  # noqa: E402
from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING  # noqa: E402

import click  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))

from zhanqun import pipeline  # noqa: E402
from zhanqun.commands.listing import list_columns, list_sites, site_ids_given  # noqa: E402
from zhanqun.commands.new_item import NewItemError, create_item  # noqa: E402
from zhanqun.content.metadata import fixed_value  # noqa: E402
from zhanqun.commands.cli_language import LANG_OPTION, TranslatedGroup  # noqa: E402
from zhanqun.errors import Problems, describe_os_error, format_json, format_text  # noqa: E402
from zhanqun.paths import UnsafePath  # noqa: E402
from zhanqun.i18n import N_, _, current_language  # noqa: E402
from zhanqun.commands.terminal import pad, printable  # noqa: E402
from zhanqun.commands.process_exit import KEPT, exit_now  # noqa: E402
from zhanqun.progress import make_progress  # noqa: E402

if TYPE_CHECKING:
    from zhanqun.commands.audit import Finding

DEFAULT_ROOT = Path(__file__).resolve().parent


class Settings:
    def __init__(self, root: Path, verbose: int, fmt: str, kept: list[object] | None = None):
        self.root = root
        self.verbose = verbose
        self.format = fmt
        self.kept = kept  # main(): the process ends after the command (process_exit.KEPT); None in the tests' runner


def _report(settings: Settings, problems: Problems, summary: str | None) -> None:
    items = problems.sorted()
    if settings.format == "json":
        click.echo(format_json(items))
        if summary:
            click.echo(summary, err=True)
        return
    if items:
        click.echo(format_text(items), err=True)
    if summary:
        click.echo(summary, err=True)


def _finish(settings: Settings, report: pipeline.BuildReport, done: str, wrote: bool = False) -> None:
    """Print the problems and the summary; exit 0, or 1 on errors (``wrote``: the command writes output)."""
    errors, warnings = len(report.problems.errors), len(report.problems.warnings)
    notes = "".join(note + "\n" for note in report.notes)  # the link report: pages, links checked, broken
    if report.ok:
        tail = _(" ({warnings} warning(s))").format(warnings=warnings) if warnings else ""
        _report(settings, report.problems, notes + done + tail)
        sys.exit(0)
    failed = _("failed: {errors} error(s), {warnings} warning(s)").format(errors=errors, warnings=warnings)
    if wrote:
        failed += _("; nothing was written")
    _report(settings, report.problems, notes + failed)
    sys.exit(1)


def _version() -> str:
    """zhanqun's version, and the Pelican and Python it runs on (for bug reports)."""
    from importlib.metadata import PackageNotFoundError, version

    def of(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    return f"zhanqun {of('zhanqun')} (Pelican {of('pelican')}, Python {sys.version.split()[0]})"


def _format_after_command(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    """``--format json`` after the command too: it overrides the one given before it."""
    settings = ctx.find_object(Settings)
    if value and settings is not None:
        settings.format = value


def _verbose_after_command(ctx: click.Context, _param: click.Parameter, value: int) -> None:
    settings = ctx.find_object(Settings)
    if value and settings is not None:
        settings.verbose += value


class Day(click.ParamType):
    """A day as YYYY-MM-DD; another spelling (2026年12月1日, 2026/12/1) is refused with the one to write."""

    name = "YYYY-MM-DD"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        text = str(value).strip()
        try:
            if len(text) != 10:  # fromisoformat also takes 20261201 and 2026-W49-2
                raise ValueError(text)
            return date.fromisoformat(text)
        except ValueError:
            fixed = fixed_value("Written", text)
            hint = _("write {fixed!r}").format(fixed=fixed) if fixed != text else _("write a day such as '2026-03-01'")
            self.fail(_("{text!r} is not a day as YYYY-MM-DD; {hint}").format(text=text, hint=hint), param, ctx)


DAY = Day()

#: ``-v`` after the command, as before it.
VERBOSE_OPTION = click.option("-v", "--verbose", count=True, expose_value=False, callback=_verbose_after_command, help=N_("Show progress and timings; also before the command."))

#: ``--format`` as an option of each command, so ``build.py check --format json`` works.
FORMAT_OPTION = click.option(
    "--format", type=click.Choice(["text", "json"]), default=None, expose_value=False,
    callback=_format_after_command, help=N_("How to print errors (json: for CI annotations); also before the command."),
)


@click.group(cls=TranslatedGroup, context_settings={"help_option_names": ["-h", "--help"]}, help=N_("zhanqun 站群: build the Hinggan League government website cluster."))
@click.version_option(version=_version(), message="%(version)s", help=N_("Show the version and exit."))
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), metavar=N_("DIR"), default=DEFAULT_ROOT, show_default=N_("the folder of build.py"), help=N_("Repository to build."))
@click.option("-v", "--verbose", count=True, help=N_("Show progress and timings, also outside a terminal."))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", help=N_("How to print errors (json: for CI annotations)."))
@LANG_OPTION
@click.pass_context
def cli(ctx: click.Context, root: Path, verbose: int, fmt: str) -> None:
    if not (root / "sites").is_dir():
        raise click.UsageError(_("{root} has no sites/ folder; is --root a zhanqun repository?").format(root=root))
    ctx.obj = Settings(root.resolve(), verbose, fmt, ctx.obj if isinstance(ctx.obj, list) else None)


TODAY_OPTION = click.option(
    "--today",
    type=DAY,
    default=None,
    help=N_("The date letters' reply deadlines are counted to (default: SOURCE_DATE_EPOCH, else today)."),
)


def _today(value: object) -> date | None:
    return value if isinstance(value, date) else None


def _run(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    try:
        return fn(*args, **kwargs)
    except pipeline.UsageError as exc:
        raise click.UsageError(str(exc)) from None


def _echo_timings(timings: dict[str, float]) -> None:
    """``-v``: the seconds of each stage that ran (none when the command stopped before the first)."""
    if timings:
        click.echo(_("timings: {timings}").format(timings=", ".join(f"{k} {v:.2f}s" for k, v in timings.items())), err=True)


@cli.command(help=N_("Build the named sites (default all) for a target."))
@click.option("--site", "sites", multiple=True, metavar=N_("SITE"), help=N_("Site to build: its id or Chinese name (repeatable; default all)."))
@click.option("--target", type=click.Choice(["preview", "production", "intranet"]), default="preview", show_default=True, help=N_("Which edition to build: preview (local), production (the internet), intranet."))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), metavar=N_("DIR"), help=N_("Write each site to DIR/<id>/ instead of output/<target>/."))
@click.option("--jobs", type=click.IntRange(min=1), metavar=N_("N"), default=None, help=N_("Sites rendered at once (default: CPU count)."))
@click.option("--base-url", metavar=N_("URL"), default=None, help=N_("Preview only: the scheme and host feeds, sitemaps and robots.txt name (default http://localhost:8000)."))
@click.option("--no-cache", is_flag=True, help=N_("Render every named site, and neither read nor write any of zhanqun's caches (.zhanqun-cache/: rendered text, read items, links found in pages, files that passed the leak gate, records of files and of the last build); no page is taken from the last build."))
@click.option("--shard", metavar="I/N", default=None, help=N_("Build only share I of N of the sites: a fixed, size-balanced split for a CI matrix."))
@TODAY_OPTION
@FORMAT_OPTION
@LANG_OPTION
@VERBOSE_OPTION
@click.pass_obj
def build(settings: Settings, sites: tuple[str, ...], target: str, out: Path | None, jobs: int | None, base_url: str | None, no_cache: bool, shard: str | None, today: object) -> None:
    options = pipeline.BuildOptions(settings.root, target, list(sites), out.resolve() if out else None, jobs or 0, _today(today), base_url, cache=not no_cache, shard=shard)
    with make_progress(settings.verbose) as progress:
        report = _run(pipeline.build, options, progress, kept=settings.kept)  # freed by the process's end (process_exit.py)
    if settings.verbose:
        _echo_timings(report.timings)
        if "staged" in report.counts:  # the build got as far as staging
            click.echo(_("done anew: {read} of {files} content files read, links of {resolved} items resolved, {staged} staged files made, {reused} item pages taken over").format(**report.counts), err=True)
    if report.nothing_changed:
        done = _("nothing to build: {sites} site(s) as they were, target {target}: {output}").format(sites=len(report.site_ids), target=target, output=report.output)
    elif report.unchanged:
        rendered = len(report.site_ids) - len(report.unchanged)
        done = _("built {sites} site(s), {pages} pages ({unchanged} more unchanged), target {target}: {output}").format(
            sites=rendered, pages=report.pages, unchanged=len(report.unchanged), target=target, output=report.output
        )
    else:
        done = _("built {sites} site(s), {pages} pages, target {target}: {output}").format(sites=len(report.site_ids), pages=report.pages, target=target, output=report.output)
    _finish(settings, report, done, wrote=True)


@cli.command(help=N_("Validate site files, content and links without writing the output."))
@click.option("--site", "sites", multiple=True, metavar=N_("SITE"), help=N_("Site to check: its id or Chinese name (repeatable; default all)."))
@click.option("--external", is_flag=True, help=N_("Also try the links that leave the cluster, in the pages of the last build (network; short timeouts)."))
@click.option("--target", type=click.Choice(["preview", "production", "intranet"]), default="preview", show_default=True, help=N_("Whose build --out and --external read."))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), metavar=N_("DIR"), help=N_("Check the built sites in DIR (e.g. the shards' outputs copied together): each site there and intact, every link against the real files; --external reads DIR instead of output/<target>/."))
@click.option("--shard", metavar="I/N", default=None, help=N_("Check only share I of N of the sites (the split of build --shard), to spread the check of a big cluster over runners."))
@TODAY_OPTION
@FORMAT_OPTION
@LANG_OPTION
@VERBOSE_OPTION
@click.pass_obj
def check(settings: Settings, sites: tuple[str, ...], external: bool, target: str, out: Path | None, shard: str | None, today: object) -> None:
    options = pipeline.BuildOptions(settings.root, target, list(sites), out.resolve() if out else None, today=_today(today), shard=shard)
    report = _run(pipeline.check, options, None, external)
    if settings.verbose:
        _echo_timings(report.timings)
    if out:
        done = _("checked the output of {sites} site(s) in {out}: no errors").format(sites=len(report.site_ids), out=out)
    else:
        done = _("checked {sites} site(s): no errors").format(sites=len(report.site_ids))
    _finish(settings, report, done)


@cli.command("sites", help=N_("List the sites: id, kind, pages, address, name."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print JSON."))
@click.option("--target", type=click.Choice(["preview", "production", "intranet"]), default="production", show_default=True, help=N_("Whose addresses to list."))
@FORMAT_OPTION
@LANG_OPTION
@VERBOSE_OPTION
@click.pass_obj
def sites_command(settings: Settings, as_json: bool, target: str) -> None:
    problems = Problems()
    rows = _run(list_sites, settings.root, target, problems)
    if problems.has_errors():
        _report(settings, problems, _("failed: {errors} error(s)").format(errors=len(problems.errors)))
        sys.exit(1)
    if as_json or settings.format == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(f"{row['id']:<10} {row['kind']:<10} {row['pages']:>5}  {row['url']:<34} {row['name']}")


@cli.command("columns", help=N_("List the columns of SITE: id, type, items, name (what `new` takes)."))
@click.argument("site", metavar=N_("SITE"))
@FORMAT_OPTION
@LANG_OPTION
@VERBOSE_OPTION
@click.pass_obj
def columns_command(settings: Settings, site: str) -> None:
    problems = Problems()
    rows = _run(list_columns, settings.root, site, problems)
    if problems.has_errors():
        _report(settings, problems, _("failed: {errors} error(s)").format(errors=len(problems.errors)))
        sys.exit(1)
    if settings.format == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        items = "" if row["type"] == "link" else _("{count:>4} items").format(count=row["items"])
        click.echo(f"{row['id']:<10} {row['type']:<10} {items:>7}  {row['name']}")


#: how the Chinese text of ``audit`` labels the values of an involved item (the HTML report's labels, and these)
AUDIT_ITEM_LABELS = {"line": "行", "validity": "有效性", "problem": "问题"}


def _audit_finding_text(finding: Finding, chinese: bool) -> str:
    """One finding of ``audit`` as the terminal shows it: status, check, value / limit, rule, then
    what it was measured on and the items involved (the first five). Every value is shown
    :func:`printable`: a page title or a link report's ``href`` is anyone's text.

    In English the check and status stay the ASCII names (``fail  home-updated``) CI greps for; in
    Chinese they are the HTML report's words (不合格 首页更新) and the item values are labelled.
    """
    from zhanqun.commands.audit_report import CHECK_NAMES, STATUS_NAMES

    measured = "—" if finding.value is None else str(finding.value)
    limit = f" / {finding.limit}" if finding.limit is not None else ""
    shown = [_audit_item_text(item, chinese) for item in finding.items[:5]]
    involved = ("；" if chinese else "; ").join(shown)
    if len(finding.items) > 5:
        involved += _("; … and {count} more (--format json lists them all)").format(count=len(finding.items) - 5)
    basis = f"\n        {printable(finding.basis)}" if finding.basis else ""
    if chinese:
        status, check = pad(STATUS_NAMES.get(finding.status, finding.status), 6), pad(CHECK_NAMES.get(finding.check, finding.check), 16)
    else:
        status, check = f"{finding.status:<4}", f"{finding.check:<27}"
    line = f"  {status}  {check} {printable(measured + limit):<14} {printable(_(finding.rule))}"
    return line + basis + (f"\n        {involved}" if involved else "")


def _audit_item_text(item: dict[str, str | int], chinese: bool) -> str:
    """An involved item: its values (English, as before), or labelled (栏目：政府文件（zfwj），已 255 天，限 183 天)."""
    if not chinese:
        return " ".join(printable(v) for v in item.values())
    from zhanqun.commands.audit_report import ITEM_FIELDS

    parts = []
    if "name" in item and "column" in item:
        parts.append(f"栏目：{printable(item['name'])}（{printable(item['column'])}）")
    for key in [k for k in ITEM_FIELDS if k in item] + sorted(k for k in item if k not in ITEM_FIELDS):
        value = item[key]
        if value in ("", None) or (key in ("name", "column") and "name" in item and "column" in item):
            continue
        if key == "days":
            parts.append(f"已 {printable(value)} 天")
        elif key == "limit":
            parts.append(f"限 {printable(value)} 天")
        else:
            parts.append(f"{ITEM_FIELDS.get(key) or AUDIT_ITEM_LABELS.get(key, key)}：{printable(value)}")
    return "，".join(parts)


@cli.command("audit", help=N_("Measure each site against the national inspection's rules; exit 1 when a single-veto item fails."))
@click.option("--site", "sites", multiple=True, metavar=N_("SITE"), help=N_("Site to audit: its id or Chinese name (repeatable; default all)."))
@click.option("--html/--no-html", default=True, show_default=True, help=N_("Also write the HTML report with plots to output/audit/ (for the webmaster; never into a site's folder)."))
@TODAY_OPTION
@FORMAT_OPTION
@LANG_OPTION
@VERBOSE_OPTION
@click.pass_obj
def audit_command(settings: Settings, sites: tuple[str, ...], html: bool, today: object) -> None:
    from zhanqun.commands.audit import run_audit, vetoed
    from zhanqun.commands.audit_report import CHECK_NAMES

    problems = Problems()
    report_problems = Problems()  # the HTML report's own (a folder it may not replace, a full disk)
    written: list[Path] = []
    labels: dict[str, str] = {}  # site id → its Chinese (short) name, for the Chinese text

    def after_audit(context: pipeline.BuildContext, findings: list[Finding]) -> None:
        labels.update((site.id, site.label) for site in context.cluster.sites)
        if not html:
            return
        from zhanqun.commands.audit_report import write_report

        index = write_report(context, findings, report_problems)
        if index is not None:
            written.append(index)

    findings = _run(run_audit, pipeline.BuildOptions(settings.root, "production", list(sites), today=_today(today)), problems, after_audit)
    if problems.has_errors():
        _report(settings, problems, _("failed: {errors} error(s); fix them, then audit").format(errors=len(problems.errors)))
        sys.exit(1)
    failed = vetoed(findings)
    chinese = current_language() != "en"
    if settings.format == "json":
        click.echo(json.dumps([f.as_json() for f in findings], ensure_ascii=False, indent=2))
    else:
        site = None
        for finding in findings:
            if finding.site != site:
                site = finding.site
                click.echo(printable(f"{labels.get(site, site)}（{site}）" if chinese else site))
            click.echo(_audit_finding_text(finding, chinese))
    counts = {status: sum(1 for f in findings if f.status == status) for status in ("fail", "warn")}
    summary = _("audit: {sites} site(s), {fail} fail, {warn} warn").format(sites=len({f.site for f in findings}), fail=counts["fail"], warn=counts["warn"])
    if failed:
        vetoes = (f"{labels.get(f.site, f.site)} {CHECK_NAMES.get(f.check, f.check)}" if chinese else f"{f.site} {f.check}" for f in failed)
        summary += _("; single veto (单项否决) failed: ") + ", ".join(printable(veto) for veto in vetoes)
    if written:
        click.echo(_("wrote the HTML report: {path}").format(path=written[0].relative_to(settings.root).as_posix()), err=True)
    if report_problems.has_errors():
        click.echo(format_text(report_problems.sorted()), err=True)
    click.echo(summary, err=True)
    sys.exit(1 if failed or report_problems.has_errors() else 0)


@cli.command("stats", help=N_("Visit figures per site and day from web-server access logs (plain or .gz): page views, visitors, top pages and searches, 404s."))
@click.argument("logs", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar=N_("LOGS..."))
@click.option("--site", default=None, metavar=N_("SITE"), help=N_("The site of logs in the combined format (no host in them); counts only this site."))
@click.option("--target", type=click.Choice(["preview", "production", "intranet"]), default="production", show_default=True, help=N_("Whose addresses map a request's host to its site."))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), metavar=N_("DIR"), default=None, help=N_("Also write an HTML report with a chart of daily views per site into this folder (never a site's output)."))
@click.option("--top", type=click.IntRange(min=1), metavar=N_("N"), default=10, show_default=True, help=N_("How long the lists of top pages, searches and 404s are."))
@FORMAT_OPTION
@LANG_OPTION
@VERBOSE_OPTION
@click.pass_obj
def stats_command(settings: Settings, logs: tuple[Path, ...], site: str | None, target: str, out: Path | None, top: int) -> None:
    from zhanqun.commands.stats import StatsOptions, file_notes, format_text, run_stats, summary, write_html

    problems = Problems()
    started = time.perf_counter()
    if site is not None:
        site = _run(site_ids_given, settings.root, [site])[0]  # tuquan, or 突泉县
    report = _run(run_stats, StatsOptions(settings.root, list(logs), site, target, out), problems)
    if settings.verbose and report is not None:
        seconds = max(time.perf_counter() - started, 1e-6)
        click.echo(_("stats: read {lines} line(s) in {seconds:.1f} s ({rate:.0f} lines/s)").format(lines=report.lines, seconds=seconds, rate=report.lines / seconds), err=True)
    if report is None:
        _report(settings, problems, _("failed: {errors} error(s); fix the site files, then run stats").format(errors=len(problems.errors)))
        sys.exit(1)
    if settings.format == "json":
        click.echo(json.dumps(report.as_json(top), ensure_ascii=False, indent=2))
    else:
        text = format_text(report, top)
        if text:
            click.echo(text)
    for note in file_notes(report):
        click.echo(note, err=True)
    if report.nothing_read:
        click.echo(_("stats: not one line of these logs could be read as a request"), err=True)
        sys.exit(1)
    if out is not None:
        try:
            written = write_html(report, out, top)
        except (OSError, UnsafePath) as exc:
            reason = describe_os_error(exc) if isinstance(exc, OSError) else str(exc)
            click.echo(_("stats: could not write the HTML report: {reason}").format(reason=reason), err=True)
            sys.exit(1)
        click.echo(_("wrote {path}").format(path=written), err=True)
    click.echo(summary(report), err=True)


@cli.command("new", help=N_("Write a new Markdown file with the metadata COLUMN needs; print its path."))
@click.argument("site", metavar=N_("SITE"))
@click.argument("column", metavar=N_("COLUMN"))
@click.argument("title", metavar=N_("TITLE"))
@click.option("--date", "day", type=DAY, default=None, help=N_("Date of the item (default: SOURCE_DATE_EPOCH, else today)."))
@FORMAT_OPTION
@LANG_OPTION
@VERBOSE_OPTION
@click.pass_obj
def new_command(settings: Settings, site: str, column: str, title: str, day: object) -> None:
    problems = Problems()
    today = _today(day) or pipeline.BuildOptions(settings.root).resolved_today()
    site = _run(site_ids_given, settings.root, [site])[0]  # tuquan, or 突泉县 (突泉: did you mean 突泉县?)
    try:
        item = create_item(settings.root, site, column, title, today, problems)
    except NewItemError as exc:
        raise click.UsageError(str(exc)) from None
    if item is None:
        _report(settings, problems, _("failed: {errors} error(s)").format(errors=len(problems.errors)))
        sys.exit(1)
    click.echo(item.rel)
    for note in item.notes:
        click.echo(f"  {note}", err=True)


@cli.command(help=N_("Screenshot each page type of each site at 1280 and 390 px into output/shots/."))
@click.option("--site", "sites", multiple=True, metavar=N_("SITE"), help=N_("Site to shoot: its id or Chinese name (repeatable; default all)."))
@click.option("--target", type=click.Choice(["preview"]), default="preview", show_default=True, help=N_("Screenshots are of the preview build."))
@click.option("--no-build", is_flag=True, help=N_("Use the existing output instead of building first."))
@FORMAT_OPTION
@LANG_OPTION
@VERBOSE_OPTION
@click.pass_obj
def shots(settings: Settings, sites: tuple[str, ...], target: str, no_build: bool) -> None:
    from zhanqun.commands.shots import shoot

    echo = (lambda path: click.echo(path.relative_to(settings.root), err=True)) if settings.verbose else (lambda path: None)
    named = _run(site_ids_given, settings.root, sites)  # ids or Chinese names, also with --no-build
    report = _run(shoot, pipeline.BuildOptions(settings.root, target, named), not no_build, echo)
    if report.problems.has_errors():
        _report(settings, report.problems, _("failed: {errors} error(s); no screenshots written").format(errors=len(report.problems.errors)))
        sys.exit(1)
    _report(settings, report.problems, _("wrote {count} screenshot(s) to {folder}").format(count=len(report.written), folder=report.shots))



def _hosting(fn, *args):  # type: ignore[no-untyped-def]
    """Run a hosting command; its refusals are one message and exit 1 (usage errors exit 2)."""
    from zhanqun.publish.output import Interrupted
    from zhanqun.publish.releases import ReleaseError

    try:
        return _run(fn, *args)
    except ReleaseError as exc:
        for line in str(exc).splitlines():
            click.echo(printable(line), err=True)
    except Interrupted as exc:
        click.echo(_("interrupted by {signal}; every site serves what it served before").format(signal=exc.signal_name), err=True)
    except (OSError, UnsafePath) as exc:
        reason = describe_os_error(exc) if isinstance(exc, OSError) else str(exc)
        click.echo(_("{reason}; nothing was switched, every site serves what it served before").format(reason=reason), err=True)
    sys.exit(1)


TO_FOLDER = click.option("--to", "to", required=True, type=click.Path(file_okay=False, path_type=Path), metavar=N_("DEST"), help=N_("The folder the sites are deployed in: DEST/<id>/current."))


@cli.command(help=N_("Publish each built site of a target to DEST/<id>/ as a new release, switched atomically."))
@click.option("--target", type=click.Choice(["preview", "production", "intranet"]), default="production", show_default=True, help=N_("Which build to deploy."))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), metavar=N_("DIR"), help=N_("The build's output folder (default output/<target>/)."))
@click.option("--to", "to", required=True, metavar=N_("DEST"), help=N_("A folder (DEST/<id>/current → releases/<release>) or s3://BUCKET/PREFIX."))
@click.option("--keep", type=click.IntRange(min=1), default=5, show_default=True, metavar=N_("N"), help=N_("Releases kept per site."))
@click.option("--site", "sites", multiple=True, metavar=N_("SITE"), help=N_("Site to deploy: its id or Chinese name (repeatable; default all)."))
@click.option("--dry-run", is_flag=True, help=N_("s3:// only: print what would be uploaded and deleted, change nothing."))
@click.option("--max-deletes", type=click.IntRange(min=0), default=256, show_default=True, metavar=N_("N"), help=N_("s3:// only: refuse a deploy that would delete more objects than this."))
@click.option("--allow-many-deletes", is_flag=True, help=N_("s3:// only: the deletions beyond --max-deletes are meant."))
@click.option("--intranet-bucket", is_flag=True, help=N_("s3:// only: the bucket is served inside the intranet only; without it --target intranet is refused for a bucket (the intranet build holds internal content)."))
@FORMAT_OPTION
@LANG_OPTION
@VERBOSE_OPTION
@click.pass_obj
def deploy(settings: Settings, target: str, out: Path | None, to: str, keep: int, sites: tuple[str, ...], dry_run: bool, max_deletes: int, allow_many_deletes: bool, intranet_bucket: bool) -> None:
    from zhanqun.commands.hosting import run_deploy
    from zhanqun.publish.deploy import BucketOptions

    bucket = BucketOptions(max_deletes, allow_many_deletes, dry_run, say=lambda line: click.echo(printable(line)), intranet_bucket=intranet_bucket)
    report = _hosting(run_deploy, settings.root, target, out.resolve() if out else None, to, keep, list(sites), bucket)
    for line in report.lines():
        click.echo(line)


@cli.command(help=N_("Switch each site in DEST back to its previous release."))
@TO_FOLDER
@click.option("--site", "sites", multiple=True, metavar=N_("SITE"), help=N_("Site to roll back: its id or Chinese name (repeatable; default all in DEST)."))
@FORMAT_OPTION
@LANG_OPTION
@VERBOSE_OPTION
@click.pass_obj
def rollback(settings: Settings, to: Path, sites: tuple[str, ...]) -> None:
    from zhanqun.commands.hosting import run_rollback

    done = _hosting(run_rollback, settings.root, to, list(sites))
    for item in done:
        click.echo(item.line())
    click.echo(_("rolled back {count} site(s)").format(count=len(done)))


@cli.command(help=N_("Write a new signing key pair for bundles: KEY (secret, mode 0600) and KEY.pub."))
@click.option("--out", "key", required=True, type=click.Path(dir_okay=False, path_type=Path), metavar=N_("KEY"), help=N_("The secret key file; the public key goes to KEY.pub. Never overwritten."))
@LANG_OPTION
@VERBOSE_OPTION
@click.pass_obj
def keygen(settings: Settings, key: Path) -> None:
    from zhanqun.commands.hosting import run_keygen

    click.echo(_("wrote {key} (secret: keep it on the build machine) and {key}.pub (copy it into the intranet); key {id}").format(key=key, id=_hosting(run_keygen, settings.root, key)))


@cli.command(help=N_("Write the built sites of a target into one signed file, to carry into the intranet through a gateway."))
@click.option("--target", type=click.Choice(["preview", "production", "intranet"]), default="intranet", show_default=True, help=N_("Which build to bundle."))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), metavar=N_("DIR"), help=N_("The build's output folder (default output/<target>/)."))
@click.option("--key", required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path), metavar=N_("KEY"), help=N_("The secret key keygen wrote."))
@click.option("--to", "to", required=True, type=click.Path(dir_okay=False, path_type=Path), metavar=N_("BUNDLE"), help=N_("The bundle: a .tar, .tar.gz or .tgz file."))
@click.option("--sequence", type=click.IntRange(min=1), default=None, metavar=N_("N"), help=N_("The bundle's sequence number (default: one more than the last issued with KEY)."))
@click.option("--since", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None, metavar=N_("BUNDLE"), help=N_("An earlier bundle: leave out the files it holds unchanged (a delta bundle)."))
@LANG_OPTION
@VERBOSE_OPTION
@click.pass_obj
def bundle(settings: Settings, target: str, out: Path | None, key: Path, to: Path, sequence: int | None, since: Path | None) -> None:
    from zhanqun.commands.hosting import run_bundle

    made, written = _hosting(run_bundle, settings.root, target, out.resolve() if out else None, key, to, sequence, since, lambda line: click.echo(printable(line), err=True))
    click.echo(_("wrote {file}: {bundle}, {sites} site(s), {files} files").format(file=to, bundle=made.describe(), sites=len(made.sites), files=written))


@cli.command(help=N_("Verify a bundle against the trusted public key and install its sites into DEST like deploy."))
@click.argument("bundle_file", metavar=N_("BUNDLE"), type=click.Path(dir_okay=False, exists=True, path_type=Path))
@TO_FOLDER
@click.option("--trust", required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path), metavar=N_("KEY.pub"), help=N_("The public key bundles must be signed with."))
@click.option("--keep", type=click.IntRange(min=1), default=5, show_default=True, metavar=N_("N"), help=N_("Releases kept per site."))
@LANG_OPTION
@VERBOSE_OPTION
@click.pass_obj
def apply(settings: Settings, bundle_file: Path, to: Path, trust: Path, keep: int) -> None:
    from zhanqun.commands.hosting import run_apply

    made, report = _hosting(run_apply, settings.root, bundle_file, to, trust, keep)
    click.echo(_("verified {bundle}").format(bundle=made.describe()))
    for line in report.lines():
        click.echo(line)

@cli.command(help=N_("Build the preview, serve it on this computer, rebuild on every change and reload open pages."))
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, metavar=N_("PORT"), help=N_("The port on 127.0.0.1 (0: any free one)."))
@click.option("--site", "sites", multiple=True, metavar=N_("SITE"), help=N_("Site to build: its id or Chinese name (repeatable; default all)."))
@FORMAT_OPTION
@LANG_OPTION
@VERBOSE_OPTION
@click.pass_obj
def serve(settings: Settings, port: int, sites: tuple[str, ...]) -> None:
    from zhanqun.commands.serve import Serve, ServeOptions

    session = _run(Serve, ServeOptions(settings.root, port, list(sites), settings.verbose), lambda text: click.echo(text, err=True))
    sys.exit(_run(session.run))


@cli.command("nginx-conf", help=N_("Print the nginx configuration (server blocks for inside http {}) that serves a target's sites from a deploy folder."))
@click.option("--target", type=click.Choice(["production", "intranet"]), default="production", show_default=True, help=N_("Whose hosts to serve."))
@click.option("--docroot", type=click.Path(file_okay=False, path_type=Path), required=True, metavar=N_("DEST"), help=N_("The folder deploy writes to (DEST/<id>/current)."))
@click.option("--listen", default="80", show_default=True, metavar=N_("ADDR:PORT"), help=N_("What every server block listens on."))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None, metavar=N_("DIR"), help=N_("Write zhanqun-sites.conf and the security-header snippet into DIR instead of printing."))
@click.option("--access-log", default=None, metavar=N_("LOG"), help=N_("The access log, in the format stats reads (default: zhanqun.log in /var/log/nginx/)."))
@FORMAT_OPTION
@LANG_OPTION
@VERBOSE_OPTION
@click.pass_obj
def nginx_conf_command(settings: Settings, target: str, docroot: Path, listen: str, out: Path | None, access_log: str | None) -> None:
    from zhanqun.commands.nginx_conf import DEFAULT_ACCESS_LOG, nginx_conf, write_conf

    problems = Problems()
    conf = _run(nginx_conf, settings.root, target, docroot, listen, problems, out.absolute() if out else None, access_log or DEFAULT_ACCESS_LOG)
    if conf is None:
        _report(settings, problems, _("failed: {errors} error(s)").format(errors=len(problems.errors)))
        sys.exit(1)
    if out is None:
        click.echo(conf.sites, nl=False)
        return
    try:
        written = write_conf(conf, out.absolute())
    except (OSError, UnsafePath) as exc:
        raise click.UsageError(_("--out {out}: {reason}").format(out=out, reason=describe_os_error(exc) if isinstance(exc, OSError) else exc)) from None
    for path in written:
        click.echo(_("wrote {path}").format(path=path), err=True)


def main() -> None:
    # no auto_envvar_prefix: it would let any ZHANQUN_<COMMAND>_<OPTION> variable set an option
    # unseen (ZHANQUN_BUILD_TARGET=intranet builds the internal edition); the language is read
    # from ZHANQUN_LANG by zhanqun.i18n, leniently, and no other option comes from the environment
    try:
        cli(prog_name="build.py", obj=KEPT)  # this process ends after the command: a build leaves its memory to that end
    except SystemExit as stop:
        exit_now(stop.code)
    exit_now(0)


if __name__ == "__main__":
    main()
