"""The themes, checked before anything renders: templates that parse, blocks that exist, no
files from outside the repository.

A mistake in a webmaster's template would otherwise surface only when Pelican renders the site
(and ``check`` would not see it), a misspelt ``{% block hedaer %}`` in an override is silently
ignored by Jinja, and a symbolic link in ``themes/<id>/static/`` to ``/etc`` would publish
whatever it points at. This stage reads every template of the shared theme and of each site's
overrides with Jinja's own parser, the way Pelican loads them (the override folder first, then
the shared theme; ``!theme/`` names the shared template), and reports each problem at its file
and line, for ``check`` and ``build`` alike.
"""

from __future__ import annotations

import os
from pathlib import Path

from jinja2 import Environment, TemplateSyntaxError, nodes

from ..errors import Problems, did_you_mean, shown_path
from ..i18n import _
from .sites import Cluster

SHARED_THEME = "gov"
#: Template files Pelican reads (its ``TEMPLATE_EXTENSIONS``).
TEMPLATE_SUFFIX = ".html"
#: The shared theme's static files for pages in a vertical language only (蒙古文版): the stylesheet,
#: the scrolling script and the vendored font with its licence, published to those sites alone.
VERTICAL_STATIC = "static-vertical"
#: Third-party files kept byte for byte as their authors published them (the font and its licence).
VENDORED_FOLDER = "fonts"
THEME_PREFIX = "!theme/"


def theme_folders(root: Path, cluster: Cluster) -> list[tuple[str, Path]]:
    """(theme name, folder) of the shared theme and of every site's own overrides that exist."""
    folders = [(SHARED_THEME, root / "themes" / SHARED_THEME)]
    folders += [(site.id, root / "themes" / site.id) for site in cluster.sites if (root / "themes" / site.id).is_dir()]
    return folders


def check_themes(root: Path, cluster: Cluster, problems: Problems) -> None:
    """Every file of every theme a site uses lives in the repository; every template parses; every
    block an override defines exists in what it extends; every block a shared template fills
    exists in the site's override of what it extends."""
    for name, folder in theme_folders(root, cluster):
        _check_files(root, folder, problems)
    environment = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    trees = _Trees(environment)
    shared = root / "themes" / SHARED_THEME / "templates"
    for name, folder in theme_folders(root, cluster):
        templates = folder / "templates"
        for path in sorted(templates.rglob(f"*{TEMPLATE_SUFFIX}")) if templates.is_dir() else []:
            if not path.is_file():
                continue  # a folder named like a template; a pipe or device is reported above
            tree = _parse(trees, path, root, problems)
            if tree is None:
                continue
            _check_names(trees, tree, path, templates, shared, root, problems)
            _check_site_values(tree, path, root, problems)
            if name != SHARED_THEME:
                _check_blocks(trees, tree, path, templates, shared, root, problems)
        if name != SHARED_THEME and templates.is_dir():
            _check_shared_blocks(trees, templates, shared, root, problems)


def _check_files(root: Path, folder: Path, problems: Problems) -> None:
    """A theme's files are published as they are: a symbolic link among them must lead to another
    theme file, never to content (which has its own rules), the repository's history or elsewhere."""
    themes = Path(os.path.realpath(root)) / "themes"
    shared_static = root / "themes" / SHARED_THEME / "static"
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in sorted(dirnames + filenames):
            path = Path(dirpath) / name
            if path.is_symlink():
                real = Path(os.path.realpath(path))
                if themes not in real.parents or not real.exists():
                    if not real.exists():
                        message = _("a symbolic link to {link}, which does not exist; a theme's files are published, so they must be theme files")
                    else:
                        message = _("a symbolic link to {link}, outside the repository's themes/ ({real}); a theme's files are published, so they must be theme files")
                    problems.add(shown_path(path, root), None, "link-outside", message.format(link=os.readlink(path), real=real))
                continue
            if not path.is_dir() and not path.is_file():
                problems.add(shown_path(path, root), None, "not-a-file", _("a named pipe, socket or device, not a file; remove it"))
                continue
            rel_static = path.relative_to(folder).as_posix()
            if rel_static.startswith("static/") and folder.name != SHARED_THEME:
                shared = shared_static / rel_static[len("static/") :]
                if shared.exists() and shared.is_dir() != path.is_dir():
                    if path.is_dir():
                        message = _("is a folder, but {shared}, which it replaces, is a file")
                    else:
                        message = _("is a file, but {shared}, which it replaces, is a folder")
                    problems.add(shown_path(path, root), None, "bad-theme-file", message.format(shared=shown_path(shared, root)))


class _Trees:
    """Each template file parsed once per check. A template is read as itself, as what another
    extends or includes, and as a parent whose blocks an override may fill: parsing it each time
    cost most of a build's check of the themes (about 0.1 s of a build after one edit)."""

    def __init__(self, environment: Environment) -> None:
        self.environment = environment
        self._parsed: dict[Path, nodes.Template | OSError | UnicodeDecodeError | TemplateSyntaxError] = {}
        self._blocks: dict[Path, frozenset[str]] = {}
        self._extends: dict[int, str | None] = {}  # by id() of a tree kept in _parsed for the check's life
        #: the blocks each shared template's shared parents have (the same for every site)
        self.shared_parents: dict[Path, set[str]] = {}

    def extends(self, tree: nodes.Template) -> str | None:
        """The name a template extends, when it names one as a string (``None``: it extends nothing,
        or something only known when it renders). Kept per tree: finding none walks it all."""
        key = id(tree)
        if key not in self._extends:
            found = next(iter(tree.find_all(nodes.Extends)), None)
            named = found is not None and isinstance(found.template, nodes.Const) and isinstance(found.template.value, str)
            self._extends[key] = found.template.value if named else None  # type: ignore[union-attr]
        return self._extends[key]

    def blocks(self, path: Path) -> frozenset[str]:
        """The names of every block the template defines, nested ones too (none if it does not parse)."""
        found = self._blocks.get(path)
        if found is None:
            tree = self.tree(path)
            found = frozenset(block.name for block in _block_names(tree)) if tree is not None else frozenset()
            self._blocks[path] = found
        return found

    def parsed(self, path: Path) -> nodes.Template | OSError | UnicodeDecodeError | TemplateSyntaxError:
        """The template's tree, or why it has none."""
        found = self._parsed.get(path)
        if found is None:
            try:
                found = self.environment.parse(path.read_text(encoding="utf-8"), path.name, str(path))
            except (OSError, UnicodeDecodeError, TemplateSyntaxError) as exc:
                found = exc
            self._parsed[path] = found
        return found

    def tree(self, path: Path) -> nodes.Template | None:
        """The template's tree; ``None`` where it cannot be read or parsed (reported where that
        template is checked itself)."""
        found = self.parsed(path)
        return found if isinstance(found, nodes.Template) else None


def _parse(trees: _Trees, path: Path, root: Path, problems: Problems) -> nodes.Template | None:
    found = trees.parsed(path)
    if isinstance(found, TemplateSyntaxError):
        problems.add(shown_path(path, root), found.lineno, "template-error", _("TemplateSyntaxError: {message}").format(message=found.message))
        return None
    if isinstance(found, (OSError, UnicodeDecodeError)):
        problems.add(shown_path(path, root), None, "template-error", _("cannot read the template: {error}").format(error=found))
        return None
    return found


#: What ``ZQ_SITE`` holds in every template (``render.pelican_settings.site_context``; a test keeps
#: the two equal), so a misspelt ``{{ ZQ_SITE.nmae }}`` is found by ``check``, before any render.
ZQ_SITE_KEYS = (
    "id", "name", "label", "kind", "lang", "vertical", "edition_of", "words", "url", "sitecode", "footer", "columns", "columns_by_id", "home_columns",
    "headline_column", "home_blocks", "theme", "mailbox", "disclosure",
)


def _check_site_values(tree: nodes.Template, path: Path, root: Path, problems: Problems) -> None:
    """``ZQ_SITE.<key>`` names a key the site context has (did you mean …)."""
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        if not (isinstance(node.node, nodes.Name) and node.node.name == "ZQ_SITE"):
            continue
        key = node.attr if isinstance(node, nodes.Getattr) else (node.arg.value if isinstance(node.arg, nodes.Const) else None)
        if isinstance(key, str) and key not in ZQ_SITE_KEYS:
            problems.add(
                shown_path(path, root), node.lineno, "template-error",
                _("ZQ_SITE has no {key!r}{hint}; it holds {keys}").format(key=key, hint=did_you_mean(key, ZQ_SITE_KEYS), keys=", ".join(ZQ_SITE_KEYS)),
            )


def _check_names(trees: _Trees, tree: nodes.Template, path: Path, templates: Path, shared: Path, root: Path, problems: Problems) -> None:
    """Every template a template extends, includes or imports by a fixed name exists."""
    for node in tree.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
        if isinstance(node, nodes.Include) and node.ignore_missing:
            continue
        if not isinstance(node.template, nodes.Const) or not isinstance(node.template.value, str):
            continue
        name = node.template.value
        if name.startswith("!simple/"):
            continue  # Pelican's own simple theme
        candidates = [shared / name[len(THEME_PREFIX) :]] if name.startswith(THEME_PREFIX) else [templates / name, shared / name]
        found = next((candidate for candidate in candidates if candidate.is_file()), None)
        if isinstance(node, (nodes.Extends, nodes.Include)) and found is not None and _leads_back(trees, found, path, templates, shared):
            shared_name = THEME_PREFIX + path.relative_to(templates).as_posix()
            keyword = "extends" if isinstance(node, nodes.Extends) else "include"
            problems.add(
                shown_path(path, root), node.lineno, "template-error",
                _("{{% {keyword} {name!r} %}} leads back to this template itself, which Jinja would follow for ever; the shared theme's is {shared}").format(
                    keyword=keyword, name=name, shared=repr(shared_name) if (shared / path.relative_to(templates)).is_file() else _("named with !theme/"),
                ),
            )
        if found is None:
            problems.add(
                shown_path(path, root), node.lineno, "template-error",
                _("no template {name!r} in {folders}{hint}").format(
                    name=name,
                    folders=_(" or ").join(shown_path(c.parent, root) + "/" for c in candidates),
                    hint=did_you_mean(name, sorted(p.relative_to(shared).as_posix() for p in shared.rglob("*.html"))),
                ),
            )


def _leads_back(trees: _Trees, found: Path, path: Path, templates: Path, shared: Path) -> bool:
    """Whether the template ``found`` is ``path`` or extends its way back to it (``base.html``
    in an override extending ``base.html``, which names the override itself, not the shared one)."""
    seen: set[Path] = set()
    current: Path | None = found
    while current is not None and current not in seen:
        if current == path:
            return True
        seen.add(current)
        tree = trees.tree(current)
        if tree is None:
            return False  # reported where that template is checked
        extends = next(iter(tree.find_all(nodes.Extends)), None)
        if extends is None or not isinstance(extends.template, nodes.Const) or not isinstance(extends.template.value, str):
            return False
        name = extends.template.value
        local = current.is_relative_to(templates)
        candidates = [shared / name[len(THEME_PREFIX) :]] if name.startswith(THEME_PREFIX) else ([templates / name] if local else []) + [shared / name]
        current = next((candidate for candidate in candidates if candidate.is_file()), None)
    return False


def _block_names(tree: nodes.Template) -> list[nodes.Block]:
    return list(tree.find_all(nodes.Block))


def _loaded_for(name: str, templates: Path, shared: Path, seen: set[Path]) -> Path | None:
    """The file Pelican's loader takes for ``extends name`` — the site's override folder first,
    then the shared theme; ``!theme/`` the shared one only — leaving out those in ``seen``."""
    candidates = [shared / name[len(THEME_PREFIX) :]] if name.startswith(THEME_PREFIX) else [templates / name, shared / name]
    return next((c for c in candidates if c.is_file() and c not in seen), None)


def _parent_blocks(trees: _Trees, tree: nodes.Template, templates: Path, shared: Path, seen: set[Path]) -> tuple[set[str], str | None]:
    """Block names of every template ``tree`` extends, and the name it extends (None: extends nothing)."""
    name = trees.extends(tree)
    if name is None:
        return set(), None
    parent = _loaded_for(name, templates, shared, seen)
    if parent is None:
        return set(), name
    seen.add(parent)
    parent_tree = trees.tree(parent)
    if parent_tree is None:
        return set(), name  # reported where that template is checked
    names = set(trees.blocks(parent))
    more, _extended = _parent_blocks(trees, parent_tree, templates, shared, seen)
    return names | more, name


def _check_blocks(trees: _Trees, tree: nodes.Template, path: Path, templates: Path, shared: Path, root: Path, problems: Problems) -> None:
    """A block an override defines that nothing it extends has would be ignored: name it."""
    known, extended = _parent_blocks(trees, tree, templates, shared, {path})
    if extended is None or not known:
        return
    own = _block_names(tree)
    defined_inside = {inner.name for block in own for inner in block.find_all(nodes.Block)}
    for block in own:
        if block.name in known or block.name in defined_inside:
            continue
        problems.add(
            shown_path(path, root),
            block.lineno,
            "unknown-block",
            _("{{% block {name} %}}: {extended} has no such block, so this one would never be shown{hint}; its blocks are {blocks}").format(
                name=block.name, extended=extended, hint=did_you_mean(block.name, sorted(known)), blocks=", ".join(sorted(known))
            ),
        )


def _check_shared_blocks(trees: _Trees, templates: Path, shared: Path, root: Path, problems: Problems) -> None:
    """A site that overrides a template the shared theme's others extend (its own ``base.html``)
    keeps the blocks they fill, or Jinja drops what they put there without a word: a ``base.html``
    written before the shared theme had ``search_meta`` would take every page's search metadata
    (栏目, date, 文号) out of the site's search. A warning at the override, once per block."""
    missing: dict[tuple[Path, str], list[str]] = {}
    for path in sorted(shared.rglob(f"*{TEMPLATE_SUFFIX}")):
        rel = path.relative_to(shared).as_posix()
        if (templates / rel).is_file() or not path.is_file():
            continue  # the site's own template is checked as an override
        tree = trees.tree(path)
        override = _first_override(trees, path, templates, shared) if tree is not None else None
        if tree is None or override is None or not _chain_parses(trees, override, templates, shared):
            continue  # a template that does not parse is reported as such, not as missing blocks
        with_override, _name = _parent_blocks(trees, tree, templates, shared, {path})
        if path not in trees.shared_parents:
            trees.shared_parents[path] = _parent_blocks(trees, tree, shared, shared, {path})[0]
        for block in sorted(trees.blocks(path)):
            if block in trees.shared_parents[path] and block not in with_override:
                missing.setdefault((override, block), []).append(rel)
    for (override, block), users in sorted(missing.items()):
        problems.warn(
            shown_path(override, root),
            None,
            "missing-block",
            _("has no {{% block {name} %}}, which the shared theme's {templates} fill: what they put there is left out of this site's pages; add the block where the shared {parent} has it, or extend \"{prefix}{parent}\"").format(
                name=block, templates=", ".join(users), parent=override.relative_to(templates).as_posix(), prefix=THEME_PREFIX
            ),
        )


def _first_override(trees: _Trees, path: Path, templates: Path, shared: Path) -> Path | None:
    """The first template of the site's own that the shared template ``path`` extends, on the way
    Pelican's loader takes (the override folder first), if any."""
    seen: set[Path] = {path}
    current: Path | None = path
    while current is not None:
        tree = trees.tree(current)
        name = trees.extends(tree) if tree is not None else None
        if name is None:
            return None
        current = _loaded_for(name, templates, shared, seen)
        if current is not None and current.is_relative_to(templates):
            return current
        if current is not None:
            seen.add(current)
    return None


def _chain_parses(trees: _Trees, path: Path, templates: Path, shared: Path) -> bool:
    """Whether ``path`` and every template it extends parse (else their blocks are unknown)."""
    seen: set[Path] = set()
    current: Path | None = path
    while current is not None and current not in seen:
        seen.add(current)
        tree = trees.tree(current)
        if tree is None:
            return False
        name = trees.extends(tree)
        if name is None:
            return True
        current = _loaded_for(name, templates, shared, seen)
    return True
