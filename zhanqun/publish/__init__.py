"""Stages 6–7: what is checked in the rendered output, and the output put in place.

The leak gate (internal and draft text never public), the preview index, and the atomic swap of
the output folder. Search, feeds, sitemaps, deploy and bundles belong here.
"""
