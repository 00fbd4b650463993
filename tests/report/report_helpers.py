"""Constants and the browser-visit recorder shared by the dashboard tests."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent
SUITE = "dash"
#: A suite name, data set and model name that would run script if any page wrote them as markup.
EVIL_SUITE = "<script>window.__pwned=1</script>"
EVIL_DATASET = 'moons"><svg onload=window.__pwned5=1>'
EVIL_MODEL = "qsvm<img src=x onerror=window.__pwned6=1>"
PWNED = ["__pwned", "__pwned3", "__pwned4", "__pwned5", "__pwned6"]
#: The dash run's rows re-recorded under several backends (to check one colour per backend and that identical
#: loss curves are drawn once), and its kernel rows as a 60-qubit ZZ kernel (to check a wide page stays small).
PALETTE_SUITE = "palette"
PALETTE_BACKENDS = {"numpy": "numpy", "qiskit": "qiskit", "pennylane": "pennylane",
                    "pennylane.lightning": "pennylane", "cirq": "cirq", "cirq.qsim": "cirq"}
#: This backend's copies get a slightly different loss curve, so they are drawn on their own.
DISTINCT_BACKEND = "cirq.qsim"
WIDE_SUITE = "wide"
WIDE_QUBITS = 60
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

SUITE_TOML = f"""
[suite]
name = "{SUITE}"
backends = ["numpy", "failing"]
seeds = [0, 1]
cv = 2
plugins = ["failing_backend.py"]

[[datasets]]
name = "moons"
n_samples = [24, 32]

[[models]]
name = "qsvm"
kind = "kernel"
params = {{ feature_map = "zz", feature_map_params = {{ reps = 1 }} }}

[[models]]
name = "qnn"
kind = "qnn"
params = {{ max_iter = 6, batch_size = 32 }}

[[models]]
name = "logreg"
kind = "baseline"
baseline = "logistic_regression"

[[exclude]]
backend = "failing"
model = "qnn"
"""


class Visit:
    """A page opened in Chromium with every request, console message and page error recorded."""

    def __init__(self, browser, url: str) -> None:
        self.requests: list[str] = []
        self.console: list[tuple[str, str]] = []
        self.errors: list[str] = []
        self.context = browser.new_context(viewport={"width": 1400, "height": 900})
        self.page = self.context.new_page()
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.console.append((m.type, m.text)))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(url)
        # qbench.js marks the body once every plot is drawn (a selector wait: the pages' CSP forbids eval)
        self.page.wait_for_selector("body[data-ready]", state="attached", timeout=60_000)

    def close(self) -> None:
        self.context.close()
