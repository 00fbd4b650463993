"""How a backend's arguments are checked: one rule for every plugin.

* **Options per mode**: a backend declares, in ``Capabilities.mode_options``, which options
  each mode takes.  An option declared for another mode is refused naming that mode; an
  undeclared one is refused listing what the mode takes.  (A backend that declares nothing,
  ``mode_options=None``, has its options passed through unchecked.)
* **Noise**: ``noise`` (a :class:`~qbench.backends.noise.NoiseModel` spec) and ``device_model``
  (a framework device model the plugin names in ``Capabilities.device_models``) only in noisy mode.
* **Credentials** never travel as options inside a framework's keyword arguments: they would be
  stored with results.  What marks a key as a credential is :func:`qbench.secrets.is_secret_key` (the one word list).
* **Defaults**: ``default_shots`` in the shots and hardware modes; noisy mode without shots is
  the exact channel.  The default gradient is the first declared method the mode can use;
  ``adjoint`` and ``backprop`` need exact pure states, so only exact mode uses them;
  finite differences need exact values, so no sampled mode uses them.
"""

from __future__ import annotations

from qbench.backends.noise import NoiseModel, parse_noise
from qbench.errors import CapabilityError, QBenchError
from qbench.secrets import is_secret_key

#: Gradient methods that need exact pure states.
STATE_GRADIENTS = ("backprop", "adjoint")
#: Modes that always sample.
SAMPLED_MODES = ("shots", "hardware")
#: The most shots per circuit anyone may ask for (beyond it a value is a typo that would sample for days).
MAX_SHOTS = 10**9


def is_credential(key) -> bool:
    """Whether an option name looks like a credential (qbench.secrets' one word list)."""
    return is_secret_key(str(key))


def credential_keys(options: dict, path: str = "") -> list[str]:
    """The credential-like keys in an options table, nested tables included (``service.token``)."""
    found = []
    for key, value in options.items():
        name = f"{path}.{key}" if path else str(key)
        if is_credential(key):
            found.append(name)
        elif isinstance(value, dict):
            found += credential_keys(value, name)
    return found


def refuse_credentials(backend: str, option: str, mapping: dict) -> None:
    """One-line error when ``mapping`` (a framework's keyword arguments) holds credential-like keys."""
    bad = sorted(str(k) for k in mapping if is_credential(k))
    if bad:
        raise QBenchError(f"backend {backend!r}: option {option!r} may not carry credentials ({', '.join(bad)}): "
                          f"options are stored with results; give credentials through the framework's "
                          f"environment or configuration instead")


def check_mode_options(backend: str, mode: str, options: dict, mode_options) -> None:
    """Refuse options the mode does not declare (the rule in this module's docstring)."""
    if mode_options is None:
        return
    allowed = tuple(mode_options.get(mode, ()))
    for key in sorted(options):
        if key in allowed:
            continue
        elsewhere = sorted(m for m, keys in mode_options.items() if key in keys)
        if elsewhere:
            raise QBenchError(f"backend {backend!r}: option {key!r} belongs to mode {'/'.join(elsewhere)}, "
                              f"not {mode!r}")
        raise QBenchError(f"backend {backend!r} in mode {mode!r} does not take option {key!r}; "
                          f"it takes: {', '.join(allowed) or 'none'}")


def resolve_noise(backend: str, mode: str, noise, device_model, device_models) -> tuple[NoiseModel | None, str | None]:
    """(noise model, device model name) for a backend opened in ``mode``; one-line errors for misuse."""
    if mode != "noisy":
        if noise is not None:
            raise QBenchError(f"backend {backend!r}: noise is given in {mode} mode; noise applies only in noisy mode")
        if device_model is not None:
            raise QBenchError(f"backend {backend!r}: device_model is given in {mode} mode; it applies only in noisy mode")
        return None, None
    if device_model is not None:
        if noise is not None:
            raise QBenchError(f"backend {backend!r}: give either noise or device_model, not both")
        if not device_models:
            raise CapabilityError(f"backend {backend!r} has no device models; use the framework-neutral noise "
                                  f"(noise = {{p1, p2, p_meas}})")
        if device_model not in device_models:
            raise CapabilityError(f"backend {backend!r} has no device model {device_model!r}; "
                                  f"it has: {', '.join(device_models)}")
        return None, str(device_model)
    return parse_noise(noise), None


def default_shots(mode: str, shots, declared: int) -> int | None:
    """Shots for ``mode``: the declared default where the mode always samples; none means exact otherwise."""
    if mode == "exact" and shots:
        raise QBenchError(f"shots={shots} given in exact mode; use mode='shots'")
    if mode in SAMPLED_MODES and shots is None:
        shots = declared
    if shots is not None and (isinstance(shots, bool) or int(shots) < 1):
        raise QBenchError(f"shots must be a positive integer, got {shots}")
    return None if shots is None else int(shots)


def usable_gradients(mode: str, sampled: bool, declared: tuple[str, ...]) -> list[str]:
    """Declared methods the mode can use: state methods need exact mode, finite differences need no shots."""
    return [g for g in declared if (mode == "exact" or g not in STATE_GRADIENTS)
            and not (sampled and g == "finite-diff")]


def choose_gradient(backend: str, mode: str, gradient, declared: tuple[str, ...], sampled: bool = False) -> str | None:
    """The gradient method: the one asked for if the mode can use it, else the first usable declared one."""
    usable = usable_gradients(mode, sampled, declared)
    if gradient is None:
        return usable[0] if usable else None
    if gradient not in declared:
        raise CapabilityError(f"backend {backend!r} does not support gradient method {gradient!r} "
                              f"(it supports: {', '.join(declared) or 'none'})")
    if gradient not in usable:
        raise CapabilityError(f"gradient method {gradient!r} needs exact {'values' if gradient == 'finite-diff' else 'states'}; "
                              f"in {mode} mode{' with shots' if sampled and mode == 'noisy' else ''} use "
                              f"{', '.join(usable) or 'no gradient'}")
    return gradient


__all__ = ["is_credential", "refuse_credentials", "check_mode_options", "resolve_noise",
           "default_shots", "choose_gradient", "usable_gradients", "STATE_GRADIENTS", "SAMPLED_MODES"]
