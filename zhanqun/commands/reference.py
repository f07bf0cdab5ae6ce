"""The reference pages of the manual, written from the schemas the checks use, so they cannot drift.

``docs/site-files.md`` comes from the site-file schema (:data:`zhanqun.config.sites.TOP_LEVEL`,
:data:`~zhanqun.config.sites.SECTIONS`, :data:`~zhanqun.config.sites.COLUMN_KEYS`) and
``docs/content-keys.md`` from the content header keys (:data:`zhanqun.content.metadata.KNOWN_KEYS`).
A test compares both files with what this module writes; after changing a schema, run
``python -m zhanqun.commands.reference`` and commit the pages.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..config.sites import (
    COLUMN_KEYS,
    COLUMN_TYPE_DOCS,
    COLUMN_TYPES,
    SECTION_DOCS,
    SECTIONS,
    SITE_LANGS,
    TOP_LEVEL,
    Key,
)
from ..content.metadata import CHINESE_KEYS, DOCUMENT_KEYS, KEY_COLUMN_TYPES, KNOWN_KEYS
from ..paths import write_text

GENERATED = "<!-- 本页由 python -m zhanqun.commands.reference 根据校验规则生成，请勿手工修改。 -->"
PAGES = ("docs/site-files.md", "docs/content-keys.md")

_TYPE_NAMES = {str: "文本", int: "整数", bool: "true/false", list: "列表", dict: "表"}


def _type_name(key: Key) -> str:
    name = _TYPE_NAMES.get(key.type, "文本") if isinstance(key.type, type) else "文本"
    if key.type is list and key.items is not None:
        name = f"{_TYPE_NAMES.get(key.items, '文本')}列表"
    return name


def _table(keys: tuple[Key, ...], skip: tuple[str, ...] = ()) -> list[str]:
    rows = ["| 键 | 类型 | 必填 | 说明 |", "| --- | --- | --- | --- |"]
    for key in keys:
        if key.name in skip:
            continue
        rows.append(f"| `{key.name}` | {_type_name(key)} | {'是' if key.required else ''} | {key.doc} |")
    return rows


def site_file_reference() -> str:
    """Every key of ``sites/<id>.toml``, table by table, with its type, whether it is required, and what it does."""
    lines = [
        GENERATED,
        "",
        "# 网站配置文件参考（sites/<网站编号>.toml）",
        "",
        "每个网站一个 TOML 文件。`python build.py check` 按本页的规则检查：未知的键、缺少必填键、",
        "取值不对，都会报告到文件和行，例如 `sites/ulanhot.toml:4: bad-value: …`。",
        "",
        "## 顶层",
        "",
        *_table(TOP_LEVEL, skip=tuple(SECTIONS)),
        "",
    ]
    for section, keys in SECTIONS.items():
        lines += [f"## [{section}]", "", SECTION_DOCS[section], "", *_table(keys), ""]
    lines += ["## [[columns]]", "", "每个栏目一段，按导航中的顺序排列。", "", *_table(COLUMN_KEYS), ""]
    lines += [
        "## 蒙古文版等其他语言版本",
        "",
        "另一种语言的版本是一个独立的网站，有自己的配置文件、网址、网站标识码、栏目和内容目录，例如兴安盟行政公署的蒙古文版",
        "`sites/portal-mn.toml`：`lang = \"mn-Mong\"`、`edition_of = \"portal\"`、与门户相同的 `kind = \"portal\"`、",
        "`url = \"https://mgl.xam.gov.cn/\"`，内容在 `content/portal-mn/`。`lang` 只能是 " + "、".join(f"`{lang}`" for lang in SITE_LANGS) + "；",
        "`edition_of` 必须是同类的中文网站，版本不能再有自己的版本。蒙古文版的栏目名写蒙古文，页面竖排；",
        "稿件用 `Translation-Of:` 写明所翻译的中文稿件（见[稿件文件头的键](content-keys.md)）。",
        "",
    ]
    lines += ["## 栏目类型（type）", "", "| 类型 | 用途 |", "| --- | --- |"]
    lines += [f"| `{kind}` | {COLUMN_TYPE_DOCS[kind]} |" for kind in COLUMN_TYPES]
    return "\n".join(lines) + "\n"


def content_key_reference() -> str:
    """Every header key of a content file, the column types it belongs to, and the Chinese names authors type."""
    chinese: dict[str, list[str]] = {}
    for word, key in CHINESE_KEYS.items():
        chinese.setdefault(key, []).append(word)
    lines = [
        GENERATED,
        "",
        "# 稿件文件头的键",
        "",
        "每篇稿件是一个 Markdown 文件，开头是文件头：每行一个 `键: 值`（英文键名、英文半角冒号），",
        "文件头之后空一行，再写正文。键名写成中文（如 `标题：`）或用了中文全角冒号，检查会指出应当怎样写。",
        "",
        f"document 和 disclosure 类栏目的稿件必须写：{'、'.join(f'`{k}`' for k in DOCUMENT_KEYS)}。",
        "",
        "| 键 | 适用栏目类型 | 说明 | 常见的中文写法（会被提示改正） |",
        "| --- | --- | --- | --- |",
    ]
    for name, spec in KNOWN_KEYS.items():
        types = "、".join(KEY_COLUMN_TYPES.get(name, ())) or "全部"
        lines.append(f"| `{name}` | {types} | {spec.doc} | {'、'.join(chinese.get(name, []))} |")
    return "\n".join(lines) + "\n"


def pages() -> dict[str, str]:
    """The generated pages by repository path."""
    return {"docs/site-files.md": site_file_reference(), "docs/content-keys.md": content_key_reference()}


def write_pages(root: Path) -> list[str]:
    """Write the pages into ``root``; the paths whose text changed."""
    changed = []
    for rel, text in pages().items():
        path = root / rel
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            write_text(root, rel, text)
            changed.append(rel)
    return changed


def main(argv: list[str]) -> int:
    """``python -m zhanqun.commands.reference [REPOSITORY]``: rewrite the pages; 2 for a wrong argument."""
    root = Path(argv[0]) if argv else Path.cwd()
    if len(argv) > 1 or not (root / "sites").is_dir() or not (root / "docs").is_dir():
        print("usage: python -m zhanqun.commands.reference [REPOSITORY]  (a zhanqun repository, with sites/ and docs/)", file=sys.stderr)
        return 2
    for rel in write_pages(root):
        print(f"wrote {rel}")
    return 0


if __name__ == "__main__":  # python -m zhanqun.commands.reference
    sys.exit(main(sys.argv[1:]))
