import os

# Before telegram is imported: RetryAfter.retry_after is a timedelta, with no deprecation
# warning (warnings are errors in this suite).
os.environ["PTB_TIMEDELTA"] = "1"

from pathlib import Path

import pytest

from bot.app import build_brain
from bot.config import Settings
from bot.kb import asked_origins

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        token="123456:TEST-TOKEN",
        db_path=tmp_path / "zibot.db",
        knowledge_dir=ROOT / "knowledge",
        admin_ids=frozenset({1}),
    )


@pytest.fixture
def brain(settings: Settings):
    brain = build_brain(settings)
    yield brain
    brain.store.close()


@pytest.fixture(scope="session")
def shared_brain(tmp_path_factory):
    """One read-only brain for the many pure question tests."""
    path = tmp_path_factory.mktemp("shared") / "zibot.db"
    brain = build_brain(Settings(db_path=path, knowledge_dir=ROOT / "knowledge"))
    yield brain
    brain.store.close()


@pytest.fixture(scope="session")
def unasked_brain(tmp_path_factory):
    """The shipped brain without its asked questions (knowledge/contoh.tsv): for a rule
    whose example question is itself an asked question, which would be matched word for
    word before the rule is reached."""
    path = tmp_path_factory.mktemp("unasked") / "zibot.db"
    brain = build_brain(Settings(db_path=path, knowledge_dir=ROOT / "knowledge"),
                        leave_out=asked_origins(ROOT / "knowledge"))
    yield brain
    brain.store.close()
