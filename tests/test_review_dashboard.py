"""The review dashboard: self-contained, escaped, and working in a real headless browser."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from pipeline import Workspace, generate_page
from pipeline.review.dashboard import build_dashboard
from pipeline.review.state import approve_page, list_pages, reject_page
from pipeline.store import page_path
from tests.conftest import PROMPTS
from tests.test_review import edit_fact, run_review

if TYPE_CHECKING:
    from playwright.sync_api import Dialog

CHROMIUM = Path(os.environ.get("REVIEWGEN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HOSTILE = '<script>alert("page")</script> <img src=x onerror=alert(1)> ![pixel](http://example.invalid/p.png)'
DOSING = "Most people take 50 mg twice daily with food."


def _browser_required() -> bool:
    """In CI (CI=1/true) or with REVIEWGEN_REQUIRE_BROWSER=1 a missing browser fails instead of skipping."""
    flags = (os.environ.get("CI", ""), os.environ.get("REVIEWGEN_REQUIRE_BROWSER", ""))
    return any(v.strip().lower() not in ("", "0", "false", "no") for v in flags)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four ketamine pages, one per status: approved, changed (fact edited), rejected, draft with findings."""
    root = tmp_path_factory.mktemp("report")
    kb = root / "knowledge"
    shutil.copytree(Path(__file__).resolve().parent.parent / "knowledge", kb)
    ws = Workspace.open(kb, PROMPTS)
    out = root / "outputs"
    for condition in ("als", "alzheimers", "multiple-sclerosis", "parkinsons"):
        generate_page("ketamine", condition, out_dir=out, workspace=ws)
    approve_page(ws, out, "ketamine", "als", reviewer="alice", note="fine <b>bold</b>")
    approve_page(ws, out, "ketamine", "alzheimers", reviewer="alice")
    edit_fact(kb)
    generate_page("ketamine", "alzheimers", out_dir=out, workspace=Workspace.open(kb, PROMPTS))
    reject_page(out, "ketamine", "parkinsons", reviewer="bob", note='vague <img src=x onerror="alert(2)">')
    page = page_path(out, "ketamine", "multiple-sclerosis")
    page.write_text(
        page.read_text().replace("## Bottom Line on Safety\n", f"## Bottom Line on Safety\n\n{DOSING} {HOSTILE}\n", 1)
    )
    return out


@pytest.fixture(scope="module")
def report(outputs: Path) -> Path:
    """The report as the CLI writes it."""
    target = outputs.parent / "report.html"
    result = run_review("dashboard", "--html", str(target), "--out", str(outputs), cwd=outputs.parent)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{target} (4 page(s))"
    return target


def test_statuses_in_the_fixture(outputs: Path) -> None:
    assert {s.condition: s.label for s in list_pages(outputs)} == {
        "als": "approved",
        "alzheimers": "changed",
        "multiple-sclerosis": "draft",
        "parkinsons": "rejected",
    }


def test_report_is_self_contained_and_escapes_everything(report: Path) -> None:
    html = report.read_text()
    assert "<script>alert" not in html and "<img" not in html and "<b>bold" not in html
    assert "&lt;script&gt;alert(&#34;page&#34;)&lt;/script&gt;" in html or "&lt;script&gt;alert(&quot;page" in html
    assert "vague &lt;img src=x onerror=" in html  # the reviewer's note, escaped by jinja
    assert not re.search(r"<[a-z]+[^>]*\s(src|srcset|background|poster)=", html), "nothing may be fetched"
    assert not re.search(r"<(link|img|iframe|object|embed|video|audio|source)\b", html)
    assert "url(" not in html and "@import" not in html
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert csp and "default-src 'none'" in unescape(csp.group(1))
    assert html.count("<script>") == 1 and html.count("<style>") == 1


def test_report_highlights_findings_and_links_citations(workspace: Workspace, outputs: Path) -> None:
    html = build_dashboard(workspace, outputs)
    section = html.split('id="ketamine--multiple-sclerosis"', 1)[1]
    assert re.search(
        r'<mark class="finding sev-error" id="ketamine--multiple-sclerosis-f\d+" '
        r'data-rules="[^"]*no-dosing[^"]*"[^>]*>50 mg</mark>',
        section,
    )
    cite = re.search(r'<a class="cite" href="#(ketamine--als-ref-\d+)">', html)
    assert cite and f'<li id="{cite.group(1)}">' in html
    assert "ketamine.safety.respiratory" in html.split('id="ketamine--alzheimers"', 1)[1].split("</section>")[0]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's chromium driven by playwright; skipped outside CI when it is not installed."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is a dev dependency
        pytest.skip("playwright missing (pip install -e '.[dev]')")
    if not CHROMIUM.exists():
        reason = (
            f"{CHROMIUM} not found (apt-get install chromium); "
            "the browser test of the review dashboard needs Debian's chromium"
        )
        if _browser_required():
            pytest.fail(reason + " — required in CI (CI / REVIEWGEN_REQUIRE_BROWSER set)")
        pytest.skip(reason)
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


def test_report_in_a_real_browser(browser: object, report: Path, tmp_path: Path) -> None:
    from playwright.sync_api import Browser, Request, expect

    assert isinstance(browser, Browser)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def on_dialog(dialog: Dialog) -> None:
        errors.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)

    def record(request: Request) -> None:
        requests.append(request.url)

    page.on("request", record)
    page.goto(report.as_uri())
    page.wait_for_load_state("load")

    rows = page.locator("#pages tbody tr")
    expect(rows).to_have_count(4)
    cells = [[c.strip() for c in text.split("\t")] for text in rows.all_inner_texts()]
    assert [c[0] for c in cells] == [
        "ketamine × als",
        "ketamine × alzheimers",
        "ketamine × multiple-sclerosis",
        "ketamine × parkinsons",
    ]
    assert [c[1] for c in cells] == ["approved", "changed", "draft hand-edited", "rejected"]
    assert [c[2] for c in cells][:2] == ["none", "none"] and "error(s)" in cells[2][2]
    assert [c[3] for c in cells] == ["no", "yes", "never approved", "never approved"]

    visible = page.locator("#pages tbody tr:visible")
    for status, expected in [
        ("approved", ["als"]),
        ("changed", ["alzheimers"]),
        ("rejected", ["parkinsons"]),
        ("draft", ["alzheimers", "multiple-sclerosis"]),
        ("all", ["als", "alzheimers", "multiple-sclerosis", "parkinsons"]),
    ]:
        page.click(f"button[data-filter={status}]")
        expect(visible).to_have_count(len(expected))
        assert [t.split("\t")[0].split(" × ")[1] for t in visible.all_inner_texts()] == expected
        assert page.inner_text("#shown-count") == str(len(expected))
        assert page.get_attribute(f"button[data-filter={status}]", "aria-pressed") == "true"
        expect(page.locator("section.page:visible")).to_have_count(len(expected))

    mark = page.locator("#ketamine--multiple-sclerosis mark[data-rules~=no-dosing]").first
    expect(mark).to_be_visible()
    assert mark.inner_text() == "50 mg"
    page.locator("#ketamine--als a.cite").first.click()
    assert re.fullmatch(r".*#ketamine--als-ref-\d+", page.url)
    expect(page.locator(":target")).to_be_visible()

    page.click("button[data-filter=all]")
    page.goto(report.as_uri() + "#pages")
    shot = tmp_path / "review-report.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    keep = os.environ.get("REVIEWGEN_SCREENSHOT")
    if keep:  # e.g. REVIEWGEN_SCREENSHOT=docs/review-report.png for the docs
        shutil.copy(shot, keep)
    assert errors == [], errors
    assert [u for u in requests if not u.startswith("file://")] == [], "the report must not touch the network"
