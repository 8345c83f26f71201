"""Assembly: settings → knowledge base, database and brain. No Telegram here."""

from __future__ import annotations

import logging
from pathlib import Path

from bot.brain import Brain
from bot.config import Settings
from bot.filters import FilterParser
from bot.importer import seed
from bot.kb import load_knowledge
from bot.matcher import Matcher
from bot.store import Store
from bot.text import Lexicon, Normalizer
from bot.units import UnitIndex

log = logging.getLogger(__name__)


def load_normalizer(knowledge_dir: Path) -> Normalizer:
    return Normalizer(Lexicon.load(knowledge_dir / "lexicon.yaml"))


def build_brain(settings: Settings, *, store: Store | None = None,
                leave_out: frozenset[str] = frozenset()) -> Brain:
    """Load and index the knowledge base, open (and on first start seed) the database.
    ``leave_out``: origins of asked questions to leave out (see ``load_knowledge``)."""
    normalizer = load_normalizer(settings.knowledge_dir)
    entries = load_knowledge(settings.knowledge_dir, leave_out=leave_out)
    # Beside the database: the bot's own writable place, and one per test's temporary database.
    matcher = Matcher(entries, normalizer, cache_dir=settings.db_path.parent / "cache")
    if store is None:
        store = Store(settings.db_path)
    index = UnitIndex((), normalizer)
    index.extra_protected = frozenset(matcher.known)
    if seed(store, settings.knowledge_dir / "data", keyer=index.keyer):
        log.info("database %s seeded from %s/data", settings.db_path, settings.knowledge_dir)
    rows = store.unit_rows()
    # Keys made under another lexicon are recomputed once and stored for the next start.
    store.save_unit_keys(index.refresh(rows))
    filters = FilterParser(normalizer, index.units.regions)
    return Brain(entries, matcher, normalizer, store, index, filters)
