"""Results: the SQLite store that jobs land in, the one row selection (``selection``) and statistics (``stats``)
every reader uses, and the comparison and diagnostics tables read from it.

Owns: stored rows and what they mean.  May import: every earlier stage up to suite.
"""
