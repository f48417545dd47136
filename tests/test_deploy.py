"""The deployment files of deploy/ are those the French admin guide shows."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(p for p in (ROOT / "deploy").rglob("*") if p.is_file())


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_admin_guide_quotes_each_deployment_file_as_it_is(path):
    guide = (ROOT / "docs" / "deploiement.md").read_text(encoding="utf-8")
    assert path.read_text(encoding="utf-8").strip() in guide


def test_gunicorn_settings_follow_the_environment(monkeypatch):
    conf = ROOT / "deploy" / "gunicorn.conf.py"
    defaults = runpy.run_path(str(conf))
    assert defaults["bind"] == ["unix:/run/ckan/gunicorn.sock"]
    assert (defaults["workers"], defaults["timeout"]) == (2, 120)
    monkeypatch.setenv("HG_WEB_WORKERS", "3")
    monkeypatch.setenv("HG_WSGI_BIND", "127.0.0.1:5101")
    changed = runpy.run_path(str(conf))
    assert (changed["workers"], changed["bind"]) == (3, ["127.0.0.1:5101"])
