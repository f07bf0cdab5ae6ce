"""Stage 5: one Pelican run per site, each in its own fresh process.

Pelican keeps module-global state — blinker signals that plugins connect and never disconnect,
a class-level log filter that hides site B's warnings once site A logged them, memoised caches,
``locale`` — so two sites in one process leak into each other. A fresh process per site (one task
per child, forked from a fork server that has only imported Pelican, or spawned where there is no
fork server) gives each site a clean Pelican. Everything Pelican logs at WARNING or above
becomes a located :class:`Problem`: Pelican logs "Skipping …" and carries on where we must fail.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import multiprocessing
import os
import re
import signal
import sys
import time
import traceback
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Protocol

from jinja2 import TemplateError, TemplateNotFound, TemplateSyntaxError

from .. import gc_pause, i18n
from ..errors import Problem, Problems, describe_os_error
from ..i18n import _
from .page_reuse import PageReuse, PreviousPages
from .stage import StagedSite, write_staged
from .template_warmup import FOLDER_VARIABLE, PrecompiledTemplates


class SiteStep(Protocol):
    """Work on one rendered site that runs in its rendering process, right after Pelican: the
    site's other pages and files (alias pages, the search bundle), made while the other worker
    renders another site, instead of one after another once every site is rendered. Picklable
    (it travels with the job); it writes only into ``site_folder`` and reports into ``problems``."""

    name: str

    def run(self, site_folder: Path, problems: Problems) -> None: ...


@dataclass
class RenderJob:
    site: str
    settings: dict[str, Any]
    sources: dict[str, str]  # staged relative path → repository source path
    staged_folder: str
    size: int = 0  # the staged items' bytes: how long the site takes to render, roughly
    page_base: str = ""  # the key every item page of the site shares (page_reuse.base_key)
    previous: PreviousPages | None = None  # the current output's item pages that may be reused
    after: list[SiteStep] = field(default_factory=list)  # run in order once Pelican has written the site
    staged: StagedSite | None = None  # its attachments linked into ``staged_folder`` by the rendering process; its items handed to Pelican in memory


@dataclass
class RenderResult:
    site: str
    problems: list[Problem] = field(default_factory=list)
    pages: int = 0
    seconds: float = 0.0
    reused: int = 0  # item pages taken from the previous output (page_reuse.py)
    timings: dict[str, float] = field(default_factory=dict)  # seconds: staged files written, Pelican, then each step after it, by name


class _Capture(logging.Handler):
    """Collects Pelican's warnings and errors as records, to be located afterwards."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _locate(message: str, job: RenderJob) -> tuple[str, str]:
    """Map a Pelican message that names a staged file back to the author's source file."""
    message = message.replace(job.staged_folder.rstrip("/") + "/", "")
    for staged in sorted(job.sources, key=len, reverse=True):
        if staged in message:
            return job.sources[staged], message.replace(staged, job.sources[staged])
    return f"site:{job.site}", message


def render_site(job: RenderJob) -> RenderResult:
    """Run Pelican for one site (in a child process); never raises."""
    started = time.perf_counter()
    result = RenderResult(job.site)
    capture = _Capture()
    root_logger = logging.getLogger()
    root_logger.addHandler(capture)
    root_logger.setLevel(logging.WARNING)
    try:
        from pelican import Pelican
        from pelican.settings import read_settings

        from . import pelican_plugin

        if job.staged is not None:  # its attachments linked; its items handed to Pelican in memory
            write_staged(job.staged, texts=False)
            pelican_plugin.STAGED_TEXTS = {os.path.abspath(os.path.join(job.settings["PATH"], rel)): text for rel, text in job.staged.texts.items()}
        result.timings["staged"] = time.perf_counter() - started
        settings = read_settings(path=None, override=copy.deepcopy(job.settings))
        settings["JINJA_ENVIRONMENT"] = {**settings["JINJA_ENVIRONMENT"], "bytecode_cache": PrecompiledTemplates()}
        reuse = pelican_plugin.PAGE_REUSE = PageReuse(job.page_base, job.previous)
        with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
            Pelican(settings).run()  # its summary line would break the CLI's quiet output
        reuse.save(Path(job.settings["OUTPUT_PATH"]))
        result.timings["pelican"] = time.perf_counter() - started - result.timings["staged"]
        result.reused = reuse.reused
        result.pages = _pages_written(job.settings["OUTPUT_PATH"])  # Pelican's, before alias pages join them
        if not capture.records:  # Pelican warned: the build stops, no use finishing the site
            _run_steps(job, result)
    except (TemplateError, RecursionError) as exc:  # a webmaster's template: name its file and line
        result.problems.append(_template_problem(exc, job))
    except OSError as exc:  # a full disk, a permission: say what could not be written
        result.problems.append(Problem(f"site:{job.site}", None, "write-failed", describe_os_error(exc)))
    except Exception as exc:  # a crash inside Pelican or a plugin: report it, located if we can
        if _template_frame(exc, job):  # {{ 1 / 0 }} in a theme template: the template's line
            result.problems.append(_template_problem(exc, job))
        else:
            path, message = _locate(f"{type(exc).__name__}: {exc}", job)
            detail = traceback.format_exc(limit=-3) if os.environ.get("ZHANQUN_DEBUG") else ""
            result.problems.append(Problem(path, None, "render-failed", message + (("\n" + detail) if detail else "")))
    finally:
        root_logger.removeHandler(capture)
    return _finish(result, capture, job, started)


def _pages_written(output: str) -> int:
    return sum(1 for _folder, _subfolders, files in os.walk(output) for f in files if f.endswith(".html"))


def _run_steps(job: RenderJob, result: RenderResult) -> None:
    """The job's steps after Pelican (:class:`SiteStep`), in order; their problems join the site's."""
    folder = Path(job.settings["OUTPUT_PATH"])
    for step in job.after:
        started = time.perf_counter()
        problems = Problems()
        step.run(folder, problems)
        result.problems.extend(problems)
        result.timings[step.name] = result.timings.get(step.name, 0.0) + time.perf_counter() - started


def _finish(result: RenderResult, capture: _Capture, job: RenderJob, started: float) -> RenderResult:
    """Add Pelican's logged warnings and errors, count the pages written."""
    for record in capture.records:
        try:
            text = record.getMessage()
        except Exception:  # a malformed log call in a plugin
            text = str(record.msg)
        path, message = _locate(text, job)
        result.problems.append(Problem(path, None, f"pelican-{record.levelname.lower()}", _tidy(message)))
    result.seconds = time.perf_counter() - started
    return result


def _template_problem(exc: BaseException, job: RenderJob) -> Problem:
    """A template mistake, at the template's own file and line (``themes/<id>/templates/x.html:3``).

    Jinja rewrites tracebacks so that a template's frames carry its file and line; a syntax
    error carries them itself. An override that extends its own name (``{% extends "base.html" %}``
    in ``themes/<id>/templates/base.html``) recurses until Python gives up: say what to write.
    (``TemplateNotFound`` is also an ``OSError``, hence this handler comes first.)
    """
    root = Path(job.settings["THEME"]).parent.parent
    where = (exc.filename, exc.lineno) if isinstance(exc, TemplateSyntaxError) and exc.filename else _template_frame(exc, job)
    if isinstance(exc, RecursionError):
        overrides = job.settings.get("THEME_TEMPLATES_OVERRIDES") or []
        shown = f"themes/{job.site}/templates/" if not overrides else Path(overrides[0]).relative_to(root).as_posix() + "/"
        return Problem(
            _relative(where[0], root) if where else shown,
            None,
            "template-error",
            _('a template extends itself; an override extends the shared template as {example} (with "!theme/")').format(example='{% extends "!theme/base.html" %}'),
        )
    message = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, TemplateNotFound):
        message = _("no template {name!r} in themes/{site}/templates/ or themes/gov/templates/").format(name=exc.name, site=job.site)
    if where is None:
        return Problem(f"site:{job.site}", None, "template-error", message)
    return Problem(_relative(where[0], root), where[1], "template-error", message)


def _template_frame(exc: BaseException, job: RenderJob) -> tuple[str, int | None] | None:
    """The innermost traceback frame that is a line of a theme template, if any."""
    themes = str(Path(job.settings["THEME"]).parent) + os.sep
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith(themes)]
    return (frames[-1].filename, frames[-1].lineno) if frames else None


def _relative(filename: str, root: Path) -> str:
    try:
        return Path(filename).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return filename


def _tidy(message: str) -> str:
    return re.sub(r"\s+", " ", message).strip()


class RenderPool:
    """Rendering processes that take sites as they come: a site is submitted as soon as it is
    staged and known to need rendering, while this process goes on with the next (a build after
    one edit renders that site while it stages and plans the other sixteen). The processes start
    with the first site; :meth:`results` waits for every site, in the order they finish."""

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)
        self.pool: ProcessPoolExecutor | None = None
        self.pending: dict[Future[RenderResult], RenderJob] = {}

    def submit(self, job: RenderJob) -> None:
        if self.pool is None:
            _fix_hash_seed()
            self.pool = render_pool(self.workers)
        with _signals_blocked():  # children (and the pool's thread that starts later ones) inherit the mask
            self.pending[self.pool.submit(render_site, job)] = job

    def results(self, on_done: Callable[[RenderResult], None] = lambda r: None) -> list[RenderResult]:
        """Every submitted site's result (sorted by site), ``on_done`` called as each finishes."""
        results: list[RenderResult] = []
        try:
            while self.pending:
                done, _pending = wait(self.pending, return_when=FIRST_COMPLETED)
                for future in done:
                    job = self.pending.pop(future)
                    try:
                        result = future.result()
                    except BrokenProcessPool:  # the child was killed (out of memory, a signal)
                        stopped = _("the rendering process stopped unexpectedly (killed, or out of memory)")
                        result = RenderResult(job.site, [Problem(f"site:{job.site}", None, "render-failed", stopped)])
                    results.append(result)
                    on_done(result)
        except BaseException:  # SIGINT/SIGTERM in the parent: stop every child now, not after its site
            self.stop()
            raise
        if self.pool is not None:
            self.pool.shutdown(wait=True)
        return sorted(results, key=lambda r: r.site)

    def stop(self) -> None:
        """Stop every rendering process now and drop what they would have rendered (a build that stops)."""
        if self.pool is not None:
            _stop_workers(self.pool)
        self.pending.clear()


def render_all(
    jobs: Iterable[RenderJob],
    workers: int,
    on_done: Callable[[RenderResult], None] = lambda r: None,
    meanwhile: Callable[[], None] = lambda: None,
) -> list[RenderResult]:
    """Render every job, ``workers`` at a time, each in a fresh process; the longest sites first
    (``RenderJob.size``), so that two workers finish together rather than one waiting for the last
    big site. ``meanwhile`` runs here once they are under way (also when there is nothing to render)."""
    jobs = sorted(jobs, key=lambda job: (-job.size, job.site))
    pool = RenderPool(min(workers, len(jobs)))
    try:
        for job in jobs:
            pool.submit(job)
        meanwhile()
    except BaseException:
        pool.stop()
        raise
    return pool.results(on_done)


#: Signals the parent handles for the whole build (``output.InterruptGuard``).
PARENT_SIGNALS = {signal.SIGINT, signal.SIGTERM}


@contextlib.contextmanager
def _signals_blocked() -> Iterator[None]:
    """Block SIGINT and SIGTERM in this thread while the pool starts its processes.

    A process inherits the signal mask of the thread that starts it, so every rendering process
    is born with these signals blocked — also while its interpreter is still starting, before
    any code of ours runs there — and the pool's own thread, created here, passes the mask on
    to the processes it starts later. A signal that arrives meanwhile waits, and is handled by
    this thread once the mask is restored.
    """
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, PARENT_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


#: What the fork server imports once, so that no rendering process pays for it again: Pelican,
#: its readers, generators and writer, Jinja, Markdown, and our plugin (imported, not registered —
#: Pelican registers plugins when it runs a site, in the child).
PRELOAD = ["zhanqun.render.processes", "pelican", "pelican.readers", "pelican.generators", "pelican.writers", "pelican.settings", "jinja2", "markdown", "feedgenerator", "zhanqun.render.pelican_plugin", "zhanqun.render.template_warmup", "zhanqun.render.server_exit"]


def preload() -> list[str]:
    """:data:`PRELOAD`, and every module of zhanqun and click this process has imported.

    Each rendering process runs the parent's main script again, as ``__mp_main__``, before its
    job (multiprocessing's rule, so that functions defined there can be unpickled): for
    ``build.py`` that is the whole engine, about 0.4 s of imports per site, paid twice per build
    (the pool also starts a process to replace the one that finished). Imported once in the fork
    server, they are found already loaded. (Naming ``__main__`` in the preload would say the same,
    but Python before 3.14 never passes the script's path to the server, so it has no effect.)
    """
    imported = sorted(name for name in list(sys.modules) if name.partition(".")[0] in ("zhanqun", "click"))
    return PRELOAD + [name for name in imported if name not in PRELOAD]


_IMPORTED_BY = os.getpid()


def engine_imported_here() -> bool:
    """Whether this process imported the engine itself; a rendering process should find it
    imported by the fork server (:func:`preload`)."""
    return _IMPORTED_BY == os.getpid()


def _fix_hash_seed() -> None:
    """Children start as (or are forked from) new interpreters: a fixed hash seed makes any set
    iteration inside Pelican or a plugin the same on every run, so the same input gives the same bytes."""
    os.environ.setdefault("PYTHONHASHSEED", "0")


def warm_up(templates: Path | None = None) -> None:
    """Start the fork server now, at the start of a build, so that its imports of Pelican, Jinja
    and Markdown (about a second of CPU) — and, given the shared theme's ``templates`` folder, the
    compiling of its templates (``template_warmup.py``) — run on another core while this process
    reads the content, instead of delaying the first site's render. Idempotent; nothing to do
    without a fork server."""
    if start_method() == "forkserver":
        _start_fork_server(templates)


def _start_fork_server(templates: Path | None = None) -> None:
    """Start the fork server (if it is not running) with :func:`preload`, able to import them.

    The server is a new interpreter (``python -c``) that does not get this process's
    ``sys.path`` (Python 3.11's server ignores the one it is handed): where zhanqun is not an
    installed package, ``import zhanqun`` fails there, silently, and every rendering process
    would import the engine itself (:func:`engine_imported_here`). So it
    starts with the folder that holds ``zhanqun/`` first on its ``PYTHONPATH``, and without the
    current folder on its path (``PYTHONSAFEPATH``: run from a folder that holds another copy of
    zhanqun, the server would preload that copy, and the rendering processes would run other code
    than this process); this process's environment is put back at once (each rendering process
    gets it from :func:`_start_child`).
    """
    _fix_hash_seed()  # the fork server's interpreter, whose children render, starts with it
    from multiprocessing import forkserver, resource_tracker

    multiprocessing.get_context("forkserver").set_forkserver_preload(preload())
    resource_tracker.ensure_running()  # first: starting it unblocks SIGINT and SIGTERM in this thread
    started_with = {
        "PYTHONPATH": server_python_path(os.environ.get("PYTHONPATH")),
        "PYTHONSAFEPATH": "1",  # ``python -c`` puts the current folder first on the path: one holding a zhanqun/ of its own would be imported instead
        FOLDER_VARIABLE: str(templates) if templates else None,
    }
    before = {name: os.environ.get(name) for name in started_with}
    try:
        for name, value in started_with.items():  # PYTHONPATH "" when there is nothing to add: as unset
            _set_variable(name, value)
        with _signals_blocked():  # the server, and every rendering process forked from it, is born with them blocked
            forkserver.ensure_running()
    finally:
        for name, value in before.items():
            _set_variable(name, value)


def _set_variable(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


def server_python_path(current: str | None) -> str:
    """``PYTHONPATH`` for the fork server: the folder that holds this engine, then ``current``'s —
    unless the engine is an installed package, which the server finds anyway (a site-packages
    folder first on the path would come before the standard library)."""
    engine_parent = str(Path(__file__).resolve().parent.parent.parent)
    kept = [part for part in (current or "").split(os.pathsep) if part and part != engine_parent]
    if engine_parent in _site_folders():
        return os.pathsep.join(kept)
    return os.pathsep.join([engine_parent, *kept])


def _site_folders() -> set[str]:
    """The interpreter's site-packages folders, resolved."""
    import site

    folders = [*site.getsitepackages(), site.getusersitepackages()]
    return {str(Path(folder).resolve()) for folder in folders}


def start_method() -> str:
    """``forkserver`` where the system has it (Linux), else ``spawn`` (macOS, Windows)."""
    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


def render_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of fresh processes, one task each, that speak this process's language.

    Each process is forked from a fork server that has imported Pelican, Jinja and Markdown but
    never configured a site (:data:`PRELOAD`), so every site still starts from Pelican's pristine
    module state — no signal receivers, log filters or caches of another site — without paying
    for the imports (about a second of CPU per site). Where there is no fork server, each process
    is spawned as a new interpreter.

    A child imports :mod:`zhanqun.i18n` in the server, which chose its language from the
    environment; the initializer hands it the language chosen here (``--lang``), so the problems
    found while rendering (template errors) read like every other message; it also hands over
    the environment as it is now (a plugin may read it).
    """
    method = start_method()
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        _start_fork_server()
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        max_tasks_per_child=1,
        initializer=_start_child,
        initargs=(i18n.current_language(), dict(os.environ)),
    )


def _start_child(language: str, environment: dict[str, str]) -> None:
    """In each child, before its site: the parent's language and environment (the fork server has
    the environment of the first build of this process), signals left to the parent, and what it
    holds before its site (the fork server's preloaded modules, where there is one) frozen."""
    os.environ.clear()
    os.environ.update(environment)
    i18n.use_language(language)
    _leave_signals_to_parent()
    gc_pause.in_forked_worker()  # what it inherited or imported is never walked (nor copied) by the site's collections


def _leave_signals_to_parent() -> None:
    """In each child: Ctrl-C and SIGTERM go to the whole process group; the parent decides.

    The parent cleans up and stops its children itself; a child that died of the signal on its
    own would only add a traceback and a broken pool to the report.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's children (they ignore SIGTERM) and drop the jobs not yet started."""
    processes = list((getattr(pool, "_processes", None) or {}).values())  # no public API before 3.14
    for process in processes:
        with contextlib.suppress(Exception):
            process.kill()
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(timeout=5)
