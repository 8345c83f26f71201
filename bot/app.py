"""Assembly: settings → knowledge base, database and brain. No Telegram here."""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable
from pathlib import Path

from bot.brain import Brain
from bot.config import Settings
from bot.evaluate import Case, folds
from bot.filters import FilterParser
from bot.importer import seed
from bot.kb import asked_origins, load_knowledge
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
    ``leave_out``: origins of asked questions and out-of-scope examples to leave out (see
    ``load_knowledge``)."""
    normalizer = load_normalizer(settings.knowledge_dir)
    knowledge = load_knowledge(settings.knowledge_dir, leave_out=leave_out)
    # Beside the database: the bot's own writable place, and one per test's temporary database.
    matcher = Matcher(knowledge.entries, normalizer, cache_dir=settings.db_path.parent / "cache",
                      outside=knowledge.outside)
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
    return Brain(knowledge.entries, matcher, normalizer, store, index, filters)


def fold_brains(settings: Settings, cases: Iterable[Case], store: Store,
                only: Collection[str] | None = None) -> dict[str, Brain]:
    """Split → the brain that measures it: for each split of ``cases`` that asked questions
    came from, a brain built without the asked questions and out-of-scope examples of its
    fold (``bot.evaluate.folds``), so that it is not asked its own questions. ``only``: the
    splits to be measured; the other folds are not built."""
    brains: dict[str, Brain] = {}
    for fold in folds(cases, asked_origins(settings.knowledge_dir)):
        if only is None or not fold.isdisjoint(only):
            brains.update(dict.fromkeys(fold, build_brain(settings, store=store,
                                                          leave_out=fold)))
    return brains
