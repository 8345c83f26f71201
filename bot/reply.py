"""What the brain returns: plain data, no Telegram types."""

from __future__ import annotations

from dataclasses import dataclass

KINDS = ("answer", "suggest", "award", "not_found", "fallback", "smalltalk")


@dataclass(frozen=True)
class Who:
    """Who is asking, as far as the brain needs to know."""

    chat_id: int = 0
    user_id: int | None = None
    chat_type: str = "private"  # private, group, supergroup, channel or console
    is_admin: bool = False  # listed in ZIBOT_ADMIN_IDS
    is_chat_admin: bool = True  # an administrator of the group chat (always true in private)

    @property
    def in_group(self) -> bool:
        return self.chat_type in ("group", "supergroup")


@dataclass(frozen=True)
class Choice:
    """A button: ``key`` is the short callback data, ``id`` the public id, ``title`` its label."""

    key: str
    id: str
    title: str


@dataclass(frozen=True)
class Reply:
    kind: str
    body: str
    title: str = ""
    id: str | None = None
    score: float = 0.0
    suggestions: tuple[Choice, ...] = ()
    sources: tuple[str, ...] = ()
    buttons: tuple[Choice, ...] = ()  # follow-ups that are not suggestions (related, confirm)
    notes: tuple[str, ...] = ()  # small print shown after the body

    def as_json(self, text: str) -> dict:
        return {
            "kind": self.kind,
            "text": text,
            "id": self.id,
            "score": round(max(0.0, min(1.0, self.score)), 4),
            "suggestions": [{"id": c.id, "title": c.title} for c in self.suggestions],
            "sources": list(self.sources),
        }

