"""Documentation stays in step with the code: settings, tabular columns, the two set-up commands."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

from loaders.tabular import ENTITY_COLUMNS, OFFER_COLUMNS
from registry.config import Settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_readme_gives_the_two_setup_commands():
    assert "make run" in README and "make test" in README


def test_every_setting_is_documented_in_the_readme():
    for f in fields(Settings):
        assert f"`{f.metadata['env']}`" in README, f.metadata["env"]


def test_every_tabular_column_is_documented_in_the_readme():
    section = README[README.index("<!-- tabular-columns:start -->"):README.index("<!-- tabular-columns:end -->")]
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.MULTILINE))
    assert {c.header for c in ENTITY_COLUMNS} | {c.header for c in OFFER_COLUMNS} <= documented
