"""Results: the SQLite store that jobs land in, and the comparison tables read from it.

Owns: stored rows and what they mean.  May import: every earlier stage up to suite.
"""
