"""The cache of rendered text: what Markdown, the sanitiser and the summary rule made of a text,
kept between builds so that an unchanged item is never converted again.

Content-addressed: an entry's key is the SHA-256 of what it was computed from (the text, the
sanitiser's policy, the summary settings — see the callers), never a path or a time, so the cache
survives a fresh clone in another folder, a syndicated text is one entry for every receiving
site, and an edit can only miss, never hit a stale entry. The whole file is tied to one
:func:`code_fingerprint` (zhanqun's code, the Markdown dialect, the versions of Python-Markdown,
nh3 and Pelican): a cache written by another version or with other settings is never used.

One JSON file per target, ``.zhanqun-cache/rendered-<target>.json`` at the repository root
(git-ignored: a text's links resolve to other addresses in each target, so a preview build and a
production build would otherwise keep dropping each other's entries), read once and written once per build, atomically (``paths.write_bytes``), and only when it gained or lost
entries. A file that cannot be read is ignored with a warning and rebuilt. The folder is trusted
like the repository's code beside it (whoever can write one can write the other); removing it is
always safe — the next build is a cold one.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Callable

import orjson

from ..errors import Problems
from ..i18n import N_, _
from ..paths import make_folder, remove, write_bytes

#: The folder of zhanqun's caches, at the repository root (in ``.gitignore``).
CACHE_FOLDER = ".zhanqun-cache"


def rendered_file(target: str) -> str:
    """The cache file of ``target``, inside :data:`CACHE_FOLDER`."""
    return f"rendered-{target}.json"


FORMAT = 1
#: Packages whose behaviour is part of every cached value.
PACKAGES = ("markdown", "nh3", "pelican", "jinja2")
ENGINE = Path(__file__).resolve().parent.parent


@cache
def code_fingerprint() -> str:
    """SHA-256 of zhanqun's own code and the versions of the packages that shape its output.

    Every ``.py`` file of the engine is hashed (by relative path and bytes), not just the version
    number: a change to the sanitiser during development must not reuse what the old one let
    through. Cheap (the engine is a few hundred kilobytes) and computed once per process.
    """
    digest = hashlib.sha256()
    for path in sorted(ENGINE.rglob("*.py")):
        digest.update(path.relative_to(ENGINE).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    for package in PACKAGES:
        try:
            version = metadata.version(package)
        except metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{package}={version}\0".encode("utf-8"))
    return digest.hexdigest()


def entry_key(kind: str, *inputs: object) -> str:
    """The key of a value computed by ``kind`` from ``inputs`` (JSON-able): their SHA-256."""
    return hashlib.sha256(json_bytes([kind, *inputs])).hexdigest()


def json_bytes(value: object) -> bytes:
    """``value`` as JSON with sorted keys, to be hashed: orjson (a one-edit build hashes some
    40,000 values), or, for a text with a lone surrogate, which orjson refuses (a file name that
    is not UTF-8), as ``json`` writes it in ASCII. For what zhanqun hashes — strings, integers,
    booleans, ``None``, lists and dicts of them, no floats — two values never give the same
    bytes: ``json`` puts a space after each comma, orjson none, and a string holds no unescaped
    quote. A date or a dataclass is refused (``TypeError``), as ``json`` refuses it, rather than
    hashed as the text it would be written as."""
    try:
        return orjson.dumps(value, option=_JSON_OPTIONS)
    except orjson.JSONEncodeError:
        return json.dumps(value, sort_keys=True).encode("ascii")


_JSON_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


class RenderCache:
    """Rendered values by content key; loaded from and saved to the repository's cache folder.

    ``RenderCache(None)`` is a cache of this build only (``build --no-cache``, tests): nothing is
    read or written.
    """

    def __init__(self, root: Path | None, target: str = "preview", settings: str = "") -> None:
        self.root = root
        self.file = rendered_file(target)
        self.key = hashlib.sha256(f"{code_fingerprint()}\0{settings}".encode("utf-8")).hexdigest()
        self.entries: dict[str, str | list[str]] = {}
        self.used: set[str] = set()
        self.added = 0
        self.wrong = 0  # entries found of another shape than their kind computes (computed again)

    @property
    def path(self) -> Path | None:
        return self.root / CACHE_FOLDER / self.file if self.root else None

    def report_wrong(self, problems: Problems) -> None:
        """A warning if entries of the wrong shape were found (and computed again) in this build."""
        if self.wrong:
            message = _(WRONG_ENTRIES).format(count=self.wrong)
            problems.warn(f"{CACHE_FOLDER}/{self.file}", None, "cache-damaged", message)
            self.wrong = 0

    def load(self, problems: Problems) -> None:
        """Read the cache file, if any; a damaged one is a warning (and the build goes on without it)."""
        if self.root is not None:
            self.entries = read_cache_file(self.root, self.file, self.key, _is_value, RENDERED_DAMAGED, problems) or {}

    def get(self, kind: str, inputs: tuple[object, ...], compute: Callable[[], str | list[str]], valid: Callable[[object], bool] | None = None) -> str | list[str]:
        """The cached value of ``kind`` for ``inputs``, computed (and remembered) when missing or,
        with ``valid``, when the cached value is not of the shape ``kind`` computes (a file that
        was altered: counted in :attr:`wrong`, never trusted)."""
        return self.get_keyed(entry_key(kind, *inputs), compute, valid)

    def get_keyed(self, key: str, compute: Callable[[], str | list[str]], valid: Callable[[object], bool] | None = None) -> str | list[str]:
        """:meth:`get` with the entry's key already made (:func:`entry_key`)."""
        value = self.entries.get(key)
        if value is not None and valid is not None and not valid(value):
            self.wrong += 1
            value = None
        if value is None:
            value = compute()
            self.entries[key] = value
            self.added += 1
        self.used.add(key)
        return value

    def find(self, kind: str, inputs: tuple[object, ...]) -> str | list[str] | None:
        """The cached value of ``kind`` for ``inputs``, if any (kept by the next save when found)."""
        key = entry_key(kind, *inputs)
        value = self.entries.get(key)
        if value is not None:
            self.used.add(key)
        return value

    def store(self, kind: str, inputs: tuple[object, ...], value: str | list[str]) -> None:
        """Remember ``value`` as what ``kind`` computed from ``inputs``."""
        key = entry_key(kind, *inputs)
        if self.entries.get(key) != value:
            self.entries[key] = value
            self.added += 1
        self.used.add(key)

    def keep(self, key: str) -> None:
        """Keep the entry ``key`` at the next save although this build did not look it up (a value
        computed from it was found in the cache instead)."""
        if key in self.entries:
            self.used.add(key)

    def save(self, prune: bool) -> None:
        """Write the file if it changed; ``prune``: keep only what this build used (a build of every
        site; a partial build keeps the others' entries)."""
        if self.root is None:
            return
        stale = [key for key in self.entries if key not in self.used] if prune else []
        if not self.added and not stale and self.path and self.path.is_file():
            return
        for key in stale:
            del self.entries[key]
        write_cache_file(self.root, self.file, self.key, self.entries)
        self.added = 0


WRONG_ENTRIES = N_("{count} entries of the cache of rendered text are not of the kind their key names; they were computed again and replaced")
RENDERED_DAMAGED: DamagedMessages = (
    N_("the cache of rendered text cannot be read ({problem}); it is ignored and rebuilt"),
    N_("the cache of rendered text is not in the form this version writes; it is ignored and rebuilt"),
    N_("the cache of rendered text holds values of the wrong kind; it is ignored and rebuilt"),
)


#: The three ways a cache file can be damaged, as a cache names them (``N_`` messages): it cannot
#: be read (``{problem}``: the error's name), it is not in the form this version writes, or it
#: holds values of the wrong kind.
DamagedMessages = tuple[str, str, str]


def read_cache_file(root: Path, file: str, key: str, valid: Callable[[object], bool], damaged: DamagedMessages, problems: Problems) -> dict | None:
    """The entries of ``.zhanqun-cache/<file>``, if it is there, whole, and written for ``key``;
    ``None`` otherwise. A damaged file is a warning (the build goes on without it); a file of
    another key (another version, other settings) is silently never used."""
    path = root / CACHE_FOLDER / file
    if not path.is_file():
        return None
    shown = f"{CACHE_FOLDER}/{file}"
    unreadable, wrong_form, wrong_values = damaged
    try:
        data = orjson.loads(path.read_bytes())  # a JSONDecodeError is a ValueError
    except (OSError, ValueError) as exc:
        problems.warn(shown, None, "cache-damaged", _(unreadable).format(problem=type(exc).__name__))
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("entries"), dict):
        problems.warn(shown, None, "cache-damaged", _(wrong_form))
        return None
    if data.get("key") != key:
        return None  # replaced when this build saves
    entries = data["entries"]
    if not all(map(valid, entries.values())):  # JSON's keys are strings
        problems.warn(shown, None, "cache-damaged", _(wrong_values))
        return None
    return entries


def write_cache_file(root: Path, file: str, key: str, entries: dict) -> None:
    """Write ``.zhanqun-cache/<file>`` atomically (``paths.write_bytes``), entries sorted by key.

    orjson, not the standard library: a build after one edit reads and writes some 30 MB of these
    files, about five times faster (a text orjson refuses — a lone surrogate — falls back to ``json``)."""
    document = {"format": FORMAT, "key": key, "entries": entries}
    try:
        data = orjson.dumps(document, option=orjson.OPT_SORT_KEYS)
    except (orjson.JSONEncodeError, TypeError):
        data = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8", "surrogatepass")
    make_folder(root, CACHE_FOLDER)
    write_bytes(root, f"{CACHE_FOLDER}/{file}", data)


def clear_cache(root: Path) -> None:
    """Remove the repository's cache folder (``build --no-cache`` does not; this is for tests and tools)."""
    remove(root, CACHE_FOLDER)


def _is_value(value: object) -> bool:
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))
