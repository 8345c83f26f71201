"""Fake Telegram: a BaseRequest that records calls, and a Bot API server on 127.0.0.1.

Both answer like the real Bot API (same JSON envelope, 403/429/5xx with the same fields), so
the real python-telegram-bot stack, our handlers and our sender run unchanged on top.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from telegram.request import BaseRequest, RequestData

BOT_ID = 777000
BOT_USER = {
    "id": BOT_ID,
    "is_bot": True,
    "first_name": "zibot",
    "username": "zibot_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}

Response = tuple[int, dict]


def ok(result: Any) -> Response:
    return 200, {"ok": True, "result": result}


def error(code: int, description: str, **parameters: Any) -> Response:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return code, body


def too_many(retry_after: int = 1) -> Response:
    return error(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)


def blocked() -> Response:
    return error(403, "Forbidden: bot was blocked by the user")


class FakeApi:
    """The Bot API's behaviour, shared by the in-process transport and the HTTP server."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] = []
        self.scripted: dict[str, deque[Response | Callable[[dict], Response]]] = defaultdict(
            deque
        )
        self.chat_rules: dict[int, Callable[[dict], Response | None]] = {}
        self.member_status = "member"
        self.files: dict[str, bytes] = {}
        self._message_ids = itertools.count(1000)
        self.lock = threading.Lock()

    def script(self, method: str, *responses: Response | Callable[[dict], Response]) -> None:
        """Answer the next calls of ``method`` with these, in order, then normally again."""
        self.scripted[method].extend(responses)

    def sent(self, method: str = "sendMessage") -> list[dict]:
        return [params for name, params in self.calls if name == method]

    def handle(self, method: str, params: dict) -> Response:
        with self.lock:
            self.calls.append((method, params))
            queue = self.scripted.get(method)
            if queue:
                item = queue.popleft()
                return item(params) if callable(item) else item
            chat_id = params.get("chat_id")
            rule = self.chat_rules.get(int(chat_id)) if chat_id is not None else None
            if rule is not None:
                answer = rule(params)
                if answer is not None:
                    return answer
            return self.default(method, params)

    def default(self, method: str, params: dict) -> Response:
        if method == "getMe":
            return ok(BOT_USER)
        if method in ("sendMessage", "editMessageText"):
            chat_id = int(params.get("chat_id", 0))
            return ok(
                {
                    "message_id": int(params.get("message_id") or next(self._message_ids)),
                    "date": int(time.time()),
                    "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
                    "from": BOT_USER,
                    "text": params.get("text", ""),
                }
            )
        if method == "getChatMember":
            return ok(
                {
                    "status": self.member_status,
                    "user": {"id": int(params["user_id"]), "is_bot": False, "first_name": "U"},
                    **({"is_anonymous": False, "can_be_edited": False, "can_manage_chat": True,
                        "can_delete_messages": True, "can_manage_video_chats": True,
                        "can_restrict_members": True, "can_promote_members": True,
                        "can_change_info": True, "can_invite_users": True,
                        "can_post_stories": True, "can_edit_stories": True,
                        "can_delete_stories": True}
                       if self.member_status == "administrator" else {}),
                    **({"is_anonymous": False} if self.member_status == "creator" else {}),
                }
            )
        if method == "getFile":
            file_id = params["file_id"]
            return ok({"file_id": file_id, "file_unique_id": file_id, "file_path": file_id})
        if method in ("getUpdates",):
            return ok([])
        return ok(True)


class FakeRequest(BaseRequest):
    """An in-process transport: every Bot API call goes to a FakeApi, nothing leaves."""

    def __init__(self, api: FakeApi | None = None):
        self.api = api or FakeApi()

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, **_: Any
    ) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]
        if "/file/" in url:
            return 200, self.api.files.get(endpoint, b"")
        params = request_data.parameters if request_data is not None else {}
        answer = self.api.handle(endpoint, dict(params))
        if isinstance(answer, BaseException):
            raise answer  # e.g. TimedOut, as HTTPXRequest raises it
        status, body = answer
        return status, json.dumps(body).encode()


# ------------------------------------------------------------------ HTTP server
@dataclass
class RateGate:
    """Enforces Telegram-like limits: per second overall, per chat, with 429 beyond."""

    per_second: float = 30.0
    per_chat_seconds: float = 1.0
    window: deque = field(default_factory=deque)
    last_by_chat: dict[int, float] = field(default_factory=dict)
    rejected: int = 0

    def check(self, chat_id: int) -> Response | None:
        now = time.monotonic()
        while self.window and now - self.window[0] > 1.0:
            self.window.popleft()
        if len(self.window) >= self.per_second:
            self.rejected += 1
            return too_many(1)
        last = self.last_by_chat.get(chat_id)
        if last is not None and now - last < self.per_chat_seconds:
            self.rejected += 1
            return too_many(1)
        self.window.append(now)
        self.last_by_chat[chat_id] = now
        return None


class FakeBotApiServer:
    """A Bot API on 127.0.0.1 for end-to-end tests: ``/bot<token>/<method>``.

    Updates are queued with ``push_update`` and served by long-polling ``getUpdates``.
    """

    def __init__(self, api: FakeApi | None = None, *, gate: RateGate | None = None,
                 fail_every: int = 0, delay: float = 0.0):
        self.api = api or FakeApi()
        self.gate = gate
        self.fail_every = fail_every  # every n-th sendMessage answers 500 (0: never)
        self.delay = delay
        self.updates: list[dict] = []
        self._update_ids = itertools.count(1)
        self._cond = threading.Condition()
        self._send_count = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/bot"

    @property
    def file_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/file/bot"

    def start(self) -> FakeBotApiServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def push_update(self, update: dict) -> None:
        with self._cond:
            update = {"update_id": next(self._update_ids), **update}
            self.updates.append(update)
            self._cond.notify_all()

    def _get_updates(self, params: dict) -> Response:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), 2.0)
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                pending = [u for u in self.updates if u["update_id"] >= offset]
                if pending or time.monotonic() >= deadline:
                    return ok(pending)
                self._cond.wait(max(0.01, deadline - time.monotonic()))

    def _dispatch(self, method: str, params: dict) -> Response:
        if method == "getUpdates":
            self.api.calls.append((method, params))
            return self._get_updates(params)
        if method == "sendMessage":
            if self.delay:
                time.sleep(self.delay)
            with self._cond:
                self._send_count += 1
                count = self._send_count
            if self.gate is not None:
                limited = self.gate.check(int(params.get("chat_id", 0)))
                if limited is not None:
                    self.api.calls.append(("sendMessage:429", params))
                    return limited
            if self.fail_every and count % self.fail_every == 0:
                self.api.calls.append(("sendMessage:500", params))
                return error(500, "Internal Server Error")
        return self.api.handle(method, params)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # One write per response and no Nagle delay: otherwise headers and body leave in
            # two segments and the client's delayed ACK adds ~40 ms to every call.
            wbufsize = 1 << 16
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:
                return None

            def _params(self) -> dict | None:
                """The request's parameters; None when the client went away before sending
                all of its body (killed mid-request): the real API never sees such a call."""
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                if len(raw) < length:
                    return None
                ctype = self.headers.get("Content-Type", "")
                if "json" in ctype and raw:
                    return json.loads(raw)
                if raw:
                    from urllib.parse import parse_qsl

                    out = {}
                    for key, value in parse_qsl(raw.decode()):
                        try:
                            out[key] = json.loads(value)
                        except json.JSONDecodeError:
                            out[key] = value
                    return out
                return {}

            def do_POST(self) -> None:
                method = self.path.rsplit("/", 1)[-1].split("?")[0]
                params = self._params()
                if params is None:
                    self.close_connection = True
                    return
                status, body = outer._dispatch(method, params)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST

        return Handler


# ------------------------------------------------------------------ update builders
_message_ids = itertools.count(1)


def message_update(text: str, *, chat_id: int = 42, user_id: int = 42,
                   chat_type: str = "private", reply_to_bot: bool = False,
                   entities: list[dict] | None = None) -> dict:
    message: dict[str, Any] = {
        "message_id": next(_message_ids),
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": chat_type,
                 **({"title": "Grup"} if chat_type != "private" else {"first_name": "U"})},
        "from": {"id": user_id, "is_bot": False, "first_name": "Pengguna"},
        "text": text,
    }
    if text.startswith("/"):
        command = text.split()[0]
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    if entities:
        message["entities"] = entities
    if reply_to_bot:
        message["reply_to_message"] = {
            "message_id": 1, "date": int(time.time()), "chat": message["chat"],
            "from": BOT_USER, "text": "jawaban sebelumnya",
        }
    return {"message": message}


def callback_update(data: str, *, chat_id: int = 42, user_id: int = 42) -> dict:
    return {
        "callback_query": {
            "id": str(next(_message_ids)),
            "from": {"id": user_id, "is_bot": False, "first_name": "Pengguna"},
            "chat_instance": "ci",
            "data": data,
            "message": {
                "message_id": next(_message_ids), "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private", "first_name": "U"},
                "from": BOT_USER, "text": "pilihan",
            },
        }
    }


def wait_until(predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


async def async_wait_until(predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        await asyncio.sleep(0.01)
    return predicate()
