"""Stage 3c: what column types add to items: documents, interpretations, letters, annual reports, media, disclosure.

Each reads the index and the resolved addresses and hands the pipeline the extra pages and
checks its column type needs (:func:`~zhanqun.columns.features.analyse`).
"""
