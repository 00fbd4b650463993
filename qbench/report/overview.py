"""The landing page: the answer first (verdicts per data set, backend speed against numpy, with plots), then every
suite with its job counts and a link, and the environments the jobs ran in."""

from __future__ import annotations

import json

import pandas as pd

from qbench.report import answer
from qbench.report.figures import grid, specs
from qbench.report.page import esc, json_script, no_data, section
from qbench.report.suite_data import SuiteData
from qbench.results.stats import MIN_SEEDS

MAX_ENVIRONMENTS = 20
ENV_COLUMNS = ("hostname", "cpu_model", "python_version", "qbench_version", "git_commit")


def suites_table(suites: list[SuiteData], pages: dict[str, str]) -> str:
    if not suites:
        return no_data("the store holds no results yet; run a suite first (qbench run SUITE)")
    rows = []
    for s in suites:
        c = s.counts()
        jobs = s.jobs
        finished = jobs["finished_at"].dropna()
        backends = sorted(b for b in jobs.loc[jobs["kind"] != "baseline", "backend"].dropna().astype(str).unique())
        rows.append(
            f'<tr><td><a class="suite-link" href="{esc(pages[s.name])}">{esc(s.name)}</a></td>'
            f'<td data-v="{len(jobs)}">{len(jobs)}</td><td data-v="{c["done"]}">{c["done"]}</td>'
            f'<td data-v="{c["failed"]}" class="{"bad" if c["failed"] else ""}">{c["failed"]}</td>'
            f'<td data-v="{c["skipped"]}">{c["skipped"]}</td>'
            f'<td>{esc(", ".join(sorted(jobs["dataset"].dropna().astype(str).unique())))}</td>'
            f'<td>{esc(", ".join(sorted(jobs["model"].dropna().astype(str).unique())))}</td>'
            f'<td>{esc(", ".join(backends))}</td><td>{esc(finished.max() if len(finished) else "")}</td></tr>')
    head = "".join(f"<th>{h}</th>" for h in ("suite", "jobs", "done", "failed", "skipped", "data sets", "models",
                                               "backends", "last finished"))
    return f'<div class="table-wrap"><table id="suites"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'


def _env_key(row) -> str:
    return json.dumps([None if pd.isna(row[c]) else str(row[c]) for c in ENV_COLUMNS])


def environments_table(suites: list[SuiteData]) -> tuple[str, str]:
    """Distinct environments (host, CPU, Python, qbench, commit) with their package versions and job counts."""
    frames = [s.jobs for s in suites if len(s.jobs)]
    if not frames:
        return no_data("no jobs"), ""
    jobs = pd.concat(frames, ignore_index=True)
    jobs = jobs[jobs[list(ENV_COLUMNS)].notna().any(axis=1) | jobs["environment"].notna()]
    if jobs.empty:
        return no_data("no environment recorded"), ""
    keys = [_env_key(r) for r in jobs[list(ENV_COLUMNS)].to_dict("records")]
    jobs = jobs.assign(_env=keys)
    blocks = []
    groups = list(jobs.groupby("_env", sort=False))
    for key, sub in groups[:MAX_ENVIRONMENTS]:
        host, cpu, python, qbench, commit = json.loads(key)
        envs = [e for e in sub["environment"] if isinstance(e, dict)]
        env = envs[-1] if envs else {}
        packages = env.get("packages") if isinstance(env.get("packages"), dict) else {}
        plugins = env.get("plugins") if isinstance(env.get("plugins"), dict) else {}
        threads = env.get("threads") if isinstance(env.get("threads"), dict) else {}
        frameworks = sorted({f"{f} {v}" for f, v in zip(sub["framework"], sub["framework_version"])
                             if isinstance(f, str) and isinstance(v, str)})
        items = [
            ("host", host), ("CPU", f"{cpu or env.get('cpu_model', '')}" +
                             (f" ({env['cpu_count']} cores)" if env.get("cpu_count") else "")),
            ("platform", env.get("platform")), ("Python", python or env.get("python")),
            ("qbench", qbench or env.get("qbench")), ("git commit", commit or env.get("git_commit")),
            ("frameworks", ", ".join(frameworks)),
            ("packages", ", ".join(f"{k} {v}" for k, v in sorted(packages.items()))),
            ("plugins", ", ".join(f"{k} {v}" for k, v in sorted(plugins.items()))),
            ("threads", ", ".join(f"{k}={v}" for k, v in sorted(threads.items()))),
            ("jobs", f"{len(sub)} in {', '.join(sorted(sub['suite'].astype(str).unique()))}"),
        ]
        rows = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in items if v)
        blocks.append(f'<table class="env">{rows}</table>')
    note = f"Showing {MAX_ENVIRONMENTS} of {len(groups)} environments." if len(groups) > MAX_ENVIRONMENTS else ""
    return "".join(blocks), note


FIGURES_ID = "qbench-figures"


def overview_body(suites: list[SuiteData], pages: dict[str, str], db_name: str) -> tuple[str, str]:
    """``(body HTML, JSON data block)`` of the landing page."""
    total = sum(len(s.jobs) for s in suites)
    counts = {k: sum(s.counts()[k] for s in suites) for k in ("done", "failed", "skipped")}
    env_html, env_note = environments_table(suites)
    summary = (f'<p class="lead">{len(suites)} suite{"s" if len(suites) != 1 else ""}, {total} jobs: '
               f'<span class="good">{counts["done"]} done</span>, <span class="{"bad" if counts["failed"] else ""}">{counts["failed"]} failed</span>, '
               f'{counts["skipped"]} skipped. Store: <code>{esc(db_name)}</code>.</p>')
    rows = answer.verdict_rows(suites)
    ratios = answer.speed_ratios(suites)
    figures = [answer.difference_figure(rows), answer.speed_figure(ratios)]
    verdict_note = ("Per data set of each suite: the quantum model with the highest mean test accuracy against the "
                    "best classical baseline on the same splits. Δ is the mean paired difference over seeds with the "
                    "interval at the level Holm's adjustment used for it, so it excludes 0 exactly when the verdict "
                    "is better or worse; the verdict is the comparison table's (paired test at the 5% level, "
                    f"Holm-adjusted within each suite over its comparisons with at least {MIN_SEEDS} paired seeds; "
                    "fewer seeds get no verdict), the same as qbench results.")
    speed_note = ("Seconds inside the backend (kernel, forward and gradient evaluations) over numpy's on the same "
                  "configuration and seed; geometric mean over jobs (the same definition as × numpy in the tables). "
                  "Lower is faster; the fit time, mostly classical search on small problems, is in each suite's "
                  "table.")
    body = ("<h1>qbench results</h1>" + summary
            + section("verdict", "Is a quantum model better than the classical baselines?", answer.verdict_html(rows, pages),
                      verdict_note)
            + section("speed", "Which backend is fastest?", answer.speed_html(ratios), speed_note)
            + section("answer-plots", "At a glance", grid(figures))
            + section("suites", "Suites", suites_table(suites, pages))
            + section("environment", "Environment", env_html, env_note))
    return body, json_script(specs(figures), FIGURES_ID)
