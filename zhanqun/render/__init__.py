"""Stages 4–5: the checked, sanitised items staged per site and rendered by Pelican in worker processes.

The only package that imports Pelican. Decides which attachments a target publishes, writes the
staged items, builds Pelican's settings per site, and runs Pelican confined to the output.
"""
