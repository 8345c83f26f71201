"""Broadcast: 10,000 subscribers through a local fake Bot API over real HTTP.

The fake server enforces 30 messages per second overall and one per second per chat (429 with
retry_after beyond that) and answers 1% of sendMessage calls with a 500. Measured: throughput
against the configured ceiling, 429s, duplicates and losses per recipient, and how long a
question waits for the event loop while the broadcast runs, against the same measure idle.

BENCH_SUBSCRIBERS overrides the 10,000 (a quicker look; the targets are stated for 10,000).
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench.common import ROOT, header, latency_line, percentile, verdict
from tests.fakes import FakeBotApiServer, RateGate

QUESTIONS = [
    "apa itu wbbm", "nilai minimal wbk brp", "polres lhokseumawe udah wbk belum?",
    "syarat pengusulan zi apa aja", "bedanya wbk ama wbbm apa", "kejari surabaya wbbm ga",
]


async def _question_latency(brain, stop: asyncio.Event, out: list[float]) -> None:
    """Every 20 ms a question arrives; measured from arrival until its answer is ready."""
    i = 0
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        arrived = loop.time()
        await asyncio.sleep(0)  # queue behind whatever the loop is doing, as an update would
        brain.ask(QUESTIONS[i % len(QUESTIONS)])
        out.append((loop.time() - arrived) * 1000)
        i += 1
        await asyncio.sleep(0.02)


async def _run(n: int) -> dict:
    from telegram import Bot
    from telegram.request import HTTPXRequest

    from bot.announce import enqueue_free
    from bot.app import build_brain
    from bot.config import Settings
    from bot.sender import Limits, Sender

    gate = RateGate(per_second=30, per_chat_seconds=1.0)
    server = FakeBotApiServer(gate=gate, fail_every=100).start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            brain = build_brain(Settings(db_path=Path(tmp) / "b.db",
                                         knowledge_dir=ROOT / "knowledge"))
            subscribers = list(range(10_000_000, 10_000_000 + n))
            with brain.store.transaction() as db:
                db.conn.executemany(
                    "INSERT INTO subscribers (chat_id, chat_type, active, filters, created_at, "
                    "updated_at) VALUES (?, 'private', 1, '[]', '', '')",
                    [(c,) for c in subscribers],
                )
            bot = Bot("123456:BENCH", base_url=server.base_url,
                      request=HTTPXRequest(connection_pool_size=4))
            await bot.initialize()
            limits = Limits(per_second=25.0)

            idle: list[float] = []
            stop = asyncio.Event()
            probe = asyncio.create_task(_question_latency(brain, stop, idle))
            await asyncio.sleep(10)
            stop.set()
            await probe

            enqueue_free(brain.store, "Pengumuman uji beban", created_by="bench")
            sender = Sender(bot, brain.store, limits)
            busy: list[float] = []
            stop = asyncio.Event()
            probe = asyncio.create_task(_question_latency(brain, stop, busy))
            start = time.monotonic()
            task = asyncio.create_task(sender.run())
            while brain.store.delivery_counts()["pending"]:
                await asyncio.sleep(0.5)
            elapsed = time.monotonic() - start
            sender.stop()
            await task
            stop.set()
            await probe
            await bot.shutdown()
            delivered = Counter(int(p["chat_id"]) for p in server.api.sent())
            counts = brain.store.delivery_counts()
            brain.store.close()
    finally:
        server.stop()
    sent = sum(delivered.values())
    return {
        "n": n,
        "elapsed": elapsed,
        "rate": sent / elapsed,
        "ceiling": limits.per_second,
        "rejected_429": gate.rejected,
        "errors_5xx": len([c for c in server.api.calls if c[0] == "sendMessage:500"]),
        "duplicates": sum(v - 1 for v in delivered.values() if v > 1),
        "lost": len(set(subscribers) - set(delivered)),
        "failed": counts["failed"],
        "retried": sender.counters.retried,
        "idle": idle,
        "busy": busy,
    }


def run() -> dict:
    n = int(os.environ.get("BENCH_SUBSCRIBERS", "10000"))
    header(f"Broadcast: {n:,} subscribers, fake Bot API at 30 msg/s with 429s and 1% 5xx")
    print(f"(at the 25 msg/s ceiling this takes about {n / 25 / 60:.0f} minutes)")
    r = asyncio.run(_run(n))
    fraction = r["rate"] / r["ceiling"]
    print(f"delivered to {r['n'] - r['lost']:,} of {r['n']:,} in {r['elapsed']:.0f} s: "
          f"{r['rate']:.1f} msg/s = {100 * fraction:.0f}% of the {r['ceiling']:.0f}/s ceiling -> "
          + verdict(fraction >= 0.9))
    print(f"429 received: {r['rejected_429']}; 5xx injected: {r['errors_5xx']}, retried: "
          f"{r['retried']}, failed for good: {r['failed']}")
    print(f"duplicates: {r['duplicates']}, lost: {r['lost']} -> "
          + verdict(r["duplicates"] == 0 and r["lost"] == 0))
    print(latency_line("question while idle", r["idle"]))
    print(latency_line("question during broadcast", r["busy"]))
    ratio = percentile(r["busy"], 99) / max(1e-9, percentile(r["idle"], 99))
    print(f"p99 during / idle: {ratio:.2f}x -> " + verdict(ratio <= 2.0))
    return r
