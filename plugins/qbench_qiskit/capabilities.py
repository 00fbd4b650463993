"""What the Qiskit backends support, declared without importing Qiskit.

:mod:`qbench_qiskit.plugin` registers these objects and :mod:`qbench_qiskit.backend` uses the
very same ones, so a suite is checked in the parent process against what the classes enforce.
"""

from qbench.backends.base import Capabilities

#: The fake IBM devices of qiskit-ibm-runtime 0.51 (``FakeManilaV2`` -> ``fake_manila``), the noisy mode's
#: device models; ``tests/plugins/test_qiskit.py`` keeps this list equal to what the installed package has.
DEVICE_MODELS = (
    "fake_aachen", "fake_algiers", "fake_almaden", "fake_armonk", "fake_athens", "fake_auckland",
    "fake_belem", "fake_berlin", "fake_boeblingen", "fake_bogota", "fake_boston", "fake_brisbane",
    "fake_brooklyn", "fake_brussels", "fake_burlington", "fake_cairo", "fake_cambridge",
    "fake_casablanca", "fake_cusco", "fake_essex", "fake_fez", "fake_geneva", "fake_guadalupe",
    "fake_hanoi", "fake_jakarta", "fake_johannesburg", "fake_kawasaki", "fake_kingston",
    "fake_kolkata", "fake_kyiv", "fake_kyoto", "fake_lagos", "fake_lima", "fake_london",
    "fake_manhattan", "fake_manila", "fake_marrakesh", "fake_melbourne", "fake_miami",
    "fake_montreal", "fake_mumbai", "fake_nairobi", "fake_nighthawk", "fake_osaka", "fake_oslo",
    "fake_ourense", "fake_paris", "fake_peekskill", "fake_perth", "fake_pittsburgh",
    "fake_poughkeepsie", "fake_prague", "fake_quebec", "fake_quito", "fake_rochester", "fake_rome",
    "fake_santiago", "fake_sherbrooke", "fake_singapore", "fake_strasbourg", "fake_sydney",
    "fake_torino", "fake_toronto", "fake_valencia", "fake_vigo", "fake_washington", "fake_yorktown"
)
_SAMPLED = ("threads", "job_size")
_TRANSPILE = ("optimization_level", "seed_transpiler")
#: Which mode takes which option (``qbench_qiskit.backend.OPTIONS`` says what each does).
MODE_OPTIONS = {"exact": ("threads",), "shots": _SAMPLED, "noisy": _SAMPLED + _TRANSPILE,
                "hardware": ("device", "job_size", "service", "channel", "instance", "account_name", "account_file")
                + _TRANSPILE}

QISKIT = Capabilities(modes=("exact", "shots", "noisy", "hardware"), gradient_methods=("parameter-shift",),
                      max_qubits=24, default_shots=1024, mode_options=MODE_OPTIONS, device_models=DEVICE_MODELS,
                      max_qubits_by_mode={"noisy": 10})
QISKIT_NATIVE = Capabilities(modes=("exact",), gradient_methods=("parameter-shift",), max_qubits=20,
                             mode_options={"exact": ()})
