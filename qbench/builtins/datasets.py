"""Registers the built-in data sets: generators and the sets scikit-learn ships.

``angle_units=True`` marks a data set whose features are already angles (the ad hoc data, on
[0, 2 pi]): suites do not rescale it unless they set ``scaling`` themselves.

Loaders are named ``"module:function"`` (imported on first use, so listing plugins imports
neither SciPy nor scikit-learn); descriptions are their docstrings' first lines.
"""

from qbench.plugin.callbacks import RegisterDataset
from qbench.plugin.hookspecs import hookimpl

_GEN = "qbench.datasets.generators"
_REAL = "qbench.datasets.real"
_BOWLES = "Bowles et al. 2024"


@hookimpl
def qbench_register_datasets(register: RegisterDataset) -> None:
    register("linearly_separable", f"{_GEN}:linearly_separable", source=_BOWLES)
    register("hidden_manifold", f"{_GEN}:hidden_manifold", source=_BOWLES)
    register("two_curves", f"{_GEN}:two_curves", source=_BOWLES)
    register("hyperplanes_parity", f"{_GEN}:hyperplanes_parity", source=_BOWLES)
    register("bars_and_stripes", f"{_GEN}:bars_and_stripes", source=_BOWLES)
    register("ad_hoc", f"{_GEN}:havlicek_ad_hoc", source="Havlicek et al. 2019", aliases=("havlicek",),
             angle_units=True)
    register("moons", f"{_REAL}:moons", source="scikit-learn generator")
    register("circles", f"{_REAL}:circles", source="scikit-learn generator")
    register("iris", f"{_REAL}:iris", source="scikit-learn")
    register("breast_cancer", f"{_REAL}:breast_cancer", source="scikit-learn")
    register("wine", f"{_REAL}:wine", source="scikit-learn")
    register("digits", f"{_REAL}:digits", source="scikit-learn")
