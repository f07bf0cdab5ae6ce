"""The message catalog: extract every message with Babel, keep the Chinese translations, compile.

Run ``python -m zhanqun.commands.catalog`` after adding or changing a message: it extracts the
msgids marked with ``_`` and ``N_`` from ``build.py`` and ``zhanqun/`` (and click's own messages,
which the command line shows too), merges them into ``zhanqun/locale/zh_CN/LC_MESSAGES/zhanqun.po``
(translations kept, new messages left empty, gone ones dropped), fills in translations given with
``--merge FILE.json`` (``{msgid: msgstr}``), and compiles ``zhanqun.mo`` beside it. It prints the
messages still untranslated; ``tests/test_i18n.py`` fails while there are any. Babel is a
development tool here (the ``test`` extra): at run time the standard ``gettext`` reads the ``.mo``.
"""

from __future__ import annotations

import io
import json
import sys
from string import Formatter
from datetime import datetime, timezone
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from ..i18n import DOMAIN, LOCALE_DIR
from .cli_language import click_sources
from ..paths import write_bytes

ROOT = Path(__file__).resolve().parents[2]
PO_FILE = LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / f"{DOMAIN}.po"
MO_FILE = PO_FILE.with_suffix(".mo")
#: our own markers: ``_`` translates where it stands, ``N_`` marks text translated where it is shown
OUR_KEYWORDS = {"_": None, "N_": None}
CLICK_KEYWORDS = {"_": None, "ngettext": (1, 2)}
#: fixed header dates: the same sources give the same catalog bytes, on any day
_FIXED_DATE = datetime(2026, 1, 1, tzinfo=timezone.utc)


def our_sources(root: Path = ROOT) -> list[Path]:
    """``build.py`` and every module of the engine, in a stable order."""
    return [root / "build.py", *sorted((root / "zhanqun").rglob("*.py"))]


def extract(root: Path = ROOT, with_click: bool = True) -> Catalog:
    """Every message of the sources as a template catalog (msgids with their locations)."""
    template = Catalog(locale="zh_CN", domain=DOMAIN, creation_date=_FIXED_DATE, revision_date=_FIXED_DATE)
    sources = [(path, path.relative_to(root).as_posix(), OUR_KEYWORDS) for path in our_sources(root)]
    if with_click:
        sources += [(path, f"click/{path.name}", CLICK_KEYWORDS) for path in click_sources()]
    for path, shown, keywords in sources:
        for lineno, message, comments, _context in extract_from_file("python", str(path), keywords=keywords, comment_tags=("TRANSLATORS:",)):
            template.add(message, locations=[(shown, lineno)], auto_comments=comments)
    return template


def fields(text: str) -> set[str]:
    """The named fields of a ``str.format`` message (``{column!r}`` → ``column``), which a translation keeps."""
    return {name.split(".")[0].split("[")[0] for _literal, name, _spec, _conv in Formatter().parse(text) if name is not None}


def check_translations(translations: dict[str, str], sources: list[Path], root: Path = ROOT) -> list[str]:
    """What is wrong with ``translations`` for the messages of ``sources``: missing, empty, fields differ."""
    wanted: dict[str, str] = {}
    for path in sources:
        for lineno, message, _comments, _context in extract_from_file("python", str(path), keywords=OUR_KEYWORDS):
            wanted.setdefault(message, f"{path.resolve().relative_to(root).as_posix()}:{lineno}")
    problems = [f"{where}: no translation for {msgid!r}" for msgid, where in wanted.items() if not translations.get(msgid)]
    for msgid, msgstr in translations.items():
        try:
            if msgstr and fields(msgid) != fields(msgstr):
                problems.append(f"fields differ: {msgid!r} has {sorted(fields(msgid))}, {msgstr!r} has {sorted(fields(msgstr))}")
        except ValueError as exc:
            problems.append(f"not a format string ({exc}): {msgid!r} -> {msgstr!r}")
    return problems


def read_catalog(path: Path = PO_FILE) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale="zh_CN", domain=DOMAIN)


def untranslated(catalog: Catalog, template: Catalog) -> list[str]:
    """The msgids of ``template`` (our own sources) with no translation in ``catalog``."""
    missing = []
    for message in template:
        if not message.id:
            continue
        found = catalog.get(message.id)
        strings = found.string if found is not None else None
        if isinstance(strings, (tuple, list)):
            strings = "".join(strings)
        if not strings or (found is not None and found.fuzzy):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def update(merge: list[Path]) -> list[str]:
    """Extract, merge into the ``.po``, fill in ``merge`` translations, compile; return the untranslated."""
    template = extract()
    catalog = read_catalog() if PO_FILE.exists() else Catalog(locale="zh_CN", domain=DOMAIN)
    catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    for name in merge:
        for msgid, msgstr in json.loads(Path(name).read_text(encoding="utf-8")).items():
            message = catalog.get(msgid)
            if message is not None:
                message.string = (msgstr,) if message.pluralizable else msgstr  # Chinese has one form
                message.flags.discard("fuzzy")
    catalog.creation_date = catalog.revision_date = _FIXED_DATE
    catalog.project, catalog.version = "zhanqun", ""
    catalog.language_team = catalog.last_translator = "zhanqun"
    catalog.fuzzy = False
    po = io.BytesIO()
    write_po(po, catalog, width=100, sort_output=True, include_previous=False)
    write_bytes(PO_FILE.parent, PO_FILE.name, po.getvalue())
    mo = io.BytesIO()
    write_mo(mo, read_catalog())
    write_bytes(MO_FILE.parent, MO_FILE.name, mo.getvalue())
    return untranslated(read_catalog(), extract(with_click=False))


def main(argv: list[str]) -> int:
    if argv[:1] == ["--check"]:  # --check FILE.json SOURCE...: read-only, for whoever writes translations
        translations = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
        problems = check_translations(translations, [Path(a) for a in argv[2:]])
        print("\n".join(problems) or "ok")
        return 1 if problems else 0
    merge = [Path(a) for a in argv if not a.startswith("-")]
    missing = update(merge)
    for msgid in missing:
        print(f"untranslated: {msgid}")
    print(f"{PO_FILE.relative_to(ROOT)}: {len(missing)} untranslated", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
