"""Stage 2: every Markdown file read, checked and indexed into a :class:`~zhanqun.content.index.ContentIndex`.

Headers, metadata values, raw HTML and its sanitiser, alt text, slugs, the review gate, and the
attachments under ``files/`` with one identity per file. Reads the :class:`Cluster`; hands the index
on to the link stage.
"""
