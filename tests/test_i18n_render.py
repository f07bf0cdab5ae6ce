"""The render processes speak the language the command line chose (``--lang``), not the environment's.

Each site renders in a fresh spawned process (``render/processes.py``), which imports
``zhanqun.i18n`` anew and would pick its language from the environment — English here, as
``conftest.py`` sets ``ZHANQUN_LANG=en`` for the whole suite. The parent hands its language to the
children, so a problem found while rendering (a template error) reads like every other message.
"""

from __future__ import annotations

import pytest
from conftest import Repo, article, problem_lines

from zhanqun import i18n
from zhanqun.render import processes

#: the render stage's message for an override that extends itself (``processes._template_problem``)
EXTENDS_ITSELF = 'a template extends itself; an override extends the shared template as {example} (with "!theme/")'
EXAMPLE = '{% extends "!theme/base.html" %}'


def _self_extending_override(repo: Repo) -> Repo:
    """One site whose base.html override extends its own name through a variable: ``check`` sees
    only names written out (``config/themes.py``), so only rendering finds that out."""
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/")
    repo.write("content/portal/zwdt/a.md", article("兴安盟部署春季农业生产", Slug="spring"))
    repo.write("themes/portal/templates/base.html", '{% set parent = "base.html" %}{% extends parent %}\n{% block header_extra %}x{% endblock %}\n')
    return repo


def _in(language: str, msgid: str, **fields: str) -> str:
    """``msgid`` as this process shows it in ``language``, with the same catalog the children read."""
    i18n.use_language(language)
    try:
        return i18n._(msgid).format(**fields)
    finally:
        i18n.use_language("en")


def _template_errors(repo: Repo, language: str) -> list[str]:
    result = repo.run("--lang", language, "build")
    assert result.exit_code == 1, result.output
    return [line.split(": template-error: ", 1)[1] for line in problem_lines(result) if ": template-error: " in line]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_render_stage_problem_is_in_the_language_of_the_command_line(repo: Repo, language: str) -> None:
    _self_extending_override(repo)
    expected = _in(language, EXTENDS_ITSELF, example=EXAMPLE)
    assert _template_errors(repo, language) == [expected]
    if language == "en":
        assert expected == EXTENDS_ITSELF.format(example=EXAMPLE)
    # in Chinese: the translation once the catalog has it (a child left in English would print the msgid)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_render_processes_start_in_the_parents_language(language: str) -> None:
    """Whatever the catalog holds: a child of the render pool reports the language it was given."""
    i18n.use_language(language)
    pool = processes.render_pool(1)
    try:
        assert pool.submit(i18n.current_language).result(timeout=120) == language
    finally:
        pool.shutdown(wait=True)
