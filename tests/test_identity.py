"""Baselines and fingerprints never let anyone guess a weak secret back from its hash."""

from __future__ import annotations

import json
from pathlib import Path

from hf_secret_guard import scan_source
from hf_secret_guard.tokens import fingerprint, secret_hash
from tests.conftest import TOKEN
from tests.inprocess import run_main

WEAK = "hunter2-not-real"


def test_weak_secret_is_known_by_its_name_not_its_value(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_text(f'import os\nos.environ["DB_PASSWORD"] = "{WEAK}"\nos.environ["HF_TOKEN"] = "{TOKEN}"\n')
    baseline = tmp_path / "baseline.json"
    assert run_main("baseline", "--output", str(baseline), str(path)).returncode == 0
    report = run_main("scan", "--format", "json", str(path)).stdout
    stored = baseline.read_text() + report
    # Whoever reads the baseline or the report can hash guesses with our public recipe: it must not match.
    for guess in (WEAK, "hunter2"):
        assert secret_hash(guess) not in stored
        assert fingerprint("HFG002", str(path), guess) not in stored
    # A token is random: its hash is safe to keep, and keeps it apart from any other token.
    assert secret_hash(TOKEN) in stored
    assert len(json.loads(report)["findings"]) == 2


def test_moved_or_changed_weak_secret_keeps_its_identity() -> None:
    first = scan_source(f'import os\nos.environ["DB_PASSWORD"] = "{WEAK}"\n', "a.py").findings[0]
    moved = scan_source(f'import os\n\n\nos.environ["DB_PASSWORD"] = "{WEAK}x"\n', "a.py").findings[0]
    other = scan_source(f'import os\nos.environ["API_KEY"] = "{WEAK}"\n', "a.py").findings[0]
    assert first.fingerprint == moved.fingerprint and first.secret_hash == moved.secret_hash
    assert first.secret_hash != other.secret_hash
