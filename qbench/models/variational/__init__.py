"""The variational model zoo of Bowles, Ahmed & Schuld 2024: scikit-learn classifiers trained by the core trainer.

Owns the zoo models' layouts, losses and heads; may import qbench.circuits, qbench.backends (through the
plugin manager), qbench.models.
"""
