"""Numbers in the docs that come from a run are regenerated from the shipped suites, and a hand edit fails.

`docs/scripts/regenerate.py` owns the text between its ``generated`` markers.  The fast tests check that every
block it renders is in its doc and that its comparison catches an edited accuracy but lets a timing vary; the
integration test re-runs the shipped suites (minutes; bowles2024 alone is about 15) and checks the docs.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "docs" / "scripts" / "regenerate.py"


def regenerate():
    spec = importlib.util.spec_from_file_location("regenerate", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up
    spec.loader.exec_module(module)
    return module


def block_text(g, block) -> str:
    text = (ROOT / block.doc).read_text(encoding="utf-8")
    start, end = g.blocks_in(text, block.name)
    return text[start:end]


def test_every_generated_block_is_in_its_doc_once_and_not_empty():
    g = regenerate()
    for block in g.BLOCKS:
        text = (ROOT / block.doc).read_text(encoding="utf-8")
        assert text.count(g.BEGIN.format(name=block.name)) == 1, block.name
        assert text.count(g.END.format(name=block.name)) == 1, block.name
        assert re.search(r"\d", block_text(g, block)), f"{block.name} holds no number: run regenerate.py --write"


def _edit_first(pattern: str, text: str, new: str) -> str:
    edited, n = re.subn(pattern, new, text, count=1)
    assert n == 1, pattern
    return edited


def test_a_hand_edited_accuracy_fails_and_a_different_timing_does_not():
    g = regenerate()
    readme = next(b for b in g.BLOCKS if b.name == "quickstart-table")
    written = block_text(g, readme)
    assert g.differs(readme, written, written) is None
    # an accuracy edited by one in the last printed digit
    edited = _edit_first(r"(\d\.\d\d)(\d)( ± )", written,
                         lambda m: m.group(1) + str((int(m.group(2)) + 1) % 10) + m.group(3))
    assert "line" in (g.differs(readme, edited, written) or "")
    # a verdict edited
    assert g.differs(readme, written.replace("worse", "better", 1), written)
    # a machine's timing differs: allowed, but a missing one is not
    quantum_row = next(line for line in written.splitlines() if line.startswith("  ") and "(classical)" not in line
                       and line.rstrip().split()[-1][0].isdigit() and "model" not in line)
    faster = quantum_row.rsplit(None, 2)[0] + "   0.00123    9.99"
    assert g.differs(readme, written.replace(quantum_row, faster), written) is None
    dropped = quantum_row.rsplit(None, 2)[0]
    assert g.differs(readme, written.replace(quantum_row, dropped), written)
    # the diagnostics tables: g to its printed digits
    geometry = next(b for b in g.BLOCKS if b.name == "diagnostics-geometry")
    text = block_text(g, geometry)
    edited = _edit_first(r"\| (\d\.\d)(\d) \|", text, lambda m: f"| {m.group(1)}{(int(m.group(2)) + 1) % 10} |")
    assert g.differs(geometry, edited, text)


@pytest.mark.integration
@pytest.mark.parametrize("blocks", [
    ["quickstart-table", "diagnostics-geometry", "diagnostics-kernels", "diagnostics-ablation", "havlicek-suite"],
    # the bowles2024 table re-runs 150 jobs (about 15 min on 2 cores): its own marker, `pytest -m bowles`
    pytest.param(["bowles-table"], marks=pytest.mark.bowles),
], ids=["quick-suites", "bowles2024"])
def test_the_docs_match_a_fresh_run_of_the_shipped_suites(tmp_path, blocks):
    """Runs the suites (QBENCH_DOCS_STORES=DIR reuses stores kept there), checks the docs, then edits a number
    in a copy of the docs and checks that the script fails."""
    g = regenerate()
    stores = Path(os.environ.get("QBENCH_DOCS_STORES") or tmp_path / "stores")
    assert g.main(["--check", "--stores", str(stores), "--only", *blocks]) == 0
    copy = tmp_path / "docs-copy"
    for block in g.BLOCKS:
        if block.name in blocks:
            (copy / block.doc).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / block.doc, copy / block.doc)
    block = next(b for b in g.BLOCKS if b.name == blocks[0])
    text = (copy / block.doc).read_text(encoding="utf-8")
    start, end = g.blocks_in(text, block.name)
    body = re.sub(r"(\d\.\d\d)(\d)", lambda m: m.group(1) + str((int(m.group(2)) + 1) % 10), text[start:end],
                  count=1)
    (copy / block.doc).write_text(text[:start] + body + text[end:], encoding="utf-8")
    assert g.main(["--check", "--stores", str(stores), "--only", block.name, "--root", str(copy)]) == 1
