"""The writing page in a real browser (Debian's headless Chromium through Playwright, against `evkg serve`):
a person describes a new product from an empty form — bone-marrow MSC small EVs for knee osteoarthritis,
injected into the joint — with term look-up, fixes the findings one by one by following their links, reaches
a conforming description without typing an IRI or Turtle, and the downloaded Turtle checks the same from the
command line."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from evkg.cli import main

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

# What the person knows about the product, by the fact the form asks for: a value to choose, words to look a
# term up with ("look up"), or a button to press ("add"). No IRI, no Turtle.
ANSWERS = {
    "label": ("text", "Bone-marrow MSC small EVs for knee osteoarthritis"),
    "intendedUse": ("check", "Treatment"),
    "therapeuticApproach": ("choose", "ImmunomodulatoryRegenerativeTherapy"),
    "evRole": ("choose", "ActiveSubstanceRole"),
    "cellContent": ("choose", "NoCells"),
    "manufacturingSetting": ("choose", "IndustrialManufacture"),
    "integralMedicalDevice": ("choose", "false"),
    "annexI3Indication": ("choose", "false"),
    "diseaseClaim": ("choose", "true"),
    "indication": ("look up", "osteoarthritis"),
    "hasEVComponent": ("add", None),
    "hasSource": ("add", None),
    "particleKind": ("choose", "SmallEV"),
    "evOriginKind": ("choose", "HumanOrigin"),
    "evSourceMaterial": ("choose", "PrimaryHumanCells"),
    "vesicleKind": ("choose", "NaturallyReleasedEV"),
    "producerCellType": ("look up", "mesenchymal stem cell of the bone marrow"),
    "organism": ("look up", "Homo sapiens"),
    "anatomicalOrigin": ("look up", "bone marrow"),
    "geneticallyModified": ("choose", "false"),
    "donorRelation": ("choose", "Allogeneic"),
    "roleJustification": ("text", "The native MSC small EVs act themselves; nothing is loaded."),
    # characterisation, when the profile asks for it: a tetraspanin found by western blot, the modal size
    "markerResult": ("add", None),
    "measurement": ("add", None),
    "markerCategory": ("choose", "TransmembraneMarker"),
    "detected": ("choose", "true"),
    "marker": ("look up", "CD63"),
    "quantityKind": ("choose", "ModalDiameter"),
    "value": ("text", "112"),
    "unit": ("choose", "Nanometre"),
    "sizeCutoffNm": ("text", "200"),
    # "list each cargo item, or state that nothing is loaded": nothing is loaded into these vesicles
    "loadedCargo": ("instead", "hasNoLoadedCargo"),
    "hasNoLoadedCargo": ("choose", "true"),
}
METHODS = {"markerResult": "WesternBlot", "measurement": "NanoparticleTrackingAnalysis",
           "separationStep": "SizeExclusionChromatography"}


@pytest.fixture
def page(browser, base_url):
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base_url)
                  else route.abort())
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/write")
    page.wait_for_selector("body[data-ready=true]")
    yield page
    assert not errors, errors
    context.close()


def by_id(page, element_id: str):
    return page.locator(f"[id='{element_id}']")


def show(page, tab: str) -> None:
    """Switch tabs and wait until the text or the form has been converted and shown."""
    page.click(f"#tab-{tab}")
    expect(page.locator(f"#pane-{tab}")).to_be_visible()


def check(page) -> None:
    with page.expect_response("**/api/describe"):
        page.click("#check")
    expect(page.locator("#busy")).to_be_hidden()


def answer_for(field: str) -> tuple[str, str | None] | None:
    """The person's answer for the fact at this key path, or None when they have none."""
    parts = [p for p in field.split("/") if p and not p.isdigit()]
    if not parts:
        return None
    if parts[-1] == "method":
        return ("choose", METHODS[parts[-2]]) if len(parts) > 1 and parts[-2] in METHODS else None
    return ANSWERS.get(parts[-1])


def answer(page, element_id: str, field: str) -> None:
    """Give the form the person's answer in the widget with this id (found by following a finding)."""
    how, value = answer_for(field)
    widget = by_id(page, element_id)
    if how == "instead":                                  # the finding offers another way to state the fact
        other = field.rsplit("/", 1)[0] + "/" + value
        answer(page, f"f:{other}", other)
    elif how == "add":
        widget.click()
    elif how == "text":
        widget.fill(value)
        widget.dispatch_event("change")
    elif how in ("choose", "check") and widget.evaluate("e => e.tagName") == "FIELDSET":
        by_id(page, f"{element_id}={value}").check()       # a fact that takes several values: tick one
    elif how == "choose":
        widget.select_option(value)
    elif how == "look up":
        widget.fill(value)
        option = widget.locator("xpath=..").locator(".term-option").first
        option.wait_for()
        option.click()
        expect(widget.locator("xpath=..").locator(".term-chosen")).to_contain_text(":")


def follow_first(page, selector: str) -> bool:
    """Follow the first finding's link that the person can answer; False when none is left."""
    links = page.locator(selector)
    # Like a person, fix the most specific finding first: a field of a marker before "no marker detected".
    candidates = sorted((link for link in (links.nth(i) for i in range(links.count()))
                         if answer_for(link.get_attribute("data-field") or "") is not None),
                        key=lambda link: -(link.get_attribute("data-field") or "").count("/"))
    for link in candidates[:1]:
        field = link.get_attribute("data-field") or ""
        link.click()
        focused = page.evaluate("document.activeElement && document.activeElement.id")
        assert focused, f"following the finding on {field} focused no field"
        key = [p for p in field.split("/") if p and not p.isdigit()][-1]
        assert focused.endswith(key) or f"{key}=" in focused, (field, focused)
        answer(page, focused, focused[2:] if focused.startswith("f:") else field)
        return True
    return False


def route_choice(page) -> str:
    """Intra-articular when the vocabulary has it, else the generic local injection."""
    values = by_id(page, "f:/routeOfAdministration").locator("input").evaluate_all("els => els.map(e => e.value)")
    return next((v for v in values if v.lower().replace("-", "") == "intraarticular"), "LocalInjection")


def test_a_new_product_reaches_a_conforming_description_from_an_empty_form(page, tmp_path):
    check(page)
    expect(page.locator("#verdict")).to_contain_text("Does not conform yet")
    fixed = 0
    while follow_first(page, ".finding.sev-Violation .finding-link"):
        fixed += 1
        assert fixed < 30, "the findings do not converge"
        check(page)
    assert fixed >= 5, "the empty form should have asked for the product's required facts"
    expect(page.locator("#verdict")).to_contain_text("Conforms")
    # Then the facts the classification waits for, again by following the findings.
    rounds = 0
    while follow_first(page, ".finding.sev-Warning[data-constraint^='F-'] .finding-link, "
                             ".finding.sev-Warning[data-constraint='S-indication'] .finding-link"):
        rounds += 1
        assert rounds < 30
        check(page)
    by_id(page, f"f:/routeOfAdministration={route_choice(page)}").check()
    check(page)
    expect(page.locator("#verdict")).to_contain_text("Conforms")
    expect(page.locator("#classification")).to_contain_text("EU")
    assert page.locator(".finding.sev-Violation").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "write-form-conforming.png"), full_page=False)

    # No text typed anywhere was an IRI or Turtle: every value came from a choice or a term look-up.
    typed = page.evaluate("[...document.querySelectorAll('input[type=text], input[type=search], textarea')]"
                          ".map(e => e.value)")
    assert not any("http" in value or "evkg:" in value or "<" in value for value in typed)

    with page.expect_download() as turtle_download:
        page.click("button.download[data-kind=description][data-format=ttl]")
    turtle = tmp_path / "knee.ttl"
    turtle_download.value.save_as(turtle)
    with page.expect_download() as report_download:
        page.click("button.download[data-kind=report][data-format=json]")
    page_report = json.loads(Path(report_download.value.path()).read_text(encoding="utf-8"))
    for kind, fmt, marker in (("report", "html", "<html"), ("report", "markdown", "# evkg check report"),
                              ("description", "jsonld", '"@context": "https://w3id.org/evkg/context.jsonld"'),
                              ("description", "yaml", "indication: MONDO:0005178")):
        with page.expect_download() as other:
            page.click(f"button.download[data-kind={kind}][data-format={fmt}]")
        assert marker in Path(other.value.path()).read_text(encoding="utf-8"), (kind, fmt)
    text = turtle.read_text(encoding="utf-8")
    assert "obo:MONDO_0005178" in text and "evkg:NoCells" in text

    cli_report = tmp_path / "cli.json"
    assert main(["check", str(turtle), "--format", "json", "-o", str(cli_report), "--quiet"]) == 0
    cli = json.loads(cli_report.read_text(encoding="utf-8"))

    def findings(report):
        product = report["files"][0]["products"][0]
        return (product["conforms"], sorted((r["severity"], r["constraint"] or "", r["focus"], r["path"] or "")
                                            for r in product["results"]),
                sorted((c["jurisdiction"] or "", c["category"] or "", c["status"] or "")
                       for c in product["classifications"]))

    assert findings(cli) == findings(page_report)


def test_editor_shows_the_error_line_and_keeps_the_text_through_check_and_fix(page):
    show(page, "editor")
    broken = ("id: knee-ev\ntype: EVProduct\nlabel: Knee EVs\nintendedUse: [Treatment\ncellContent: NoCells\n"
              "indication: MONDO:0005178\n")
    page.fill("#editor-text", broken)
    check(page)
    expect(page.locator("#input-error")).to_contain_text("not valid YAML")
    error_line = page.locator("#gutter .line.error")
    expect(error_line).to_have_count(1)
    assert int(error_line.inner_text()) in (4, 5)
    assert page.input_value("#editor-text") == broken              # nothing was thrown away
    fixed = broken.replace("[Treatment\n", "[Treatment]\n")
    page.fill("#editor-text", fixed)
    check(page)
    expect(page.locator("#input-error")).to_be_hidden()
    expect(page.locator("#verdict")).to_contain_text("Does not conform yet")
    assert page.input_value("#editor-text") == fixed
    # a finding names its line and following it selects that line in the editor
    link = page.locator(".finding-link[data-line]:not([data-line=''])").first
    line = int(link.get_attribute("data-line"))
    link.click()
    selected = page.evaluate("(() => { const a = document.getElementById('editor-text');"
                             " return a.value.slice(0, a.selectionStart).split('\\n').length; })()")
    assert selected == line
    # the same text in the form: the values are there
    show(page, "form")
    expect(by_id(page, "f:/label")).to_have_value("Knee EVs")
    expect(by_id(page, "f:/cellContent")).to_have_value("NoCells")
    expect(by_id(page, "f:/indication")).to_have_value("osteoarthritis")     # the term by its name
    # and back to Turtle in the editor, converted without loss
    show(page, "editor")
    page.select_option("#editor-format", "ttl")
    expect(page.locator("#editor-text")).to_have_value(re.compile("evkg:NoCells"))


def test_a_description_with_trials_keeps_them_when_edited_in_the_form(page):
    from evkg.io.load import load_rdf
    from evkg.io.write import serialise

    root = Path(__file__).resolve().parent.parent
    show(page, "editor")
    page.fill("#editor-text", serialise(load_rdf(root / "data" / "products" / "exoflo.ttl"), "yaml"))
    show(page, "form")
    label = by_id(page, "f:/label")
    expect(label).to_have_value("ExoFlo (bone-marrow MSC-derived extracellular vesicles)")
    label.fill("ExoFlo, renamed in the form")
    label.dispatch_event("change")
    check(page)
    assert page.locator(".finding-link").count() > 0
    page.locator(".finding-link").first.click()                 # links still lead into the form
    assert page.evaluate("document.activeElement && document.activeElement.id").startswith("f:/")
    show(page, "editor")
    expect(page.locator("#input-error")).to_be_hidden()
    text = page.input_value("#editor-text")
    assert "ExoFlo, renamed in the form" in text
    assert text.count("type: ClinicalTrial") == 3                 # the trials are still there


def test_switching_the_editor_format_warns_before_comments_are_lost_and_can_be_cancelled(page):
    """The conversion keeps the facts, not the # comments: switching from YAML dropped a curator's notes
    without a word, while the page said 'nothing is lost'."""
    show(page, "editor")
    commented = ("# donor batches from the 2024 audit: ask QA before changing\n"
                 "id: knee-ev\ntype: EVProduct\nlabel: 'Knee EVs #2'   # the second lot\n"
                 "intendedUse: [Treatment]\ncellContent: NoCells\nindication: MONDO:0005178\n")
    page.fill("#editor-text", commented)
    page.select_option("#editor-format", "ttl")
    warning = page.locator("#comment-warning")
    expect(warning).to_be_visible()
    # the # inside the quoted label is not a comment; lines 1 and 4 hold one each
    expect(warning).to_contain_text("Your YAML text has 2 lines with # comments (lines 1, 4)")
    expect(warning).to_contain_text("Converting to Turtle keeps every fact but not the comments: they would be lost")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "write-comment-warning.png"))
    # cancelled: the text and its form stay as they were
    page.click("#comment-keep")
    expect(warning).to_be_hidden()
    assert page.input_value("#editor-text") == commented
    assert page.input_value("#editor-format") == "yaml"
    # asked again, and this time converted on the person's word
    page.select_option("#editor-format", "jsonld")
    expect(warning).to_contain_text("Converting to JSON-LD")
    with page.expect_response("**/api/convert"):
        page.click("#comment-convert")
    expect(page.locator("#editor-text")).to_have_value(re.compile('"Knee EVs #2"'))
    assert page.input_value("#editor-format") == "jsonld"
    expect(warning).to_be_hidden()
    # without comments the switch is made at once, with no question
    page.select_option("#editor-format", "yaml")
    expect(page.locator("#editor-text")).to_have_value(re.compile("label: 'Knee EVs #2'"))
    expect(warning).to_be_hidden()


def test_the_description_downloaded_in_the_editors_format_is_the_text_as_typed(page):
    """Downloading the YAML typed in the editor gave the YAML written anew from its facts: the curator's
    # comments and layout were gone from the file saved."""
    show(page, "editor")
    typed = ("# knee product, draft 3 — ask QA about the donor batches\nid: knee-ev\ntype: EVProduct\n"
             "label: Knee EVs   # working name\nintendedUse: [Treatment]\ncellContent: NoCells\n")
    page.fill("#editor-text", typed)
    check(page)
    with page.expect_download() as yaml_download:
        page.click("button.download[data-kind=description][data-format=yaml]")
    assert Path(yaml_download.value.path()).read_text(encoding="utf-8") == typed
    with page.expect_download() as turtle_download:                     # another format: the conversion
        page.click("button.download[data-kind=description][data-format=ttl]")
    turtle = Path(turtle_download.value.path()).read_text(encoding="utf-8")
    assert "evkg:NoCells" in turtle and "draft 3" not in turtle


def test_a_commented_text_rewritten_from_the_form_says_so_and_can_be_brought_back(page):
    """Editing in the form rewrote the editor's text from the facts, and the # comments were gone without a
    word."""
    show(page, "editor")
    typed = ("# knee product, draft 3\nid: knee-ev\ntype: EVProduct\nlabel: Knee EVs   # working name\n"
             "intendedUse: [Treatment]\ncellContent: NoCells\n")
    page.fill("#editor-text", typed)
    show(page, "form")
    label = by_id(page, "f:/label")
    expect(label).to_have_value("Knee EVs")
    label.fill("Knee EVs, lot 2")
    label.dispatch_event("change")
    show(page, "editor")
    notice = page.locator("#rewrite-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("the # comments of your earlier text (lines 1, 4) are not in it")
    assert "Knee EVs, lot 2" in page.input_value("#editor-text") and "draft 3" not in page.input_value("#editor-text")
    page.click("#rewrite-undo")
    expect(notice).to_be_hidden()
    assert page.input_value("#editor-text") == typed
    show(page, "form")                                  # the form follows the text brought back
    expect(by_id(page, "f:/label")).to_have_value("Knee EVs")
