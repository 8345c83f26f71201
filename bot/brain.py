"""The brain: (message, who is asking) → Reply. Pure Python, no Telegram types.

The Telegram handlers, the console chat and ``zibot ask`` all call this module, so every face
gives the same answer with the same words.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bot import announce, texts
from bot.filters import Filter, FilterParser
from bot.importer import ImportFileError, Report, import_awards
from bot.kb import Entry
from bot.matcher import Decision, Matcher
from bot.reply import Choice, Reply, Who
from bot.store import Store
from bot.text import Normalizer
from bot.units import Lookup, UnitIndex, UnitRef

log = logging.getLogger(__name__)

MAX_QUESTION = 1000
LIST_LIMIT = 60
PENDING_TTL = 15 * 60
SHORT_UNIT = 4  # words in a unit name question without "wbk", "predikat"...
CLOSE_NAME = 90  # a name this close to one of ours is a unit question, not out of scope
_MONTHS = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
    "Oktober", "November", "Desember",
)
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_WORD = re.compile(r"[^\W\d_]+")


def format_date(value: str) -> str:
    """ISO date → "3 Februari 2022"; a bare year stays as it is."""
    m = _DATE.match(value or "")
    if not m:
        return value or "(tanggal tidak tercatat)"
    year, month, day = (int(g) for g in m.groups())
    return f"{day} {_MONTHS[month - 1]} {year}"


def _examples() -> str:
    return "\n".join(f"• {e}" for e in texts.EXAMPLES)


@dataclass
class _Pending:
    kind: str  # "umumkan" or "impor"
    user_id: int | None
    created: float
    text: str = ""
    filename: str = ""
    data: bytes = b""


@dataclass
class Brain:
    entries: list[Entry]
    matcher: Matcher
    normalizer: Normalizer
    store: Store
    units: UnitIndex
    filters: FilterParser
    pending: dict[str, _Pending] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_id = {e.id: e for e in self.entries}
        self.kb_vocabulary = self.matcher.known
        lex = self.normalizer.lexicon
        # Chat words that are also some village's name ("sama", "ada") name no place.
        self._chat_words = lex.stopwords | lex.question_words | set(lex.slang.values())
        self._smalltalk_words = lex.greetings | lex.thanks | lex.farewells
        # Kept through the stopword filter of smalltalk: "permisi" is a filler to the matcher
        # but a greeting here, and "kamu" a word for the bot.
        self._conversation_words = self._smalltalk_words | lex.help_words | lex.bot_words
        self._known_words = self.kb_vocabulary | self._chat_words | self._smalltalk_words
        self._kb_places = self._places_named_in_kb()
        # Words that are part of a unit's name without naming it ("kota", "pusat", "selatan").
        self._name_parts = lex.unit_soft | lex.place_words

    @property
    def unit_ids(self) -> dict[str, str]:
        """Unit name → public id (as in replies); used by evaluations and tests."""
        return {u.name: str(u.id) for u in self.units.units}

    def unit_name(self, unit_id: str | None) -> str:
        if unit_id is None or not str(unit_id).isdigit():
            return str(unit_id)
        unit = self.store.unit(int(unit_id))
        return unit.name if unit else str(unit_id)

    # ------------------------------------------------------------- free text
    def ask(self, text: str, who: Who | None = None) -> Reply:
        """Answer a free-text question."""
        text = (text or "").strip()
        if not text:
            return Reply("fallback", texts.EMPTY_QUESTION.format(example=texts.EXAMPLES[0]))
        if len(text) > MAX_QUESTION:
            return Reply("fallback", texts.TOO_LONG)
        small = self._smalltalk(text, who)
        if small is not None:
            return small
        lookup = self.units.lookup(text)
        if lookup.answer is not None:
            return self.award_reply(lookup.answer, see_also=lookup.see_also)
        found, listing = self._list_filters(text)
        if listing in ("explicit", "count"):
            return self.list_reply(found, counted=listing == "count")
        if lookup.choices and (lookup.types or len(lookup.query) > 1):
            if lookup.query <= lookup.types and self._names_a_topic(text):
                # A unit type, no name, and a topic of the programme ("pernah ada polres yg
                # dicabut wbk-nya? kapan itu"): no unit is asked about, and an entry sure of
                # its answer is what is. "polres udah wbk?" names no topic: the choices stay.
                decision = self.matcher.decide(text)
                if decision.action == "answer":
                    return self.entry_reply(decision.ranked[0].entry, decision.confidence)
            # Every word of the question belongs to these units: a unit question.
            return self._unit_choices(lookup)
        names = self._name_tokens(lookup)
        # "dana desa", "zonasi sma": a type that is also an everyday word makes a unit
        # question only with a predicate asked.
        typed = bool(lookup.types - self.normalizer.lexicon.unit_common_types)
        short = len(lookup.query) <= SHORT_UNIT
        decision = None
        # A city the knowledge base tells of names the unit when a predicate is asked or
        # nothing else is said ("kejari bandung"; not "minta no telp kejari bandung"), and
        # only when no entry is sure it is the answer ("pn surabaya dulu dicabut wbk nya
        # gara2 apa" is the 2022 revocations entry's).
        kb_named = bool(names) and names <= self._kb_places
        says_more = bool(lookup.query - lookup.types - names - self._name_parts)
        if (kb_named and lookup.types and lookup.close and lookup.close[0][1] >= CLOSE_NAME
                and not says_more):
            # "polres oku udah wbk?": only a unit's type and name, and our table has a unit
            # whose name says more (Polres Ogan Komering Ulu Timur). An entry that tells of
            # that unit (its 2022 revocation) is about another unit than the one asked.
            return self._not_found(lookup)
        if kb_named and not lookup.status and says_more:
            names = set()
        if (lookup.types and names and not self.units.topic_before_type(text, self._known_words)
                and (lookup.status or (typed and short and not self._asks_service(text)))):
            # "polres bogor udah wbk?": a unit type and a name we do not have. A long
            # message that mentions a unit type ("saya direktur rsud, apakah rsud kami bisa
            # diusulkan wbk?") is the knowledge base's when it has an answer or choices.
            decision = None if short and not kb_named else self.matcher.decide(text)
            if ((decision is None or decision.action != "answer") and says_more
                    and self._speaks_of_own_unit(text, lookup)):
                # "saya dari rsud cibinong, bagaimana cara mengajukan wbk": the unit says who
                # asks. Its name, unknown to the knowledge base, weighs on the matcher like a
                # topic of its own, so the question is read again without it.
                own = self.matcher.decide(text, leave_out=lookup.types | frozenset(names))
                if own.action == "answer":
                    return self.entry_reply(own.ranked[0].entry, own.confidence)
                if own.action == "suggest":
                    return self._suggest(own)
            if (decision is None or decision.action == "none"
                    or (short and decision.action != "answer")):
                return self._not_found(lookup)
        decision = decision or self.matcher.decide(text)
        # "surbaya udah wbk?": a predicate asked of a place, or of a word only unit names
        # have, is a unit question, even when a knowledge entry mentions that place. Another
        # word the knowledge base uses ("statistik wbk 2020") does not make one.
        places = self.normalizer.lexicon.places
        unit_words = bool(lookup.choices) and (
            bool(names) or any(t in places and t not in self._chat_words for t in lookup.query))
        if decision.action == "answer" and not (unit_words and lookup.status):
            return self.entry_reply(decision.ranked[0].entry, decision.confidence)
        if listing == "implicit":
            # "wbk 2020 di jawa timur": filters only, and no knowledge entry fits better.
            return self.list_reply(found)
        if unit_words:
            # One word that only unit names use ("gresik udah wbk?").
            return self._unit_choices(lookup)
        if self._only_a_unit(text, lookup):
            # "kejati jatim": a unit type and a region we hold no unit for. The entries that
            # mention the region are not what was asked.
            return self._not_found(lookup)
        if decision.action == "suggest":
            return self._suggest(decision)
        if lookup.close and (lookup.status or lookup.close[0][1] >= CLOSE_NAME):
            # "museum basuki abdullah udah wbk?": a near spelling of a unit we have.
            return self._not_found(lookup)
        return self._fallback(decision)

    def _only_a_unit(self, text: str, lookup: Lookup) -> bool:
        """The question is a unit type and a region's name, and maybe parts of a name
        ("selatan"); a type and "kota" alone name no unit yet."""
        places = self.normalizer.lexicon.places
        tokens = self.normalizer.tokens(text)
        return (bool(lookup.types)
                and any(t in places and t not in self._name_parts for t in tokens)
                and all(t in lookup.types or t in places or t in self._name_parts
                        for t in tokens))

    def _speaks_of_own_unit(self, text: str, lookup: Lookup) -> bool:
        """The asker names themselves before the unit ("kami dari DPMPTSP Kab Sleman",
        "sy staf kelurahan di Manado"): a word of ``speaker_words`` before its first type."""
        speakers = self.normalizer.lexicon.speaker_words
        for t in self.normalizer.tokens(text):
            if t in lookup.types:
                return False
            if t in speakers:
                return True
        return False

    def _asks_service(self, text: str) -> bool:
        """Opening hours, queues, visiting days: a question about an office's service."""
        service = self.normalizer.lexicon.service_words
        return not service.isdisjoint(self.normalizer.tokens(text))

    def _places_named_in_kb(self) -> frozenset[str]:
        """Cities and provinces the knowledge base mentions only by name ("Bandung", where
        the 2015 ceremony was held). They are KB words, yet after a unit type ("kejari
        bandung udah wbk?") they name the unit. Words the answers also write in lower case
        ("tinggi", "lima", "daerah") are common words that happen to be in a region's name."""
        lex = self.normalizer.lexicon
        lower = {w for e in self.entries for w in _WORD.findall(f"{e.title} {e.answer}")
                 if w.islower()}
        return frozenset(
            t for t in self.kb_vocabulary
            if lex.places.get(t, 9) <= 2 and t not in lower and t not in self._chat_words
            and t not in lex.place_words and t not in lex.unit_soft)

    def _names_a_topic(self, text: str) -> bool:
        """A word of the message is one of the programme's own topics ("cabut", "usul")."""
        topics = self.normalizer.lexicon.topical_intents
        return any(t in topics for t in self.normalizer.tokens(text))

    def _name_tokens(self, lookup: Lookup) -> set[str]:
        """Words of the question that name a place or unit rather than a KB topic."""
        return {t for t in lookup.query if t not in self.units.query_types and self._names(t)}

    def _names(self, token: str) -> bool:
        """Whether a word of a unit question is (part of) the unit's name."""
        if token in self._kb_places:
            return True
        if token in self.kb_vocabulary:
            return False
        # A slip or a colloquial form of a KB word ("ngajuin") names nothing; a real place's
        # name is never read as a slip.
        return token in self.normalizer.lexicon.places or not self.matcher.knows(token)

    def _smalltalk(self, text: str, who: Who | None = None) -> Reply | None:
        lex = self.normalizer.lexicon
        chat = self._conversation_words
        tokens = [t for t in self.normalizer.tokens(text) if t not in lex.stopwords or t in chat]
        if not tokens:
            # Only particles ("ok", "sip"): a polite nudge, not an error.
            return Reply("smalltalk", texts.SMALLTALK_GREETING, score=1.0)
        kinds: Counter[str] = Counter()
        for t in tokens:
            if t in lex.thanks:
                kinds["thanks"] += 1
            elif t in lex.farewells:
                kinds["bye"] += 1
            elif t in lex.greetings:
                kinds["greeting"] += 1
            elif t in lex.help_words:
                kinds["help"] += 1
            elif t in lex.bot_words:
                kinds["bot"] += 1
            elif t in lex.question_words or t in lex.bot_asks:
                kinds["asks"] += 1
            elif t not in lex.courtesy:
                # "halo, apa kabar?" and "makasih banyak infonya" are still smalltalk.
                return None
        if kinds.keys() & {"thanks", "bye", "greeting"}:
            body = (texts.SMALLTALK_THANKS if "thanks" in kinds
                    else texts.SMALLTALK_BYE if "bye" in kinds else texts.SMALLTALK_GREETING)
            return Reply("smalltalk", body, score=1.0)
        if "help" in kinds:
            return self.help(who)
        if (kinds["bot"] and kinds["asks"]) or kinds["bot"] > 1:
            # "kamu siapa", "bot ini bisa apa", "lu bot ya?": the welcome says who the bot is
            # and what it does.
            return self.start(who=who)
        return None

    # ------------------------------------------------------------ knowledge
    def entry_reply(self, entry: Entry, score: float = 1.0) -> Reply:
        related = tuple(
            Choice(f"k:{r}", r, self.by_id[r].title) for r in entry.related if r in self.by_id
        )
        return Reply(
            "answer",
            entry.answer,
            title=entry.title,
            id=entry.id,
            score=score,
            sources=entry.sources,
            buttons=related,
        )

    def _suggest(self, decision: Decision) -> Reply:
        picked = self.matcher.suggestions(decision)
        choices = tuple(Choice(f"k:{s.entry.id}", s.entry.id, s.entry.title) for s in picked)
        return Reply(
            "suggest",
            texts.SUGGEST_BODY,
            title=texts.SUGGEST_TITLE,
            score=decision.confidence,
            suggestions=choices,
        )

    def _fallback(self, decision: Decision | None = None) -> Reply:
        score = decision.confidence if decision else 0.0
        return Reply(
            "fallback",
            texts.FALLBACK.format(examples=_examples()),
            title=texts.FALLBACK_TITLE,
            score=score,
        )

    # --------------------------------------------------------------- awards
    def award_reply(self, unit: UnitRef, *, see_also: tuple[UnitRef, ...] = ()) -> Reply:
        awards, revocations = self.store.history(unit.id)
        lines = []
        meta = " · ".join(p for p in (unit.instansi, unit.region) if p)
        if meta:
            lines.append(meta)
        for a in awards:
            predicate = a["predicate"]
            if predicate == "WBK/WBBM":
                predicate = texts.AWARD_UNSPECIFIED
            if a["year"]:
                lines.append(texts.AWARD_LINE.format(predicate=predicate, year=a["year"]))
            else:
                lines.append(texts.AWARD_LINE_NOYEAR.format(predicate=predicate))
            if a["note"]:
                lines.append(texts.AWARD_NOTE.format(note=a["note"]))
        for r in revocations:
            year = f" {r['predicate_year']}" if r["predicate_year"] else ""
            lines.append(
                texts.AWARD_REVOKED.format(
                    predicate=r["predicate"],
                    year=year,
                    date=format_date(r["revoked_on"]),
                    reason=r["reason"] or "-",
                )
            )
        if not awards and not revocations:
            lines.append(texts.AWARD_NO_AWARD)
        sources: list[str] = []
        for row in (*awards, *revocations):
            for s in (row["source"] or "").split(" ; "):
                if s.strip() and s.strip() not in sources:
                    sources.append(s.strip())
        buttons = tuple(Choice(f"u:{u.id}", str(u.id), u.name) for u in see_also)
        return Reply(
            "award",
            "\n".join(lines),
            title=unit.name,
            id=str(unit.id),
            score=1.0,
            sources=tuple(sources),
            buttons=buttons,
            notes=(texts.AWARD_YEAR_NOTE,),
        )

    def _unit_choices(self, lookup: Lookup) -> Reply:
        units = lookup.choices
        choices = tuple(Choice(f"u:{u.id}", str(u.id), u.name) for u in units)
        body = texts.UNIT_SUGGEST_BODY
        if lookup.fitting:
            # "polres kami udah wbk?": eight of the 18 Polres that fit, first by name, are a
            # sample; the user is asked for the name rather than left to think these are all.
            body = texts.UNIT_SUGGEST_SOME.format(count=lookup.fitting,
                                                  example=units[0].name.lower())
        return Reply(
            "suggest",
            body,
            title=texts.UNIT_SUGGEST_TITLE,
            score=0.5,
            suggestions=choices,
        )

    def _not_found(self, lookup: Lookup) -> Reply:
        body = texts.NOT_FOUND
        suggestions = tuple(Choice(f"u:{u.id}", str(u.id), u.name) for u, _ in lookup.close)
        if suggestions:
            body += "\n\n" + texts.NOT_FOUND_CLOSE
        return Reply(
            "not_found",
            body,
            title=texts.NOT_FOUND_TITLE,
            score=(lookup.close[0][1] / 100.0) if lookup.close else 0.0,
            suggestions=suggestions,
        )

    def check(self, text: str) -> Reply:
        """``/cek <nama unit>``: the unit look-up only, never the knowledge base."""
        if not text.strip():
            return Reply("fallback", texts.CEK_USAGE)
        lookup = self.units.lookup(text)
        if lookup.answer is not None:
            return self.award_reply(lookup.answer, see_also=lookup.see_also)
        if lookup.choices:
            return self._unit_choices(lookup)
        return self._not_found(lookup)

    def _list_filters(self, text: str) -> tuple[list[Filter], str | None]:
        """Filters of a list question and how sure it is one: "explicit" (a list word),
        "implicit" (only filters) or None."""
        lex = self.normalizer.lexicon
        found, rest = self.filters.parse(text)
        kinds = {f.kind for f in found}
        if "predikat" not in kinds:
            return found, None
        filler = lex.list_words | lex.list_filler | lex.stopwords | lex.question_words
        if lex.count_words & set(rest):
            # "berapa yang dapat wbk 2020" asks for national figures, not our partial list;
            # "berapa unit polri yang dapat wbbm 2020" asks what the national figures do not
            # give, and our list is the nearest thing we have, said to be partial.
            if kinds & {"instansi", "jenis", "wilayah"} and all(
                    t in filler or t in lex.count_words for t in rest):
                return found, "count"
            return found, None
        if any(t not in filler for t in rest):
            return found, None
        if set(rest) & lex.list_words:
            return found, "explicit"
        # A predicate and a place alone ("gresik udah wbk?") ask about the units there, which
        # the unit look-up offers as choices; a year or an instansi asks for a list.
        if kinds & {"tahun", "instansi"}:
            return found, "implicit"
        return found, None

    def list_reply(self, found: list[Filter], *, counted: bool = False) -> Reply:
        rows = self.store.award_rows()
        matched = []
        for row in rows:
            types = self.units.types_of(row["unit_id"])
            if all(self.filters.matches(f, row, types) for f in found):
                matched.append(row)
        what = ", ".join(self.filters.label(f) for f in found)
        if not matched:
            return Reply(
                "award",
                texts.LIST_EMPTY.format(what=what),
                title=texts.LIST_TITLE.format(count=0, what=what),
                notes=(texts.LIST_NOTE,),
            )
        lines = [texts.LIST_COUNT.format(what=what), ""] if counted else []
        lines += [
            texts.LIST_LINE.format(
                unit=r["name"], predicate=r["predicate"], year=r["year"] or "-"
            )
            for r in matched[:LIST_LIMIT]
        ]
        if len(matched) > LIST_LIMIT:
            lines.append(texts.LIST_MORE.format(more=len(matched) - LIST_LIMIT))
        units = {r["unit_id"] for r in matched}
        return Reply(
            "award",
            "\n".join(lines),
            title=texts.LIST_TITLE.format(count=len(units), what=what),
            score=1.0,
            notes=(texts.LIST_NOTE,),
        )

    # -------------------------------------------------------------- choices
    def choose(self, key: str, who: Who | None = None) -> Reply:
        """A button press (or a number typed in the console)."""
        kind, _, value = key.partition(":")
        if kind == "k" and value in self.by_id:
            return self.entry_reply(self.by_id[value])
        if kind == "u" and value.isdigit():
            unit = self.store.unit(int(value))
            if unit is not None:
                return self.award_reply(UnitRef(unit.id, unit.name, unit.instansi, unit.region))
        if kind == "x":
            return Reply("fallback", texts.NONE_OF_THESE_REPLY)
        if kind in ("ann", "imp", "no"):
            return self._confirm(kind, value, who or Who())
        return Reply("fallback", texts.EXPIRED)

    # --------------------------------------------------------------- commands
    def command(self, name: str, args: str, who: Who) -> Reply:
        """A text command, the same for every face (``/cek polres gresik`` → ``cek``)."""
        name = name.lower()
        if name == "start":
            return self.start(args.strip(), who)
        if name in ("bantuan", "help"):
            return self.help(who)
        if name == "tanya":
            return self.ask(args, who) if args.strip() else self.help(who)
        if name == "cek":
            return self.check(args)
        if name == "langganan":
            return self.subscribe(args, who)
        if name == "berhenti":
            return self.unsubscribe(args, who)
        if name == "umumkan":
            return self.announce_preview(args, who)
        if name == "status":
            return self.status(who)
        if name == "impor":
            return Reply("smalltalk", texts.IMPOR_USAGE if who.is_admin else texts.ADMIN_ONLY)
        return Reply("fallback", texts.UNKNOWN_COMMAND)

    def start(self, payload: str = "", who: Who | None = None) -> Reply:
        who = who or Who()
        if payload == "langganan":
            return self.subscribe("", who)
        if payload.startswith("unit_") and payload[5:].isdigit():
            return self.choose(f"u:{payload[5:]}", who)
        if payload.startswith("topik_") and payload[6:] in self.by_id:
            return self.entry_reply(self.by_id[payload[6:]])
        return Reply(
            "smalltalk",
            texts.WELCOME.format(examples=_examples()),
            title=texts.WELCOME_TITLE,
            score=1.0,
        )

    def help(self, who: Who | None = None) -> Reply:
        who = who or Who()
        lines = [texts.HELP_INTRO, ""]
        lines += [f"{c.usage} - {c.description}" for c in texts.COMMANDS if not c.admin]
        if who.is_admin:
            lines += ["", texts.HELP_ADMIN]
            lines += [f"{c.usage} - {c.description}" for c in texts.COMMANDS if c.admin]
        return Reply("smalltalk", "\n".join(lines), title=texts.HELP_TITLE, score=1.0)

    # ---------------------------------------------------------- subscriptions
    def _filter_labels(self, keys: list[str]) -> str:
        if not keys:
            return texts.SUB_ALL
        return ", ".join(self.filters.label(Filter.from_key(k)) for k in keys)

    @staticmethod
    def _subscription_refusal(who: Who) -> Reply | None:
        if who.chat_type == "console":
            return Reply("smalltalk", texts.SUB_TELEGRAM_ONLY)
        if who.in_group and not who.is_chat_admin:
            return Reply("smalltalk", texts.GROUP_ADMIN_ONLY)
        return None

    def subscribe(self, args: str, who: Who) -> Reply:
        refusal = self._subscription_refusal(who)
        if refusal is not None:
            return refusal
        current = self.store.subscriber(who.chat_id)
        active = bool(current and current["active"])
        keys: list[str] = list(current["filters"]) if active and current else []
        if not args.strip():
            if active:
                return Reply(
                    "smalltalk", texts.SUB_STATUS.format(filters=self._filter_labels(keys))
                )
            self.store.save_subscriber(who.chat_id, who.chat_type, [])
            return Reply("smalltalk", texts.SUB_DONE_ALL)
        found, rest = self.filters.parse(args)
        if not found or rest:
            return Reply("smalltalk", texts.SUB_UNKNOWN_FILTER.format(filter=args.strip()))
        new_keys = [f.key for f in found]
        # A filter added to "everything" narrows the subscription down to that filter.
        if active and set(new_keys) <= set(keys):
            return Reply(
                "smalltalk", texts.SUB_ALREADY.format(filters=self._filter_labels(keys))
            )
        keys = sorted(set(keys) | set(new_keys))
        self.store.save_subscriber(who.chat_id, who.chat_type, keys)
        return Reply(
            "smalltalk",
            texts.SUB_DONE_FILTER.format(filter=", ".join(self.filters.label(f) for f in found)),
        )

    def unsubscribe(self, args: str, who: Who) -> Reply:
        refusal = self._subscription_refusal(who)
        if refusal is not None:
            return refusal
        current = self.store.subscriber(who.chat_id)
        if not current or not current["active"]:
            return Reply("smalltalk", texts.SUB_NOT_SUBSCRIBED)
        if not args.strip():
            self.store.save_subscriber(who.chat_id, who.chat_type, current["filters"],
                                       active=False)
            return Reply("smalltalk", texts.UNSUB_DONE)
        found, _rest = self.filters.parse(args)
        keys = set(current["filters"])
        drop = {f.key for f in found} & keys
        if not drop:
            return Reply(
                "smalltalk",
                texts.UNSUB_FILTER_MISSING.format(
                    filter=args.strip(), filters=self._filter_labels(sorted(keys))
                ),
            )
        left = sorted(keys - drop)
        if not left:
            self.store.save_subscriber(who.chat_id, who.chat_type, [], active=False)
            return Reply("smalltalk", texts.UNSUB_DONE)
        self.store.save_subscriber(who.chat_id, who.chat_type, left)
        return Reply(
            "smalltalk",
            texts.UNSUB_FILTER.format(
                filter=self._filter_labels(sorted(drop)), filters=self._filter_labels(left)
            ),
        )

    def chat_blocked(self, chat_id: int) -> None:
        """The bot was blocked or removed (my_chat_member "kicked"/"left")."""
        if self.store.deactivate(chat_id, "blocked"):
            log.info("subscriber %s deactivated: bot blocked or removed", chat_id)

    def chat_returned(self, chat_id: int) -> None:
        """A later /start or /langganan from a chat that had blocked the bot."""
        if self.store.reactivate(chat_id):
            log.info("subscriber %s reactivated", chat_id)

    # ------------------------------------------------------------------ admin
    def _new_token(self, pending: _Pending) -> str:
        now = time.monotonic()
        for token in [t for t, p in self.pending.items() if now - p.created > PENDING_TTL]:
            del self.pending[token]
        token = secrets.token_urlsafe(6)
        self.pending[token] = pending
        return token

    def announce_preview(self, text: str, who: Who) -> Reply:
        if not who.is_admin:
            return Reply("smalltalk", texts.ADMIN_ONLY)
        if not text.strip():
            return Reply("smalltalk", texts.UMUMKAN_USAGE)
        active, _ = self.store.subscriber_counts()
        token = self._new_token(_Pending("umumkan", who.user_id, time.monotonic(), text=text))
        return Reply(
            "smalltalk",
            f"{texts.UMUMKAN_PREVIEW.format(count=active)}\n\n{text.strip()}",
            buttons=(
                Choice(f"ann:{token}", token, texts.UMUMKAN_CONFIRM),
                Choice(f"no:{token}", token, texts.UMUMKAN_CANCEL),
            ),
        )

    def import_preview(self, filename: str, data: bytes, who: Who) -> Reply:
        if not who.is_admin:
            return Reply("smalltalk", texts.ADMIN_ONLY)
        try:
            report = import_awards(self.store, Path(filename), data=data, dry_run=True,
                                   who=str(who.user_id))
        except ImportFileError as exc:
            return Reply("smalltalk", f"{texts.IMPOR_PREVIEW.format(file=filename)}\n{exc}")
        body = self._report_text(report)
        if report.bad:
            return Reply("smalltalk", body)
        token = self._new_token(
            _Pending("impor", who.user_id, time.monotonic(), filename=filename, data=data)
        )
        return Reply(
            "smalltalk",
            body,
            buttons=(
                Choice(f"imp:{token}:umumkan", token, texts.IMPOR_AND_ANNOUNCE),
                Choice(f"imp:{token}:saja", token, texts.IMPOR_ONLY),
                Choice(f"no:{token}", token, texts.UMUMKAN_CANCEL),
            ),
        )

    @staticmethod
    def _report_text(report: Report) -> str:
        lines = [
            texts.IMPOR_PREVIEW.format(file=report.file),
            texts.IMPOR_COUNTS.format(new=report.new, known=report.known, skipped=report.skipped),
        ]
        if report.bad:
            lines.append(texts.IMPOR_BAD.format(count=len(report.bad)))
            lines += [texts.IMPOR_BAD_LINE.format(line=n, message=m) for n, m in report.bad[:20]]
        return "\n".join(lines)

    def _confirm(self, kind: str, value: str, who: Who) -> Reply:
        token, _, mode = value.partition(":")
        pending = self.pending.get(token)
        if pending is None or not who.is_admin or pending.user_id != who.user_id:
            return Reply("smalltalk", texts.EXPIRED)
        del self.pending[token]
        if kind == "no":
            return Reply("smalltalk", texts.CANCELLED)
        if kind == "ann" and pending.kind == "umumkan":
            announcement_id, count = announce.enqueue_free(
                self.store, pending.text, created_by=str(who.user_id)
            )
            return Reply("smalltalk", texts.UMUMKAN_QUEUED.format(id=announcement_id, count=count))
        if kind == "imp" and pending.kind == "impor":
            announcer = announce.award_announcer(self.filters, self.units) \
                if mode == "umumkan" else None
            try:
                report = import_awards(
                    self.store, Path(pending.filename), data=pending.data,
                    who=str(who.user_id), announcer=announcer, keyer=self.units.keyer,
                )
            except ImportFileError as exc:
                return Reply("smalltalk", str(exc))
            self.store.save_unit_keys(self.units.refresh(self.store.unit_rows()))
            text = texts.IMPOR_DONE.format(new=report.new, known=report.known,
                                           skipped=report.skipped)
            if report.announcement_id:
                text += "\n" + texts.IMPOR_ANNOUNCED.format(
                    id=report.announcement_id, count=report.recipients
                )
            return Reply("smalltalk", text)
        return Reply("smalltalk", texts.EXPIRED)

    def status(self, who: Who) -> Reply:
        if not who.is_admin:
            return Reply("smalltalk", texts.ADMIN_ONLY)
        active, inactive = self.store.subscriber_counts()
        lines = [texts.STATUS_SUBS.format(active=active, inactive=inactive)]
        progress = self.store.announcement_progress()
        if progress is None:
            lines.append(texts.STATUS_NO_ANNOUNCEMENT)
        else:
            lines.append(
                texts.STATUS_ANNOUNCEMENT.format(
                    id=progress["id"], created=progress["created_at"], sent=progress["sent"],
                    pending=progress["pending"],
                    failed=progress["failed"] + progress["skipped"],
                )
            )
        return Reply("smalltalk", "\n".join(lines), title=texts.STATUS_TITLE)
