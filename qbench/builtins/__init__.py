"""The built-in hook implementations: the numpy backend, templates, data sets and baselines.

Owns: nothing of its own; registers core pieces exactly as a third-party plugin would.
May import: plugin, circuits, backends, datasets, models.
"""
