"""Running: the runner, executors and workers that evaluate jobs, their metrics, artifacts and environment.

Owns: turning jobs into stored rows.  May import: every earlier stage up to results.
"""
