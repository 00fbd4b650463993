"""Nyström quantum kernels for large N: features phi(x) = K(x, L) K_LL^{-1/2} from m landmark samples L.

Only the m landmark states are kept; K(X, L) is streamed in row blocks (on a Dask cluster when
given a client or a scheduler address), so memory grows with N * m, not N^2 or N states.
A linear model on phi then stands in for the kernel machine: phi phi^T = K_XL K_LL^+ K_LX, which is
the exact Gram matrix when the landmarks are the training set.
"""

from __future__ import annotations

import numpy as np

from qbench.errors import CapabilityError, DataError

#: Eigenvalues of K_LL below this fraction of the largest are dropped (K_LL is often rank deficient).
EIGEN_CUTOFF = 1e-12


class NystroemMap:
    """Landmark states and the normalisation K_LL^{-1/2}; ``transform`` gives the Nyström features."""

    def __init__(self, backend, circuit, landmarks: np.ndarray, block_rows: int = 2048, client=None,
                 address: str | None = None, backend_name: str | None = None, backend_options: dict | None = None):
        self.backend, self.circuit, self.landmarks = backend, circuit, landmarks
        self.block_rows = int(block_rows)
        if self.block_rows < 1:
            raise DataError(f"block_rows must be >= 1, got {block_rows}")
        self.client, self.address = client, address
        self.backend_name, self.backend_options = backend_name, dict(backend_options or {})
        self._landmark_conj = self._landmark_states()
        k_ll = self._block(landmarks)
        s, u = np.linalg.eigh((k_ll + k_ll.T) / 2)
        keep = s > EIGEN_CUTOFF * max(s.max(), 0.0)
        self.rank_ = int(keep.sum())
        self.normalization_ = u[:, keep] / np.sqrt(s[keep])

    def _landmark_states(self):
        """Conjugated landmark states when the backend gives exact states, else None (kernel calls instead)."""
        if self.backend.mode != "exact":
            return None
        try:
            return np.conjugate(self.backend.states(self.circuit, self.landmarks))
        except CapabilityError:
            return None

    def _block(self, angles: np.ndarray) -> np.ndarray:
        """K(angles, landmarks) for one block of rows."""
        if self._landmark_conj is None:
            return self.backend.kernel(self.circuit, angles, self.landmarks)
        ov = self.backend.states(self.circuit, angles) @ self._landmark_conj.T
        return ov.real**2 + ov.imag**2

    def transform(self, angles: np.ndarray) -> np.ndarray:
        """Nyström features of every row, shape (n, rank), computed block by block."""
        out = np.empty((len(angles), self.rank_))
        starts = range(0, len(angles), self.block_rows)
        if self.client is None and self.address is None:
            for s in starts:
                out[s:s + self.block_rows] = self._block(angles[s:s + self.block_rows]) @ self.normalization_
            return out
        self._transform_on_dask(angles, starts, out)
        return out

    def _transform_on_dask(self, angles, starts, out) -> None:
        from distributed import Client, as_completed

        from qbench.backends.tiled_gram import compute_tile

        client = self.client or Client(self.address)
        try:
            circuit = client.scatter(self.circuit, broadcast=True, hash=False)
            landmarks = client.scatter(self.landmarks, broadcast=True, hash=False)
            futures = {client.submit(compute_tile, self.backend_name, self.backend_options, circuit,
                                     angles[s:s + self.block_rows], landmarks, pure=False): s for s in starts}
            for fut in as_completed(futures):
                s = futures.pop(fut)
                out[s:s + self.block_rows] = fut.result() @ self.normalization_
                fut.release()
        finally:
            if self.client is None:
                client.close()


def choose_landmarks(n_samples: int, n_components: int, rng) -> np.ndarray:
    """Indices of ``min(n_components, n_samples)`` landmark samples drawn without replacement."""
    if int(n_components) < 1:
        raise DataError(f"n_components must be >= 1, got {n_components}")
    m = min(int(n_components), n_samples)
    return np.sort(rng.choice(n_samples, size=m, replace=False))
