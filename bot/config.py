"""Settings from the environment; a bad value stops start-up with one line naming it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_KNOWLEDGE = PROJECT_ROOT / "knowledge"
DEFAULT_DB = Path("data") / "zibot.db"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(Exception):
    """One clear sentence about one variable."""


@dataclass(frozen=True)
class Settings:
    token: str | None = None
    api_base_url: str | None = None
    api_file_url: str | None = None
    admin_ids: frozenset[int] = field(default_factory=frozenset)
    db_path: Path = DEFAULT_DB
    knowledge_dir: Path = DEFAULT_KNOWLEDGE
    log_level: str = "INFO"
    rate_per_second: float = 25.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        token = env.get("TELEGRAM_BOT_TOKEN", "").strip() or None
        if token is not None and (":" not in token or " " in token):
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN tidak berbentuk token bot (angka:kode dari @BotFather)"
            )
        base = env.get("TELEGRAM_API_BASE_URL", "").strip() or None
        files = env.get("TELEGRAM_API_FILE_URL", "").strip() or None
        for name, url in (("TELEGRAM_API_BASE_URL", base), ("TELEGRAM_API_FILE_URL", files)):
            if url is not None and not url.startswith(("http://", "https://")):
                raise ConfigError(f"{name} harus diawali http:// atau https://")
        admin_ids: set[int] = set()
        for part in env.get("ZIBOT_ADMIN_IDS", "").split(","):
            part = part.strip()
            if not part:
                continue
            if not part.lstrip("-").isdigit():
                raise ConfigError(
                    f"ZIBOT_ADMIN_IDS berisi '{part}': harus id pengguna Telegram (angka), "
                    "dipisah koma"
                )
            admin_ids.add(int(part))
        db_path = Path(env.get("ZIBOT_DB", "").strip() or DEFAULT_DB)
        if db_path.exists() and db_path.is_dir():
            raise ConfigError(f"ZIBOT_DB menunjuk ke folder ({db_path}), bukan berkas")
        knowledge = Path(env.get("ZIBOT_KNOWLEDGE", "").strip() or DEFAULT_KNOWLEDGE)
        if not (knowledge / "entries").is_dir():
            raise ConfigError(f"ZIBOT_KNOWLEDGE: folder {knowledge}/entries tidak ada")
        level = env.get("ZIBOT_LOG_LEVEL", "INFO").strip().upper() or "INFO"
        if level not in LOG_LEVELS:
            raise ConfigError(f"ZIBOT_LOG_LEVEL harus salah satu dari {', '.join(LOG_LEVELS)}")
        rate_text = env.get("ZIBOT_SEND_RATE", "").strip()
        try:
            rate = float(rate_text) if rate_text else 25.0
        except ValueError:
            rate = -1.0
        if not 0 < rate <= 30:
            raise ConfigError("ZIBOT_SEND_RATE harus angka di atas 0 sampai 30 (pesan per detik)")
        return cls(
            token=token,
            api_base_url=base,
            api_file_url=files,
            admin_ids=frozenset(admin_ids),
            db_path=db_path,
            knowledge_dir=knowledge,
            log_level=level,
            rate_per_second=rate,
        )
