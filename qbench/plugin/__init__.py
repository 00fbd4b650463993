"""Plugins: the hook specifications, their typed register callbacks, the plugin manager, the name registries
and suite plugin modules.

Owns: finding, registering and checking plugins.  May import: ``qbench.errors`` only (built-in
plugin modules are named by string and imported on first use).
"""
