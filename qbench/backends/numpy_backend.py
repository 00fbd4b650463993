"""The ``numpy`` reference backend: the correctness oracle and the speed-of-light gauge."""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from qbench.backends import dense_adjoint, density, shift, statevector
from qbench.backends import gradients as G
from qbench.backends.base import Backend
from qbench.backends.capabilities import NUMPY
from qbench.backends.gram import blockwise_gram
from qbench.backends.sampling import sample_binned
from qbench.errors import QBenchError

#: Working memory the backend may use beyond its results, unless ``memory_budget`` says otherwise.
DEFAULT_MEMORY_BUDGET = 2**30
_UNITS = {"": 1, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "kib": 2**10, "mib": 2**20, "gib": 2**30}


def parse_memory_budget(value) -> int:
    """Bytes from an int or a string such as ``"1 GiB"``, ``"512MB"``; a clear error otherwise."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        size = int(value)
    else:
        m = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*([a-zA-Z]*)\s*", str(value))
        if not m or m.group(2).lower() not in _UNITS:
            raise QBenchError(f"memory_budget must be bytes or a size such as '1 GiB', got {value!r}")
        size = int(float(m.group(1)) * _UNITS[m.group(2).lower()])
    if size < 2**20:
        raise QBenchError(f"memory_budget must be at least 1 MiB, got {value!r}")
    return size


class NumpyBackend(Backend):
    """Batched NumPy state vectors and density matrices; exact, shot and noisy modes; adjoint and parameter shift.

    Option ``memory_budget`` (bytes or e.g. ``"1 GiB"``, default 1 GiB) bounds the working
    memory: samples are simulated in chunks, and a Gram matrix whose states do not fit is
    computed block by block.
    """

    name = "numpy"
    framework = "numpy"
    capabilities = NUMPY

    def __init__(self, *args, **options) -> None:
        budget = options.get("memory_budget")
        self.memory_budget = DEFAULT_MEMORY_BUDGET if budget is None else parse_memory_budget(budget)
        super().__init__(*args, **options)

    def _states(self, circuit, angles, weights):
        self.count(angles.shape[0])
        return statevector.simulate(circuit, angles, weights, memory_budget=self.memory_budget)

    def gram_block_rows(self, circuit, n_a: int, n_b: int) -> int | None:
        """Samples per block of a blockwise Gram, or None when all states fit the budget at once."""
        row = 16 * 2**circuit.n_qubits
        if (n_a + n_b) * row * 2 <= self.memory_budget:
            return None
        return max(1, self.memory_budget // (3 * row))

    def _kernel(self, circuit, a, b):
        if self.mode != "exact":
            return super()._kernel(circuit, a, b)
        rows = self.gram_block_rows(circuit, len(a), 0 if b is None else len(b))
        if rows is None:
            return self.kernel_from_states(circuit, a, b)
        budget = self.memory_budget // 3

        def states(block):
            self.count(block.shape[0])
            return statevector.simulate(circuit, block, np.zeros(0), memory_budget=budget)

        return blockwise_gram(states, a, b, rows)

    def _probabilities(self, circuit, angles, weights):
        if self.mode != "noisy":
            return super()._probabilities(circuit, angles, weights)
        self.count(angles.shape[0])
        return density.probabilities(circuit, angles, weights, self.noise)

    def _vjp(self, circuit, angles, weights, observable, cotangent):
        if self.mode == "exact" and self.gradient == "adjoint":
            return self._value_and_vjp(circuit, angles, weights, observable, cotangent)[1]
        if (self.mode == "shots" and self.gradient == "parameter-shift"
                and type(self)._counts is Backend._counts and type(self)._expval is Backend._expval):
            # (a subclass that samples its own way takes the generic path through its own _expval)
            # Every shifted circuit's exact probabilities from one branch state per weight use
            # (qbench.backends.shift), sampled by the core's sampler: the same distribution as
            # simulating and sampling each shifted circuit.
            uses, probs, values = shift.shifted_bin_probabilities(circuit, angles, weights,
                                                                  observable.diagonal(circuit.n_qubits),
                                                                  memory_budget=self.memory_budget)
            self.count(len(probs), self.shots)
            estimates = sample_binned(self._rng, probs, values, self.shots)
            return G.combine_shifts(estimates, uses, angles.shape[0], circuit.n_weights, cotangent)
        return super()._vjp(circuit, angles, weights, observable, cotangent)

    def _value_and_vjp(self, circuit, angles, weights, observable, cotangent):
        if self.mode == "exact" and self.gradient == "adjoint":
            self.count(angles.shape[0])
            diagonal = observable.diagonal(circuit.n_qubits)
            if dense_adjoint.fits(circuit, angles.shape[0]):  # few qubits: per-gate overhead dominates
                column = (lambda v: np.reshape(cotangent(v[:, 0]), (-1, 1))) if callable(cotangent) else (
                    lambda v: np.reshape(cotangent, (-1, 1)))
                values, grad, _ = dense_adjoint.value_and_grads(circuit, angles, weights, diagonal[None], column,
                                                                data_angles=False)
                return values[:, 0], grad
            return statevector.adjoint_value_and_vjp(circuit, angles, weights, diagonal, cotangent,
                                                     memory_budget=self.memory_budget)
        return super()._value_and_vjp(circuit, angles, weights, observable, cotangent)

    def dense_training(self, circuit, observables, batch_size: int):
        """``(sweep arrays, diagonals)`` when this backend runs a training step of ``circuit`` on the dense sweeps
        (exact mode, adjoint gradient, no mitigation, circuit and batch within :func:`dense_adjoint.fits`), else None.

        A model may then run its whole training loop in compiled code on the same sweeps
        (:mod:`qbench.models.variational.compiled`), reporting the circuits it ran through :meth:`count_compiled`.
        """
        if (self.mode != "exact" or self.gradient != "adjoint" or self.mitigation
                or type(self)._value_and_grads is not NumpyBackend._value_and_grads
                or not dense_adjoint.fits(circuit, int(batch_size))):
            return None
        observables = tuple(observables)
        self._validate(circuit, np.zeros((1, circuit.n_data)), np.zeros(circuit.n_weights))
        for obs in observables:
            obs.check(circuit.n_qubits)
        return dense_adjoint.sweep_arrays(circuit), _stacked_diagonals(observables, circuit.n_qubits)

    def count_compiled(self, executions: int, seconds: float) -> None:
        """Account circuits a compiled training loop ran on :meth:`dense_training`'s arrays (and its time)."""
        self.count(int(executions))
        self.usage.circuit_time += float(seconds)

    def _value_and_grads(self, circuit, angles, weights, observables, cotangent, data_angles=True):
        if self.mode == "exact" and self.gradient == "adjoint":
            self.count(angles.shape[0])
            diagonals = _stacked_diagonals(tuple(observables), circuit.n_qubits)
            if dense_adjoint.fits(circuit, angles.shape[0]):  # few qubits: per-gate overhead dominates
                return dense_adjoint.value_and_grads(circuit, angles, weights, diagonals, cotangent, data_angles)
            values, grad, grad_angles = statevector.adjoint_value_and_grads(
                circuit, angles, weights, diagonals, cotangent, memory_budget=self.memory_budget)
            return values, grad, grad_angles if data_angles else None
        return super()._value_and_grads(circuit, angles, weights, observables, cotangent, data_angles)


@lru_cache(maxsize=64)
def _stacked_diagonals(observables: tuple, n_qubits: int) -> np.ndarray:
    """The observables' diagonals as one read-only (n_obs, 2**n) array (a training step asks for it every step)."""
    out = np.stack([obs.diagonal(n_qubits) for obs in observables])
    out.setflags(write=False)
    return out
