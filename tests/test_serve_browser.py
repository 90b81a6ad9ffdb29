"""The web page in a real browser: Debian's headless Chromium driven by Playwright, against a real server."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from evkg.pipeline import check_files

ROOT = Path(__file__).resolve().parent.parent
VALID = sorted((ROOT / "examples" / "valid").glob("*.ttl"))
INVALID = sorted((ROOT / "examples" / "invalid").glob("*.ttl"))
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


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
    eu = rows.filter(has=page.locator("td:first-child", has_text="European Union"))
    us = rows.filter(has=page.locator("td:first-child", has_text="United States"))
    assert eu.count() > 0 and us.count() > 0
    for jurisdiction_rows in (eu, us):
        links = jurisdiction_rows.locator("td:last-child a[href^='http']")
        assert links.count() > 0, "no legal source link in the classification"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "serve-report-valid.png"), full_page=True)
    page.screenshot(path=str(ARTIFACTS / "serve-report-valid-top.png"))
    heading = page.locator("section.product h3", has_text="Classification in full").first
    heading.scroll_into_view_if_needed()
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
    expect(page.locator(".finding-group details[open] .Violation").first).to_be_visible()
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
    expect(page.locator("section.product h2")).to_be_visible()


def test_browse_products_terms_and_run_a_query(page):
    page.goto("/products")
    first = page.locator("table.list tbody tr th a").first
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


def test_what_if_view_shows_the_reform_diff(page):
    page.goto("/")
    page.click("nav a:has-text('What if')")
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_text("What if the law changes?")
    page.select_option("#rules", "eu-reform-proposal-2023")
    page.click("form button")
    page.wait_for_load_state()
    expect(page.locator("#rule-changes")).to_contain_text("EU-R02")
    row = page.locator("#answer-changes tbody tr", has_text="gene therapy").first
    expect(row.locator("td.before")).to_contain_text("EU-11")
    expect(row.locator("td.after")).to_contain_text("EU-R02")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "serve-whatif.png"), full_page=True)


# --- what a newcomer meets: the product list, a product page, the report and the term pages -----------------

def test_product_list_can_be_searched_filtered_and_sorted(page):
    page.goto("/products")
    rows = page.locator("#products tbody tr")
    total = rows.count()
    assert total > 5
    page.fill("#product-search", "exoflo")
    expect(page.locator("#products tbody tr:not([hidden])")).to_have_count(1)
    expect(page.locator("#product-count")).to_contain_text(f"1 of {total}")
    page.fill("#product-search", "")
    for verdict, words in (("conforms", "conforms"), ("does-not-conform", "does not conform")):
        expected = page.locator(f"#products tbody tr[data-verdict={verdict}]").count()
        page.select_option("#product-verdict", verdict)
        shown = page.locator("#products tbody tr:not([hidden])")
        expect(shown).to_have_count(expected)
        for i in range(min(expected, 3)):
            expect(shown.nth(i).locator("td").first).to_contain_text(words)
    page.select_option("#product-verdict", "")
    page.select_option("#product-sort", "completeness")
    values = [float(v) for v in page.eval_on_selector_all("#products tbody tr", "rows => rows.map(r => r.dataset.completeness)")]
    assert values == sorted(values, reverse=True)
    expect(page.locator("ul.legend")).to_contain_text("confirm with the regulator")


def test_product_page_leads_with_the_classification(page):
    page.goto("/products/exoflo")
    headings = page.eval_on_selector_all("main h1, main h2, main h3", "hs => hs.map(h => h.tagName + ' ' + h.textContent.trim())")
    glance = next(i for i, h in enumerate(headings) if "Classification at a glance" in h)
    findings = next(i for i, h in enumerate(headings) if h.endswith("Findings"))
    assert glance < findings, headings
    levels = [int(h[1]) for h in headings]
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), f"a heading level is skipped: {headings}"
    expect(page.locator("dl.in-short")).to_contain_text("United States")
    warnings = page.locator(".finding-group details.severity-Warning")
    if warnings.count():
        assert warnings.first.get_attribute("open") is None   # warnings start collapsed
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "serve-product-page.png"), full_page=True)


def test_term_pages_hide_helper_classes_and_explain_rules(page):
    page.goto("/terms/evkg:EU_MedicinalProduct")
    narrower = page.locator("dl.glance dt", has_text="narrower").locator("xpath=following-sibling::dd[1]")
    if narrower.count():
        assert "premises of rule" not in narrower.inner_text()
    kind = page.locator("dl.glance dt", has_text="kind").locator("xpath=following-sibling::dd[1]").locator("a").first
    assert not (kind.get_attribute("href") or "").startswith("/terms/owl:")
    page.goto("/terms/evsh:EU-14")
    expect(page.locator("main")).to_contain_text("status")
    expect(page.locator("main")).to_contain_text("premises: earlier conclusions")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "serve-term-rule.png"), full_page=True)
    page.goto("/terms")
    total = page.locator(".term-list li").count()
    page.fill("#term-search", "gene therapy")
    shown = page.locator(".term-list li:not([hidden])").count()
    assert 0 < shown < total
    page.goto("/terms/evkg:EU_GTMP")
    page.screenshot(path=str(ARTIFACTS / "serve-term-page.png"), full_page=True)
