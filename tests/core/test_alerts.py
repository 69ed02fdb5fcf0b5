"""`python -m core.traffic check`: exits 1 when a Since launch finding fires, and sends each finding
once to a real webhook (a local HTTP server) and a real SMTP server (aiosmtpd), both on loopback."""

from __future__ import annotations

import json
import shutil
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from core import alerts
from core import traffic as command
from core.after_launch import traffic


@pytest.fixture
def webhook():
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the standard library's name
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/hook", received
    server.shutdown()


@pytest.fixture
def mailbox():
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    mails = []

    class Keep(Message):
        def handle_message(self, message):
            mails.append(message)

    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    yield f"smtp://127.0.0.1:{port}", mails
    controller.stop()


@pytest.fixture
def bundles(demo_root, tmp_path):
    """Two demos: churn with its week-8 change, and delivery with its weeks of change withdrawn."""
    root = tmp_path / "artifacts"
    for bundle_id in ("churn-gbm", "delivery-eta"):
        shutil.copytree(demo_root / bundle_id, root / bundle_id)
    for week in range(8, 13):
        traffic.remove(root / "delivery-eta", f"batch-{week:05d}.parquet", "the weeks after the change, left out")
    return root


def test_check_exits_1_on_a_finding_and_sends_it_once_by_webhook_and_mail(
    bundles, webhook, mailbox, monkeypatch, capsys
):
    address, posted = webhook
    smtp, mails = mailbox
    monkeypatch.setenv("MODELBRIEF_ARTIFACTS", str(bundles))
    monkeypatch.setenv(alerts.WEBHOOK_ENV, address)
    monkeypatch.setenv(alerts.SMTP_ENV, smtp)
    monkeypatch.setenv(alerts.TO_ENV, "reviewers@example.com")
    monkeypatch.setenv(alerts.APP_ENV, "https://modelbrief.example.com/")
    assert command.main(["check", "--all", "--json"]) == 1
    result = {r["bundle"]: r for r in json.loads(capsys.readouterr().out)}
    churn, delivery = result["churn-gbm"], result["delivery-eta"]
    assert delivery["findings"] == [] and delivery["sent"] == []  # nothing changed in the weeks kept
    assert churn["findings"] and churn["sent"] == ["webhook", "e-mail"]
    assert churn["link"] == "https://modelbrief.example.com/since_launch?bundle=churn-gbm"
    [post] = posted
    assert post["text"].startswith("Churn risk, gradient boosting: ")
    assert all(f"- {sentence}" in post["text"] for sentence in churn["findings"])
    assert post["text"].endswith("See it: https://modelbrief.example.com/since_launch?bundle=churn-gbm")
    [mail] = mails
    assert mail["To"] == "reviewers@example.com"
    assert mail["Subject"] == "Modelbrief: Churn risk, gradient boosting has changed since launch"
    assert mail.get_payload(decode=True).decode().replace("\r\n", "\n").strip() == post["text"]
    assert command.main(["check", "--all"]) == 1  # still changed ...
    assert len(posted) == 1 and len(mails) == 1  # ... and nothing sent twice
    out = capsys.readouterr().out
    assert "Delivery time estimate: nothing has changed beyond normal variation since launch." in out


def test_check_exits_0_when_nothing_changed_and_2_when_a_bundle_cannot_be_checked(bundles, capsys):
    assert command.main(["check", str(bundles / "delivery-eta")]) == 0
    assert (
        capsys.readouterr().out == "Delivery time estimate: nothing has changed beyond normal variation since launch.\n"
    )
    (bundles / "delivery-eta" / "traffic" / traffic.LOG).open("a").write('{"file": "batch-000')  # a torn line
    assert command.main(["check", str(bundles / "delivery-eta")]) == 2
    assert capsys.readouterr().out == (
        "Delivery time estimate: cannot be checked. Line 18 of the traffic log (batches.jsonl) cannot be read: a "
        "write was cut short, or the file was edited. Run `python -m core.traffic repair BUNDLE`: it sets "
        "unreadable lines aside in batches.jsonl.damaged and keeps the rest.\n"
    )


def test_the_page_and_the_check_read_the_same_findings(bundles):
    from core.bundles.bundle import load_bundle

    bundle = load_bundle(bundles / "churn-gbm")
    checked = alerts.check_bundle(bundles / "churn-gbm", env={})
    assert checked.findings == [f.sentence for f in alerts.measure(bundle).findings]
    assert checked.sent == []  # nothing configured, nothing sent
