"""Pelican's text helpers (``pelican.utils``) in the build's own process, without importing Pelican.

The build's process cuts each new item's summary as Pelican would (``stage.summary_of``: Pelican's
``truncate_html_words`` and ``strip_toc_elements_from_html``, so that a summary is the same bytes
Pelican would make). ``import pelican.utils`` first runs ``pelican/__init__.py``, which imports
Pelican's generators, readers (and docutils with them), settings and logging: about a tenth of a
second on the critical path of a build after one edit, for two functions that need none of it.
So where Pelican is not imported yet, the installed Pelican's ``utils.py`` is loaded on its own,
under a name of ours (it imports nothing of Pelican's at run time); where Pelican is imported (a
rendering process, the tests), or the file cannot be loaded alone (a later Pelican that imports
its package from there), Pelican's own module is used. Either way it is the same file.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from functools import lru_cache
from types import ModuleType

#: The name the file is loaded under when it is loaded on its own.
STANDALONE = "zhanqun._pelican_utils"


@lru_cache(maxsize=1)
def pelican_utils() -> ModuleType:
    """``pelican.utils``, loaded on its own where Pelican is not imported yet."""
    if "pelican" not in sys.modules:
        spec = importlib.util.find_spec("pelican")  # a top-level package: found, not imported
        locations = list(spec.submodule_search_locations or []) if spec else []
        path = os.path.join(locations[0], "utils.py") if locations else ""
        alone = importlib.util.spec_from_file_location(STANDALONE, path) if os.path.isfile(path) else None
        if alone is not None and alone.loader is not None:
            module = importlib.util.module_from_spec(alone)
            sys.modules[STANDALONE] = module
            try:
                alone.loader.exec_module(module)
                return module
            except Exception:  # not loadable alone: Pelican's own import below
                del sys.modules[STANDALONE]
    import pelican.utils

    return pelican.utils
