"""Since launch without anyone opening the page: `python -m core.traffic check BUNDLE|--all [--json]`.

It works out each bundle's Since launch figures exactly as the page does (`measure`, which the page's
cache calls too), exits 1 when a finding fires (for cron or CI), and, when the deployment configures
them, posts the findings with a link to the page:

- `MODELBRIEF_ALERT_WEBHOOK`: an address that takes Slack-compatible JSON (`{"text": ...}`);
- `MODELBRIEF_SMTP_URL` (`smtp://user:password@host:port`, or `smtps://`) with `MODELBRIEF_ALERT_TO`
  (comma-separated) and optionally `MODELBRIEF_ALERT_FROM`;
- `MODELBRIEF_APP_URL`: where people open the app, for the link.

A finding is sent once: what was sent is remembered beside the batches (`traffic/.alerts-sent.jsonl`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from core.bundles import scoring
from core.bundles.bundle import Bundle, load_bundle
from core.bundles.contract import BundleError, OperatingPoint

SENT = ".alerts-sent.jsonl"
WEBHOOK_ENV, SMTP_ENV, TO_ENV, FROM_ENV, APP_ENV = (
    "MODELBRIEF_ALERT_WEBHOOK",
    "MODELBRIEF_SMTP_URL",
    "MODELBRIEF_ALERT_TO",
    "MODELBRIEF_ALERT_FROM",
    "MODELBRIEF_APP_URL",
)


def measure(bundle: Bundle, cache: Path | None = None, point: OperatingPoint | None = None, data=None, test=None):
    """The bundle's Since launch figures at `point` (the setting in bundle.yaml unless given), or
    None when it has no traffic yet. `data` and `test`: the bundle's evaluation set and its headline
    at `point`, when the caller already holds them (the page does)."""
    from core.after_launch import traffic
    from core.evaluation import metrics
    from core.outputs import story

    cache = cache or scoring.cache_dir()
    point = point or bundle.spec.operating_point
    ref = traffic.reference(bundle)
    combined = traffic.summary(bundle, cache, point, ref)
    if combined is None or not len(combined.days):
        return None
    data = data if data is not None else metrics.from_bundle(bundle, scoring.scores(bundle, cache))
    trusted = False
    if bundle.spec.task != "regression" and not bundle.decides_only:
        said = story.calibration_finding(data)
        trusted = said is not None and said.severity == 0 and "face value" in said.sentence
    test = test if test is not None else metrics.headline(data, point)
    return traffic.since_launch(bundle, combined, ref, test, data, point, trusted)


@dataclass
class Checked:
    """One bundle checked: its findings' sentences, and what was sent about them."""

    bundle_id: str
    title: str
    findings: list[str] = field(default_factory=list)
    link: str | None = None
    sent: list[str] = field(default_factory=list)  # "webhook", "e-mail"
    problem: str | None = None

    def as_json(self) -> dict:
        return {"bundle": self.bundle_id, "title": self.title, "findings": self.findings, "link": self.link,
                "sent": self.sent, "problem": self.problem}  # fmt: skip


def _key(bundle_id: str, sentence: str) -> str:
    return hashlib.sha256(f"{bundle_id}\x1f{sentence}".encode()).hexdigest()


def _sent_before(folder: Path) -> set[str]:
    path = folder / SENT
    if not path.exists():
        return set()
    keys = set()
    for line in path.read_text(errors="replace").splitlines():
        try:
            keys.add(json.loads(line)["key"])
        except (ValueError, KeyError, TypeError):
            continue  # a line cut short: at worst that finding is sent again
    return keys


def _remember(folder: Path, keys: list[str]) -> None:
    when = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    with open(folder / SENT, "a") as out:
        out.write("".join(json.dumps({"key": k, "sent": when}) + "\n" for k in keys))
        out.flush()
        os.fsync(out.fileno())


def check_bundle(folder: Path, env: dict | None = None) -> Checked:
    """Check one bundle; send what is new to the configured webhook and e-mail."""
    env = os.environ if env is None else env
    try:
        bundle = load_bundle(folder)
    except BundleError as exc:
        return Checked(Path(folder).name, Path(folder).name, problem=f"{exc.message} {exc.hint}".strip())
    checked = Checked(bundle.spec.id, bundle.spec.title)
    if bundle.spec.traffic is None:
        return checked
    from core.after_launch import traffic

    try:
        result = measure(bundle)
    except BundleError as exc:
        checked.problem = f"{exc.message} {exc.hint}".strip()
        traffic.keep_line(scoring.cache_dir(), bundle, problem=exc.message)  # Home's card warns too
        return checked
    if result is None:
        return checked
    traffic.keep_line(scoring.cache_dir(), bundle, result)  # a check from cron keeps Home's card up to date
    checked.findings = [f.sentence for f in result.findings]
    base = (env.get(APP_ENV) or "").rstrip("/")
    checked.link = f"{base}/since_launch?bundle={quote(bundle.spec.id)}" if base else None
    sent = _sent_before(bundle.spec.traffic.path)
    new = [s for s in checked.findings if _key(bundle.spec.id, s) not in sent]
    if not new:
        return checked
    text = _message(checked, new)
    if env.get(WEBHOOK_ENV):
        _post(env[WEBHOOK_ENV], text)
        checked.sent.append("webhook")
    if env.get(SMTP_ENV) and env.get(TO_ENV):
        _mail(env[SMTP_ENV], env.get(FROM_ENV) or "modelbrief@localhost", env[TO_ENV], checked.title, text)
        checked.sent.append("e-mail")
    if checked.sent:
        _remember(bundle.spec.traffic.path, [_key(bundle.spec.id, s) for s in new])
    return checked


def _message(checked: Checked, new: list[str]) -> str:
    lines = [f"{checked.title}: {'a change' if len(new) == 1 else f'{len(new)} changes'} since launch."]
    lines += [f"- {sentence}" for sentence in new]
    if checked.link:
        lines.append(f"See it: {checked.link}")
    return "\n".join(lines)


def _post(address: str, text: str) -> None:
    import urllib.request

    request = urllib.request.Request(
        address, data=json.dumps({"text": text}).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=20) as answer:
        answer.read()


def _mail(url: str, sender: str, to: str, title: str, text: str) -> None:
    import smtplib
    from email.message import EmailMessage

    parts = urlsplit(url)
    message = EmailMessage()
    message["Subject"] = f"Modelbrief: {title} has changed since launch"
    message["From"] = sender
    message["To"] = to
    message.set_content(text)
    kind = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
    with kind(
        parts.hostname or "localhost", parts.port or (465 if parts.scheme == "smtps" else 25), timeout=20
    ) as server:
        if parts.username:
            server.login(unquote(parts.username), unquote(parts.password or ""))
        server.send_message(message)
