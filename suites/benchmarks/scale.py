"""asv cases of issue 16 at small sizes (the full-size figures: suites/benchmarks/scripts/scale.py, docs/performance.md).

* ``Simulate``: time and peak memory of a chunked 12-qubit ZZ state batch;
* ``Gram``: a Gram matrix in one shot vs blockwise under a small ``memory_budget``;
* ``QNNStep``: expectation values + VJP in one ``value_and_vjp`` call vs ``expval`` then ``vjp``;
* ``Nystroem``: fit + predict with 100 landmarks on 4,000 samples;
* ``TiledGram``: a tiled Gram on a threaded Dask LocalCluster into a memory-mapped ``.npy``.
"""

from __future__ import annotations

import tempfile

import numpy as np

from qbench.backends import statevector as sv
from qbench.circuits import AngleFeatureMap, IQPFeatureMap, StronglyEntanglingAnsatz, ZZFeatureMap, parity_observable
from qbench.plugin.manager import open_backend


def _zz(n: int, samples: int):
    fm = ZZFeatureMap()
    return fm.circuit(n), fm.angles(np.random.default_rng(0).uniform(0, 1, (samples, n)))


class Simulate:
    def setup(self):
        self.circuit, self.angles = _zz(12, 500)
        sv.compile_circuit(self.circuit)

    def time_simulate(self):
        sv.simulate(self.circuit, self.angles, np.zeros(0))

    def peakmem_simulate(self):
        sv.simulate(self.circuit, self.angles, np.zeros(0))


class Gram:
    params = ["one-shot", "blockwise"]
    param_names = ["path"]

    def setup(self, path):
        self.circuit, self.angles = _zz(10, 300)
        self.backend = open_backend("numpy", memory_budget="1 GiB" if path == "one-shot" else "4 MiB")

    def time_gram(self, path):
        self.backend.kernel(self.circuit, self.angles)

    def peakmem_gram(self, path):
        self.backend.kernel(self.circuit, self.angles)


class QNNStep:
    params = ["value_and_vjp", "expval+vjp"]
    param_names = ["call"]

    def setup(self, call):
        n = 8
        self.circuit = AngleFeatureMap().circuit(n).then(StronglyEntanglingAnsatz(2).circuit(n))
        rng = np.random.default_rng(0)
        self.angles, self.w = rng.uniform(0, np.pi, (32, n)), rng.normal(size=self.circuit.n_weights)
        self.obs, self.backend = parity_observable(n), open_backend("numpy", gradient="adjoint")

    def time_step(self, call):
        b, c, a, w, o = self.backend, self.circuit, self.angles, self.w, self.obs
        if call == "value_and_vjp":
            b.value_and_vjp(c, a, w, o, lambda f: f - 0.5)
        else:
            b.vjp(c, a, w, o, b.expval(c, a, w, o) - 0.5)


class Nystroem:
    timeout = 300

    def setup(self):
        from sklearn.datasets import make_classification

        self.X, self.y = make_classification(n_samples=4000, n_features=6, random_state=0)

    def time_fit_predict(self):
        from qbench.models.kernel import QuantumKernelClassifier

        QuantumKernelClassifier(approximation="nystroem", n_components=100, random_state=0,
                                cache=False).fit(self.X, self.y).predict(self.X)


class TiledGram:
    timeout = 300

    def setup(self):
        from distributed import Client, LocalCluster

        fm = IQPFeatureMap()
        self.circuit = fm.circuit(8)
        self.angles = fm.angles(np.random.default_rng(0).uniform(0, np.pi, (600, 8)))
        self.cluster = LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None)
        self.client = Client(self.cluster)
        self.tmp = tempfile.TemporaryDirectory()

    def teardown(self):
        self.client.close()
        self.cluster.close()
        self.tmp.cleanup()

    def time_tiled_gram(self):
        from qbench.backends.tiled_gram import tiled_gram

        tiled_gram(self.circuit, self.angles, path=f"{self.tmp.name}/k", tile=200, client=self.client)
