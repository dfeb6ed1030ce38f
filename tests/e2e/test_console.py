"""End to end, in Arabic: an official runs a whole election from the web console (login,
manifest preview, create, the role tokens as downloads, ceremony progress, open, close,
publish), trustees and the credential authority run the CLI with the downloaded token files,
voters vote in the booth with the code and the QR code read back from their printed card, and
the exported record verifies. Screenshots of each step go to OPENBALLOT_SCREENSHOT_DIR."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from openballot.cli.demo import demo_manifest_path
from openballot.cli.main import app as cli
from printed_cards import page_qr, page_text

pytestmark = pytest.mark.e2e

SHOTS_ENV = "OPENBALLOT_SCREENSHOT_DIR"
ADMIN_TOKEN = "e2e-admin-token"  # conftest.py's server
OPENBALLOT = str(Path(sys.executable).with_name("openballot"))
CODE = re.compile(r"\b[0-9A-Z]{5}(?:-[0-9A-Z]{5}){3}\b")
#: (voter id, district, language, name) of the register; each votes for PRESIDENT[k].
VOTERS = [
    ("SY-0001", "north", "ar", "ليلى حداد"),
    ("SY-0002", "south", "ar", "عمر نوري"),
    ("SY-0003", "north", "ku", "Dîlan Şêxo"),
]
PRESIDENT = ["bashir", "bashir", "dilan"]
REFERENDUM = ["yes", "no", "yes"]


def run(*args: str, cwd: Path) -> str:
    """A CLI command in its own process, as a trustee or the authority runs it."""
    done = subprocess.run([OPENBALLOT, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env=os.environ.copy())
    assert done.returncode == 0, f"{args[:3]}: {done.stdout}{done.stderr}"
    return done.stdout


class Console:
    """The console page in the browser, with the screenshots of its steps."""

    def __init__(self, page: Any, shots: Path, accessible: Any) -> None:
        self.page = page
        self.shots = shots
        self.accessible = accessible

    def shot(self, step: str, lang: str = "ar") -> None:
        self.page.screenshot(path=str(self.shots / f"console-{step}-{lang}.png"), full_page=True)
        self.accessible(self.page, f"console {step}, {lang}")

    def in_every_language(self, step: str) -> None:
        for lang in ("ku", "en", "ar"):  # Arabic last: the election goes on in Arabic
            self.page.select_option("#language", lang)
            assert self.page.get_attribute("html", "dir") == ("rtl" if lang == "ar" else "ltr")
            self.shot(step, lang)

    def confirm(self, button: str) -> None:
        self.page.click(f"[data-testid={button}]")
        self.page.wait_for_selector("dialog[open]")
        self.page.click("[data-testid=confirm-ok]")

    def done(self, message: str) -> None:
        """Wait for the action's confirmation message, and for focus to move to it."""
        self.page.wait_for_function(
            "m => document.querySelector('[data-testid=action-done]').textContent === m"
            " && document.activeElement.dataset.testid === 'action-done'",
            arg=message, timeout=60_000)

    def refresh(self) -> None:
        self.page.click("[data-testid=refresh]")
        self.page.wait_for_timeout(300)


def test_an_election_run_from_the_console_in_arabic(
    server: str, browser: Any, tmp_path: Path, accessible: Any
) -> None:
    shots = Path(os.environ.get(SHOTS_ENV) or tmp_path / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    work = tmp_path / "officials"
    work.mkdir()
    api = httpx.Client(base_url=server, timeout=60)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    console = Console(page, shots, accessible)

    # Login: a wrong token is refused in Arabic and sets no cookie; the right one, by keyboard.
    page.goto(f"{server}/console/?lang=ar")
    page.wait_for_selector("#view-login:not([hidden])")
    assert page.get_attribute("html", "dir") == "rtl"
    console.in_every_language("login")
    page.fill("#token", "not-the-admin-token")
    page.click("[data-testid=login-submit]")
    page.wait_for_function("() => document.querySelector('#login-error').textContent.length > 0")
    wrong = "هذا ليس رمز المشرف. تحقق من ملف الرمز وحاول مرة أخرى."
    assert page.text_content("#login-error") == wrong
    assert context.cookies() == []
    console.shot("login-wrong")
    page.focus("#token")
    page.keyboard.type(ADMIN_TOKEN)
    page.keyboard.press("Enter")
    page.wait_for_selector("#view-home:not([hidden])")
    (cookie,) = context.cookies()
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["value"] != ADMIN_TOKEN
    assert page.evaluate("document.cookie") == ""  # nothing a script can read

    # A bad manifest: a translated error with the board's words, and nothing created.
    manifest = json.loads(demo_manifest_path().read_text(encoding="utf-8"))
    bad = work / "bad-manifest.json"
    broken = json.loads(json.dumps(manifest))
    del broken["title"]["ar"]
    bad.write_text(json.dumps(broken), encoding="utf-8")
    page.set_input_files("#manifest", str(bad))
    page.click("[data-testid=check]")
    page.wait_for_selector("#create-error:not([hidden])")
    assert page.text_content("[data-testid=problem]") == "الطلب أو الملف غير صالح."
    assert "missing label in language 'ar'" in (page.text_content("[data-testid=problem-detail]")
                                                 or "")
    console.shot("create-error")
    assert api.get("/api/board").json()["elections"] == []

    # The good manifest: every district's ballot previewed in ar, ku and en.
    good = work / "manifest.json"
    good.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    page.set_input_files("#manifest", str(good))
    page.click("[data-testid=check]")
    page.wait_for_selector("#preview:not([hidden])")
    for district in ("north", "south"):
        for lang in ("ar", "ku", "en"):
            column = page.locator(f"[data-testid=preview-{district}-{lang}]")
            assert column.get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
            assert manifest["title"][lang] in column.inner_text()
    north_ar = page.inner_text("[data-testid=preview-north-ar]")
    assert "مجلس الدائرة الشمالية" in north_ar and "مجلس الدائرة الجنوبية" not in north_ar
    console.in_every_language("create")
    assert api.get("/api/board").json()["elections"] == []  # a preview creates nothing

    # Create, after a confirmation dialog: Escape cancels it, and nothing is created.
    page.click("[data-testid=create]")
    page.wait_for_selector("dialog[open]")
    console.shot("confirm")
    page.keyboard.press("Escape")
    page.wait_for_selector("dialog:not([open])", state="attached")
    assert page.evaluate("document.activeElement.dataset.testid") == "create"  # focus back
    assert api.get("/api/board").json()["elections"] == []
    console.confirm("create")
    page.wait_for_selector("#view-tokens:not([hidden])")
    eid = manifest["election_id"]
    assert api.get("/api/board").json()["elections"] == [eid]

    # Each role's token once, as a file; the button is spent after it.
    tokens = {}
    for role in ("credential-authority", "trustee-1", "trustee-2", "trustee-3"):
        with page.expect_download() as download:
            page.click(f"[data-testid=download-{role}]")
        assert download.value.suggested_filename == f"{eid}-{role}.token"
        tokens[role] = work / f"{role}.token"
        download.value.save_as(tokens[role])
        assert page.is_disabled(f"[data-testid=download-{role}]")
    page.wait_for_selector("[data-testid=tokens-done]:not([hidden])")
    console.shot("tokens")

    # The ceremony, by the trustees on the CLI; the console shows who has done what.
    page.click("[data-testid=tokens-continue]")
    page.wait_for_selector("#view-election:not([hidden])")
    common = ["--election", eid]
    for i in (1, 2, 3):
        run("board", "trustee", "keygen", server, *common, "--index", str(i), "--name",
            f"trustee {i}", "--token-file", str(tokens[f"trustee-{i}"]),
            "--secret", str(work / f"secret-{i}.json"), cwd=work)
    run("board", "trustee", "reveal", server, *common, "--token-file",
        str(tokens["trustee-1"]), "--secret", str(work / "secret-1.json"), cwd=work)
    console.refresh()
    row = page.inner_text("[data-testid=trustee-2]")
    assert "trustee reveal" in row  # every trustee has committed: trustee 2 reveals next
    console.shot("ceremony")
    for i in (2, 3):
        run("board", "trustee", "reveal", server, *common, "--token-file",
            str(tokens[f"trustee-{i}"]), "--secret", str(work / f"secret-{i}.json"), cwd=work)
    for step in ("exchange", "finish"):
        for i in (1, 2, 3):
            extra = ["--share", str(work / f"share-{i}.json")] if step == "finish" else []
            run("board", "trustee", step, server, *common, "--token-file",
                str(tokens[f"trustee-{i}"]), "--secret", str(work / f"secret-{i}.json"),
                *extra, cwd=work)
    console.refresh()
    assert page.is_disabled("[data-testid=action-open]")  # the credentials are missing
    assert "لم تُنشر قائمة بيانات الاعتماد بعد." in page.inner_text("[data-testid=blockers]")

    # The credential authority: the register becomes published credentials and cards.
    register = work / "register.csv"
    register.write_text(
        "voter_id,district,language,name\n"
        + "".join(f"{v},{d},{lang},{name}\n" for v, d, lang, name in VOTERS),
        encoding="utf-8",
    )
    cards, link = work / "cards.pdf", work / "link.csv"
    run("board", "credentials", "register", server, str(register), *common, "--token-file",
        str(tokens["credential-authority"]), "--cards", str(cards), "--link", str(link),
        cwd=work)
    console.refresh()
    credentials = page.inner_text("[data-testid=credentials]")
    assert "الدائرة الشمالية" in credentials and "الدائرة الجنوبية" in credentials
    assert page.is_enabled("[data-testid=action-open]")
    console.shot("ready")

    # Open, from the console: the whole fingerprint is shown.
    console.confirm("action-open")
    console.done("التصويت مفتوح.")
    fingerprint = api.get(f"/api/elections/{eid}").json()["fingerprint"]
    assert page.text_content("[data-testid=fingerprint]") == fingerprint
    console.shot("open")

    # Voters: the code from the card's text, the booth's address from its QR code.
    voter = context.new_page()
    for k in range(len(VOTERS)):
        (code,) = set(CODE.findall(page_text(cards, k + 1)))
        address = page_qr(cards, k + 1, work)
        assert address == f"{server}/booth/?election={eid}&fingerprint={fingerprint}"
        assert code not in address and code.replace("-", "") not in address
        vote(voter, address, code, PRESIDENT[k], REFERENDUM[k])
    voter.close()

    # Close, from the console; the trustees decrypt on the CLI; the console publishes.
    console.confirm("action-close")
    console.done("أُغلق التصويت: حُسبت الحصيلة المشفّرة.")
    tally = page.inner_text("[data-testid=tally]")
    assert "احتُسبت 3 ورقة." in tally or "احتُسبت ٣ ورقة." in tally, tally
    assert page.is_disabled("[data-testid=action-result]")
    console.shot("closed")
    for i in (1, 3):  # trustee 2 stays away: any 2 of 3 decrypt
        run("board", "trustee", "decrypt", server, *common, "--token-file",
            str(tokens[f"trustee-{i}"]), "--share", str(work / f"share-{i}.json"), cwd=work)
    console.refresh()
    console.confirm("action-result")
    console.done("نُشرت النتيجة.")
    result = api.get(f"/api/elections/{eid}/result").json()
    assert result["totals"]["president"] == {"amal": 0, "bashir": 2, "dilan": 1, "farah": 0}
    assert result["totals"]["referendum"] == {"yes": 2, "no": 1}
    president = page.inner_text("[data-testid=result-president]")
    assert "بشير نوري" in president and "الرئاسة" in president
    console.shot("result")
    # The seats and the turnout are on the public results page, which the console links.
    link = page.locator("[data-testid=result-page-link]")
    assert link.get_attribute("href") == f"/results/?election={eid}&lang=ar"
    link.click()
    page.wait_for_selector('[data-testid="contest-president"]')
    assert "بشير نوري" in page.inner_text('[data-testid="contest-president"]')
    page.go_back()
    page.wait_for_selector("[data-testid=logout]")

    # Logout: the session is over for this cookie.
    page.click("[data-testid=logout]")
    page.wait_for_selector("#view-login:not([hidden])")
    assert page.evaluate("fetch('/api/console/session').then(r => r.status)") == 403
    context.close()

    # The record the console's election left verifies.
    record = tmp_path / "record"
    out = CliRunner().invoke(cli, ["export", server, "--election", eid, "-r", str(record)])
    assert out.exit_code == 0, out.output
    out = CliRunner().invoke(cli, ["verify", str(record), "--workers", "1"])
    assert out.exit_code == 0, out.output
    assert "record verified" in out.output


def vote(page: Any, address: str, code: str, president: str, referendum: str) -> None:
    """One voter in the booth opened from the card's QR code, in the booth's language."""
    page.goto(address)
    page.fill("#code", code)
    page.click("#code-submit")
    page.wait_for_selector('fieldset[data-contest="president"]')
    page.check(f'fieldset[data-contest="president"] input[data-option="{president}"]')
    page.check(f'fieldset[data-contest="referendum"] input[data-option="{referendum}"]')
    if page.locator('fieldset[data-contest="council-north"]').count():
        page.check('fieldset[data-contest="council-north"] input[data-option="n2"]')
    page.click("#encrypt")
    page.wait_for_selector("#cast", state="visible", timeout=30_000)
    page.click("#cast")
    page.wait_for_selector("#receipt-status", timeout=30_000)
    assert page.is_hidden("#error"), page.text_content("#error")
    assert (page.text_content("#receipt-status") or "").strip()


def test_tokens_not_downloaded_are_gone_after_a_reload_and_the_console_says_so(
    server: str, browser: Any, tmp_path: Path, accessible: Any
) -> None:
    manifest = json.loads(demo_manifest_path().read_text(encoding="utf-8"))
    manifest["election_id"] = "reloaded-2026"
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(f"{server}/console/?lang=ar")
    page.fill("#token", ADMIN_TOKEN)
    page.click("[data-testid=login-submit]")
    page.wait_for_selector("#view-home:not([hidden])")
    page.set_input_files("#manifest", str(path))
    page.click("[data-testid=check]")
    page.wait_for_selector("#preview:not([hidden])")
    page.click("[data-testid=create]")
    page.click("[data-testid=confirm-ok]")
    page.wait_for_selector("#view-tokens:not([hidden])")
    with page.expect_download():
        page.click("[data-testid=download-trustee-1]")
    assert page.evaluate("JSON.stringify(sessionStorage)") == (
        '{"openballot-console-pending-tokens":"reloaded-2026"}')  # an id, never a token
    asked = []

    def leave(dialog: Any) -> None:
        asked.append(dialog.type)
        dialog.accept()

    page.on("dialog", leave)
    page.reload()
    page.wait_for_selector("#view-home:not([hidden])")
    assert asked == ["beforeunload"]  # the browser asked before the tokens were lost
    # The home view shows at once; the message comes once the board's elections are read.
    page.wait_for_selector("[data-testid=lost-tokens]:not([hidden])")
    lost = page.text_content("[data-testid=lost-tokens]") or ""
    assert "reloaded-2026" in lost and "ضاعت رموز الانتخابات" in lost
    accessible(page, "console home after a reload that lost tokens")

    # A session that ends (here the cookie is gone) sends the console back to its login.
    context.clear_cookies()
    page.set_input_files("#manifest", str(path))
    page.click("[data-testid=check]")
    page.wait_for_selector("#view-login:not([hidden])")
    assert page.text_content("#login-error") == "انتهت جلستك. يرجى تسجيل الدخول مرة أخرى."
    context.close()
