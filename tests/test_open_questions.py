"""A description that leaves many questions open is told each missing fact once per jurisdiction, with the
questions it decides, instead of the same sentence under every question (an untouched template's report ran to
about 300 lines, most of them repeats)."""
from __future__ import annotations

import re

from cli_session import run


def _section(out: str, heading: str, next_heading: str) -> str:
    return out.split(f"    {heading}:\n", 1)[1].split(f"    {next_heading}:\n", 1)[0]


def test_an_untouched_template_names_each_missing_fact_once_with_the_questions_it_decides(capsys, tmp_path):
    template = tmp_path / "knee.yaml"
    code, _, err = run(capsys, "new", "--kind", "msc-ev", "-o", template)
    assert code == 0, err
    code, out, _ = run(capsys, "check", template)
    assert code == 1
    eu = _section(out, "European Union", "United States")
    header = next(line for line in eu.splitlines() if "questions undecided" in line)
    questions = dict(re.findall(r"\((\d+)\) ([^;]+\?)", header))
    assert "is it a medicinal product?" in questions.values() and len(questions) > 5
    asks = [line.strip() for line in eu.splitlines() if line.strip().startswith("add: ")]
    assert len(asks) == len(set(asks))                                    # each fact once
    intended_use = [line for line in asks if "(intendedUse)" in line]
    assert len(intended_use) == 1 and "needed for all of them" in intended_use[0]
    orphan = next(line for line in asks if "(orphanDesignation)" in line)
    centralised = next(n for n, q in questions.items() if q == "is the centralised procedure mandatory?")
    assert re.search(rf"needed for \({centralised}\) \(rules EU-26d\)$", orphan), orphan
    assert "— undecided" not in eu                                      # no question repeated on its own line
    assert out.count("(intendedUse)") <= 4     # once per jurisdiction, plus the finding that asks for it


def test_a_single_open_question_is_told_as_it_is(capsys, tmp_path):
    # every fact the EU questions need but the Annex I point 3 indication (and the orphan designation, which only
    # matters without it): only the centralised-procedure question stays open in the EU
    description = tmp_path / "one-open.yaml"
    description.write_text(
        "id: one-open\ntype: EVProduct\nlabel: One open question\nintendedUse: [Regenerative]\ndiseaseClaim: true\n"
        "evRole: ActiveSubstanceRole\ntherapeuticApproach: ImmunomodulatoryRegenerativeTherapy\n"
        "hasNoLoadedCargo: true\ncellContent: NoCells\nintegralMedicalDevice: false\n"
        "manufacturingSetting: IndustrialManufacture\n"
        "hasEVComponent:\n  - type: EVPreparation\n    evOriginKind: HumanOrigin\n    vesicleKind: NaturallyReleasedEV\n"
        "    evSourceMaterial: PrimaryHumanCells\n    incidentalRecombinantNucleicAcid: false\n"
        "    hasSource:\n      type: CellCultureSource\n      geneticallyModified: false\n"
        "      donorRelation: Allogeneic\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", description)
    eu = _section(out, "European Union", "United States")
    assert "questions undecided" not in eu, eu
    lines = eu.splitlines()
    at = lines.index("      ? EU: is the centralised procedure mandatory? — undecided")
    assert "(annexI3Indication). (needed by EU-26b, EU-26c)" in lines[at + 1], lines[at + 1]
    assert "(orphanDesignation). (needed by EU-26d)" in lines[at + 2], lines[at + 2]


def test_a_gene_therapy_decided_by_its_cargo_is_not_told_the_question_waits_for_incidental_nucleic_acid():
    """Vesicles from modified producer cells carrying an mRNA meant to be expressed (as in a trial of LDL-receptor
    mRNA exosomes) are a gene therapy by their cargo, in the EU and the US alike; the finding asking whether
    transgene-derived nucleic acid is also present said the gene-therapy question "stays undecided until you do"
    beside a report that had answered it."""
    from pathlib import Path

    from descriptions import checked_yaml
    from evkg.core.namespaces import EVKG

    example = Path(__file__).resolve().parents[1] / "examples" / "valid" / "e2-hek293-mrna-liver.yaml"
    text = example.read_text()
    assert "  incidentalRecombinantNucleicAcid: true\n" in text
    report, result = checked_yaml(text.replace("  incidentalRecombinantNucleicAcid: true\n", ""))
    for question, category in ((EVKG.Q_EU_GTMP, EVKG.EU_GTMP),
                               (EVKG.Q_US_GeneTherapy, EVKG.US_HumanGeneTherapyProduct)):
        answers = {(o.category, o.status) for o in result.outcomes if o.question == str(question)}
        assert str(category) in {c for c, _ in answers} and "undecided" not in {s for _, s in answers}, answers
    asked = [r.message for r in report.results if r.constraint_id == "V-04"]
    assert len(asked) == 1, report.results
    assert "stays undecided until you do" not in asked[0], asked[0]
    assert "a loaded recombinant nucleic acid that acts makes the product a gene therapy" in asked[0], asked[0]


def test_a_gene_therapy_question_answered_by_a_synthetic_silencing_cargo_is_not_told_it_waits():
    """Engineered exosomes from modified producer cells carrying a synthetic antisense oligonucleotide (as
    exoASO-STAT6, Kamerkar et al. 2022, doi:10.1126/sciadv.abj7002): the EU gene-therapy question is answered from
    the synthetic cargo (EU-11) and the US one from its silencing mechanism (US-14), whether or not transgene-derived
    nucleic acid is present. The finding asking for that fact said the question "stays undecided" beside a report
    that had answered it."""
    from pathlib import Path

    from descriptions import checked_yaml
    from evkg.core.namespaces import EVKG

    example = Path(__file__).resolve().parents[1] / "examples" / "valid" / "e6-msc-ev-sirna-ibd.yaml"
    text = example.read_text()
    assert "    geneticallyModified: false\n" in text and "incidentalRecombinantNucleicAcid" not in text
    report, result = checked_yaml(text.replace("    geneticallyModified: false\n", "    geneticallyModified: true\n"))
    for question in (EVKG.Q_EU_GTMP, EVKG.Q_US_GeneTherapy):
        statuses = {o.status for o in result.outcomes if o.question == str(question)}
        assert statuses and "undecided" not in statuses, (question, statuses)
    asked = [r.message for r in report.results if r.constraint_id == "V-04"]
    assert len(asked) == 1, report.results
    assert "the gene-therapy question stays undecided, unless a loaded recombinant" not in asked[0], asked[0]
    assert "only silencing or antisense nucleic acids in the US" in asked[0], asked[0]
