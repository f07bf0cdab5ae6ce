"""What ``build.py`` calls besides a build: ``new`` (an item from a column's template), ``sites``, ``shots``."""
