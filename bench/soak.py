"""Many people at once: concurrent browser sessions over every page, counting errors and memory.

    python -m bench.soak                      10 sessions for 3 minutes, print the table
    python -m bench.soak --readme             ... and write it into README.md between the soak markers
    python -m bench.soak --sessions 4 --minutes 1

Starts `streamlit run Home.py` on freshly built demo bundles on 127.0.0.1 (nothing else is
contacted), then drives Debian's Chromium through Playwright: each session opens a random page
of a random bundle, waits until the app's script has finished, sometimes moves a control, and
goes on until the time is up (every loop is bounded by a deadline and a visit cap). An error is a
page that shows Streamlit's exception box or an error box, or that does not finish within a
minute. The server's resident memory is sampled every two seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # the same browser set-up as the browser tests

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
START, END = "<!-- soak:start -->", "<!-- soak:end -->"
PAGES = ["", "overview", "performance", "whatif", "explanations", "compare", "card", "present"]
BUNDLES = ["churn-gbm", "churn-logreg", "support-router", "delivery-eta"]
MAX_VISITS = 400  # per session: the loop ends at the deadline or here, whichever comes first
DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


@dataclass
class Tally:
    visits: int = 0
    moves: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB, from /proc."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for each in pids:
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


async def session(browser, base: str, deadline: float, seed: int, tally: Tally) -> None:
    rng = random.Random(seed)
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})

    async def refuse_other_hosts(route):
        host = route.request.url.split("/")[2].split(":")[0] if "://" in route.request.url else ""
        await (route.continue_() if host in ("127.0.0.1", "localhost", "") else route.abort())

    await context.route("**/*", refuse_other_hosts)
    page = await context.new_page()
    visits = 0
    try:
        while time.monotonic() < deadline and visits < MAX_VISITS:
            visits += 1
            path, bundle = rng.choice(PAGES), rng.choice(BUNDLES)
            started = time.monotonic()
            try:
                if os.environ.get("SOAK_DEBUG"):
                    print(f"session {seed} visit {visits}: {path} {bundle}", flush=True)
                await page.goto(f"{base}/{path}?bundle={bundle}", timeout=60_000)
                await page.wait_for_selector(DONE, timeout=60_000)
                await page.wait_for_selector("h1, .slide-title", timeout=60_000)
                await page.wait_for_selector(DONE, timeout=60_000)
                tally.seconds.append(time.monotonic() - started)
                tally.visits += 1
                broken = await page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]').count()
                if broken:
                    tally.errors.append(f"{path or 'home'} {bundle}: error box")
                if path == "performance" and bundle != "delivery-eta" and rng.random() < 0.7:
                    slider = page.get_by_role("slider").first  # regression bundles have no control
                    await slider.wait_for(timeout=30_000)
                    await slider.focus()
                    for _ in range(rng.randint(1, 5)):
                        await page.keyboard.press(rng.choice(["ArrowRight", "ArrowLeft"]))
                    await page.wait_for_timeout(300)
                    await page.wait_for_selector(DONE, timeout=60_000)
                    tally.moves += 1
            except Exception as exc:  # a page that never finishes is an error, and the session goes on
                tally.errors.append(f"{path or 'home'} {bundle}: {type(exc).__name__} {str(exc).splitlines()[0][:120]}")
    finally:
        await context.close()


async def drive(base: str, sessions: int, seconds: float, server_pid: int) -> tuple[Tally, list[tuple[float, float]]]:
    from playwright.async_api import async_playwright

    tally = Tally()
    samples: list[tuple[float, float]] = []
    started = time.monotonic()
    deadline = started + seconds

    async def sample_memory():
        while time.monotonic() < deadline + 5:
            samples.append((time.monotonic() - started, rss_mb(server_pid)))
            await asyncio.sleep(2)

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            await asyncio.gather(
                sample_memory(), *(session(browser, base, deadline, seed, tally) for seed in range(sessions))
            )
        finally:
            await browser.close()
    return tally, samples


def start_server(artifacts: Path, log: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {**os.environ, "MODELBRIEF_ARTIFACTS": str(artifacts), "MODELBRIEF_CACHE": str(artifacts / ".cache")}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "Home.py", "--server.port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=open(log, "w"),  # noqa: SIM115 - closed with the process
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return process, url
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit(f"The server did not start; see {log}")


def table(sessions: int, seconds: float, tally: Tally, samples: list[tuple[float, float]]) -> str:
    memory = [mb for _, mb in samples]
    last_minute = [mb for t, mb in samples if t >= max(0.0, samples[-1][0] - 60)] if samples else [0.0]
    first_half = [mb for t, mb in samples if t < seconds / 2] or [0.0]
    lines = [
        f"{sessions} browser sessions at once for {seconds / 60:g} minutes against one server on this machine "
        f"(2 cores), every page of every demo bundle in random order, measured by `python -m bench.soak`.",
        "",
        "| sessions | page visits | control moves | errors | page ready p50 (s) | page ready p95 (s) "
        "| server RSS, first half, median (MB) | peak (MB) | last minute, median (MB) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| {sessions} | {tally.visits:,} | {tally.moves:,} | {len(tally.errors)} "
        f"| {statistics.median(tally.seconds):.1f} | {statistics.quantiles(tally.seconds, n=20)[-1]:.1f} "
        f"| {statistics.median(first_half):,.0f} | {max(memory):,.0f} | {statistics.median(last_minute):,.0f} |",
    ]
    if tally.errors:
        lines += ["", "Errors: " + "; ".join(sorted(set(tally.errors))[:10])]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--readme", action="store_true", help="write the table into README.md")
    args = parser.parse_args(argv)

    from core.publishing.demos import build_demos

    with tempfile.TemporaryDirectory() as folder:
        artifacts = Path(folder) / "artifacts"
        build_demos(artifacts)
        log = ROOT / "bench" / "output" / "soak-streamlit.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        process, url = start_server(artifacts, log)
        try:
            tally, samples = asyncio.run(drive(url, args.sessions, args.minutes * 60, process.pid))
        finally:
            process.terminate()
            process.wait(timeout=20)
    text = table(args.sessions, args.minutes * 60, tally, samples)
    print(text)
    if args.readme:
        readme = README.read_text()
        if START not in readme or END not in readme:
            raise SystemExit(f"README.md has no {START} ... {END} markers.")
        head, rest = readme.split(START, 1)
        README.write_text(f"{head}{START}\n{text}\n{END}{rest.split(END, 1)[1]}")
    return 1 if tally.errors else 0


if __name__ == "__main__":
    sys.exit(main())
