"""The suite page's diagnostics section: kernel diagnostics for the kernel model, 'not applicable' without a classical kernel."""

import re

from report_helpers import EVIL_MODEL, SUITE

from qbench.report.site import page_name


def test_diagnostics_section_on_the_suite_page(site):
    text = (site.out / page_name(SUITE)).read_text(encoding="utf-8")
    section = re.search(r'<section id="diagnostics">(.*?)</section>', text, re.S).group(1)
    # the dash suite's only baseline is logistic regression: no classical kernel to compare with
    assert "Not applicable: no classical kernel baseline" in section
    kernels = re.search(r'<table class="sortable" id="diag-kernels">(.*?)</table>', section, re.S).group(1)
    assert "qsvm" in kernels and "alignment" in kernels
    assert '<a href="#diagnostics">' in text and 'data-fig="diag-alignment"' in section


def test_diagnostics_section_escapes_names(site):
    from qbench.report.site import page_name as name
    from report_helpers import EVIL_SUITE

    text = (site.out / name(EVIL_SUITE)).read_text(encoding="utf-8")
    section = re.search(r'<section id="diagnostics">(.*?)</section>', text, re.S).group(1)
    assert EVIL_MODEL not in section and "qsvm&lt;img" in section  # only its escaped form appears
