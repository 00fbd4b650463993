"""Suites: TOML suite files parsed and checked, the shipped catalog, and their expansion into jobs.

Owns: what a job is.  May import: errors, plugin, circuits, backends, datasets, models, builtins, testing.
"""
