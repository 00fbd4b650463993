"""Fixtures for the results tests: suites written to a temporary folder."""

from __future__ import annotations

import pytest


@pytest.fixture
def write_suite(tmp_path):
    def write(text: str, name: str = "suite.toml"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path
    return write
