"""Stage 1: the site files (``sites/*.toml``) read into a :class:`~zhanqun.config.sites.Cluster`.

Also what a site file names and so must be known before any content is read: theme colours and
their contrast, index-number patterns (索引号), attachment types, and the themes and templates a
webmaster overrides.
"""
