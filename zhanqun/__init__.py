"""zhanqun (站群): one content repository and one theme build a whole government website cluster.

The engine is one package per pipeline stage, in the order a build runs them:

``config`` (1: site files) → ``content`` (2: the content index) → ``links`` (3: addresses and
links) → ``columns`` (3c: column types) → ``render`` (4–5: staging and Pelican) → ``publish``
(6–7: checks and the output swap). :mod:`zhanqun.pipeline` runs them; ``commands`` holds what
``build.py`` calls besides a build; ``errors``, ``paths`` and ``progress`` are shared by all.
A stage imports only earlier stages and the shared modules (``tests/test_layout.py``).
"""
