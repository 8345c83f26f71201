"""End to end over real HTTP: `zibot run` as a subprocess against a fake Bot API on 127.0.0.1."""

import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from bot.store import Store
from tests.conftest import ROOT
from tests.fakes import FakeBotApiServer, message_update, wait_until

TOKEN = "123456:E2E-TOKEN"


@pytest.fixture
def server():
    server = FakeBotApiServer().start()
    yield server
    server.stop()


def _env(server: FakeBotApiServer, db: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZIBOT_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=server.base_url,
        TELEGRAM_API_FILE_URL=server.file_url,
        ZIBOT_DB=str(db),
        ZIBOT_ADMIN_IDS="1",
        ZIBOT_LOG_LEVEL="INFO",
        PTB_TIMEDELTA="1",
        **extra,
    )
    return env


def _start(env: dict, log: Path) -> subprocess.Popen:
    with log.open("ab") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env,
            stdout=out, stderr=subprocess.STDOUT,
        )


def _sent(server) -> list[dict]:
    return server.api.sent()


def test_start_help_and_question_round_trip(server, tmp_path):
    log = tmp_path / "bot.log"
    proc = _start(_env(server, tmp_path / "z.db"), log)
    try:
        server.push_update(message_update("/start"))
        server.push_update(message_update("/bantuan"))
        server.push_update(message_update("polres lhokseumawe udah wbk belum?"))
        assert wait_until(lambda: len(_sent(server)) >= 3, timeout=30), log.read_text()
        texts = [s["text"] for s in _sent(server)]
        assert "Halo" in texts[0]
        assert "/cek" in texts[1]
        assert "Polres Lhokseumawe" in texts[2] and "WBK 2020" in texts[2]
        assert {c[0] for c in server.api.calls} >= {"getMe", "getUpdates", "setMyCommands"}
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0, log.read_text()
    output = log.read_text()
    assert TOKEN not in output  # the token never reaches the logs
    assert "Traceback" not in output


def test_bad_configuration_is_one_clear_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZIBOT_"))}
    env.update(TELEGRAM_BOT_TOKEN="bukan token", ZIBOT_DB=str(tmp_path / "z.db"))
    result = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "TELEGRAM_BOT_TOKEN" in result.stderr
    env["TELEGRAM_BOT_TOKEN"] = TOKEN
    env["ZIBOT_ADMIN_IDS"] = "12,abc"
    result = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "ZIBOT_ADMIN_IDS" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_call_cut_short_by_a_killed_bot_never_reaches_the_fake_api(server):
    # A bot killed while sending leaves half a request; the real API answers nothing and
    # sends nothing, and so must the fake, or the kill test sees a message without a chat.
    import socket

    whole = b"chat_id=7&text=halo"
    head = (f"POST /bot{TOKEN}/sendMessage HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(whole)}\r\n\r\n").encode()
    for body in (whole[:9], whole):
        with socket.create_connection(("127.0.0.1", server.server.server_port)) as sock:
            sock.sendall(head + body)
            sock.shutdown(socket.SHUT_WR)
            sock.recv(4096)  # the server's answer, or its closing the connection
    assert [s["chat_id"] for s in _sent(server)] == [7]


def test_announcement_survives_kill_9(tmp_path):
    """Kill the bot mid-announcement; after a restart every subscriber has it once."""
    subscribers = list(range(1000, 1060))
    server = FakeBotApiServer(delay=0.02).start()
    db = tmp_path / "z.db"
    log = tmp_path / "bot.log"
    env = _env(server, db, ZIBOT_SEND_RATE="30")
    proc = None
    try:
        # Seed the database and the subscribers before the bot starts.
        subprocess.run([sys.executable, "-m", "bot", "awards", "stats"], cwd=ROOT, env=env,
                       check=True, capture_output=True, timeout=60)
        store = Store(db)
        for chat in subscribers:
            store.save_subscriber(chat, "private", [])
        store.close()
        proc = _start(env, log)
        awards = tmp_path / "baru.csv"
        awards.write_text("unit,instansi,region,predicate,year,source\n"
                          "Polres Uji Crash,Polri,Jawa Timur,WBK,2025,SK uji\n")
        subprocess.run([sys.executable, "-m", "bot", "awards", "import", str(awards),
                        "--announce"], cwd=ROOT, env=env, check=True, capture_output=True,
                       timeout=60)
        assert wait_until(lambda: len(_sent(server)) >= 15, timeout=30), log.read_text()
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        before = len(_sent(server))
        assert before < len(subscribers), "the announcement finished before the kill"
        proc = _start(env, log)
        assert wait_until(lambda: set(subscribers) <= {int(s["chat_id"]) for s in
                                                       _sent(server)}, timeout=60)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
        counts = Counter(int(s["chat_id"]) for s in _sent(server))
        assert set(counts) == set(subscribers)
        duplicates = sum(n - 1 for n in counts.values())
        assert duplicates <= 1, counts
        store = Store(db)
        assert store.delivery_counts()["pending"] == 0
        store.close()
    finally:
        # A failed assertion must not leave the bot running into the next test.
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        server.stop()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_webhook_mode_checks_the_secret(server, tmp_path):
    import json
    import urllib.error
    import urllib.request

    port = _free_port()
    log = tmp_path / "bot.log"
    env = _env(server, tmp_path / "z.db", ZIBOT_WEBHOOK_SECRET="rahasia-uji")
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "--webhook",
             "https://bot.example/telegram", "--listen", "127.0.0.1", "--port", str(port)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        assert wait_until(lambda: bool(server.api.sent("setWebhook")), timeout=30), \
            log.read_text()
        assert server.api.sent("setWebhook")[0]["secret_token"] == "rahasia-uji"
        body = json.dumps({"update_id": 1, **message_update("apa itu wbk")}).encode()

        def post(secret: str | None) -> int:
            headers = {"Content-Type": "application/json"}
            if secret:
                headers["X-Telegram-Bot-Api-Secret-Token"] = secret
            request = urllib.request.Request(f"http://127.0.0.1:{port}/telegram", data=body,
                                             headers=headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    return response.status
            except urllib.error.HTTPError as exc:
                return exc.code

        assert wait_until(lambda: post("salah") == 403, timeout=20)
        assert not _sent(server)
        assert post("rahasia-uji") == 200
        assert wait_until(lambda: len(_sent(server)) == 1, timeout=20), log.read_text()
        assert "WBK" in _sent(server)[0]["text"]
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0, log.read_text()


def test_unreachable_telegram_is_one_clear_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZIBOT_"))}
    port = _free_port()  # nothing listens there
    env.update(TELEGRAM_BOT_TOKEN=TOKEN, ZIBOT_DB=str(tmp_path / "z.db"),
               TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{port}/bot")
    result = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "Tidak dapat menghubungi Telegram" in result.stderr
    assert "Traceback" not in result.stderr
    assert TOKEN not in result.stderr
