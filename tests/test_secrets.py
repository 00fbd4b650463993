"""Credentials are recognized by one word list, in qbench/secrets.py, and scrubbed by its functions."""

import re
from pathlib import Path

from qbench.secrets import SCRUBBED, blank, blank_row, is_secret_key, scrub, secret_values

ROOT = Path(__file__).resolve().parents[1]
#: A credential word as a string of its own ("password",) or inside a regex alternation (token|password).
WORDS = re.compile(r"""["'](token|password|passwd|api_?key|secret|credential)s?["']|\b(password|passwd|apikey)\|""", re.I)


def test_one_word_list():
    # A second list of credential words (a tuple or regex of them) anywhere in the package or the plugins.
    offenders = []
    for path in [*ROOT.joinpath("qbench").rglob("*.py"), *ROOT.joinpath("plugins").rglob("*.py")]:
        if path == ROOT / "qbench" / "secrets.py":
            continue
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if WORDS.search(line) and not line.lstrip().startswith("#"):
                offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert offenders == []


def test_scrub_and_blank():
    options = {"device": "ibm_x", "api_key": "k-123456", "nested": {"Token": "t-abcdef"}, "list": [{"password": "pw12"}]}
    assert scrub(options) == {"device": "ibm_x", "api_key": SCRUBBED, "nested": {"Token": SCRUBBED},
                              "list": [{"password": SCRUBBED}]}
    secrets = secret_values(options)
    assert sorted(secrets) == ["k-123456", "pw12", "t-abcdef"]
    assert blank("login with k-123456 failed", secrets) == "login with *** failed"
    assert blank_row({"m": 'say "t-abcdef"', "n": 1}, secrets) == {"m": 'say "***"', "n": 1}
    assert is_secret_key("IBM_TOKEN") and not is_secret_key("device") and not is_secret_key(3)
