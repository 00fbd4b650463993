"""The framework-neutral noise specification every backend runs in ``noisy`` mode.

One channel, the same in every framework (documented once in docs/plugins.md, "Noise"):

* after every one-qubit gate, a depolarizing channel of strength ``p1`` on its qubit:
  rho -> (1 - p1) rho + p1/3 (X rho X + Y rho Y + Z rho Z);
* after every two-qubit gate, a two-qubit depolarizing channel of strength ``p2``:
  each of the 15 non-identity Pauli pairs with probability p2/15;
* before measurement, a readout bit flip of every qubit with probability ``p_meas``.

"Strength" is the probability that some Pauli error happens (Cirq's and PennyLane's
convention; Qiskit's ``depolarizing_error`` parameter is 4/3 p1 and 16/15 p2).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from qbench.errors import QBenchError


class NoiseError(QBenchError):
    """A noise specification with an unknown parameter or a probability outside [0, 1]."""


@dataclass(frozen=True)
class NoiseModel:
    """Depolarizing after one- and two-qubit gates (``p1``, ``p2``) and readout bit flips (``p_meas``)."""

    p1: float = 0.0
    p2: float = 0.0
    p_meas: float = 0.0

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise NoiseError(f"noise parameter {f.name} must be a number in [0, 1], got {value!r}")
            if not 0.0 <= float(value) <= 1.0:
                raise NoiseError(f"noise parameter {f.name} must be in [0, 1], got {value}")
            object.__setattr__(self, f.name, float(value))

    @property
    def is_noiseless(self) -> bool:
        return self.p1 == 0.0 and self.p2 == 0.0 and self.p_meas == 0.0

    def after(self, n_wires: int) -> float:
        """Depolarizing strength after a gate on ``n_wires`` qubits."""
        return self.p1 if n_wires == 1 else self.p2

    def as_dict(self) -> dict:
        return asdict(self)


#: The channel ``noisy`` mode runs when no ``noise`` is given.
DEFAULT_NOISE = NoiseModel(p1=0.001, p2=0.01, p_meas=0.01)
NOISE_PARAMETERS = tuple(f.name for f in fields(NoiseModel))


def parse_noise(value) -> NoiseModel:
    """A :class:`NoiseModel` from a mapping, ``"p1=0.01,p2=0.02"``, a NoiseModel or None (the default)."""
    if value is None:
        return DEFAULT_NOISE
    if isinstance(value, NoiseModel):
        return value
    if isinstance(value, str):
        items = {}
        for part in filter(None, (p.strip() for p in value.split(","))):
            key, sep, number = part.partition("=")
            if not sep:
                raise NoiseError(f"noise expects key=value pairs like p1=0.01,p2=0.02, got {part!r}")
            try:
                items[key.strip()] = float(number)
            except ValueError:
                raise NoiseError(f"noise parameter {key.strip()} must be a number in [0, 1], got {number!r}") from None
        value = items
    if not isinstance(value, dict):
        raise NoiseError(f"noise must be a table like {{p1 = 0.01, p2 = 0.02, p_meas = 0.01}}, got {value!r}")
    unknown = sorted(set(value) - set(NOISE_PARAMETERS))
    if unknown:
        raise NoiseError(f"unknown noise parameter(s) {', '.join(map(str, unknown))}; "
                         f"the noise model takes: {', '.join(NOISE_PARAMETERS)}")
    return NoiseModel(**value)


__all__ = ["NoiseModel", "NoiseError", "DEFAULT_NOISE", "NOISE_PARAMETERS", "parse_noise"]
