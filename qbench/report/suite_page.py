"""One suite's page: the comparison table, the plot families, the circuit diagrams and the failures."""

from __future__ import annotations

from qbench.report import accuracy, circuits, diagnostics_section, kernels, qnn, runtime, tables
from qbench.report.figures import Figure, grid, specs
from qbench.report.page import esc, json_script, section

FIGURES_ID = "qbench-figures"
#: The id of the JSON block holding the comparison table's numbers (what `qbench results --format csv` writes).
COMPARISON_ID = "qbench-comparison"


def suite_body(suite) -> tuple[str, str]:
    """``(body HTML, JSON data block)`` of a suite page."""
    c = suite.counts()
    figures: list[Figure] = []

    def add(figs: list[Figure]) -> str:
        figures.extend(figs)
        return grid(figs)

    scatter = add([accuracy.accuracy_vs_time(suite)])
    per_dataset, per_dataset_note = accuracy.versus_baseline(suite)
    per_dataset_html = add(per_dataset)
    runtime_html = add(runtime.runtime_figures(suite))
    heatmaps, heatmap_note = kernels.heatmaps(suite)
    kernel_html = add(heatmaps) + add([kernels.concentration(suite)])
    qnn_html = add([qnn.loss_curves(suite), qnn.gradient_variance(suite)])
    circuits_html, circuits_note = circuits.circuits_html(suite)
    failures_html, failures_note = tables.failures_table(suite)
    diagnostics_html = diagnostics_section.render(suite, add)  # "" when the suite has nothing to diagnose

    toc = [("comparison", "Comparison"), ("accuracy", "Accuracy and time"), ("baselines", "Against baselines"),
           ("runtime", "Runtime"), ("kernels", "Kernels"), ("qnn", "QNN training"),
           *([("diagnostics", "Diagnostics")] if diagnostics_html else []), ("circuits", "Circuits"),
           ("failures", "Failures")]
    body = (
        f'<h1>Suite <span class="suite-name">{esc(suite.name)}</span></h1>'
        f'<p class="lead">{len(suite.jobs)} jobs: <span class="good">{c["done"]} done</span>, '
        f'<span class="{"bad" if c["failed"] else ""}">{c["failed"]} failed</span>, {c["skipped"]} skipped; '
        f'{len(suite.table)} result groups.</p>'
        '<nav class="toc">' + "".join(f'<a href="#{a}">{esc(t)}</a>' for a, t in toc) + "</nav>"
        + section("comparison", "Comparison", tables.comparison_table(suite),
                  "Mean test accuracy over seeds with its 95% t-interval; Δ is the paired difference from the best "
                  "classical baseline on the same splits (the baseline with the best cross-validation score, or the "
                  "only one); the verdict is a paired t-test over seeds (a sign test where every seed gives the "
                  "same difference); "
                  + tables.holm_note(suite) + ". × numpy: geometric mean over seeds of the quantum time over "
                  "numpy's on the same configuration and seed. Click a header to sort; type to filter.")
        + section("accuracy", "Accuracy against fit time", scatter)
        + section("baselines", "Per data set: quantum models against the best classical baseline", per_dataset_html,
                  per_dataset_note)
        + section("runtime", "Runtime against qubits and samples", runtime_html)
        + section("kernels", "Kernel matrices and kernel concentration", kernel_html, heatmap_note)
        + section("qnn", "QNN training and barren plateaus", qnn_html)
        + diagnostics_html
        + section("circuits", "Circuit diagrams", circuits_html, circuits_note)
        + section("failures", "Failures", failures_html, failures_note)
    )
    return body, json_script(specs(figures), FIGURES_ID) + json_script(tables.comparison_data(suite), COMPARISON_ID)
