"""Stage 3: where every page lives for a target, and every reference resolved against that.

Addresses per target, the link resolver (``{filename}``, ``site:``, ``{static}``), redirects for
aliases, and after rendering the link check of the output (and, on request, external links).
"""
