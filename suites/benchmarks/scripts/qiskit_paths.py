"""Time the exact Qiskit paths the ``qiskit`` backend chose between (``docs/perf/qiskit.md``).

    python suites/benchmarks/scripts/qiskit_paths.py kernel --qubits 4 8 12 --samples 200 --repeat 3
    python suites/benchmarks/scripts/qiskit_paths.py qnn --qubits 6 --layers 3 --samples 100 --repeat 3

The workloads are exactly those of ``qbench bench`` (:mod:`qbench.cli.workloads`): the symmetric
Gram matrix of the ZZ map (reps 2, full entanglement) and one forward pass plus one
weight VJP of the Y-angle map + hardware-efficient ansatz with the parity observable.
Every candidate's result is checked against the numpy reference before it is timed.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

from qbench.cli.workloads import kernel_time, qnn_time
from qbench.circuits.ansatze import HardwareEfficientAnsatz
from qbench.circuits.feature_maps import AngleFeatureMap, ZZFeatureMap
from qbench.circuits.ir import resolve_angles
from qbench.circuits.observables import parity_observable
from qbench.plugin.manager import open_backend


def _best(fn, repeat):
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def _gram(states):
    overlap = states.conj() @ states.T
    return overlap.real**2 + overlap.imag**2


def kernel_candidates(circuit, angles):
    """name -> function returning the Gram matrix."""
    import qiskit_aer  # noqa: F401
    from qiskit.quantum_info import Statevector
    from qiskit_aer import AerSimulator
    from qiskit_machine_learning.kernels import FidelityStatevectorKernel

    from qbench_qiskit.translate import gate_template, split_template

    theta = resolve_angles(circuit, angles, None)
    qc = gate_template(circuit)
    saved = qc.copy()
    saved.save_statevector()
    params = list(saved.parameters)
    st = split_template(circuit)
    x = angles[:, list(st.data_columns)]

    def aer_binds(**opts):
        sim = AerSimulator(method="statevector", **opts)

        def run():
            res = sim.run(saved, parameter_binds=[{p: theta[:, k] for k, p in enumerate(params)}]).result()
            return _gram(np.stack([np.asarray(res.data(i)["statevector"]) for i in range(len(theta))]))
        return run

    def aer_bound_list():
        sim = AerSimulator(method="statevector")
        res = sim.run([saved.assign_parameters(t) for t in theta]).result()
        return _gram(np.stack([np.asarray(res.data(i)["statevector"]) for i in range(len(theta))]))

    def statevector():
        return _gram(np.stack([Statevector(qc.assign_parameters(t)).data for t in theta]))

    def fidelity_statevector_kernel():
        return FidelityStatevectorKernel(feature_map=st.circuit).evaluate(x)

    return {
        "Aer statevector, parameter_binds (default options)": aer_binds(),
        "Aer statevector, list of bound circuits": aer_bound_list,
        "quantum_info.Statevector per sample": statevector,
        "FidelityStatevectorKernel": fidelity_statevector_kernel,
    }


def qnn_candidates(circuit, angles, weights, observable, cotangent):
    """name -> function returning (expectation values, VJP)."""
    import qiskit_aer  # noqa: F401
    from qiskit_aer import AerSimulator
    from qiskit_aer.primitives import EstimatorV2 as AerEstimator
    from qiskit_machine_learning.gradients import LinCombEstimatorGradient, ParamShiftEstimatorGradient
    from qiskit_machine_learning.neural_networks import EstimatorQNN

    from qbench_qiskit.translate import gate_template, pauli_op, shift_vjp, shifted_angles, split_template

    n = circuit.n_qubits
    st = split_template(circuit)
    op = pauli_op(observable, n)
    x = angles[:, list(st.data_columns)]

    def estimator_qnn(estimator=None, gradient=None):
        def run():
            kw = {}
            if estimator is not None:
                kw["estimator"] = estimator
            if gradient is not None:
                kw["gradient"] = gradient(kw.get("estimator")) if estimator is not None else gradient()
            if estimator is not None:
                kw["default_precision"] = 0.0  # the EstimatorQNN default (1/64) adds noise on non-QML estimators
            qnn = EstimatorQNN(circuit=st.circuit, observables=op, input_params=list(st.input_params),
                               weight_params=list(st.weight_params), **kw)
            values = qnn.forward(x, weights)[:, 0]
            _, wgrad = qnn.backward(x, weights)
            return values, cotangent @ wgrad[:, 0, :]
        return run

    def qml_lincomb():
        from qiskit_machine_learning.primitives import QMLEstimator

        est = QMLEstimator()
        return estimator_qnn(est, LinCombEstimatorGradient)()

    theta = resolve_angles(circuit, angles, weights)
    shifted, gates = shifted_angles(circuit, theta)
    everything = np.concatenate([theta[None], shifted])

    def aer_estimator_one_pub():
        qc = gate_template(circuit)
        evs = AerEstimator().run([(qc, op, everything)]).result()[0].data.evs
        return evs[0], shift_vjp(evs[1:], gates, cotangent, circuit.n_weights)

    def aer_statevector_probs():
        qc = gate_template(circuit).copy()
        qc.save_statevector()
        params = list(qc.parameters)
        sim = AerSimulator(method="statevector", max_parallel_threads=1, runtime_parameter_bind_enable=True)
        flat = everything.reshape(-1, everything.shape[-1])
        res = sim.run(qc, parameter_binds=[{p: flat[:, k] for k, p in enumerate(params)}]).result()
        probs = np.abs(np.stack([np.asarray(res.data(i)["statevector"]) for i in range(len(flat))])) ** 2
        evs = (probs @ observable.diagonal(n)).reshape(everything.shape[:2])
        return evs[0], shift_vjp(evs[1:], gates, cotangent, circuit.n_weights)

    return {
        "EstimatorQNN + QMLEstimator + LinComb gradient": qml_lincomb,
        "EstimatorQNN + Aer EstimatorV2 + ParamShift": estimator_qnn(AerEstimator(), ParamShiftEstimatorGradient),
        "EstimatorQNN + Aer EstimatorV2 + LinComb": estimator_qnn(AerEstimator(), LinCombEstimatorGradient),
        "Aer EstimatorV2, all shifts in one PUB": aer_estimator_one_pub,
        "Aer statevector binds, probabilities, all shifts": aer_statevector_probs,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("task", choices=["kernel", "qnn"])
    parser.add_argument("--qubits", type=int, nargs="+")
    parser.add_argument("--samples", type=int)
    parser.add_argument("--layers", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--native-samples", type=int, default=None,
                        help="samples for qiskit.native (default: --samples); its time is scaled to --samples by the "
                             "number of circuits (pairs for kernels, samples for QNNs) and marked 'extrapolated'")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    ref = open_backend("numpy")
    qubits = args.qubits or ((4, 8, 12) if args.task == "kernel" else (6,))
    samples = args.samples or (200 if args.task == "kernel" else 100)
    print(f"{'path':<52} {'qubits':>6} {'samples':>7} {'seconds':>10} {'x numpy':>8}")
    for n in qubits:
        if args.task == "kernel":
            base = kernel_time("numpy", n, samples, args.repeat)
            fm = ZZFeatureMap(reps=2, entanglement="full")
            circuit = fm.circuit(n)
            angles = fm.angles(np.random.default_rng(0).uniform(0, np.pi, size=(samples, n)))
            want = ref.kernel(circuit, angles)
            rows = [("qiskit (fast path)", kernel_time("qiskit", n, samples, args.repeat), "")]
            for name, fn in kernel_candidates(circuit, angles).items():
                t, got = _best(fn, args.repeat)
                assert np.abs(got - want).max() < 1e-8, name
                rows.append((name, t, ""))
            ns = args.native_samples or samples
            t = kernel_time("qiskit.native", n, ns, 1 if ns != samples else args.repeat)
            scale = (samples * (samples - 1)) / (ns * (ns - 1))
            rows.append(("qiskit.native (FidelityQuantumKernel)", t * scale,
                         "" if ns == samples else f"  extrapolated from {ns} samples"))
        else:
            base = qnn_time("numpy", n, args.layers, samples, args.repeat)
            fm, an = AngleFeatureMap("Y"), HardwareEfficientAnsatz(layers=args.layers)
            circuit = fm.circuit(n).then(an.circuit(n))
            r = np.random.default_rng(0)
            angles = fm.angles(r.uniform(0, np.pi, size=(samples, n)))
            weights = r.uniform(-np.pi, np.pi, circuit.n_weights)
            obs = parity_observable(n)
            cot = r.normal(size=samples)
            want = (ref.expval(circuit, angles, weights, obs), ref.vjp(circuit, angles, weights, obs, cot))
            rows = [("qiskit (fast path)", qnn_time("qiskit", n, args.layers, samples, args.repeat), "")]
            for name, fn in qnn_candidates(circuit, angles, weights, obs, cot).items():
                t, (values, grad) = _best(fn, args.repeat)
                assert np.abs(values - want[0]).max() < 1e-8 and np.abs(grad - want[1]).max() < 1e-7, name
                rows.append((name, t, ""))
            ns = args.native_samples or samples
            t = qnn_time("qiskit.native", n, args.layers, ns, 1 if ns != samples else args.repeat)
            rows.append(("qiskit.native (EstimatorQNN defaults)", t * samples / ns,
                         "" if ns == samples else f"  extrapolated from {ns} samples"))
        print(f"{'numpy (reference)':<52} {n:>6} {samples:>7} {base:>10.4f} {1.0:>8.1f}")
        for name, t, note in rows:
            print(f"{name:<52} {n:>6} {samples:>7} {t:>10.4f} {t / base:>8.1f}{note}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
