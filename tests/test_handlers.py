"""Handlers through the real Application, with Telegram faked at the transport."""

from telegram import Update

from bot import texts
from bot.sender import Limits
from bot.telegram_app import build_application
from tests.fakes import FakeRequest, blocked, callback_update, message_update


async def _run(settings, brain, *updates, api=None):
    request = FakeRequest(api)
    app = build_application(settings, brain=brain, request=request,
                            get_updates_request=FakeRequest(request.api), limits=Limits())
    async with app:
        for raw in updates:
            await app.process_update(Update.de_json({"update_id": 1, **raw}, app.bot))
    return request.api


async def test_start_sends_welcome_with_examples(settings, brain):
    api = await _run(settings, brain, message_update("/start"))
    [sent] = api.sent()
    assert sent["chat_id"] == 42
    assert texts.WELCOME_TITLE in sent["text"]
    for example in texts.EXAMPLES:
        assert example in sent["text"]
    assert sent["parse_mode"] == "HTML"


async def test_question_in_private_chat_gets_sourced_answer(settings, brain):
    api = await _run(settings, brain, message_update("apa itu wbbm?"))
    [sent] = api.sent()
    assert "WBBM" in sent["text"]
    assert f"<i>{texts.SOURCE_LABEL}:" in sent["text"]


async def test_suggestion_buttons_carry_short_ids(settings, brain):
    api = await _run(settings, brain, message_update("gresik"))
    [sent] = api.sent()
    keyboard = sent["reply_markup"]["inline_keyboard"]
    data = [row[0]["callback_data"] for row in keyboard]
    assert data[-1] == "x"
    assert all(len(d.encode()) <= 64 for d in data)
    assert all(d.startswith("u:") for d in data[:-1])


async def test_button_press_is_answered_and_replied(settings, brain):
    unit_id = brain.unit_ids["Polres Gresik"]
    api = await _run(settings, brain, callback_update(f"u:{unit_id}"))
    assert len(api.sent("answerCallbackQuery")) == 1
    [sent] = api.sent()
    assert "Polres Gresik" in sent["text"]


async def test_group_ignores_plain_chatter_but_answers_tanya_and_replies(settings, brain):
    api = await _run(
        settings, brain,
        message_update("apa itu wbk", chat_id=-100, chat_type="group"),
        message_update("/tanya apa itu wbk", chat_id=-100, chat_type="group"),
        message_update("kalau wbbm?", chat_id=-100, chat_type="group", reply_to_bot=True),
    )
    sent = api.sent()
    assert len(sent) == 2
    assert all(s["chat_id"] == -100 for s in sent)


async def test_group_mention_is_answered_without_the_mention(settings, brain):
    text = "@zibot_test_bot apa itu wbk"
    update = message_update(text, chat_id=-100, chat_type="supergroup",
                            entities=[{"type": "mention", "offset": 0, "length": 15}])
    api = await _run(settings, brain, update)
    [sent] = api.sent()
    assert "WBK" in sent["text"]


async def test_html_is_escaped(settings, brain):
    api = await _run(settings, brain, message_update("/cek <b>polres</b> & atlantis"))
    [sent] = api.sent()
    assert "<b>polres</b>" not in sent["text"]


async def test_long_reply_is_split_under_the_limit(settings, brain):
    api = await _run(settings, brain, message_update("daftar unit yang wbk"))
    sent = api.sent()
    assert len(sent) >= 1
    assert all(len(s["text"]) <= 4096 for s in sent)


async def test_bantuan_lists_every_public_command(settings, brain):
    api = await _run(settings, brain, message_update("/bantuan"))
    [sent] = api.sent()
    for command in texts.COMMANDS:
        if not command.admin:
            assert command.usage.replace("<", "&lt;").replace(">", "&gt;") in sent["text"]
        else:
            assert command.usage not in sent["text"]


async def test_post_init_sets_command_menus(settings, brain):
    request = FakeRequest()
    app = build_application(settings, brain=brain, request=request,
                            get_updates_request=FakeRequest(request.api))
    async with app:
        await app.post_init(app)
        await app.post_stop(app)
    calls = request.api.sent("setMyCommands")
    scopes = [c["scope"]["type"] for c in calls]
    assert scopes == ["all_private_chats", "all_group_chats", "chat"]
    names = [c["command"] for c in calls[0]["commands"]]
    assert names == [c.name for c in texts.COMMANDS if not c.admin]


async def test_error_handler_apologises(settings, brain, monkeypatch):
    def boom(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(brain, "ask", boom)
    api = await _run(settings, brain, message_update("apa itu wbk"))
    [sent] = api.sent()
    assert sent["text"] == texts.ERROR_REPLY


async def test_subscribe_unsubscribe_and_blocked(settings, brain):
    api = await _run(
        settings, brain,
        message_update("/langganan"),
        message_update("/langganan polri", chat_id=43, user_id=43),
        message_update("/langganan"),
    )
    texts_sent = [s["text"] for s in api.sent()]
    assert texts_sent[0] == texts.SUB_DONE_ALL
    assert texts_sent[1] == texts.SUB_DONE_FILTER.format(filter="Polri")
    assert texts.SUB_ALL in texts_sent[2]
    assert brain.store.subscriber(43)["filters"] == ["instansi:polri"]
    kicked = {
        "my_chat_member": {
            "chat": {"id": 42, "type": "private", "first_name": "U"},
            "from": {"id": 42, "is_bot": False, "first_name": "U"},
            "date": 0,
            "old_chat_member": {"status": "member", "user": {"id": 777000, "is_bot": True,
                                                             "first_name": "z"}},
            "new_chat_member": {"status": "kicked", "until_date": 0,
                                "user": {"id": 777000, "is_bot": True, "first_name": "z"}},
        }
    }
    await _run(settings, brain, kicked)
    assert brain.store.subscriber(42)["active"] == 0
    await _run(settings, brain, message_update("/start"))
    assert brain.store.subscriber(42)["active"] == 1


async def test_group_subscription_needs_a_group_admin(settings, brain):
    api = await _run(settings, brain,
                     message_update("/langganan", chat_id=-5, chat_type="group"))
    assert api.sent()[-1]["text"] == texts.GROUP_ADMIN_ONLY
    assert brain.store.subscriber(-5) is None
    from tests.fakes import FakeApi

    admin_api = FakeApi()
    admin_api.member_status = "administrator"
    await _run(settings, brain, message_update("/langganan", chat_id=-5, chat_type="group"),
               api=admin_api)
    assert brain.store.subscriber(-5)["active"] == 1


async def test_admin_commands_refuse_everyone_else(settings, brain):
    api = await _run(settings, brain, message_update("/status", user_id=99, chat_id=99),
                     message_update("/umumkan halo", user_id=99, chat_id=99))
    assert [s["text"] for s in api.sent()] == [texts.ADMIN_ONLY] * 2


async def test_blocked_user_reply_does_not_crash(settings, brain):
    from tests.fakes import FakeApi

    api = FakeApi()
    api.script("sendMessage", blocked(), blocked())
    await _run(settings, brain, message_update("apa itu wbk"), api=api)
    assert len(api.sent()) == 2  # the reply, then the apology attempt; both refused


async def test_admin_imports_a_document_after_a_dry_run(settings, brain):
    from tests.fakes import FakeApi

    api = FakeApi()
    api.files["daftar.csv"] = b"unit,predicate,year,source\nPolres Dokumen Baru,WBK,2025,SK\n"
    document = message_update("", user_id=1, chat_id=1)
    message = document["message"]
    del message["text"]
    message["caption"] = "/impor"
    message["document"] = {"file_id": "daftar.csv", "file_unique_id": "u1",
                           "file_name": "daftar.csv", "file_size": 60}
    await _run(settings, brain, document, api=api)
    preview = api.sent()[-1]
    assert "baru: 1" in preview["text"]
    buttons = [b[0]["callback_data"] for b in preview["reply_markup"]["inline_keyboard"]]
    assert brain.check("polres dokumen baru").kind != "award"
    only = next(b for b in buttons if b.endswith(":saja"))
    await _run(settings, brain, callback_update(only, user_id=1, chat_id=1), api=api)
    assert "1 baru" in api.sent()[-1]["text"]
    assert brain.check("polres dokumen baru").kind == "award"


async def test_non_admin_document_is_refused(settings, brain):
    from tests.fakes import FakeApi

    api = FakeApi()
    document = message_update("", user_id=7, chat_id=7)
    message = document["message"]
    del message["text"]
    message["caption"] = "/impor"
    message["document"] = {"file_id": "x.csv", "file_unique_id": "u1", "file_name": "x.csv"}
    await _run(settings, brain, document, api=api)
    assert api.sent()[-1]["text"] == texts.ADMIN_ONLY
    assert not api.sent("getFile")


async def test_admin_status_shows_counts(settings, brain):
    brain.store.save_subscriber(5, "private", [])
    api = await _run(settings, brain, message_update("/status", user_id=1, chat_id=1))
    assert "Pelanggan aktif: 1" in api.sent()[-1]["text"]
