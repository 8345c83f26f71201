"""The outbox sender against a fake Bot API that injects 429, 403, 400, 5xx and timeouts.

Every test counts what each recipient received, not just that nothing raised.
"""

import time
from collections import Counter
from pathlib import Path

import pytest
from telegram import Bot
from telegram.error import TimedOut

from bot.announce import award_announcer, enqueue_free
from bot.importer import import_awards
from bot.sender import Limits, Sender
from tests.fakes import FakeApi, FakeRequest, blocked, error, too_many

FAST = Limits(per_second=1000, per_chat_seconds=0.0, per_group_seconds=0.0,
              backoff_base=0.01, backoff_cap=0.05, idle_poll=0.05)


@pytest.fixture
async def bot_api():
    api = FakeApi()
    bot = Bot("123456:TEST", request=FakeRequest(api))
    await bot.initialize()
    yield bot, api
    await bot.shutdown()


def _subscribe(store, chats, filters=()):
    for chat in chats:
        store.save_subscriber(chat, "private" if chat > 0 else "group", list(filters))


async def _drain(sender, timeout=10.0):
    deadline = time.monotonic() + timeout
    while sender.store.delivery_counts()["pending"] and time.monotonic() < deadline:
        await sender.drain_once()


def _received(api):
    return Counter(int(p["chat_id"]) for p in api.sent())


async def test_every_subscriber_gets_the_announcement_once(brain, bot_api):
    bot, api = bot_api
    chats = list(range(100, 150))
    _subscribe(brain.store, chats)
    _, count = enqueue_free(brain.store, "Pengumuman uji", created_by="1")
    assert count == 50
    await _drain(Sender(bot, brain.store, FAST))
    assert _received(api) == Counter({c: 1 for c in chats})
    assert brain.store.delivery_counts() == {"pending": 0, "sent": 50, "failed": 0, "skipped": 0}


async def test_429_is_honoured_for_the_chat_and_the_sender(brain, bot_api):
    bot, api = bot_api
    _subscribe(brain.store, [1, 2, 3])
    enqueue_free(brain.store, "halo", created_by="1")
    api.script("sendMessage", too_many(1))
    sender = Sender(bot, brain.store, FAST)
    start = time.monotonic()
    await _drain(sender)
    assert time.monotonic() - start >= 1.0
    assert sender.counters.rate_limited == 1
    # The rate-limited attempt reached the API but was refused; each chat got one message.
    assert _received(api) == Counter({1: 2, 2: 1, 3: 1})
    statuses = [r["status"] for r in brain.store.db.query("SELECT status FROM outbox")]
    assert statuses == ["sent"] * 3


async def test_blocked_user_is_deactivated_and_not_retried(brain, bot_api):
    bot, api = bot_api
    _subscribe(brain.store, [1, 2, 3])
    api.chat_rules[2] = lambda params: blocked()
    enqueue_free(brain.store, "halo", created_by="1")
    sender = Sender(bot, brain.store, FAST)
    await _drain(sender)
    assert _received(api) == Counter({1: 1, 2: 1, 3: 1})
    assert sender.counters.deactivated == 1
    assert brain.store.subscriber(2)["active"] == 0
    assert brain.store.subscriber(1)["active"] == 1
    assert brain.store.delivery_counts()["skipped"] == 1


async def test_chat_not_found_deactivates_too(brain, bot_api):
    bot, api = bot_api
    _subscribe(brain.store, [1, 2])
    api.chat_rules[1] = lambda params: error(400, "Bad Request: chat not found")
    enqueue_free(brain.store, "halo", created_by="1")
    await _drain(Sender(bot, brain.store, FAST))
    assert brain.store.subscriber(1)["active"] == 0
    assert _received(api) == Counter({1: 1, 2: 1})


async def test_5xx_and_timeouts_are_retried_without_deactivating(brain, bot_api):
    bot, api = bot_api
    _subscribe(brain.store, [1, 2])
    api.script("sendMessage", error(500, "Internal Server Error"), TimedOut(),
               error(502, "Bad Gateway"))
    enqueue_free(brain.store, "halo", created_by="1")
    sender = Sender(bot, brain.store, FAST)
    await _drain(sender)
    assert sender.counters.retried == 3
    assert brain.store.delivery_counts()["sent"] == 2
    assert all(brain.store.subscriber(c)["active"] for c in (1, 2))
    delivered = [p["chat_id"] for name, p in api.calls if name == "sendMessage"]
    assert len(delivered) == 5  # three refused attempts, then one success per chat


async def test_persistent_5xx_fails_for_good_but_keeps_the_subscriber(brain, bot_api):
    bot, api = bot_api
    _subscribe(brain.store, [1])
    api.chat_rules[1] = lambda params: error(503, "Service Unavailable")
    enqueue_free(brain.store, "halo", created_by="1")
    sender = Sender(bot, brain.store, FAST)
    await _drain(sender)
    assert _received(api)[1] == FAST.max_attempts
    assert brain.store.delivery_counts()["failed"] == 1
    assert brain.store.subscriber(1)["active"] == 1


async def test_migrated_group_is_followed(brain, bot_api):
    bot, api = bot_api
    _subscribe(brain.store, [-10])
    api.chat_rules[-10] = lambda params: error(400, "group upgraded", migrate_to_chat_id=-1009)
    enqueue_free(brain.store, "halo", created_by="1")
    await _drain(Sender(bot, brain.store, FAST))
    assert _received(api) == Counter({-10: 1, -1009: 1})
    assert brain.store.subscriber(-1009)["active"] == 1
    assert brain.store.subscriber(-10) is None


async def test_long_announcement_parts_arrive_in_order(brain, bot_api):
    bot, api = bot_api
    _subscribe(brain.store, [1])
    paragraphs = "\n\n".join(f"Paragraf {i} " + "x" * 900 for i in range(10))
    enqueue_free(brain.store, paragraphs, created_by="1")
    await _drain(Sender(bot, brain.store, FAST))
    sent = [p["text"] for p in api.sent()]
    assert len(sent) >= 3
    assert all(len(t) <= 4096 for t in sent)
    joined = "\n\n".join(sent)
    assert [joined.index(f"Paragraf {i} ") for i in range(10)] == sorted(
        joined.index(f"Paragraf {i} ") for i in range(10)
    )


def _award_file(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "baru.csv"
    path.write_text("unit,instansi,region,predicate,year,source\n" + "\n".join(rows) + "\n")
    return path


async def test_import_announces_only_matching_new_awards(brain, bot_api, tmp_path):
    bot, api = bot_api
    _subscribe(brain.store, [1])
    _subscribe(brain.store, [2], ["instansi:polri"])
    _subscribe(brain.store, [3], ["predikat:wbbm"])
    _subscribe(brain.store, [4], ["wilayah:bali"])
    path = _award_file(tmp_path, [
        "Polres Kota Uji,Kepolisian Negara Republik Indonesia (Polri),Jawa Timur,WBK,2025,SK",
        "Kejaksaan Negeri Uji,Kejaksaan Republik Indonesia,Bali,WBBM,2025,SK",
        "Polres Lhokseumawe,Kepolisian Negara Republik Indonesia (Polri),Aceh,WBK,2020,SK",
    ])
    report = import_awards(brain.store, path,
                           announcer=award_announcer(brain.filters, brain.units))
    assert (report.new, report.known) == (2, 1)
    assert report.recipients == 4
    await _drain(Sender(bot, brain.store, FAST))
    by_chat = {int(p["chat_id"]): p["text"] for p in api.sent()}
    assert "Polres Kota Uji" in by_chat[1] and "Kejaksaan Negeri Uji" in by_chat[1]
    assert "Polres Kota Uji" in by_chat[2] and "Kejaksaan Negeri Uji" not in by_chat[2]
    assert "Kejaksaan Negeri Uji" in by_chat[3] and "Polres Kota Uji" not in by_chat[3]
    assert "Kejaksaan Negeri Uji" in by_chat[4] and "Polres Kota Uji" not in by_chat[4]
    assert "Lhokseumawe" not in "".join(by_chat.values())
    assert "zibot_test_bot?start=unit_" in by_chat[1]


async def test_reimport_announces_nothing_new(brain, tmp_path):
    _subscribe(brain.store, [1])
    path = _award_file(tmp_path, ["Polres Uji,Polri,Jawa Timur,WBK,2025,SK"])
    announcer = award_announcer(brain.filters, brain.units)
    first = import_awards(brain.store, path, announcer=announcer)
    second = import_awards(brain.store, path, announcer=announcer)
    assert first.announcement_id is not None
    assert second.announcement_id is None and second.new == 0
    assert brain.store.delivery_counts()["pending"] == 1


async def test_bad_import_queues_nothing(brain, tmp_path):
    _subscribe(brain.store, [1])
    path = _award_file(tmp_path, ["Polres Uji,Polri,Jawa Timur,WBK,2025,SK",
                                  "Polres Dua,Polri,Jawa Timur,WBX,2025,SK"])
    report = import_awards(brain.store, path,
                           announcer=award_announcer(brain.filters, brain.units))
    assert report.bad and not report.written
    assert brain.store.delivery_counts()["pending"] == 0
    assert brain.check("polres uji").kind != "award"


async def test_answers_keep_flowing_while_the_sender_works(brain, bot_api):
    import asyncio

    bot, api = bot_api
    _subscribe(brain.store, range(1, 201))
    enqueue_free(brain.store, "halo", created_by="1")
    sender = Sender(bot, brain.store, Limits(per_second=200, per_chat_seconds=0,
                                              idle_poll=0.05))
    task = asyncio.create_task(sender.run())
    await asyncio.sleep(0.05)
    start = time.monotonic()
    reply = brain.ask("apa itu wbk")
    await asyncio.sleep(0)
    assert reply.kind == "answer"
    assert time.monotonic() - start < 0.5
    assert 0 < len(api.sent()) < 200  # the broadcast was still running
    sender.stop()
    await task
