"""Registers the built-in data sets: generators and the sets scikit-learn ships."""

from qbench.datasets import generators as g
from qbench.datasets import real as r
from qbench.plugin.callbacks import RegisterDataset
from qbench.plugin.hookspecs import hookimpl


@hookimpl
def qbench_register_datasets(register: RegisterDataset) -> None:
    register("linearly_separable", g.linearly_separable, description=g.linearly_separable.__doc__.splitlines()[0],
             source="Bowles et al. 2024")
    register("hidden_manifold", g.hidden_manifold, description=g.hidden_manifold.__doc__.splitlines()[0],
             source="Bowles et al. 2024")
    register("two_curves", g.two_curves, description=g.two_curves.__doc__.splitlines()[0], source="Bowles et al. 2024")
    register("hyperplanes_parity", g.hyperplanes_parity, description=g.hyperplanes_parity.__doc__.splitlines()[0],
             source="Bowles et al. 2024")
    register("bars_and_stripes", g.bars_and_stripes, description=g.bars_and_stripes.__doc__.splitlines()[0],
             source="Bowles et al. 2024")
    register("ad_hoc", g.havlicek_ad_hoc, description=g.havlicek_ad_hoc.__doc__.splitlines()[0],
             source="Havlicek et al. 2019", aliases=("havlicek",))
    register("moons", r.moons, description=r.moons.__doc__, source="scikit-learn generator")
    register("circles", r.circles, description=r.circles.__doc__, source="scikit-learn generator")
    register("iris", r.iris, description=r.iris.__doc__, source="scikit-learn")
    register("breast_cancer", r.breast_cancer, description=r.breast_cancer.__doc__, source="scikit-learn")
    register("wine", r.wine, description=r.wine.__doc__, source="scikit-learn")
    register("digits", r.digits, description=r.digits.__doc__, source="scikit-learn")
