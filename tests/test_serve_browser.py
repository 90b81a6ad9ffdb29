"""The web page in a real browser: Debian's headless Chromium driven by Playwright, against a real server."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from evkg.pipeline import check_files
from evkg.web.app import running_server

ROOT = Path(__file__).resolve().parent.parent
VALID = sorted((ROOT / "examples" / "valid").glob("*.ttl"))
INVALID = sorted((ROOT / "examples" / "invalid").glob("*.ttl"))
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def base_url():
    with running_server() as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists(), "the browser tests need Chromium: apt-get install chromium chromium-driver"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, base_url):
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    # Nothing outside this server may be contacted.
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base_url)
                  else route.abort())
    page = context.new_page()
    yield page
    context.close()


def submit(page, text: str) -> None:
    page.goto("/")
    page.fill("#text", text)
    page.select_option("#format", "turtle")
    page.click("#submit")
    page.wait_for_load_state()


def test_valid_description_shows_conformance_and_classification(page):
    assert VALID, "examples/valid holds no example to submit"
    submit(page, VALID[0].read_text(encoding="utf-8"))
    expect(page.locator("h1")).to_contain_text("Report for")
    expect(page.locator(".summary")).to_contain_text("The description conforms.")
    rows = page.locator("section.product table tr")
    eu = rows.filter(has=page.locator("td:first-child", has_text="EU"))
    us = rows.filter(has=page.locator("td:first-child", has_text="US"))
    assert eu.count() > 0 and us.count() > 0
    for jurisdiction_rows in (eu, us):
        links = jurisdiction_rows.locator("td:last-child a[href^='http']")
        assert links.count() > 0, "no legal source link in the classification"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "serve-report-valid.png"), full_page=True)
    page.screenshot(path=str(ARTIFACTS / "serve-report-valid-top.png"))
    page.locator("section.product h4").first.scroll_into_view_if_needed()
    page.evaluate("document.querySelector('section.product h4').scrollIntoView()")
    page.screenshot(path=str(ARTIFACTS / "serve-report-valid-classification.png"))


def test_invalid_description_shows_the_violation_message(page):
    failing = [p for p in INVALID
               if json.loads(p.with_suffix(".expected.json").read_text(encoding="utf-8"))["conforms"] is False]
    assert failing, "examples/invalid holds no example that must fail to conform"
    path = failing[0]
    product = check_files([path]).files[0].products[0]
    violations = [r.message for r in product.results if r.severity == "Violation"]
    assert violations, f"{path.name} produces no violation"
    submit(page, path.read_text(encoding="utf-8"))
    expect(page.locator(".summary")).to_contain_text("does not conform")
    expect(page.locator("section.product")).to_contain_text(violations[0])
    expect(page.locator("td.Violation").first).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "serve-report-invalid.png"), full_page=True)
    page.screenshot(path=str(ARTIFACTS / "serve-report-invalid-top.png"))


def test_malformed_description_keeps_the_text_and_points_to_the_line(page):
    text = "@prefix evkg: <https://w3id.org/evkg#> .\n<https://example.org/p> a evkg:EVProduct ;\n  evkg:x \"open .\n"
    submit(page, text)
    expect(page.locator("#error")).to_contain_text("line")
    assert page.input_value("#text") == text


def test_try_a_sample_fills_the_box_and_checks_it(page):
    page.goto("/")
    page.click("#try-sample")
    page.wait_for_load_state()
    assert "EVProduct" in page.input_value("#text")
    page.click("#submit")
    page.wait_for_load_state()
    expect(page.locator("section.product h3")).to_be_visible()


def test_browse_products_terms_and_run_a_query(page):
    page.goto("/products")
    first = page.locator("table.list tbody tr td:first-child a").first
    name = first.inner_text()
    first.click()
    expect(page.locator("h1")).to_have_text(name)
    expect(page.locator("dl.glance")).to_contain_text("European Union")
    page.goto("/terms/evkg:EU_GTMP")
    expect(page.locator(".definition")).to_be_visible()
    expect(page.locator("dl.glance")).to_contain_text("sources")
    page.goto("/queries")
    section = page.locator("section#products-by-category")
    section.locator("input[name=jurisdiction]").fill("EU")
    section.locator("button").click()
    page.wait_for_load_state()
    assert page.locator("table.results tbody tr").count() > 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "serve-query.png"), full_page=True)
