"""What ``build.py`` calls besides a build: ``new`` (an item from a column's template), ``sites``, ``columns``, ``audit``, ``shots``; and the generated reference pages of the manual."""
