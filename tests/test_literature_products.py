"""Real EV products described from their publications (tests/fixtures/products/*.yaml, `published` profile)
classify as the law says.

The expected answers were worked out from the legal texts (regulation.md sections 2-4 and the rule table of
section 6, which cite them), one product at a time, before running evkg; the comment above each says why.
"settled" etc. is the status the strongest reported derivation must have; "undecided" means that a fact the
sources do not report (marked notReported) leaves the question open. These products are not in data/.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from evkg.classification.engine import classify
from evkg.core.namespaces import EVKG
from evkg.io.load import load_rdf
from evkg.validation.engine import validate

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "products"
UNDECIDED = "undecided"

EXPECTED = {
    # Native umbilical-cord MSC vesicles acting themselves: biological medicinal product (Dir. 2001/83/EC
    # Annex I Part I 3.2.1.1(b)); nothing loaded, producer not modified: no recombinant nucleic acid, so not a
    # GTMP (Annex I Part IV 2.1) and no gene therapy in the US sense. Cells in the final product are not
    # reported, so sCTMP/TEP/ATMP (Reg. 1394/2007 Art. 2(1)), HCT/P (21 CFR 1271.3(d)) and the MFDS EV category
    # (which needs a cell-free product) stay open. Human cord donation: Dir. 2004/23/EC Art. 2(1). Made in
    # Austria for use in Germany: not an Art. 3(7) preparation, so no hospital exemption.
    "warnecke-cochlear-msc-ev": {
        "EU_MedicinalProduct": "settled", "EU_BiologicalMedicinalProduct": "settled", "EU_NotGTMP": "settled",
        "Q_EU_ATMP": UNDECIDED, "Q_EU_SCTMP": UNDECIDED, "EU_HumanStartingMaterialRules": "settled",
        "EU_HospitalExemptionNotAvailable": "settled", "EU_NotVaccineAgainstInfectiousDisease": "settled",
        "US_Drug": "settled", "US_BiologicalProduct": "settled", "US_NotGeneTherapy": "settled",
        "Q_US_HCTP": UNDECIDED, "US_NotCombinationProduct": "settled", "US_BLARequired": "settled",
        "Q_KR_EVTherapy": UNDECIDED,
    },
    # Purified platelet vesicles, no cells (platelets are anucleate), native, for wound healing: biological
    # medicinal product, not an ATMP (EU-09/12/14); from a blood component, so blood rules for the starting
    # material (Dir. 2002/98/EC Art. 2) and an open Art. 1(10) blood-derived question (contested). US: a
    # biological product (PHS Act 351(i)); not an HCT/P, cell-free and a blood derivative (1271.3(d)(2)).
    # Korea: EV therapy product (MFDS 2024 §1-2), nothing genetic introduced.
    "plexoval-platelet-ev": {
        "EU_BiologicalMedicinalProduct": "settled", "EU_NotATMP": "settled", "EU_NotCombinedATMP": "settled",
        "EU_BloodDerivedMedicinalProduct": "contested", "EU_HumanStartingMaterialRules": "settled",
        "EU_NoGMOAssessmentQuestion": "settled", "EU_CentralisedProcedureOptional": "provisional",
        "US_BiologicalProduct": "settled", "US_NotHCTP": "settled", "US_Not361HCTP": "settled",
        "US_NotGeneTherapy": "settled", "US_NotCombinationProduct": "settled", "US_LeadCenterCBER": "provisional",
        "KR_EVTherapyProduct": "settled", "KR_NotGeneTherapyProduct": "provisional",
        "absent": ["US_RFDRecommended"],
    },
    # Vesicles re-assembled from ginger lipids carrying doxorubicin: the cargo is the active substance; whether
    # the plant carrier is an excipient or co-active (biological or herbal) is open (Art. 1(3a)-(3b), 1(30)-(32):
    # contested). No cells, no nucleic acid: not an ATMP. Doxorubicin is authorised, so no Annex I point 3
    # trigger. US: a drug with an inactive botanical carrier, no 351(i) category fits plant material (provisional);
    # not a combination product. Korea: plant-derived, outside the guideline's core scope (KR-03).
    "gdlv-doxorubicin": {
        "EU_NonBiologicalMedicinalProduct": "contested", "EU_NotATMP": "settled", "EU_NotGTMP": "settled",
        "EU_NoHumanStartingMaterialRules": "settled", "EU_NoGMOAssessmentQuestion": "settled",
        "US_Drug": "settled", "US_NonBiologicDrug": "provisional", "US_NotCombinationProduct": "provisional",
        "US_NotHCTP": "settled", "US_NotGeneTherapy": "settled", "US_NDARequired": "provisional",
        "absent": ["US_RFDRecommended", "EU_BiologicalMedicinalProduct"],
    },
    # Mouse dendritic-cell vesicles carrying AFP (a protein of several hundred amino acids): biological in the EU
    # (animal source, EU-02) and in the US because a protein above 40 amino acids is a biological product
    # whatever carries it (21 CFR 600.3(h)(6)); that settles the US biologic question, so nothing is left to
    # ask FDA about it. Anti-tumour use: not an infectious-disease vaccine. Cancer, new active substance:
    # centralised procedure (Reg. 726/2004 Annex I point 3). How the DCs were made to express AFP and the cell
    # content are not reported: GTMP, ATMP and gene therapy stay open.
    "dexafp-hcc": {
        "EU_BiologicalMedicinalProduct": "settled", "EU_NotVaccineAgainstInfectiousDisease": "settled",
        "EU_CentralisedProcedureMandatory": "provisional", "Q_EU_GTMP": UNDECIDED, "Q_EU_ATMP": UNDECIDED,
        "US_BiologicalProduct": "settled", "US_NotHCTP": "settled", "US_NotVaccine": "settled",
        "Q_US_GeneTherapy": UNDECIDED, "US_NotCombinationProduct": "settled",
        "absent": ["US_RFDRecommended"],
    },
    # Human cell-line exosomes delivering a chemically synthesised antisense oligonucleotide: the ASO is the
    # active substance; not recombinant, so not a GTMP under the current text, contested because the reform
    # would include synthetic nucleic acids (Annex I Part IV 2.1(a); Guerriaud & Kohli 2022). Carrier excipient
    # or co-active: contested. US: antisense is not gene therapy (mechanism), the oligonucleotide is a drug
    # constituent, and drug/biologic combination vs drug with a biological inactive carrier is contested, so a
    # request for designation is recommended (21 U.S.C. 360bbb-2). Cancer (HCC): centralised procedure.
    "exoaso-stat6": {
        "EU_NotGTMP": "contested", "EU_NonBiologicalMedicinalProduct": "contested",
        "EU_CentralisedProcedureMandatory": "provisional", "Q_EU_ATMP": UNDECIDED, "Q_EU_GMO": UNDECIDED,
        "US_NotGeneTherapy": "provisional", "US_CombinationProduct": "contested",
        "US_RFDRecommended": "settled", "Q_US_HCTP": UNDECIDED,
    },
    # Shigella sonnei GMMA from a genetically modified strain, against shigellosis: a vaccine against an
    # infectious disease (Art. 1(4)), so not a GTMP whatever DNA the strain leaves (Annex I Part IV 2.1, last
    # sentence); no cells, not an ATMP; made with a modified organism: centralised procedure (Reg. 726/2004
    # Annex I point 1, provisional) and the GMO question (Dir. 2001/18/EC; contested). US: a vaccine, a
    # biological product (PHS Act 351(i)); bacterial, not an HCT/P. Korea: microbial EVs are in the guideline's
    # scope; modified producer, so a candidate gene-therapy product as MFDS words it ("may be"), provisional.
    "gmma-1790gahb": {
        "EU_VaccineAgainstInfectiousDisease": "settled", "EU_NotGTMP": "settled", "EU_NotATMP": "settled",
        "EU_ImmunologicalMedicinalProduct": "settled", "EU_CentralisedProcedureMandatory": "provisional",
        "EU_GMOAssessmentQuestion": "contested", "EU_NoHumanStartingMaterialRules": "settled",
        "US_Vaccine": "settled", "US_BiologicalProduct": "settled", "US_NotHCTP": "settled",
        "US_NotCombinationProduct": "settled", "Q_US_GeneTherapy": UNDECIDED,
        "KR_EVTherapyProduct": "settled", "KR_GeneTherapyProduct": "provisional",
    },
    # Red-cell vesicles (from donated blood) delivering a synthetic antisense oligonucleotide: as exoASO in both
    # jurisdictions (synthetic NA: GTMP contested; excipient vs co-active carrier contested; combination
    # contested, RFD). Donor blood: blood rules for the starting material. Red cells carry no nucleus and the
    # producer is not modified: no GMO question. Cell content not reported: ATMP, HCT/P and MFDS stay open.
    "rbcev-aso-aml": {
        "EU_NotGTMP": "contested", "EU_NonBiologicalMedicinalProduct": "contested",
        "EU_HumanStartingMaterialRules": "settled", "EU_NoGMOAssessmentQuestion": "settled",
        "EU_CentralisedProcedureMandatory": "provisional", "Q_EU_ATMP": UNDECIDED,
        "US_NotGeneTherapy": "provisional", "US_CombinationProduct": "contested", "US_RFDRecommended": "settled",
        "Q_US_HCTP": UNDECIDED, "Q_KR_EVTherapy": UNDECIDED,
    },
    # Adipose stem-cell exosome gel after laser for acne scars: a disease claim (scars of acne) makes it medicinal by
    # presentation (Dir. 2001/83/EC Art. 1(2)(a)); native human vesicles acting themselves: biological (Annex I Part
    # I 3.2.1.1(b)); cell-free, nothing genetic: not an ATMP. US: a drug and biological product (PHS Act 351(i));
    # not an HCT/P (1271.3(d)). Korea: EV therapy product (MFDS 2024 §1-2), not a cosmetic once a disease is claimed.
    "kwon-adsc-exo-acne-scar": {
        "EU_MedicinalProduct": "settled", "EU_BiologicalMedicinalProduct": "settled", "EU_NotATMP": "settled",
        "EU_HumanStartingMaterialRules": "settled", "US_Drug": "settled", "US_BiologicalProduct": "settled",
        "US_NotHCTP": "settled", "US_NotCombinationProduct": "settled", "KR_EVTherapyProduct": "settled",
    },
    # The same kind of exosome solution as a "skin booster" for skin ageing, no disease named, spread on the skin.
    # EU: medicinal only by function, to be shown (CJEU C-140/07; provisional, EU-01e); a cosmetic (Reg. 1223/2009
    # Art. 2(1)(a)) cannot contain human-origin material (Annex II entry 416), and it is never a food supplement,
    # which must be eaten (Dir. 2002/46/EC Art. 2). US: not ingested, so no dietary supplement (21 U.S.C. 321(ff)(2)(A));
    # meant to change the skin's structure, so a drug whatever cosmetic claim it also makes (321(g)(1)(C), 321(i)),
    # and as a human exosome product a biological product (351(i)). Korea: a drug only if it acts pharmacologically
    # (PAA Art. 2(4)); otherwise a cosmetic (Cosmetics Act Art. 2(1)): EV therapy product contested; cell-free, so
    # not a cell therapy product either way.
    "park-hacs-skin-booster": {
        "EU_MedicinalProduct": "provisional", "EU_NotATMP": "settled", "US_Drug": "settled",
        "US_BiologicalProduct": "settled", "US_NotHCTP": "settled", "US_BLARequired": "settled",
        "KR_EVTherapyProduct": "contested", "KR_NotCellTherapyProduct": "settled",
        "absent": ["EU_FoodSupplement", "US_DietarySupplement", "US_RFDRecommended"],
    },
    # HEK293-derived exosomes loaded through producer engineering with srIkB, a 317-amino-acid recombinant protein:
    # the protein is a biotechnology active substance (3.2.1.1(b); EU-05) and made by recombinant DNA technology,
    # so centralised procedure (Reg. 726/2004 Annex I point 1, provisional) and the GMO flag (contested).
    # Incidental transgene nucleic acid not reported: GTMP, ATMP and US gene therapy stay open. US: protein over 40
    # amino acids, a biological product (21 CFR 600.3(h)(6)); no drug constituent, no device: not a combination.
    # Korea: human-cell EVs, cell-free, from genetically modified producers: EV therapy product and, as MFDS words
    # it ("may be"), a candidate gene therapy product.
    "ilb-exo-srikb-sepsis": {
        "EU_BiologicalMedicinalProduct": "settled", "EU_CentralisedProcedureMandatory": "provisional",
        "EU_GMOAssessmentQuestion": "contested", "Q_EU_GTMP": UNDECIDED, "Q_EU_ATMP": UNDECIDED,
        "EU_NotSCTMP": "settled", "US_BiologicalProduct": "settled", "US_NotHCTP": "settled",
        "US_NotCombinationProduct": "settled", "Q_US_GeneTherapy": UNDECIDED, "KR_EVTherapyProduct": "settled",
        "KR_GeneTherapyProduct": "provisional", "absent": ["US_RFDRecommended"],
    },
    # Bovine milk exosomes carrying paclitaxel, by mouth, for lung cancer: a disease claim, so medicinal (and a US
    # drug) although milk is a food. The chemical drug is the active substance; the animal-origin carrier is an
    # excipient or co-active (EU-06, contested). No human material: no tissues-and-cells rules, no HCT/P (1271.3(d)
    # is human only). US: drug/biologic combination or drug with a biological inactive component (contested, RFD).
    "agrawal-milk-exo-paclitaxel": {
        "EU_MedicinalProduct": "settled", "EU_NonBiologicalMedicinalProduct": "contested", "EU_NotATMP": "settled",
        "EU_NoHumanStartingMaterialRules": "settled", "EU_NoGMOAssessmentQuestion": "settled",
        "US_Drug": "settled", "US_NotHCTP": "settled", "US_CombinationProduct": "contested",
        "US_RFDRecommended": "settled", "absent": ["EU_FoodSupplement", "US_DietarySupplement"],
    },
    # Human adipose MSC exosomes supplied in a structural antibacterial hydrogel: cell-free, so not an ATMP and not
    # a combined ATMP (Reg. 1394/2007 Art. 2(1)(d)); an integral medicinal product-device combination whose regime
    # follows the principal action (Reg. (EU) 2017/745 Art. 1(8)-(9), Art. 117). US: a biological product combined
    # with a device as one entity is a combination product (21 CFR 3.2(e)(1)); the vesicles act, so the biologic
    # gives the primary mode of action (CBER, provisional).
    "wang-fhe-exo-hydrogel": {
        "EU_BiologicalMedicinalProduct": "settled", "EU_NotATMP": "settled", "EU_NotCombinedATMP": "settled",
        "EU_MedicinalProductDeviceCombination": "settled", "US_CombinationProduct": "settled",
        "US_BiologicalProduct": "settled", "US_LeadCenterCBER": "provisional", "US_NotHCTP": "settled",
    },
    # The patient's own plasma exosomes, filtered at the hospital, on skin ulcers. Autologous origin changes nothing
    # for a cell-free product: no HCT/P, so neither the autologous nor the same-surgical-procedure exception of
    # 21 CFR 1271 can apply (ROLE-04; 1271.3(d), 1271.15(b)); a biological product (351(i)). EU: biological, not an
    # ATMP, so no hospital exemption even if it were made under Art. 3(7) conditions (EU-24); blood rules for the
    # starting material and an open Art. 1(10) question.
    "kumamoto-autologous-plasma-exo": {
        "EU_BiologicalMedicinalProduct": "settled", "EU_NotATMP": "settled", "EU_HumanStartingMaterialRules": "settled",
        "EU_BloodDerivedMedicinalProduct": "contested", "US_NotHCTP": "settled", "US_Not361HCTP": "settled",
        "US_BiologicalProduct": "settled", "KR_EVTherapyProduct": "settled",
    },
    # HEK-293 exosomes over-expressing CD24, inhaled for COVID-19 ARDS. The developers call CD24 the drug and the
    # exosomes its carrier (delivery vehicle, as submitted). CD24 is recombinant: a biotechnology active substance
    # whatever its length (Annex I Part I 3.2.1.1(b)), so EU biological; recombinant and a viral disease:
    # centralised procedure (Reg. 726/2004 Annex I points 1 and 3); modified producer: GMO flag (contested).
    # US: the mature CD24 chain is 33 amino acids, a peptide, not a protein (21 CFR 600.3(h)(6)), so it is a drug
    # constituent, and drug/biologic combination vs drug with an inactive human-vesicle carrier is contested
    # (21 CFR 3.2(e)(1)): request for designation. Incidental transgene nucleic acid not reported: GTMP and US gene
    # therapy open. Korea: human-cell EVs, cell-free, modified producer: EV therapy product, candidate gene therapy.
    "exo-cd24-ards": {
        "EU_MedicinalProduct": "settled", "EU_BiologicalMedicinalProduct": "settled",
        "EU_CentralisedProcedureMandatory": "provisional", "EU_GMOAssessmentQuestion": "contested",
        "EU_NotSCTMP": "settled", "EU_NotVaccineAgainstInfectiousDisease": "settled", "Q_EU_GTMP": UNDECIDED,
        "Q_EU_ATMP": UNDECIDED, "US_Drug": "settled", "US_NotHCTP": "settled", "US_BiologicalProduct": "contested",
        "US_CombinationProduct": "contested", "US_RFDRecommended": "settled", "Q_US_GeneTherapy": UNDECIDED,
        "KR_EVTherapyProduct": "settled", "KR_GeneTherapyProduct": "provisional",
    },
    # Cuban meningococcal B outer-membrane-vesicle vaccine with serogroup C polysaccharide: a vaccine against an
    # infectious disease (Art. 1(4)), hence immunological and biological (Annex I Part I 3.2.1.1(b)) and never a
    # GTMP (Annex I Part IV 2.1, last sentence); no cells, not an ATMP; wild-type strain, no recombinant part, no
    # Annex I point 3 disease: no centralised-procedure trigger. US: a vaccine, a biological product (PHS Act
    # 351(i)); bacterial, not an HCT/P; the serogroup C polysaccharide beside the vesicles is a vaccine antigen,
    # a second biological constituent and no drug, so no combination product (21 CFR 3.2(e)), and CBER leads a
    # vaccine. Korea: detergent-extracted vesicles, formation not stated: open.
    "va-mengoc-bc": {
        "EU_VaccineAgainstInfectiousDisease": "settled", "EU_ImmunologicalMedicinalProduct": "settled",
        "EU_BiologicalMedicinalProduct": "settled", "EU_NotGTMP": "settled", "EU_NotATMP": "settled",
        "EU_NoHumanStartingMaterialRules": "settled", "EU_NoGMOAssessmentQuestion": "settled",
        "EU_CentralisedProcedureOptional": "provisional", "US_Vaccine": "settled", "US_BiologicalProduct": "settled",
        "US_NotHCTP": "settled", "US_NotGeneTherapy": "settled", "US_NotCombinationProduct": "settled",
        "US_LeadCenterCBER": "provisional", "Q_KR_EVTherapy": UNDECIDED,
    },
    # mRNA in synthetic lipid nanoparticles (not an EV), authorised as a COVID-19 vaccine: the EU authorisation
    # and the US licence are the agencies' own classification (EU-30, US-20); a vaccine against an infectious
    # disease is excluded from the GTMP definition whatever nucleic acid it carries (Annex I Part IV 2.1). A
    # synthetic carrier is outside MFDS's EV guideline. No drug beside the biologic and no device: not a
    # combination product.
    "comirnaty": {
        "EU_VaccineAgainstInfectiousDisease": "settled", "EU_BiologicalMedicinalProduct": "settled",
        "EU_NotGTMP": "settled", "EU_NotATMP": "settled", "EU_NoHumanStartingMaterialRules": "settled",
        "EU_CentralisedProcedureMandatory": "provisional", "US_Vaccine": "settled",
        "US_BiologicalProduct": "settled", "US_NotCombinationProduct": "settled", "US_BLARequired": "settled",
        "US_NotGeneTherapy": "contested", "KR_NotEVTherapyProduct": "settled",
        "absent": ["EU_NonBiologicalMedicinalProduct", "US_NonBiologicDrug", "US_RFDRecommended", "EU_GTMP"],
    },
    # Unmodified neural stem cell vesicles for stroke: biological in the EU (EU-02) and the US (PHS Act 351(i),
    # FDA's 2019 exosome notice); nothing genetic: not a GTMP, not gene therapy, no GMO question; an established
    # line: whether its founding donation brings the tissues-and-cells rules is contested (EU-27c). Whether the
    # final product is cell-free is not stated, so ATMP, HCT/P and the MFDS EV category stay open. Stroke is not an
    # Annex I point 3 disease.
    "aruna-ab126": {
        "EU_MedicinalProduct": "settled", "EU_BiologicalMedicinalProduct": "settled", "EU_NotGTMP": "settled",
        "Q_EU_ATMP": UNDECIDED, "Q_EU_SCTMP": UNDECIDED, "EU_NoHumanStartingMaterialRules": "contested",
        "EU_NoGMOAssessmentQuestion": "settled", "US_Drug": "settled", "US_BiologicalProduct": "settled",
        "US_NotGeneTherapy": "settled", "US_NotCombinationProduct": "settled", "Q_US_HCTP": UNDECIDED,
        "US_BLARequired": "settled", "Q_KR_EVTherapy": UNDECIDED,
    },
    # Exosome products sold to clinics for diseases, described from FDA's warning letter alone: FDA's statement
    # that they are drugs and biological products (21 U.S.C. 321(g); 42 U.S.C. 262(i)) is adopted (US-21), so a
    # BLA is needed (262(a)). The letter says nothing on cells in the product: HCT/P, ATMP and MFDS stay open.
    "kimera-xoglo": {
        "EU_MedicinalProduct": "settled", "Q_EU_ATMP": UNDECIDED, "US_Drug": "settled",
        "US_BiologicalProduct": "settled", "US_BLARequired": "settled", "Q_US_HCTP": UNDECIDED,
        "Q_KR_EVTherapy": UNDECIDED,
    },
    # MSC exosomes loaded with a chemically modified PTEN siRNA, intranasal, for acute spinal cord injury. The siRNA
    # is the active substance: synthetic, so not a GTMP under the current text, contested (Annex I Part IV 2.1(a));
    # carrier excipient or co-active: contested (EU-06). EU orphan designation: centralised procedure mandatory
    # (Reg. 726/2004 Annex I point 4). US: RNA interference is not gene therapy; drug/biologic combination vs drug
    # with a biological inactive carrier is contested, so a request for designation (21 U.S.C. 360bbb-2). Cell
    # content not reported: ATMP, HCT/P and MFDS stay open.
    "nurexone-exopten": {
        "EU_MedicinalProduct": "settled", "EU_NotGTMP": "contested", "EU_NonBiologicalMedicinalProduct": "contested",
        "EU_CentralisedProcedureMandatory": "settled", "EU_HumanStartingMaterialRules": "settled",
        "Q_EU_ATMP": UNDECIDED, "US_Drug": "settled", "US_NotGeneTherapy": "provisional",
        "US_CombinationProduct": "contested", "US_RFDRecommended": "settled", "Q_US_HCTP": UNDECIDED,
        "Q_KR_EVTherapy": UNDECIDED,
    },
    # Native bone-marrow MSC vesicles, intravenous, for preterm infants at risk of bronchopulmonary dysplasia (US IND,
    # NCT03857841): biological in the EU (3.2.1.1(b)) and the US (PHS Act 351(i)), BLA to market; nothing loaded and no
    # device: not a combination product (21 CFR 3.2(e)). Cell content and producer modification not reported: ATMP,
    # GTMP, HCT/P, US gene therapy and MFDS stay open.
    "unex-42-bpd": {
        "EU_BiologicalMedicinalProduct": "settled", "EU_HumanStartingMaterialRules": "settled",
        "Q_EU_ATMP": UNDECIDED, "Q_EU_GTMP": UNDECIDED, "US_BiologicalProduct": "settled",
        "US_NotCombinationProduct": "settled", "US_LeadCenterCBER": "provisional", "US_BLARequired": "settled",
        "Q_US_HCTP": UNDECIDED, "Q_US_GeneTherapy": UNDECIDED, "Q_KR_EVTherapy": UNDECIDED,
        "absent": ["US_RFDRecommended"],
    },
    # Platelet exosomes in fibrin sealant (plasma fibrinogen and thrombin) on diabetic foot ulcers: EU as Plexaris
    # (biological, not an ATMP, blood-derived question contested). US: the vesicles and the sealant proteins (each far
    # above 40 amino acids, 21 CFR 600.3(h)(6)) are both biological products; two biologics and no drug or device are
    # not a combination product (21 CFR 3.2(e) needs two different kinds), so no request for designation.
    "rion-pep-tisseel": {
        "EU_BiologicalMedicinalProduct": "settled", "EU_NotATMP": "settled",
        "EU_BloodDerivedMedicinalProduct": "contested", "EU_CentralisedProcedureOptional": "provisional",
        "EU_NoGMOAssessmentQuestion": "settled", "US_BiologicalProduct": "settled", "US_NotHCTP": "settled",
        "US_NotCombinationProduct": "settled", "US_LeadCenterCBER": "provisional",
        "KR_EVTherapyProduct": "settled", "KR_NotGeneTherapyProduct": "provisional",
        "absent": ["US_RFDRecommended", "US_CombinationProduct"],
    },
    # Adipose stem-cell exosomes (sold in Korea as a cosmetic ingredient) studied on dupilumab facial redness, a
    # disease claim: medicinal by presentation (Art. 1(2)(a)) and a US drug; native human vesicles: biological; cell-
    # free: not an sCTMP/TEP, not an HCT/P. Korea: EV therapy product (MFDS 2024 §1-2). Producer modification not
    # reported: GTMP, ATMP and KR gene therapy stay open.
    "exocobio-asce-dupilumab-redness": {
        "EU_MedicinalProduct": "settled", "EU_BiologicalMedicinalProduct": "settled", "EU_NotSCTMP": "settled",
        "Q_EU_ATMP": UNDECIDED, "US_Drug": "settled", "US_BiologicalProduct": "settled", "US_NotHCTP": "settled",
        "US_NotCombinationProduct": "settled", "KR_EVTherapyProduct": "settled", "Q_KR_GeneTherapy": UNDECIDED,
    },    # Grapefruit nanovesicles, anti-inflammatory themselves and carrying methotrexate (role both), by mouth for colitis.
    # EU: the plant vesicle is co-active, so it is a biological substance or a herbal preparation (Art. 1(30)-(32);
    # EU-03, contested); no cells, no nucleic acid: not an ATMP; plant material: no tissues-and-cells or GMO
    # question; a new active substance for an immune dysfunction: centralised (Reg. 726/2004 Annex I point 3).
    # US: no 351(i) category fits a plant vesicle, so a drug, not a biologic (21 CFR 600.3(h); US-11, US-15b,
    # provisional), reviewed by CDER under an NDA; the plant carrier is an inactive botanical component, not a
    # constituent of a combination product (21 CFR 3.2(e)), so no request for designation. Korea: plant EVs are
    # outside the guideline's core scope (MFDS 2024 §1; KR-03).
    "wang-gdn-mtx-colitis": {
        "EU_MedicinalProduct": "settled", "EU_BiologicalMedicinalProduct": "contested", "EU_NotGTMP": "settled",
        "EU_NotSCTMP": "settled", "EU_NotATMP": "settled", "EU_NotVaccineAgainstInfectiousDisease": "settled",
        "EU_CentralisedProcedureMandatory": "provisional", "EU_NoHumanStartingMaterialRules": "settled",
        "EU_NoGMOAssessmentQuestion": "settled", "US_Drug": "settled", "US_NotHCTP": "settled",
        "US_NotGeneTherapy": "settled", "US_NotVaccine": "settled", "US_NonBiologicDrug": "provisional",
        "US_NotCombinationProduct": "provisional", "US_LeadCenterCDER": "provisional", "US_NDARequired": "provisional",
        "absent": ["US_RFDRecommended", "US_CombinationProduct", "US_BiologicalProduct"],
    },
    # Bovine milk exosomes carrying a KRAS siRNA whose manufacture the description leaves open. EU: whether the
    # product is a chemical medicine with a biological-origin excipient (EU-06) turns on a chemically synthesised
    # cargo, and GTMP status on a recombinant one (Annex I Part IV 2.1(a)), so biological, GTMP, ATMP and GMO stay
    # open; cell-free: not an sCTMP or TEP; animal origin: no tissues-and-cells rules; new active substance for
    # cancer: centralised (Annex I point 3). US: RNA interference is not gene therapy whatever the manufacture
    # (US-14, provisional); whether the siRNA is a drug constituent (combination, biologic) waits for its
    # manufacture. Korea: animal-cell EVs, cell-free: EV therapy product (MFDS 2024 §1-2); gene therapy open.
    "aqil-milk-exo-sikras": {
        "EU_MedicinalProduct": "settled", "Q_EU_Biological": UNDECIDED, "Q_EU_GTMP": UNDECIDED,
        "Q_EU_ATMP": UNDECIDED, "Q_EU_GMO": UNDECIDED, "EU_NotSCTMP": "settled",
        "EU_CentralisedProcedureMandatory": "provisional", "EU_NoHumanStartingMaterialRules": "settled",
        "US_Drug": "settled", "US_NotHCTP": "settled", "US_NotGeneTherapy": "provisional",
        "Q_US_Biological": UNDECIDED, "Q_US_Combination": UNDECIDED, "KR_EVTherapyProduct": "settled",
        "Q_KR_GeneTherapy": UNDECIDED,
    },
    # Meningococcal native OMV vaccine from a strain with deletions, a second PorA and over-expressed fHbp: as
    # 1790GAHB, a vaccine against an infectious disease (Art. 1(4)), never a GTMP (Annex I Part IV 2.1, last
    # sentence), no cells: not an ATMP; modified strain: centralised (Annex I point 1, provisional) and the GMO
    # question (contested). US: vaccine, biological product (351(i)); nothing loaded, no device: not a combination
    # product; gene therapy open (transgene DNA in the vesicles not reported). Korea: how the vesicles formed is
    # not stated, so the EV-therapy category stays open.
    "nomv-fhbp-wrair": {
        "EU_VaccineAgainstInfectiousDisease": "settled", "EU_ImmunologicalMedicinalProduct": "settled",
        "EU_BiologicalMedicinalProduct": "settled", "EU_NotGTMP": "settled", "EU_NotATMP": "settled",
        "EU_CentralisedProcedureMandatory": "provisional", "EU_GMOAssessmentQuestion": "contested",
        "EU_NoHumanStartingMaterialRules": "settled", "US_Vaccine": "settled", "US_BiologicalProduct": "settled",
        "US_NotHCTP": "settled", "US_NotCombinationProduct": "settled", "US_LeadCenterCBER": "provisional",
        "Q_US_GeneTherapy": UNDECIDED, "Q_KR_EVTherapy": UNDECIDED, "Q_KR_GeneTherapy": UNDECIDED,
    },
    # Allogeneic MSC exosomes enriched with miR-124 (role both), injected stereotaxically after stroke. The vesicles
    # act themselves: biological in the EU (3.2.1.1(b)) and the US (351(i); FDA 2019 exosome notice), BLA to market.
    # How the miRNA was made and whether the producer was modified are not reported: GTMP, ATMP, GMO and the
    # centralised procedure stay open (stroke is not an Annex I point 3 disease, but a recombinant part would be
    # point 1). US: a miRNA acts by RNA interference, not gene therapy (US-14, provisional); whether it is a drug
    # constituent (combination product) waits for its manufacture. Cell content not reported: HCT/P and MFDS open.
    "msc-exo-mir124-stroke": {
        "EU_MedicinalProduct": "settled", "EU_BiologicalMedicinalProduct": "settled", "Q_EU_GTMP": UNDECIDED,
        "Q_EU_ATMP": UNDECIDED, "Q_EU_GMO": UNDECIDED, "Q_EU_CentralisedProcedure": UNDECIDED,
        "EU_HumanStartingMaterialRules": "settled", "EU_NotVaccineAgainstInfectiousDisease": "settled",
        "US_Drug": "settled", "US_BiologicalProduct": "settled", "US_NotGeneTherapy": "provisional",
        "Q_US_HCTP": UNDECIDED, "Q_US_Combination": UNDECIDED, "US_BLARequired": "settled",
        "Q_KR_EVTherapy": UNDECIDED,
    },
    # Native umbilical-cord MSC exosome eye drops for dry eye in chronic GVHD: biological (3.2.1.1(b); 351(i)), cord
    # donation under Dir. 2004/23/EC; a new active substance for an immune dysfunction: centralised (Annex I point
    # 3, provisional). Nothing loaded, no device: not a combination product (21 CFR 3.2(e)); CBER. Producer
    # modification and cell content not reported: GTMP, ATMP, HCT/P, US gene therapy and MFDS stay open.
    "umsc-exo-dry-eye-gvhd": {
        "EU_MedicinalProduct": "settled", "EU_BiologicalMedicinalProduct": "settled", "Q_EU_ATMP": UNDECIDED,
        "Q_EU_GTMP": UNDECIDED, "EU_HumanStartingMaterialRules": "settled",
        "EU_CentralisedProcedureMandatory": "provisional", "EU_NotVaccineAgainstInfectiousDisease": "settled",
        "US_Drug": "settled", "US_BiologicalProduct": "settled", "Q_US_HCTP": UNDECIDED,
        "Q_US_GeneTherapy": UNDECIDED, "US_NotCombinationProduct": "settled", "US_LeadCenterCBER": "provisional",
        "US_BLARequired": "settled", "Q_KR_EVTherapy": UNDECIDED,
        "absent": ["US_RFDRecommended"],
    },
    # TargomiRs: bacterial minicells carrying a synthetic miR-16 mimic, targeted by a recombinant bispecific
    # antibody recorded as an active substance formulated with them. The antibody is a biotechnology active
    # substance, so the product is biological whatever the carrier is (Annex I Part I 3.2.1.1(b)); the synthetic
    # mimic leaves the GTMP question contested (Annex I Part IV 2.1(a)). Made with a modified strain: centralised
    # procedure (Reg. 726/2004 Annex I point 1, provisional) and the GMO question. US: a protein of more than 40
    # amino acids makes it a biological product (21 CFR 600.3(h)(6)), so a BLA, with no NDA reading; miRNA acts by
    # RNA interference, not gene therapy (provisional). Bacterial: no human starting material, not an HCT/P.
    "targomirs-mesomir": {
        "EU_MedicinalProduct": "settled", "EU_BiologicalMedicinalProduct": "settled", "EU_NotGTMP": "contested",
        "EU_CentralisedProcedureMandatory": "provisional", "EU_GMOAssessmentQuestion": "contested",
        "EU_NoHumanStartingMaterialRules": "settled", "US_BiologicalProduct": "settled", "US_BLARequired": "settled",
        "US_NotGeneTherapy": "provisional", "US_NotHCTP": "settled",
        "absent": ["EU_NonBiologicalMedicinalProduct", "US_NDARequired"],
    },
    # CTX0E03 exosomes: native vesicles of a neural stem-cell line immortalised with a c-mycER(TAM) transgene, for
    # repair. Biological (human cells, Annex I Part I 3.2.1.1(b)); cell-free: not an sCTMP or TEP. Whether the
    # vesicles carry transgene-derived nucleic acid is not reported, so GTMP and ATMP stay open; but with no
    # integral medical device the product cannot be a combined ATMP whatever the ATMP answer (Reg. 1394/2007 Art.
    # 2(1)(d)). Modified producer: centralised procedure (Reg. 726/2004 Annex I point 1, provisional), GMO question
    # (contested), a candidate gene-therapy product in Korea (provisional). US: biological product, not an HCT/P.
    "ctx0e03-nsc-exo": {
        "EU_BiologicalMedicinalProduct": "settled", "EU_NotSCTMP": "settled", "Q_EU_GTMP": UNDECIDED,
        "Q_EU_ATMP": UNDECIDED, "EU_NotCombinedATMP": "settled", "EU_CentralisedProcedureMandatory": "provisional",
        "EU_GMOAssessmentQuestion": "contested", "US_BiologicalProduct": "settled", "US_NotHCTP": "settled",
        "Q_US_GeneTherapy": UNDECIDED, "KR_EVTherapyProduct": "settled", "KR_GeneTherapyProduct": "provisional",
    },
    # ExoOA-1: native allogeneic MSC exosomes injected into the knee for osteoarthritis: medicinal by presentation
    # (Art. 1(2)(a)), biological (Annex I Part I 3.2.1.1(b)); cell-free, nothing genetic: not an ATMP, so not a
    # combined ATMP; human cells: Dir. 2004/23/EC for the donation. Osteoarthritis is not an Annex I point 3
    # disease: centralised procedure optional. US: biological product (PHS Act 351(i)), not an HCT/P (1271.3(d));
    # BLA. Korea: EV therapy product (MFDS 2024 §1-2), not a gene-therapy product.
    "exo-oa1-knee": {
        "EU_MedicinalProduct": "settled", "EU_BiologicalMedicinalProduct": "settled", "EU_NotATMP": "settled",
        "EU_NotCombinedATMP": "settled", "EU_HumanStartingMaterialRules": "settled",
        "EU_CentralisedProcedureOptional": "provisional", "US_BiologicalProduct": "settled", "US_NotHCTP": "settled",
        "US_NotCombinationProduct": "settled", "US_BLARequired": "settled", "KR_EVTherapyProduct": "settled",
        "KR_NotGeneTherapyProduct": "provisional",
    },
    # citraVes: lemon-juice vesicles taken by mouth as a food supplement, studied on LDL cholesterol in healthy people
    # without a disease claim. EU: medicinal only by function, which is not established, so the food-supplement
    # reading stands beside it (Art. 1(2)(b), 2(2) as read in CJEU C-140/07; Dir. 2002/46/EC Art. 2: contested).
    # Plant material holds none of the human or animal cells the ATMP definitions need (Reg. 1394/2007 Art. 2(1),
    # taking "cells" from Dir. 2004/23/EC Art. 3(a); Art. 2(1)(b)), and nothing genetic: not an ATMP although the
    # powder's cell content is not reported. No human material, no GMO. US: taken by mouth for a structure or
    # function aim: drug or dietary supplement (21 U.S.C. 321(g)(1), 321(ff); contested); plant, so no HCT/P.
    # Korea: plant vesicles are outside the guideline's core scope (KR-03), but nothing genetic is introduced, so not a
    # gene therapy product whatever the scope (Enforcement Decree of the Advanced Regenerative Bio Act Art. 2(1)2).
    "citraves-lemon-ev": {
        "EU_MedicinalProduct": "contested", "EU_NotSCTMP": "settled", "EU_NotTEP": "settled", "EU_NotATMP": "settled",
        "EU_NotGTMP": "settled", "EU_NoHumanStartingMaterialRules": "settled", "EU_NoGMOAssessmentQuestion": "settled",
        "US_Drug": "contested", "US_NotHCTP": "settled", "US_NotGeneTherapy": "settled",
        "US_NotCombinationProduct": "settled", "KR_NotGeneTherapyProduct": "provisional",
    },
    # Bovine milk exosomes spread on the face against skin ageing, no disease named. EU: medicinal by function or a
    # cosmetic (Reg. 1223/2009 Art. 2(1)(a); the Annex II entry 416 ban covers human material only: contested);
    # never a food supplement. Animal cells could make a TEP (Reg. 1394/2007 Art. 2(1)(b)) and the cell content is not
    # reported: ATMP stays open; nothing genetic: not a GTMP. US: meant to change the skin's structure (collagen,
    # wrinkles), so a drug whatever cosmetic claim it makes (21 U.S.C. 321(g)(1)(C)); animal vesicles as a
    # therapeutic: biological product or not is contested (US-10), so a request for designation; not an HCT/P
    # (1271.3(d)(6)). Korea: cell content not reported.
    "lu-milk-exo-skin-ageing": {
        "EU_MedicinalProduct": "contested", "EU_NotGTMP": "settled", "Q_EU_ATMP": UNDECIDED,
        "EU_NoHumanStartingMaterialRules": "settled", "EU_NoGMOAssessmentQuestion": "settled", "US_Drug": "settled",
        "US_BiologicalProduct": "contested", "US_NotHCTP": "settled", "US_RFDRecommended": "settled",
        "Q_KR_EVTherapy": UNDECIDED, "absent": ["EU_FoodSupplement", "US_DietarySupplement"],
    },
    # Milk exosomes carrying an in-vitro-transcribed RBD mRNA as an oral COVID-19 vaccine. EU: a vaccine against an
    # infectious disease (Art. 1(4)), so immunological and biological and never a GTMP (Annex I Part IV 2.1, last
    # sentence); a recombinant part and a viral disease: centralised procedure (Reg. 726/2004 Annex I points 1, 3;
    # provisional); recombinant nucleic acid: GMO question (contested); animal material only. US: a vaccine, which
    # section 351(i) names as a biological product, so a BLA; the reviewing office is unconfirmed (provisional);
    # no statutory vaccine exclusion from gene therapy, but FDA's gene therapy guidance leaves preventive vaccines out:
    # gene therapy contested (US-13v); not an HCT/P.
    "milk-exo-rbd-mrna-vaccine": {
        "EU_VaccineAgainstInfectiousDisease": "settled", "EU_ImmunologicalMedicinalProduct": "settled",
        "EU_BiologicalMedicinalProduct": "settled", "EU_NotGTMP": "settled", "Q_EU_ATMP": UNDECIDED,
        "EU_CentralisedProcedureMandatory": "provisional", "EU_GMOAssessmentQuestion": "contested",
        "EU_NoHumanStartingMaterialRules": "settled", "US_Vaccine": "settled", "US_BiologicalProduct": "settled",
        "US_BLARequired": "settled", "US_LeadCenterCBER": "provisional", "US_NotHCTP": "settled",
        "US_NotCombinationProduct": "settled", "US_NotGeneTherapy": "contested", "Q_KR_EVTherapy": UNDECIDED,
    },
    # Human cell-line exosomes delivering Cas9 ribonucleoprotein. EU: Cas9 is a recombinant protein, a biotechnology
    # active substance (Annex I Part I 3.2.1.1(b)), so biological, and centrally authorised (Reg. 726/2004 Annex I
    # point 1, provisional); a GTMP needs a recombinant nucleic acid (Annex I Part IV 2.1(a)) and the guide RNA's
    # manufacture is not reported: GTMP and ATMP open; banked human line: EU-27c contested. US: gene editing by a
    # site-specific nuclease alters host sequences, so a gene therapy product (FDA, "What is Gene Therapy?";
    # provisional); Cas9 is a protein of more than 40 amino acids, a biological product (21 CFR 600.3(h)(6)), BLA.
    # Whether the guide is a drug constituent waits for its manufacture (combination open). Cells not reported.
    "wan-exo-cas9-rnp-liver": {
        "EU_MedicinalProduct": "settled", "EU_BiologicalMedicinalProduct": "settled", "Q_EU_GTMP": UNDECIDED,
        "Q_EU_ATMP": UNDECIDED, "EU_CentralisedProcedureMandatory": "provisional",
        "EU_NoHumanStartingMaterialRules": "contested", "EU_NotVaccineAgainstInfectiousDisease": "settled",
        "US_Drug": "settled", "US_BiologicalProduct": "settled", "US_HumanGeneTherapyProduct": "provisional",
        "US_BLARequired": "settled", "Q_US_Combination": UNDECIDED, "Q_US_HCTP": UNDECIDED,
        "Q_KR_EVTherapy": UNDECIDED,
    },
    # Micrococcus luteus vesicles for neutrophilic asthma: medicinal by presentation, biological (bacterial source,
    # Annex I Part I 3.2.1.1(b)); bacterial material holds no ATMP cells (Reg. 1394/2007 Art. 2(1), 2(1)(b)); whether
    # the strain is modified is not reported, so GTMP, ATMP and GMO stay open. US: a drug; a bacterial therapeutic is
    # a biological product or not (US-10, contested), so a request for designation; not an HCT/P; nothing loaded,
    # no device: not a combination product. Korea: microbial vesicles, cell content not reported.
    "sim-mlev-neutrophilic-asthma": {
        "EU_MedicinalProduct": "settled", "EU_BiologicalMedicinalProduct": "settled", "EU_NotSCTMP": "settled",
        "EU_NotTEP": "settled", "Q_EU_GTMP": UNDECIDED, "Q_EU_ATMP": UNDECIDED,
        "EU_NoHumanStartingMaterialRules": "settled", "EU_NotVaccineAgainstInfectiousDisease": "settled",
        "US_Drug": "settled", "US_BiologicalProduct": "contested", "US_NotHCTP": "settled",
        "US_RFDRecommended": "settled", "US_NotCombinationProduct": "settled", "Q_KR_EVTherapy": UNDECIDED,
    },
    # StealthX: exosomes of an engineered HEK293 line displaying SARS-CoV-2 spike, a protein vaccine. EU: vaccine
    # against an infectious disease, immunological and biological, never a GTMP (Annex I Part IV 2.1); modified
    # producer and a viral disease: centralised (Reg. 726/2004 Annex I points 1, 3; provisional), GMO question
    # (contested); banked human line: EU-27c contested; cell content not reported: ATMP open. US: a vaccine and a
    # biological product (PHS Act 351(i)); two biological parts, no drug or device: not a combination product.
    "stealthx-spike-exo-vaccine": {
        "EU_VaccineAgainstInfectiousDisease": "settled", "EU_ImmunologicalMedicinalProduct": "settled",
        "EU_BiologicalMedicinalProduct": "settled", "EU_NotGTMP": "settled", "Q_EU_ATMP": UNDECIDED,
        "EU_CentralisedProcedureMandatory": "provisional", "EU_GMOAssessmentQuestion": "contested",
        "EU_NoHumanStartingMaterialRules": "contested", "US_Vaccine": "settled", "US_BiologicalProduct": "settled",
        "US_NotCombinationProduct": "settled", "US_BLARequired": "settled", "Q_US_HCTP": UNDECIDED,
        "Q_KR_EVTherapy": UNDECIDED, "absent": ["US_RFDRecommended"],
    },
    # Methotrexate-loaded microvesicles from apoptotic human tumour cells, infused into the bile duct for
    # cholangiocarcinoma; the vesicles also act themselves (neutrophil recruitment), so role both. EU: human
    # vesicles acting themselves, biological (Annex I Part I 3.2.1.1(b)); producer modification and cell content not
    # reported: GTMP, ATMP open. US: the vesicles are a biological product (PHS Act 351(i); FDA 2019 exosome notice)
    # and methotrexate a drug, combined as one entity: a drug/biologic combination product (21 CFR 3.2(e)(1)),
    # whose primary mode of action the description cannot tell (21 CFR 3.2(m), 3.4): request for designation.
    "mtx-tmp-cholangiocarcinoma": {
        "EU_MedicinalProduct": "settled", "EU_BiologicalMedicinalProduct": "settled", "Q_EU_GTMP": UNDECIDED,
        "Q_EU_ATMP": UNDECIDED, "EU_NotVaccineAgainstInfectiousDisease": "settled", "US_Drug": "settled",
        "US_BiologicalProduct": "settled", "US_CombinationProduct": "settled", "US_PMOAUndecided": "provisional",
        "US_RFDRecommended": "provisional", "US_BLARequired": "settled", "Q_US_HCTP": UNDECIDED,
        "Q_US_GeneTherapy": UNDECIDED, "Q_KR_EVTherapy": UNDECIDED, "absent": ["US_NotCombinationProduct"],
    },
    # E. coli outer membrane vesicles given intravenously as an anti-tumour immunotherapy (not a vaccine against an
    # infection). EU: medicinal by presentation, biological (bacterial source, Annex I Part I 3.2.1.1(b)); bacterial
    # material holds no ATMP cells (Reg. 1394/2007 Art. 2(1), 2(1)(b)); strain modification not reported, so GTMP and
    # ATMP stay open; cancer, new active substance: centralised (Reg. 726/2004 Annex I point 3). US: a drug whose
    # biological status is contested for bacterial vesicles (US-10), so a request for designation; not an HCT/P.
    # Korea: cell therapy is treatment with cells of humans or animals (Enforcement Decree of the Advanced
    # Regenerative Bio Act, Art. 2(1)1), so not a cell therapy product whatever the cell content; the EV-therapy
    # category waits for the cell content.
    "kim-ecoli-omv-tumour": {
        "EU_MedicinalProduct": "settled", "EU_BiologicalMedicinalProduct": "settled", "EU_NotSCTMP": "settled",
        "EU_NotTEP": "settled", "Q_EU_GTMP": UNDECIDED, "Q_EU_ATMP": UNDECIDED,
        "EU_NotVaccineAgainstInfectiousDisease": "settled", "EU_CentralisedProcedureMandatory": "provisional",
        "EU_NoHumanStartingMaterialRules": "settled", "US_Drug": "settled", "US_BiologicalProduct": "contested",
        "US_NotHCTP": "settled", "US_NotVaccine": "settled", "US_NotCombinationProduct": "settled",
        "US_RFDRecommended": "settled", "Q_US_GeneTherapy": UNDECIDED, "KR_NotCellTherapyProduct": "settled",
        "Q_KR_EVTherapy": UNDECIDED,
    },
    # Exosomes of human CAR-T cells carrying the chimeric antigen receptor (a recombinant protein far above 40 amino
    # acids) and cytotoxic molecules, against tumours. EU: human vesicles acting themselves, biological (Annex I Part
    # I 3.2.1.1(b)); a recombinant part and cancer: centralised (Reg. 726/2004 Annex I points 1, 3; provisional);
    # modified producer: GMO question (contested); donated T cells: tissues-and-cells rules (Dir. 2004/23/EC Art.
    # 2(1)). Whether transgene nucleic acid reaches the vesicles and the cell content are not reported: GTMP and ATMP
    # open. US: a biological product (PHS Act 351(i); a protein, 21 CFR 600.3(h)(6)), BLA; vesicles and CAR are two
    # biological constituents, no drug, no device: not a combination product (21 CFR 3.2(e)); HCT/P and gene therapy
    # open. The vesicles kill tumour cells themselves and prime no immunity: not an immunological medicinal product
    # (Dir. 2001/83/EC Art. 1(4); provisional, as an antibody-derived receptor might be read as passive immunity).
    "fu-car-t-exosomes": {
        "EU_MedicinalProduct": "settled", "EU_BiologicalMedicinalProduct": "settled",
        "EU_NotImmunologicalMedicinalProduct": "provisional",
        "EU_NotVaccineAgainstInfectiousDisease": "settled", "Q_EU_GTMP": UNDECIDED, "Q_EU_ATMP": UNDECIDED,
        "EU_CentralisedProcedureMandatory": "provisional", "EU_HumanStartingMaterialRules": "settled",
        "EU_GMOAssessmentQuestion": "contested", "EU_NotCombinedATMP": "settled", "US_Drug": "settled",
        "US_BiologicalProduct": "settled", "US_NotVaccine": "settled", "US_NotCombinationProduct": "settled",
        "US_BLARequired": "settled", "Q_US_HCTP": UNDECIDED, "Q_US_GeneTherapy": UNDECIDED,
        "Q_KR_EVTherapy": UNDECIDED, "absent": ["US_RFDRecommended"],
    },
    # Vesicles of murine induced pluripotent stem cells injected into the infarcted heart: animal material acting
    # itself, so biological in the EU (Annex I Part I 3.2.1.1(b)) with no tissues-and-cells rules (human material
    # only); how the iPSCs were reprogrammed (so whether they are modified) and the cell content are not reported:
    # GTMP and ATMP open; infarction is not an Annex I point 3 disease. US: animal vesicles as a therapeutic are a
    # biological product or not (US-10, contested), so a request for designation; not an HCT/P (1271.3(d) is human
    # only); nothing loaded, no device: not a combination product.
    "adamiak-ipsc-ev-cardiac": {
        "EU_MedicinalProduct": "settled", "EU_BiologicalMedicinalProduct": "settled", "Q_EU_GTMP": UNDECIDED,
        "Q_EU_ATMP": UNDECIDED, "EU_NoHumanStartingMaterialRules": "settled",
        "EU_NotVaccineAgainstInfectiousDisease": "settled", "US_Drug": "settled", "US_BiologicalProduct": "contested",
        "US_NotHCTP": "settled", "US_NotCombinationProduct": "settled", "US_RFDRecommended": "settled",
        "Q_US_GeneTherapy": UNDECIDED, "Q_KR_EVTherapy": UNDECIDED,
    },
    # Exosomes carrying PTEN mRNA transcribed from plasmid DNA in the producer cells, to restore the tumour
    # suppressor in glioma. EU: a recombinant nucleic acid given to add a gene product, its effect the expression of
    # that sequence, not a vaccine: a GTMP (Annex I Part IV 2.1), so an ATMP (Reg. 1394/2007 Art. 2(1)(a)) and
    # biological, centrally authorised (Reg. 726/2004 Annex I point 1a); GMO question contested. Whatever cells it
    # holds, a product that could also be an sCTMP or TEP is considered a GTMP (Reg. 1394/2007 Art. 2(5)). US: a product that
    # mediates its effect by transcription or translation of transferred genetic material is a gene therapy product
    # (FDA, "What is Gene Therapy?"; provisional), a biological product, BLA; recombinant nucleic acid alone, no drug
    # and no device: not a combination product. The producer cells, and so their organism and the cell content, are
    # not reported: starting-material, HCT/P and MFDS questions open.
    "yang-pten-mrna-exosomes": {
        "EU_MedicinalProduct": "settled", "EU_GTMP": "settled", "EU_ATMP": "settled", "EU_NotSCTMP": "settled",
        "EU_NotTEP": "settled", "EU_BiologicalMedicinalProduct": "settled", "EU_CentralisedProcedureMandatory": "settled",
        "EU_GMOAssessmentQuestion": "contested", "EU_NotVaccineAgainstInfectiousDisease": "settled",
        "US_Drug": "settled", "US_HumanGeneTherapyProduct": "provisional", "US_BiologicalProduct": "provisional",
        "US_NotCombinationProduct": "settled", "US_BLARequired": "provisional", "US_LeadCenterCBER": "provisional",
        "Q_US_HCTP": UNDECIDED, "Q_KR_EVTherapy": UNDECIDED, "absent": ["EU_NotGTMP", "US_NotGeneTherapy"],
    },
    # Native placenta-MSC exosomes injected into perianal fistulas: biological (Annex I Part I 3.2.1.1(b)); placenta
    # donated for manufacture: tissues-and-cells rules for the starting material (Dir. 2004/23/EC Art. 2(1)). Cell
    # content and producer modification not reported: ATMP, GTMP, GMO and so the centralised-procedure question
    # (Reg. 726/2004 Annex I point 1a for an ATMP) stay open, as do HCT/P, US gene therapy and MFDS. US: a drug and
    # biological product (PHS Act 351(i)), BLA to market; nothing loaded, no device: not a combination product.
    "pak-pmsc-exo-anal-fistula": {
        "EU_MedicinalProduct": "settled", "EU_BiologicalMedicinalProduct": "settled",
        "EU_HumanStartingMaterialRules": "settled", "EU_NotVaccineAgainstInfectiousDisease": "settled",
        "Q_EU_ATMP": UNDECIDED, "Q_EU_GTMP": UNDECIDED, "Q_EU_GMO": UNDECIDED, "Q_EU_CentralisedProcedure": UNDECIDED,
        "US_Drug": "settled", "US_BiologicalProduct": "settled", "US_NotCombinationProduct": "settled",
        "US_BLARequired": "settled", "Q_US_HCTP": UNDECIDED, "Q_US_GeneTherapy": UNDECIDED,
        "Q_KR_EVTherapy": UNDECIDED,
    },
    # Ginger exosomes studied against inflammatory bowel disease: a disease claim makes them medicinal by
    # presentation (Art. 1(2)(a)) and a US drug (21 U.S.C. 321(g)(1)(B)) whatever food they come from. The plant
    # vesicle acting itself is a biological substance or a herbal preparation (Art. 1(30)-(32); EU-03, contested);
    # plant cells are not human or animal cells and nothing genetic is added: not an ATMP; a new active substance
    # for an immune dysfunction: centralised (Annex I point 3, provisional). US: no 351(i) category fits plant
    # material, so a drug, not a biologic (provisional), NDA through CDER; not an HCT/P (human cells only).
    "ginger-exo-ibd": {
        "EU_MedicinalProduct": "settled", "EU_BiologicalMedicinalProduct": "contested", "EU_NotGTMP": "settled",
        "EU_NotSCTMP": "settled", "EU_NotATMP": "settled", "EU_CentralisedProcedureMandatory": "provisional",
        "EU_NoHumanStartingMaterialRules": "settled", "EU_NoGMOAssessmentQuestion": "settled", "US_Drug": "settled",
        "US_NonBiologicDrug": "provisional", "US_NotHCTP": "settled", "US_NotGeneTherapy": "settled",
        "US_NotCombinationProduct": "settled", "US_LeadCenterCDER": "provisional", "US_NDARequired": "provisional",
        "KR_NotCellTherapyProduct": "settled",
        "absent": ["EU_FoodSupplement", "US_DietarySupplement", "US_BiologicalProduct", "US_RFDRecommended"],
    },    # The cell-free secretome of the volunteer's own irradiated blood mononuclear cells, exosomes with soluble factors,
    # on wounds: medicinal and biological (Art. 1(2); Annex I Part I 3.2.1.1(b)); cell-free, nothing genetic: not an
    # ATMP (Reg. 1394/2007 Art. 2(1)), so no mandatory centralised route; cells donated from the body: donation and
    # testing rules for the starting material. US: a drug and biological product (PHS Act 351(i)); cell-free, so not
    # an HCT/P (1271.3(d)), and being autologous changes nothing. Whether the hydrogel is supplied with it as one
    # product is not reported, so the combination question stays open (21 CFR 3.2(e)).
    "aposec-marsyas-i": {
        "EU_MedicinalProduct": "settled", "EU_BiologicalMedicinalProduct": "settled", "EU_NotATMP": "settled",
        "EU_NotCombinedATMP": "settled", "EU_HumanStartingMaterialRules": "settled",
        "EU_NoGMOAssessmentQuestion": "settled", "EU_CentralisedProcedureOptional": "provisional",
        "US_Drug": "settled", "US_BiologicalProduct": "settled", "US_NotHCTP": "settled", "US_Not361HCTP": "settled",
        "US_NotGeneTherapy": "settled", "US_BLARequired": "settled", "Q_US_Combination": UNDECIDED,
        "KR_NotCellTherapyProduct": "settled", "absent": ["US_HCTP", "EU_ATMP"],
    },    # The same placental-MSC exosomes for fistulas of Crohn's disease: as pak-pmsc-exo-anal-fistula, except that a new
    # active substance for an immune dysfunction must take the centralised procedure (Reg. 726/2004 Annex I point 3,
    # provisional) whether or not it proves to be an ATMP, so that question no longer waits for the cell content.
    "pmsc-exo-crohn-fistula": {
        "EU_MedicinalProduct": "settled", "EU_BiologicalMedicinalProduct": "settled",
        "EU_HumanStartingMaterialRules": "settled", "EU_CentralisedProcedureMandatory": "provisional",
        "Q_EU_ATMP": UNDECIDED, "Q_EU_GTMP": UNDECIDED, "US_BiologicalProduct": "settled",
        "US_NotCombinationProduct": "settled", "Q_US_HCTP": UNDECIDED, "Q_KR_EVTherapy": UNDECIDED,
    },
    # MSC exosome ointment developed for psoriasis (first given to healthy volunteers): presented as treating a
    # disease, so a medicinal product (Dir. 2001/83/EC Art. 1(2)(a)) and a US drug (FD&C Act 201(g)(1)(B)); native
    # human vesicles acting themselves: biological (Annex I Part I 3.2.1.1(b); PHS Act 351(i)), BLA to market. A new
    # active substance for an immune-mediated disease: centralised (Reg. 726/2004 Annex I point 3, provisional, as
    # the listed group needs confirming). Cell content and producer modification not reported: sCTMP/TEP/GTMP and so
    # ATMP (Reg. 1394/2007 Art. 2(1)), HCT/P (21 CFR 1271.3(d)), US gene therapy and the MFDS EV category stay open;
    # the source material is not reported either, so whether Dir. 2004/23/EC governs it stays open. Nothing loaded,
    # no device, the moisturising cream a separate product: not a combination product (21 CFR 3.2(e)).
    "ptd2021p-msc-exo-ointment": {
        "EU_MedicinalProduct": "settled", "EU_BiologicalMedicinalProduct": "settled",
        "EU_CentralisedProcedureMandatory": "provisional", "EU_NotVaccineAgainstInfectiousDisease": "settled",
        "EU_NotCombinedATMP": "settled", "EU_HospitalExemptionNotAvailable": "settled", "Q_EU_ATMP": UNDECIDED,
        "Q_EU_GTMP": UNDECIDED, "Q_EU_StartingMaterial": UNDECIDED, "US_Drug": "settled",
        "US_BiologicalProduct": "settled", "US_NotCombinationProduct": "settled", "US_BLARequired": "settled",
        "US_LeadCenterCBER": "provisional", "Q_US_HCTP": UNDECIDED, "Q_US_GeneTherapy": UNDECIDED,
        "Q_KR_EVTherapy": UNDECIDED, "absent": ["US_RFDRecommended", "EU_CentralisedProcedureOptional"],
    },
    # Allogeneic placenta-MSC exosomes injected into the brain after a malignant MCA infarct: medicinal (Art. 1(2)(a))
    # and biological (Annex I Part I 3.2.1.1(b)); placenta cells donated for manufacture: Dir. 2004/23/EC Art. 2(1).
    # Stroke is not an Annex I point 3 disease (not neurodegenerative), so the centralised procedure is mandatory
    # only if it is an ATMP (Annex I point 1a), which waits for the cell content, as do GTMP (producer modification),
    # HCT/P, '361' status and MFDS. US: a drug and biological product (PHS Act 351(i)); nothing loaded, no device:
    # not a combination product.
    "dehghani-pmsc-exo-stroke": {
        "EU_MedicinalProduct": "settled", "EU_BiologicalMedicinalProduct": "settled",
        "EU_HumanStartingMaterialRules": "settled", "EU_NotVaccineAgainstInfectiousDisease": "settled",
        "Q_EU_ATMP": UNDECIDED, "Q_EU_GTMP": UNDECIDED, "Q_EU_CentralisedProcedure": UNDECIDED,
        "US_Drug": "settled", "US_BiologicalProduct": "settled", "US_NotCombinationProduct": "settled",
        "US_BLARequired": "settled", "Q_US_HCTP": UNDECIDED, "Q_US_361HCTP": UNDECIDED,
        "Q_US_GeneTherapy": UNDECIDED, "Q_KR_EVTherapy": UNDECIDED,
        "absent": ["EU_CentralisedProcedureMandatory", "US_NotHCTP"],
    },
    # Rose-cell vesicles studied on melasma and other hyperpigmentation beside cosmetic aims: a disease claim makes
    # them medicinal by presentation, and in doubt the medicines law applies (Art. 1(2)(a), 2(2)), so not a cosmetic
    # (Reg. (EC) 1223/2009 Art. 2(1)(a)); a US drug (FD&C Act 201(g)(1)(B)). Plant vesicle acting itself: biological
    # substance or herbal preparation (Art. 1(30)-(32); contested). Plant cells are not the human or animal cells of
    # an sCTMP/TEP (Annex I Part IV 2.2; Reg. 1394/2007 Art. 2(1)(b)), nor an HCT/P; rose-cell modification not
    # reported, so GTMP, ATMP and the centralised question (Annex I point 1a) stay open. US: no 351(i) category fits a
    # plant vesicle (provisional), so NDA and CDER. Korea: cell therapy means human or animal cells (Enforcement
    # Decree of the Advanced Regenerative Bio Act, Art. 2(1)1); plant material is outside the MFDS EV guideline.
    "rsce-rose-exo-pigmentation": {
        "EU_MedicinalProduct": "settled", "EU_BiologicalMedicinalProduct": "contested", "EU_NotSCTMP": "settled",
        "EU_NotTEP": "settled", "Q_EU_GTMP": UNDECIDED, "Q_EU_ATMP": UNDECIDED,
        "EU_NoHumanStartingMaterialRules": "settled", "US_Drug": "settled", "US_NonBiologicDrug": "provisional",
        "US_NotHCTP": "settled", "US_NotCombinationProduct": "settled", "US_NDARequired": "provisional",
        "Q_US_GeneTherapy": UNDECIDED, "KR_NotCellTherapyProduct": "settled",
        "absent": ["EU_Cosmetic", "US_BiologicalProduct", "KR_EVTherapyProduct"],
    },
    # Nebulised umbilical-cord MSC exosomes for COVID-19 pneumonia: medicinal and biological as the other native MSC
    # vesicles; cord cells donated for manufacture: Dir. 2004/23/EC Art. 2(1). Treatment, not active immunisation: not
    # an Art. 1(4) vaccine. A new active substance for a viral disease: centralised (Reg. 726/2004 Annex I point 3,
    # provisional). Cell content and producer modification not reported: ATMP, GTMP, HCT/P and MFDS stay open. US: a
    # drug and biological product, BLA; nebuliser not supplied with it: not a combination product.
    "chu-ucmsc-exo-covid-nebulised": {
        "EU_MedicinalProduct": "settled", "EU_BiologicalMedicinalProduct": "settled",
        "EU_HumanStartingMaterialRules": "settled", "EU_NotVaccineAgainstInfectiousDisease": "settled",
        "EU_CentralisedProcedureMandatory": "provisional", "Q_EU_ATMP": UNDECIDED, "Q_EU_GTMP": UNDECIDED,
        "US_Drug": "settled", "US_BiologicalProduct": "settled", "US_NotVaccine": "settled",
        "US_NotCombinationProduct": "settled", "US_BLARequired": "settled", "Q_US_HCTP": UNDECIDED,
        "Q_US_GeneTherapy": UNDECIDED, "Q_KR_EVTherapy": UNDECIDED,
    },
    # iPSC exosomes against atopic dermatitis: medicinal by presentation (Art. 1(2)(a)), biological (Annex I Part I
    # 3.2.1.1(b)); a new active substance for an immune-mediated disease: centralised (Reg. 726/2004 Annex I point 3,
    # provisional). How the iPSCs were reprogrammed is not reported, so whether the producer is a GMO, and with it
    # GTMP (Annex I Part IV 2.1), the GMO question (Dir. 2001/18/EC Art. 2(2)) and US gene therapy, stay open, as do
    # ATMP (cell content) and HCT/P. US: a drug and biological product (PHS Act 351(i)); nothing loaded, no device:
    # not a combination product (21 CFR 3.2(e)).
    "gd-iexo-001-atopic-dermatitis": {
        "EU_MedicinalProduct": "settled", "EU_BiologicalMedicinalProduct": "settled",
        "EU_CentralisedProcedureMandatory": "provisional", "EU_NotVaccineAgainstInfectiousDisease": "settled",
        "Q_EU_GTMP": UNDECIDED, "Q_EU_ATMP": UNDECIDED, "Q_EU_GMO": UNDECIDED, "US_Drug": "settled",
        "US_BiologicalProduct": "settled", "US_NotCombinationProduct": "settled", "US_BLARequired": "settled",
        "Q_US_HCTP": UNDECIDED, "Q_US_GeneTherapy": UNDECIDED, "Q_KR_EVTherapy": UNDECIDED,
        "absent": ["EU_NotGTMP", "US_NotGeneTherapy"],
    },
}

# exoIL-12: engineered exosomes displaying recombinant single-chain IL-12 (far above 40 amino acids) fused to a vesicle
# membrane protein, injected into cutaneous T-cell lymphoma lesions. The displayed protein makes the engineered
# vesicle, the active substance, a product of recombinant DNA technology, so biological whatever organism releases
# it (Dir. 2001/83/EC Annex I Part I 3.2.1.1(b); EU-05); recombinant and cancer: centralised (Reg. 726/2004 Annex I
# points 1, 3; provisional); modified producer: GMO question (contested). The producer organism, transgene nucleic
# acid in the vesicles and cell content are not reported: GTMP, ATMP, starting material, HCT/P, US gene therapy and
# MFDS stay open. US: a protein of more than 40 amino acids, so a biological product (21 CFR 600.3(h)(6)), BLA; one
# engineered biological entity, no drug, no device: not a combination product (21 CFR 3.2(e)).
EXPECTED["exoil12-cdk003-ctcl"] = {
    "EU_MedicinalProduct": "settled", "EU_BiologicalMedicinalProduct": "settled",
    "EU_NotVaccineAgainstInfectiousDisease": "settled", "EU_CentralisedProcedureMandatory": "provisional",
    "EU_GMOAssessmentQuestion": "contested", "EU_NotCombinedATMP": "settled", "Q_EU_GTMP": UNDECIDED,
    "Q_EU_ATMP": UNDECIDED, "Q_EU_StartingMaterial": UNDECIDED, "US_Drug": "settled",
    "US_BiologicalProduct": "settled", "US_NotVaccine": "settled", "US_NotCombinationProduct": "settled",
    "US_BLARequired": "settled", "US_LeadCenterCBER": "provisional", "Q_US_HCTP": UNDECIDED,
    "Q_US_GeneTherapy": UNDECIDED, "Q_KR_EVTherapy": UNDECIDED,
    "absent": ["US_RFDRecommended", "EU_NonBiologicalMedicinalProduct"],
}
# Bexsero: MeNZB's outer-membrane vesicles with three recombinant meningococcal proteins, centrally authorised in the
# EU and licensed in the US as a vaccine. EU: the authorisation is adopted (EU-30): a vaccine against an infectious
# disease, so immunological, biological and never a GTMP (Art. 1(4); Annex I Part IV 2.1); no cells: not an ATMP;
# recombinant proteins: centralised (Reg. 726/2004 Annex I point 1, provisional); wild-type strain and no organism
# in the product: no GMO question; bacterial: no human starting material. US: the licence is adopted (US-20): a
# vaccine and biological product, BLA; vesicles and protein antigens are all biological, no drug or device: not a
# combination product (21 CFR 3.2(e)); bacterial, not an HCT/P. Korea: how the vesicles formed is not classified.
EXPECTED["bexsero-4cmenb"] = {
    "EU_VaccineAgainstInfectiousDisease": "settled", "EU_ImmunologicalMedicinalProduct": "settled",
    "EU_BiologicalMedicinalProduct": "settled", "EU_NotGTMP": "settled", "EU_NotATMP": "settled",
    "EU_CentralisedProcedureMandatory": "provisional", "EU_NoGMOAssessmentQuestion": "settled",
    "EU_NoHumanStartingMaterialRules": "settled", "US_Vaccine": "settled", "US_BiologicalProduct": "settled",
    "US_NotHCTP": "settled", "US_NotGeneTherapy": "settled", "US_NotCombinationProduct": "settled",
    "US_BLARequired": "settled", "Q_KR_EVTherapy": UNDECIDED, "KR_NotCellTherapyProduct": "settled",
    "absent": ["US_RFDRecommended", "EU_NonBiologicalMedicinalProduct"],
}
# Adipose stem-cell exosomes in a cosmetic formulation for skin brightening, no disease named: every use non-medical
# and no disease claim, so outside the medicinal-product rules in each jurisdiction (Dir. 2001/83/EC Art. 1(2);
# FD&C Act 201(g)(1), 201(i); PAA Art. 2(4), Korean Cosmetics Act Art. 2, which counts skin whitening among the uses
# of functional cosmetics). Nothing medicinal is concluded.
EXPECTED["cho-asce-skin-brightening"] = {
    "OutOfScope": "out-of-scope",
    "absent": ["EU_MedicinalProduct", "US_Drug", "US_BiologicalProduct", "KR_EVTherapyProduct"],
}

# Umbilical-cord MSC exosomes and exosome gels sold online, described from FDA's warning letter alone (as XoGlo):
# FDA's finding that they are drugs and biological products (21 U.S.C. 321(g)(1); 42 U.S.C. 262(i)) is adopted
# (US-21), so a BLA (262(a)). EU: the medical use FDA describes makes them medicinal (Art. 1(2)); human cell-released
# vesicles acting themselves: biological (Annex I Part I 3.2.1.1(b)); industrially made, so no hospital exemption.
# Cells, a device and the source material are not stated: ATMP, HCT/P, combination product and MFDS stay open.
EXPECTED["supreme-rejuvenation-ucmsc-exo"] = {
    "EU_MedicinalProduct": "settled", "EU_BiologicalMedicinalProduct": "settled", "Q_EU_ATMP": UNDECIDED,
    "EU_HospitalExemptionNotAvailable": "settled", "US_Drug": "settled", "US_BiologicalProduct": "settled",
    "US_BLARequired": "settled", "Q_US_HCTP": UNDECIDED, "Q_US_Combination": UNDECIDED,
    "Q_KR_EVTherapy": UNDECIDED,
}

# exoSTING: exosomes of producer cells engineered to over-express PTGFRN, carrying a synthetic STING agonist into
# tumour antigen-presenting cells. The agonist is the active substance; whether the carrier is an excipient or
# co-active (EU-06), and with it EU biological status, US biological status and the US combination question, waits
# for the producer organism, which the sources as read do not give, as do GTMP, ATMP and MFDS (with transgene nucleic
# acid and cell content). Known already: medicinal and a drug (disease claim); cancer and a modified producer make
# the centralised procedure mandatory (Reg. 726/2004 Annex I points 1, 3; provisional); GMO question contested; no
# device, so not a combined ATMP (Reg. 1394/2007 Art. 2(1)(d)).
EXPECTED["exosting-cdk002"] = {
    "EU_MedicinalProduct": "settled", "EU_NotVaccineAgainstInfectiousDisease": "settled", "Q_EU_Biological": UNDECIDED,
    "Q_EU_GTMP": UNDECIDED, "Q_EU_ATMP": UNDECIDED, "EU_NotCombinedATMP": "settled",
    "EU_CentralisedProcedureMandatory": "provisional", "EU_GMOAssessmentQuestion": "contested", "US_Drug": "settled",
    "US_NotVaccine": "settled", "Q_US_Biological": UNDECIDED, "Q_US_Combination": UNDECIDED,
    "Q_US_GeneTherapy": UNDECIDED, "Q_KR_EVTherapy": UNDECIDED,
    "absent": ["US_BiologicalProduct", "US_BLARequired"],
}

# A urine test measuring exosomal RNA (McKiernan et al. 2016): examines specimens taken from the body and gives
# nothing to the patient, so an in vitro diagnostic medical device and no medicinal product (Reg. (EU) 2017/746
# Art. 2(2); Dir. 2001/83/EC Art. 1(2)), a device and no drug (FD&C Act 201(h); 21 CFR 809.3(a)), and in Korea an
# in vitro diagnostic medical device (IVD Medical Devices Act Art. 2), for every question.
EXPECTED["exodx-prostate"] = {
    "EU_InVitroDiagnosticMedicalDevice": "settled", "US_InVitroDiagnosticProduct": "settled",
    "KR_InVitroDiagnosticMedicalDevice": "settled",
    "absent": ["EU_MedicinalProduct", "EU_BiologicalMedicinalProduct", "US_Drug", "US_BiologicalProduct",
               "US_INDRequired", "KR_EVTherapyProduct"],
}

# Four GMMA preparations (S. sonnei, S. flexneri 1b, 2a, 3a) in one vaccine: each component answers as 1790GAHB
# does, and so does the product (Art. 1(4); Annex I Part IV 2.1; Reg. 726/2004 Annex I point 1; PHS Act 351(i);
# MFDS 2024 §1-2): four vesicle components are not a combination product (21 CFR 3.2(e) needs different kinds).
EXPECTED["altsonflex-1-2-3"] = EXPECTED["gmma-1790gahb"]
# Salmonella Typhimurium and Enteritidis GMMA from genetically modified strains, against invasive salmonellosis:
# a vaccine against an infectious disease (Art. 1(4)), so immunological, biological and never a GTMP (Annex I
# Part IV 2.1, last sentence); bacterial material holds no human or animal cells, so not an sCTMP or TEP whatever
# the cell content: not an ATMP. Modified strains: centralised procedure (Reg. 726/2004 Annex I point 1,
# provisional) and the GMO question (Dir. 2001/18/EC; contested). US: vaccine, biological product (PHS Act
# 351(i)), not an HCT/P; the adjuvant is no drug constituent. Korea: whether the product is free of bacterial
# cells is not reported, so the EV-therapy and gene-therapy questions stay open (MFDS 2024 §1-2).
# The same answers as the NOMV vaccine's.
EXPECTED["ints-gmma-salvo"] = EXPECTED["nomv-fhbp-wrair"]

# RVG exosomes: mouse dendritic cells engineered to display the RVG peptide on Lamp2b, the vesicles loaded with siRNA
# against BACE1 (Alzheimer's disease target). The siRNA is the active substance (ROLE-02); how it was made is not
# reported, so whether the carrier makes the product biological (EU-06; 351(i)) and the GTMP and combination
# questions stay open. The Lamp2b-RVG fusion is expressed from a transgene: made with recombinant DNA technology, so
# the centralised procedure (Reg. 726/2004 Annex I point 1, provisional) and the GMO question (Dir. 2001/18/EC,
# contested). Mouse cells: no human starting material, not an HCT/P (1271.3(d)). RNA interference: not gene
# therapy in FDA's sense (provisional). Cells in the product not reported: ATMP and MFDS stay open.
EXPECTED["alvarez-erviti-rvg-exo-sibace1"] = {
    "EU_MedicinalProduct": "settled", "Q_EU_Biological": UNDECIDED, "Q_EU_GTMP": UNDECIDED, "Q_EU_ATMP": UNDECIDED,
    "EU_CentralisedProcedureMandatory": "provisional", "EU_GMOAssessmentQuestion": "contested",
    "EU_NoHumanStartingMaterialRules": "settled", "EU_NotCombinedATMP": "settled", "US_Drug": "settled",
    "US_NotHCTP": "settled", "US_NotGeneTherapy": "provisional", "Q_US_Biological": UNDECIDED,
    "Q_US_Combination": UNDECIDED, "Q_KR_EVTherapy": UNDECIDED,
    "absent": ["US_BiologicalProduct", "EU_GTMP", "US_HumanGeneTherapyProduct"],
}
# A plasma test reading exosomal nucleic acids for EGFR mutations in lung cancer: examines specimens and gives
# nothing to the patient, so an in vitro diagnostic device in each jurisdiction (Reg. (EU) 2017/746 Art. 2(2);
# 21 CFR 809.3(a); Korean IVD Medical Devices Act Art. 2). Describing the plasma vesicles it reads changes nothing:
# no blood-derived, starting-material or biological answer is given.
EXPECTED["short-exotna-egfr-nsclc"] = {
    "EU_InVitroDiagnosticMedicalDevice": "settled", "US_InVitroDiagnosticProduct": "settled",
    "KR_InVitroDiagnosticMedicalDevice": "settled",
    "absent": ["EU_MedicinalProduct", "EU_BiologicalMedicinalProduct", "EU_BloodDerivedMedicinalProduct",
               "EU_HumanStartingMaterialRules", "US_Drug", "US_BiologicalProduct", "KR_EVTherapyProduct"],
}
# Pertussis outer-membrane-vesicle vaccine: a vaccine against an infectious disease (Art. 1(4)), so immunological,
# biological and never a GTMP (Annex I Part IV 2.1); bacterial, so neither sCTMP nor TEP: not an ATMP; no human
# starting material. Whether the strain is modified is not reported: GMO and centralised-procedure questions stay
# open. US: vaccine and biological product (PHS Act 351(i)), BLA; bacterial, not an HCT/P; vesicles alone, not a
# combination product. Korea: microbial vesicles, so no cell therapy (ARBA Decree Art. 2(1)1); cells in the product
# not reported, so the EV-therapy question stays open.
EXPECTED["raeven-omvpv-pertussis"] = {
    "EU_VaccineAgainstInfectiousDisease": "settled", "EU_ImmunologicalMedicinalProduct": "settled",
    "EU_BiologicalMedicinalProduct": "settled", "EU_NotGTMP": "settled", "EU_NotATMP": "settled",
    "EU_NoHumanStartingMaterialRules": "settled", "Q_EU_GMO": UNDECIDED, "Q_EU_CentralisedProcedure": UNDECIDED,
    "US_Vaccine": "settled", "US_BiologicalProduct": "settled", "US_NotHCTP": "settled",
    "US_NotCombinationProduct": "settled", "US_BLARequired": "settled", "Q_KR_EVTherapy": UNDECIDED,
    "KR_NotCellTherapyProduct": "settled",
    "absent": ["US_RFDRecommended", "EU_NonBiologicalMedicinalProduct"],
}
# Stem-cell conditioned medium on laser wounds, presented for faster healing and no disease: a product restoring a
# physiological function put on a wound is medicinal (Art. 1(2)(b)) and, being of human origin, never a cosmetic
# (Reg. 1223/2009 Annex II entry 416); human-cell vesicles acting themselves: biological (Annex I Part I
# 3.2.1.1(b); PHS Act 351(i)), BLA; donated adipose tissue: Dir. 2004/23/EC. Nothing genetic: not a GTMP, not gene
# therapy. Cells in the medium not reported: ATMP, HCT/P and MFDS stay open.
EXPECTED["zhou-adsc-cm-laser-wound"] = {
    "EU_MedicinalProduct": "settled", "EU_BiologicalMedicinalProduct": "settled", "EU_NotGTMP": "settled",
    "EU_HumanStartingMaterialRules": "settled", "EU_NoGMOAssessmentQuestion": "settled", "Q_EU_ATMP": UNDECIDED,
    "US_Drug": "settled", "US_BiologicalProduct": "settled", "US_NotGeneTherapy": "settled",
    "US_BLARequired": "settled", "Q_US_HCTP": UNDECIDED, "Q_KR_EVTherapy": UNDECIDED,
    "absent": ["EU_Cosmetic", "EU_NonBiologicalMedicinalProduct"],
}
# A titanium implant carrying rabbit stromal-cell exosomes in fibrin: the implant is integral, so a combination
# product in the US (21 CFR 3.2(e)(1)); animal material, not an HCT/P; no human starting material and nothing
# genetic in the EU. Not asserted, because the description cannot say which action is principal: in the EU a device
# whose medicinal substance only assists it is a device under Reg. (EU) 2017/745 Art. 1(8), not a medicinal product,
# and in the US the primary mode of action names the lead centre (21 CFR 3.4).
EXPECTED["cui-bmsc-exo-fibrin-ta-implant"] = {
    "EU_NoHumanStartingMaterialRules": "settled", "EU_NotGTMP": "settled", "EU_NoGMOAssessmentQuestion": "settled",
    "US_CombinationProduct": "settled", "US_NotHCTP": "settled", "US_NotGeneTherapy": "settled",
}


# Wild-type meningococcal outer-membrane vesicles (MenBvac) and those of the commensal N. lactamica, extracted with
# detergent, as vaccines against meningococcal disease: vaccines against an infectious disease (Dir. 2001/83/EC
# Art. 1(4)), so immunological and biological and never a GTMP (Annex I Part IV 2.1, last sentence); no cells, not
# an ATMP; bacterial, no human starting material; unmodified strains: no GMO question. US: vaccines, biological
# products (PHS Act 351(i)); bacterial, not HCT/Ps (21 CFR 1271.3(d)). Korea: whether extracted vesicles are in the
# MFDS guideline's scope is open; bacterial material holds no human or animal cells (Enforcement Decree Art.
# 2(1)1), and nothing genetic is introduced, so no gene therapy whatever the scope (Art. 2(1)2).
for _name in ("menbvac-normandy", "nlactamica-omv"):
    EXPECTED[_name] = {
        "EU_VaccineAgainstInfectiousDisease": "settled", "EU_ImmunologicalMedicinalProduct": "settled",
        "EU_BiologicalMedicinalProduct": "settled", "EU_NotGTMP": "settled", "EU_NotATMP": "settled",
        "EU_NoHumanStartingMaterialRules": "settled", "EU_NoGMOAssessmentQuestion": "settled",
        "US_Vaccine": "settled", "US_BiologicalProduct": "settled", "US_NotHCTP": "settled",
        "US_NotGeneTherapy": "settled", "US_NotCombinationProduct": "settled", "US_BLARequired": "settled",
        "Q_KR_EVTherapy": UNDECIDED, "KR_NotCellTherapyProduct": "settled", "KR_NotGeneTherapyProduct": "provisional",
        "absent": ["EU_GMOAssessmentQuestion", "US_RFDRecommended"],
    }
# MenPF-1: the same kind of vaccine from a strain modified to express FetA. Still a vaccine against an infectious
# disease, so not a GTMP whatever DNA the strain leaves; made with a modified organism: centralised procedure
# (Reg. 726/2004 Annex I point 1, provisional) and the GMO question (Dir. 2001/18/EC; contested). US: a vaccine; whether
# the vesicles carry transgene DNA is not reported, so the gene-therapy question stays open (as for GMMA). Korea:
# the scope is open, and a modified producer makes a gene-therapy candidate only of an EV therapy product (KR-02).
EXPECTED["menpf1-feta-omv"] = {
    "EU_VaccineAgainstInfectiousDisease": "settled", "EU_NotGTMP": "settled", "EU_NotATMP": "settled",
    "EU_CentralisedProcedureMandatory": "provisional", "EU_GMOAssessmentQuestion": "contested",
    "US_Vaccine": "settled", "US_BiologicalProduct": "settled", "US_NotHCTP": "settled",
    "Q_US_GeneTherapy": UNDECIDED, "Q_KR_EVTherapy": UNDECIDED, "Q_KR_GeneTherapy": UNDECIDED,
    "KR_NotCellTherapyProduct": "settled", "absent": ["KR_NotGeneTherapyProduct"],
}
# Canine stem-cell exosomes given to dogs: a veterinary medicinal product (Reg. (EU) 2019/6 Art. 4(1)), a new animal
# drug (FD&C Act 201(v)) and an animal drug under the agriculture ministry in Korea (Pharmaceutical Affairs Act Art.
# 85): outside the human medicinal-product law evkg applies, in every jurisdiction, with no question left open.
# The study's human stem-cell exosomes given to the same dogs: human origin changes nothing, the product is still
# meant only for animals (and a human cell product for animals is no HCT/P, 21 CFR 1271.3(d): for a human recipient).
for _name in ("kim-canine-asc-exo-atopic-dermatitis", "kim-human-asc-exo-canine-atopic-dermatitis"):
    EXPECTED[_name] = {
        "OutOfScope": "out-of-scope",
        "absent": ["EU_MedicinalProduct", "US_Drug", "US_BiologicalProduct", "KR_EVTherapyProduct"],
    }
# A plasma test reading the surface proteins of tumour vesicles: an in vitro diagnostic medical device (Reg. (EU)
# 2017/746 Art. 2(2); 21 CFR 809.3(a); Korea's In Vitro Diagnostic Medical Devices Act Art. 2): nothing is given
# to a patient, so it is no medicine anywhere.
EXPECTED["sun-hcc-ev-ecg-score"] = {
    "EU_InVitroDiagnosticMedicalDevice": "settled", "US_InVitroDiagnosticProduct": "settled",
    "KR_InVitroDiagnosticMedicalDevice": "settled",
    "absent": ["EU_MedicinalProduct", "US_Drug", "US_BiologicalProduct", "KR_EVTherapyProduct"],
}

# Mouse macrophage exosomes carrying catalase, an enzyme taken from animal tissue (527 amino acids), intranasally for
# Parkinson's disease. EU: medicinal by presentation (Art. 1(2)(a)); the enzyme is the active substance and, extracted
# from a biological source and characterised only with biological assays and control of its source, a biological
# substance (Annex I Part I 3.2.1.1(b); provisional, no agency text on such a carried protein); Parkinson's disease is
# neurodegenerative and the substance new: centralised (Reg. 726/2004 Annex I point 3, provisional); mouse and bovine
# material: no tissues-and-cells rules. US: a protein above 40 amino acids is a biological product whatever carries it
# (21 CFR 600.3(h)(6)), BLA; the vesicles are biological or an inactive carrier, and neither reading adds a drug or
# device, so not a combination product (21 CFR 3.2(e)); not an HCT/P (animal). Whether the line is modified and cell
# content are not reported: ATMP, GMO, gene therapy, the lead centre and MFDS stay open (a gene therapy product
# stays at CBER; without one, the catalase would be a therapeutic protein that FDA moved to CDER in 2003, US-16h).
EXPECTED["haney-macrophage-exo-catalase-pd"] = {
    "EU_MedicinalProduct": "settled", "EU_BiologicalMedicinalProduct": "provisional",
    "EU_CentralisedProcedureMandatory": "provisional", "EU_NoHumanStartingMaterialRules": "settled",
    "Q_EU_ATMP": UNDECIDED, "Q_EU_GMO": UNDECIDED, "US_Drug": "settled", "US_BiologicalProduct": "settled",
    "US_NotHCTP": "settled", "US_NotCombinationProduct": "settled", "US_BLARequired": "settled",
    "Q_US_GeneTherapy": UNDECIDED, "Q_US_LeadCenter": UNDECIDED, "Q_KR_EVTherapy": UNDECIDED,
    "absent": ["US_RFDRecommended", "US_NDARequired", "EU_NonBiologicalMedicinalProduct"],
}
# Vesicles extruded from human monocytic U937 cells with doxorubicin, for colorectal tumours: MISEV2023's artificial
# cell-derived vesicles. EU: doxorubicin is the active substance; the human-cell carrier is an excipient or co-active
# (Art. 1(3a)-(3b); EU-06, contested); nothing genetic: not a GTMP and no GMO question; doxorubicin is authorised, so
# no Annex I point 3 trigger; an established line: whether its founding donation brings Dir. 2004/23/EC is contested.
# US: drug/biologic combination or drug with a biological inactive carrier (21 CFR 3.2(e)(1); contested), so a
# request for designation (21 U.S.C. 360bbb-2). Korea: mimetics made by disrupting cells are outside the guideline's
# core scope (MFDS 2024 §1; KR-03), but nothing genetic is introduced (Enforcement Decree Art. 2(1)2). Cell content
# not reported: ATMP and HCT/P stay open.
EXPECTED["jang-exo-mimetic-doxorubicin"] = {
    "EU_MedicinalProduct": "settled", "EU_NonBiologicalMedicinalProduct": "contested", "EU_NotGTMP": "settled",
    "EU_NoHumanStartingMaterialRules": "contested", "EU_NoGMOAssessmentQuestion": "settled", "Q_EU_ATMP": UNDECIDED,
    "US_Drug": "settled", "US_NotGeneTherapy": "settled", "US_CombinationProduct": "contested",
    "US_RFDRecommended": "settled", "Q_US_HCTP": UNDECIDED, "KR_NotGeneTherapyProduct": "provisional",
    "absent": ["KR_EVTherapyProduct"],
}
# Exosome-associated AAV1 carrying the Lhfpl5 transgene into the cochlea: a recombinant nucleic acid acting by
# expression, so a GTMP (Annex I Part IV 2.1), an ATMP (Reg. 1394/2007 Art. 2(1)(a)) and, by precedence, neither sCTMP
# nor TEP (Art. 2(4)-(5)); industrially made ATMP: centralised procedure (Reg. 726/2004 Annex I point 1a); made with
# modified cells: GMO question (Dir. 2001/18/EC; contested); HEK293T, an established line: starting-material rules
# contested. US: an AAV vector is prepared with a virus, so analogous to one and a biological product (21 CFR
# 600.3(h)(5)(i); PHS Act 351(i)), BLA; human gene therapy (FDA's definition; provisional), CBER; vector and vesicles
# are both biological, no drug or device: not a combination product (21 CFR 3.2(e)). Korea: transferring
# genetic material into the body is gene therapy (Enforcement Decree of the Advanced Regenerative Bio Act Art. 2(1)2),
# whatever the vesicles' place in the MFDS guideline; cell content not reported: HCT/P and the EV category stay open.
EXPECTED["gyorgy-exo-aav-hearing"] = {
    "EU_MedicinalProduct": "settled", "EU_GTMP": "settled", "EU_ATMP": "settled",
    "EU_BiologicalMedicinalProduct": "settled", "EU_NotSCTMP": "settled", "EU_NotCombinedATMP": "settled",
    "EU_CentralisedProcedureMandatory": "settled", "EU_GMOAssessmentQuestion": "contested",
    "EU_NoHumanStartingMaterialRules": "contested", "EU_HospitalExemptionNotAvailable": "settled",
    "US_Drug": "settled", "US_HumanGeneTherapyProduct": "provisional", "US_BiologicalProduct": "settled",
    "US_BLARequired": "settled", "US_NotCombinationProduct": "settled", "US_LeadCenterCBER": "provisional",
    "Q_US_HCTP": UNDECIDED,
    "Q_KR_EVTherapy": UNDECIDED, "KR_GeneTherapyProduct": "provisional",
    "absent": ["US_RFDRecommended", "US_NDARequired"],
}
# Exosomes of human cardiosphere-derived cells (CAP-2003) for Duchenne muscular dystrophy: native human vesicles acting
# themselves, biological (Annex I Part I 3.2.1.1(b); PHS Act 351(i), FDA's 2019 exosome notice), BLA, CBER; nothing
# loaded, no device: not a combination product; heart tissue donation: Dir. 2004/23/EC. Muscular dystrophy is not an
# Annex I point 3 disease, but an orphan designation (not reported) would make the centralised procedure mandatory
# (point 4): open. Producer modification and cell content not reported: GTMP, ATMP, HCT/P and MFDS stay open.
EXPECTED["aminzadeh-cdc-exo-dmd"] = {
    "EU_MedicinalProduct": "settled", "EU_BiologicalMedicinalProduct": "settled",
    "EU_HumanStartingMaterialRules": "settled", "EU_NotCombinedATMP": "settled", "Q_EU_ATMP": UNDECIDED,
    "Q_EU_GTMP": UNDECIDED, "Q_EU_CentralisedProcedure": UNDECIDED, "US_Drug": "settled",
    "US_BiologicalProduct": "settled", "US_NotCombinationProduct": "settled", "US_LeadCenterCBER": "provisional",
    "US_BLARequired": "settled", "Q_US_HCTP": UNDECIDED, "Q_KR_EVTherapy": UNDECIDED,
    "absent": ["US_RFDRecommended"],
}
# Akkermansia muciniphila vesicles by mouth for colitis: the disease claim makes them medicinal (Art. 1(2)(a)) and a US
# drug, never a food supplement or dietary supplement although swallowed; bacterial vesicles acting themselves:
# biological (Annex I Part I 3.2.1.1(b)); bacteria hold no human or animal cells, so neither sCTMP nor TEP (Reg.
# 1394/2007 Art. 2(1)); colitis is an immune dysfunction: centralised (Annex I point 3, provisional); no human
# material. US: whether bacterial vesicles as a therapeutic are a biological product is contested (21 CFR
# 600.3(h)(5)(i)), so a request for designation; not an HCT/P; vesicles alone: not a combination product. Korea:
# microbial vesicles, not cell therapy (Enforcement Decree Art. 2(1)1); cell content not reported: EV category open.
# Strain modification not reported: GTMP and GMO open.
EXPECTED["kang-akkermansia-ev-colitis"] = {
    "EU_MedicinalProduct": "settled", "EU_BiologicalMedicinalProduct": "settled", "EU_NotSCTMP": "settled",
    "EU_NotTEP": "settled", "EU_CentralisedProcedureMandatory": "provisional",
    "EU_NoHumanStartingMaterialRules": "settled", "Q_EU_GMO": UNDECIDED, "US_Drug": "settled",
    "US_NotHCTP": "settled", "US_BiologicalProduct": "contested", "US_NotCombinationProduct": "settled",
    "US_RFDRecommended": "settled", "Q_KR_EVTherapy": UNDECIDED, "KR_NotCellTherapyProduct": "settled",
    "absent": ["EU_FoodSupplement", "US_DietarySupplement"],
}

# Aethlon Hemopurifier: blood passes outside the body through a lectin cartridge that keeps circulating tumour exosomes.
# Nothing is given to the patient, and the capture is physical, not pharmacological, immunological or metabolic action
# in or on the body: a medical device and no medicinal product (Reg. (EU) 2017/745 Art. 2(1); Dir. 2001/83/EC Art.
# 1(2)), a device and no drug (FD&C Act 201(h); reviewed by CDRH), a medical device in Korea (Medical Devices Act Art.
# 2(1)). No medicinal-product question applies, however the vesicles it removes are described.
EXPECTED["aethlon-hemopurifier"] = {
    "EU_MedicalDevice": "settled", "US_Device": "settled", "KR_MedicalDevice": "settled",
    "absent": ["EU_MedicinalProduct", "EU_BiologicalMedicinalProduct", "EU_MedicinalProductDeviceCombination",
               "US_Drug", "US_BiologicalProduct", "US_CombinationProduct", "US_INDRequired", "KR_EVTherapyProduct"],
}

# Vesicles from human donor milk against necrotising enterocolitis: medicinal by presentation, native human vesicles
# acting themselves, a biological medicinal product (Dir. 2001/83/EC Annex I Part I 3.2.1.1(b)); nothing genetic.
# Milk is outside the tissues-and-cells and blood directives and comes under Reg. (EU) 2024/1938 from 7 August 2027
# (provisional: it holds from that date). US: secreted or extracted human products such as milk are not HCT/Ps (21 CFR
# 1271.3(d)(3)), whatever cells the milk holds, so the unreported cell content leaves no HCT/P question open; still a
# drug and biological product (PHS Act 351(i)). The cell content keeps the ATMP and MFDS questions open.
EXPECTED["pisano-human-milk-ev-nec"] = {
    "EU_MedicinalProduct": "settled", "EU_BiologicalMedicinalProduct": "settled", "EU_NotGTMP": "settled",
    "EU_HumanStartingMaterialRules": "provisional", "Q_EU_ATMP": UNDECIDED, "US_NotHCTP": "settled",
    "US_Not361HCTP": "settled", "US_BiologicalProduct": "settled", "US_NotCombinationProduct": "settled",
    "Q_KR_EVTherapy": UNDECIDED, "absent": ["US_HCTP"],
}

# EXO@INS, milk exosomes carrying insulin by mouth for type 1 diabetes. Insulin (two chains held together as in
# nature, 51 amino acids) is a protein and so a biological product in the US whatever carries it (21 CFR
# 600.3(h)(6)); both constituents biological, no device: not a combination product (21 CFR 3.2(e)); animal origin:
# not an HCT/P (1271.3(d)(6)). Lead centre: FDA moved therapeutic proteins to CDER in 2003 but keeps products made
# of parts of animal cells at CBER, and the milk vesicles only carry the insulin: CDER or CBER (contested), so a
# request for designation (21 CFR 3.7). EU: whether the insulin is recombinant, extracted or synthesised is not
# reported, and that decides whether its active substance is biological (Annex I Part I 3.2.1.1(b)): open, asking
# for it. No nucleic acid: not a GTMP; animal material: no human starting-material rules.
EXPECTED["wu-milk-exo-insulin-oral"] = {
    "EU_MedicinalProduct": "settled", "Q_EU_Biological": UNDECIDED, "EU_NotGTMP": "settled",
    "EU_NoHumanStartingMaterialRules": "settled", "US_Drug": "settled", "US_BiologicalProduct": "settled",
    "US_NotHCTP": "settled", "US_NotCombinationProduct": "settled", "US_BLARequired": "settled",
    "US_LeadCenterCDER": "contested", "US_RFDRecommended": "settled",
    "absent": ["EU_FoodSupplement", "US_DietarySupplement", "US_LeadCenterCBER"],
}

# SECRET-HF: the vesicle-enriched secretome of iPSC-derived cardiovascular progenitor cells, made under GMP for a
# multi-patient trial. Human cell-derived vesicles acting themselves: biological medicinal product, no hospital
# exemption (industrial, Art. 3(7) not applicable). A banked line: starting-material rules contested (EU-27c). How
# the iPSCs were reprogrammed and the cell content are not reported: GTMP, ATMP, HCT/P and US gene-therapy questions
# stay open, as does the combination question, since the length of the secreted factors beside the vesicles is
# unreported (a protein above 40 amino acids would be a second biological constituent).
EXPECTED["secret-hf-ipsc-cpc-ev"] = {
    "EU_BiologicalMedicinalProduct": "settled", "EU_HospitalExemptionNotAvailable": "settled",
    "EU_NoHumanStartingMaterialRules": "contested", "Q_EU_GTMP": UNDECIDED, "Q_EU_ATMP": UNDECIDED,
    "US_BiologicalProduct": "settled", "US_BLARequired": "settled", "Q_US_HCTP": UNDECIDED,
    "Q_US_GeneTherapy": UNDECIDED, "Q_US_Combination": UNDECIDED, "Q_KR_EVTherapy": UNDECIDED,
}

# Evox's exosomes for Niemann-Pick disease type C, known only from the partnership announcement: a medicine presented
# for a disease (Art. 1(2); FD&C Act 201(g)(1)), made industrially (no hospital exemption), but whether the payload is a
# protein or an mRNA, and what makes the vesicles, are not reported: the biological, gene-therapy, HCT/P and MFDS
# questions stay open.
EXPECTED["evox-npc-exosomes"] = {
    "EU_MedicinalProduct": "settled", "EU_HospitalExemptionNotAvailable": "settled", "Q_EU_Biological": UNDECIDED,
    "Q_EU_GTMP": UNDECIDED, "US_Drug": "settled", "Q_US_Biological": UNDECIDED, "Q_US_GeneTherapy": UNDECIDED,
    "Q_US_HCTP": UNDECIDED, "Q_KR_EVTherapy": UNDECIDED,
}

# Shiitake mushroom nanoparticles against acute liver injury. A fungus is grouped with plants by medicinal-product law
# (herbal substances include fungi, Dir. 2001/83/EC Art. 1(31); FDA's botanicals include fungi), so the plant-vesicle
# answers apply: biological or herbal medicinal product (EU-03, contested), not an ATMP (no human or animal cells,
# Reg. 1394/2007 Art. 2(1)(b)); in the US a drug, no biological-product category fitting botanical material (US-11,
# provisional), not an HCT/P. Outside the MFDS guideline's core scope (KR-03).
EXPECTED["liu-shiitake-eln-liver"] = {
    "EU_MedicinalProduct": "settled", "EU_BiologicalMedicinalProduct": "contested", "EU_NotATMP": "settled",
    "EU_NotSCTMP": "settled", "EU_NoHumanStartingMaterialRules": "settled", "US_Drug": "settled",
    "US_NonBiologicDrug": "provisional", "US_NotHCTP": "settled", "US_NotCombinationProduct": "settled",
    "KR_NotCellTherapyProduct": "settled", "absent": ["US_BiologicalProduct", "US_HCTP"],
}


# Grapefruit lipid nanovectors carrying a therapeutic protein (an antibody) into tumour cells: the protein is the
# active substance (Art. 1(3a)); no cells and nothing genetic: not an ATMP; cancer, new active substance: centralised
# (Reg. 726/2004 Annex I point 3). Whether it is an EU biological medicinal product waits for how the protein was made
# (Annex I Part I 3.2.1.1(b)). US: a protein above 40 amino acids is a biological product (21 CFR 600.3(h)(6)) carried
# by an inactive botanical vehicle, so one article, not a combination product; CDER reviews recombinant therapeutic
# proteins since 2003 while blood-derived proteins stay at CBER, so the lead centre waits for how the protein was made
# (US-16i). Korea: plant material, outside the guideline's core scope (KR-03).
EXPECTED["wang-gnv-protein"] = {
    "EU_MedicinalProduct": "settled", "EU_NotATMP": "settled", "EU_NotGTMP": "settled", "Q_EU_Biological": UNDECIDED,
    "EU_CentralisedProcedureMandatory": "provisional", "EU_NoHumanStartingMaterialRules": "settled",
    "US_Drug": "settled", "US_BiologicalProduct": "settled", "US_NotHCTP": "settled",
    "US_NotCombinationProduct": "settled", "US_BLARequired": "settled", "Q_US_LeadCenter": UNDECIDED,
    "KR_NotCellTherapyProduct": "settled", "absent": ["US_RFDRecommended", "US_NonBiologicDrug"],
}

# EXOB-001, umbilical-cord MSC vesicles instilled through the breathing tube of extremely preterm infants: native human
# vesicles acting themselves, a biological medicinal product (Annex I Part I 3.2.1.1(b)); the product is defined as
# vesicles under 0.22 micrometres, so no cells: not an sCTMP or TEP; whether the producer cells were modified is not
# reported, so the GTMP and ATMP questions stay open. Cord donation: tissues-and-cells rules for the starting material.
# Made for a multinational trial: no hospital exemption. US: a biological product (PHS Act 351(i)), cell-free, not an
# HCT/P (1271.3(d)). Korea: a cell-free vesicle therapy product (MFDS 2024 §1-2).
EXPECTED["exob-001-bpd"] = {
    "EU_MedicinalProduct": "settled", "EU_BiologicalMedicinalProduct": "settled", "EU_NotSCTMP": "settled",
    "Q_EU_GTMP": UNDECIDED, "Q_EU_ATMP": UNDECIDED, "EU_HumanStartingMaterialRules": "settled",
    "EU_HospitalExemptionNotAvailable": "settled", "US_BiologicalProduct": "settled", "US_NotHCTP": "settled",
    "US_NotCombinationProduct": "settled", "US_LeadCenterCBER": "provisional", "Q_US_GeneTherapy": UNDECIDED,
    "KR_EVTherapyProduct": "settled", "KR_NotCellTherapyProduct": "settled", "Q_KR_GeneTherapy": UNDECIDED,
}

# Human bone-marrow MSC microvesicles in acute kidney injury (mice): native human vesicles acting themselves, biological
# (Annex I Part I 3.2.1.1(b)); unmodified producers and no cargo: not a GTMP, no GMO question; cell content not
# reported: sCTMP, ATMP and HCT/P stay open. US: a biological product (PHS Act 351(i)). Korea: whether it is a vesicle
# or a cell therapy product waits for the cell content, but either is a biological product (KR-01h, provisional).
EXPECTED["bruno-msc-mv-aki"] = {
    "EU_MedicinalProduct": "settled", "EU_BiologicalMedicinalProduct": "settled", "EU_NotGTMP": "settled",
    "Q_EU_ATMP": UNDECIDED, "Q_EU_SCTMP": UNDECIDED, "EU_NoGMOAssessmentQuestion": "settled",
    "US_Drug": "settled", "US_BiologicalProduct": "settled", "US_NotGeneTherapy": "settled", "Q_US_HCTP": UNDECIDED,
    "KR_BiologicalProduct": "provisional", "Q_KR_EVTherapy": UNDECIDED,
}

# SNE-101, umbilical-cord MSC exosomes for acute ischaemic stroke under an MFDS-approved phase 1b plan: native human
# vesicles, biological in the EU and the US; cell content and producer modification not reported, so the ATMP, HCT/P
# and gene-therapy questions stay open. Korea: a biological product whichever of vesicle or cell therapy product it is
# (KR-01h, provisional); the guideline's own category waits for the cell content.
EXPECTED["sne-101-stroke"] = {
    "EU_BiologicalMedicinalProduct": "settled", "Q_EU_ATMP": UNDECIDED, "EU_HospitalExemptionNotAvailable": "settled",
    "US_BiologicalProduct": "settled", "Q_US_HCTP": UNDECIDED, "US_LeadCenterCBER": "provisional",
    "KR_BiologicalProduct": "provisional", "Q_KR_EVTherapy": UNDECIDED, "Q_KR_CellTherapy": UNDECIDED,
}

# STX11102, adipose stem-cell exosomes in a nasal spray for acute ischaemic stroke: native human vesicles, biological
# in the EU and the US; the spray container is an integral device that only delivers, so in the US a combination
# product led by the biologic (21 CFR 3.2(e), 3.4; CBER). Cell content and producer modification not reported: ATMP,
# HCT/P and gene-therapy questions stay open. Korea: a biological product either way (KR-01h), so with the vesicles
# acting principally a drug with a device part (KR-04, provisional).
EXPECTED["stx11102-adsc-exo-nasal-stroke"] = {
    "EU_MedicinalProduct": "settled", "EU_BiologicalMedicinalProduct": "settled", "Q_EU_ATMP": UNDECIDED,
    "US_BiologicalProduct": "settled", "US_CombinationProduct": "settled", "US_LeadCenterCBER": "provisional",
    "Q_US_HCTP": UNDECIDED, "KR_BiologicalProduct": "provisional", "KR_IntegralProductAsDrug": "provisional",
    "Q_KR_EVTherapy": UNDECIDED,
}

# Broccoli nanoparticles acting through their own sulforaphane against colitis, by mouth: plant vesicles acting in
# their own right, a medicinal product whose biological or herbal reading is contested (EU-03; Art. 1(30)-(32));
# no human or animal cells and nothing genetic: not an ATMP; new active substance for an immune-mediated disease:
# centralised (Annex I point 3). US: a drug, no biological-product category fitting botanical material (US-11,
# provisional), reviewed by CDER under an NDA. Korea: plant vesicles, outside the guideline's core scope (KR-03).
EXPECTED["deng-broccoli-bdn-colitis"] = {
    "EU_MedicinalProduct": "settled", "EU_BiologicalMedicinalProduct": "contested", "EU_NotATMP": "settled",
    "EU_NoHumanStartingMaterialRules": "settled", "EU_CentralisedProcedureMandatory": "provisional",
    "US_Drug": "settled", "US_NonBiologicDrug": "provisional", "US_NotHCTP": "settled",
    "US_LeadCenterCDER": "provisional", "US_NDARequired": "provisional", "KR_NotCellTherapyProduct": "settled",
    "absent": ["US_BiologicalProduct", "KR_BiologicalProduct"],
}

def _answers(name: str):
    graph = load_rdf(FIXTURES / f"{name}.yaml")
    result = classify(graph)
    product = next(iter(result.products))
    return graph, result.for_product(product)


def _variant(tmp_path, name: str, old: str, new: str):
    """A fixture with one passage changed: its file and the outcomes for its product."""
    text = (FIXTURES / f"{name}.yaml").read_text()
    assert old in text
    path = tmp_path / f"{name}-variant.yaml"
    path.write_text(text.replace(old, new))
    result = classify(load_rdf(path))
    return path, result.for_product(next(iter(result.products)))


def _best(outcomes, category: str):
    rank = {"settled": 3, "provisional": 2, "contested": 1, "out-of-scope": 0}
    found = [o for o in outcomes if o.category == str(EVKG[category]) and o.status in rank]
    return max(found, key=lambda o: rank[o.status]) if found else None


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_product_from_the_literature_classifies_as_the_law_says(name):
    graph, outcomes = _answers(name)
    undecided = {o.question.split("#")[1] for o in outcomes if o.status == "undecided"}
    for key, expected in EXPECTED[name].items():
        if key == "absent":
            for category in expected:
                assert _best(outcomes, category) is None, f"{name}: {category} concluded"
        elif expected == UNDECIDED:
            assert key in undecided, f"{name}: {key} answered, expected undecided"
        else:
            outcome = _best(outcomes, key)
            assert outcome is not None, f"{name}: {key} not concluded"
            assert outcome.status == expected, f"{name}: {key} is {outcome.status} ({outcome.rule}), expected {expected}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_product_from_the_literature_conforms_under_the_published_profile(name):
    report = validate(load_rdf(FIXTURES / f"{name}.yaml"), profile="published")
    assert report.conforms, [r.message for p in report.products for r in p.results if r.severity == "Violation"]


def test_a_question_waiting_for_a_contested_reading_says_which():
    """Red-cell EVs carrying a synthetic oligonucleotide: whether the carrier makes the product biological is
    contested (EU-06), and the blood-derived question (EU-31, Dir. 2001/83/EC Art. 1(10)) needs a biological
    product. No fact is missing, so the answer is open because of that contest, and the report says so
    instead of calling the law silent."""
    _, outcomes = _answers("rbcev-aso-aml")
    blood = next(o for o in outcomes if o.question == str(EVKG.Q_EU_BloodDerived) and o.status == "undecided")
    assert not blood.missing
    assert "EU-06, contested" in blood.rationale and "'EU biological medicinal product'" in blood.rationale
    assert "EU-31" in blood.rationale and "the law leaves it open" not in blood.rationale
    # the contest is recorded in the law's own words: EU-06's sources are named, in the text and as sources
    assert "Directive 2001/83/EC, Article 1(3a)" in blood.rationale
    assert any(s["iri"].endswith("/art-1-3a") for s in blood.sources)


def test_a_hospital_preparation_of_a_non_atmp_cannot_use_the_hospital_exemption(tmp_path):
    """The autologous plasma exosomes prepared in the hospital for one patient: Art. 3(7) of Dir. 2001/83/EC
    exempts only ATMPs, so a cell-free, non-genetic EV biological is told the exemption is not available and that
    the EU route for such a preparation depends on national rules (EU-24, contested)."""
    _, outcomes = _variant(tmp_path, "kumamoto-autologous-plasma-exo", "manufacturingSetting: IndustrialManufacture",
                           "manufacturingSetting: HospitalNonRoutinePreparation")
    exemption = _best(outcomes, "EU_HospitalExemptionNotAvailable")
    assert (exemption.rule, exemption.status) == ("EU-24", "contested")
    assert _best(outcomes, "EU_HospitalExemptionAvailable") is None


def test_an_answer_taken_from_an_agency_names_only_that_jurisdictions_determination():
    """Comirnaty holds an EU marketing authorisation and a US licence. The EU answers adopted from the
    authorisation (EU-30) rest on it alone, and the US answers adopted from the licence (US-20) on the licence:
    an FDA licence is no reason for an EU classification (Reg. 726/2004; 42 U.S.C. 262(a))."""
    _, outcomes = _answers("comirnaty")
    adopted = {o.rule: " ".join(o.premises) for o in outcomes if o.rule in ("EU-30", "US-20")}
    assert "EU conditional marketing authorisation" in adopted["EU-30"]
    assert "US biologics licence" not in adopted["EU-30"]
    assert "US biologics licence" in adopted["US-20"]
    assert "EU conditional marketing authorisation" not in adopted["US-20"]


def test_a_plasma_protein_formulated_with_the_vesicles_is_described_as_extracted_not_recombinant(tmp_path):
    """PEP-TISSEEL written with 'cargoKind: Protein' for the fibrin-sealant proteins: the finding must say how to
    describe a protein taken from plasma (OtherSubstanceKind, extracted, with its length), not only offer
    RecombinantProtein, which would claim recombinant DNA technology (Reg. 726/2004 Annex I point 1)."""
    text = (FIXTURES / "rion-pep-tisseel.yaml").read_text()
    wrong = tmp_path / "pep-protein.yaml"
    wrong.write_text(text.replace("cargoKind: OtherSubstanceKind", "cargoKind: Protein"))
    report = validate(load_rdf(wrong), profile="published")
    kind = [r.message for p in report.products for r in p.results if r.constraint_id == "S-coFormulatedKind"]
    assert kind and "plasma" in kind[0] and "OtherSubstanceKind" in kind[0] and "ExtractedNatural" in kind[0]


def _alternatives(outcomes, rule: str) -> set[str]:
    outcome = next(o for o in outcomes if o.rule == rule)
    return {iri.split("#")[1] for iri, _ in outcome.alternatives}


def test_a_plant_vesicle_acting_beside_a_chemical_is_not_offered_as_a_herbal_medicinal_product(tmp_path):
    """A herbal medicinal product has exclusively herbal active ingredients (Dir. 2001/83/EC Art. 1(30)). Grapefruit
    vesicles acting together with methotrexate (role both) are a biological substance or, read as a herbal
    preparation, one of two non-biological active substances: never a herbal medicinal product. The same holds for
    a plant carrier of doxorubicin read as co-active (EU-06). Plant vesicles acting alone keep the herbal reading."""
    _, gdn = _answers("wang-gdn-mtx-colitis")
    assert _alternatives(gdn, "EU-03") == {"EU_NonBiologicalMedicinalProduct"}
    _, ginger_carrier = _answers("gdlv-doxorubicin")
    assert _alternatives(ginger_carrier, "EU-06") == {"EU_BiologicalMedicinalProduct"}

    text = (FIXTURES / "wang-gdn-mtx-colitis.yaml").read_text()
    alone = text.replace("evRole: CombinedRole", "evRole: ActiveSubstanceRole")
    alone = alone[:alone.index("loadedCargo:")] + "hasNoLoadedCargo: true\n"
    vesicles_alone = tmp_path / "gdn-alone.yaml"
    vesicles_alone.write_text(alone)
    result = classify(load_rdf(vesicles_alone))
    outcomes = result.for_product(next(iter(result.products)))
    assert _alternatives(outcomes, "EU-03") == {"EU_HerbalMedicinalProduct"}


def test_a_fact_the_registry_does_not_report_is_named_in_a_sentence_that_reads_for_any_fact():
    """The cord-MSC eye-drop trial record says nothing on producer modification or cells in the product. The
    finding names the fact first and then says the sources do not state it: "do not state genetically modified"
    was not English, and did not say that the producer cells were meant."""
    report = validate(load_rdf(FIXTURES / "umsc-exo-dry-eye-gvhd.yaml"), profile="published")
    messages = {r.constraint_id: r.message for p in report.products for r in p.results}
    modified = messages["F-geneticallyModified"]
    assert modified.startswith("Not reported by the source: whether the producer cells or organism are genetically modified. ")
    assert "do not state it, so it stays unknown" in modified
    assert messages["F-cellContent"].startswith("Not reported by the source: cells in the final product. ")


def test_a_question_waiting_for_an_answer_a_rule_leaves_open_says_which(tmp_path):
    """Plant vesicles are outside the MFDS guideline's core scope, so KR-03 leaves the EV-therapy question open;
    were the ginger genetically modified, the gene-therapy question (KR-02 needs an EV therapy product) could not
    be answered. The report names that gate instead of saying the law leaves the gene-therapy question open."""
    _, outcomes = _variant(tmp_path, "wang-gdn-mtx-colitis", "geneticallyModified: false", "geneticallyModified: true")
    scope = next(o for o in outcomes if o.rule == "KR-03")
    assert (scope.category.split("#")[1], scope.status) == ("Undecided", "provisional")
    gene = next(o for o in outcomes if o.question == str(EVKG.Q_KR_GeneTherapy) and o.status == "undecided")
    assert not gene.missing
    assert "KR-03 leaves open" in gene.rationale and "would KR-02 answer" in gene.rationale
    assert "the law leaves it open" not in gene.rationale
    assert "source: MFDS EV therapy product guideline (2024)" in gene.rationale, gene.rationale
    assert [s["iri"] for s in gene.sources] == [s["iri"] for s in scope.sources]


def test_an_open_question_no_rule_decides_does_not_say_the_law_is_silent():
    """Cardiac progenitor vesicles with the cells' secreted factors beside them: no rule says whether it is a
    combination product, but nothing recorded says the law leaves the question open. The answer says evkg's rules
    stop there and that FDA decides, not that the law is silent."""
    _, outcomes = _answers("secret-hf-ipsc-cpc-ev")
    combination = next(o for o in outcomes if o.question == str(EVKG.Q_US_Combination) and o.status == UNDECIDED)
    assert not combination.missing and not combination.sources
    assert "the law leaves it open" not in combination.rationale
    assert "a limit of evkg's rules, not a finding that the law is silent" in combination.rationale
    assert combination.rationale.endswith("Ask FDA (a request for designation under 21 CFR 3.7).")


def test_an_mrna_vaccine_against_an_infectious_disease_gets_both_us_readings_of_gene_therapy():
    """Comirnaty: FDA's mechanistic definition of gene therapy reaches a transferred mRNA, and no US statute exempts
    vaccines, but FDA's gene therapy guidance has left preventive vaccines out since 1998 and nucleic-acid vaccines
    against infectious diseases have guidance of their own. It was 'no rule applies'; both readings are reported."""
    _, outcomes = _answers("comirnaty")
    gene = [o for o in outcomes if o.question == str(EVKG.Q_US_GeneTherapy)]
    assert [(o.category.split("#")[1], o.status, o.rule) for o in gene] == [("US_NotGeneTherapy", "contested", "US-13v")]
    assert [a.split("#")[1] for a, _ in gene[0].alternatives] == ["US_HumanGeneTherapyProduct"]
    cited = {s["iri"].rsplit("/", 1)[-1] for s in gene[0].sources}
    assert {"us-fda-gene-therapy-guidance-1998", "us-fda-dna-vaccine-guidance-2007", "us-fda-ltfu-guidance-2020"} <= cited


def test_plant_vesicles_with_nothing_genetic_introduced_are_no_gene_therapy_product_in_korea():
    """Ginger vesicles carrying methotrexate, the ginger unmodified: KR-03 leaves the EV-therapy question open, but
    Korean law defines gene therapy as transferring genetic material (Enforcement Decree of the Advanced
    Regenerative Bio Act, Art. 2(1)2), and nothing genetic is introduced, so the answer does not wait for the scope."""
    _, outcomes = _answers("wang-gdn-mtx-colitis")
    gene = [(o.category.split("#")[1], o.status, o.rule) for o in outcomes if o.question == str(EVKG.Q_KR_GeneTherapy)]
    assert gene == [("KR_NotGeneTherapyProduct", "provisional", "KR-02b")]


def test_a_trial_evkg_does_not_hold_is_answered_with_its_registry_link(tmp_path):
    """The miR-124 exosome trial cited as trial:NCT03384433, a name for curated trials only: the finding tells the
    describer to cite the ClinicalTrials.gov record (which evkg accepts), not to import BibTeX or check a DOI."""
    text = (FIXTURES / "msc-exo-mir124-stroke.yaml").read_text()
    as_trial = tmp_path / "mir124-trial-name.yaml"
    as_trial.write_text(text.replace("https://clinicaltrials.gov/study/NCT03384433", "trial:NCT03384433"))
    findings = [r for p in validate(load_rdf(as_trial), profile="published").products for r in p.results
                if r.constraint_id == "SRC-01"]
    assert len(findings) == 1
    assert "Cite its registry record instead: https://clinicaltrials.gov/study/NCT03384433" in findings[0].message
    assert "DOI" not in findings[0].message
    cited = validate(load_rdf(FIXTURES / "msc-exo-mir124-stroke.yaml"), profile="published")
    assert not [r for p in cited.products for r in p.results if r.constraint_id == "SRC-01"]


def test_a_modification_written_as_text_is_shown_how_to_wrap_it(tmp_path):
    """altSonflex1-2-3's S. sonnei strain written as `hasGeneticModification: "Deletion of tolR ..."`: the text is
    not an `encodes` block, and the finding says so and shows the block with the describer's own words, instead
    of saying that a given modification lacks what its construct encodes. The example of a missing modification
    includes gene deletions, the usual change in vesicle-vaccine strains."""
    text = (FIXTURES / "altsonflex-1-2-3.yaml").read_text()
    block = ('''      hasGeneticModification:
        - type: GeneticModification
          encodes: "Deletion of tolR (hyper-blebbing) and htrB (penta-acylated lipid A)"''')
    assert block in text
    as_text = tmp_path / "altsonflex-text-modification.yaml"
    as_text.write_text(text.replace(block, '      hasGeneticModification: "Deletion of tolR and htrB"'))
    messages = [r.message for p in validate(load_rdf(as_text), profile="published").products for r in p.results
                if r.constraint_id == "Q-08"]
    assert any("written as text" in m and 'encodes: "Deletion of tolR and htrB"' in m for m in messages), messages
    assert not any("does not say what the construct encodes" in m for m in messages)
    stripped = tmp_path / "altsonflex-no-modification.yaml"
    stripped.write_text(text.replace(block + "\n", "").replace("      notReported: [hasGeneticModification]\n", ""))
    missing = [r.message for p in validate(load_rdf(stripped), profile="published").products for r in p.results
               if r.constraint_id == "Q-08" and "not described" in r.message]
    assert missing and "which genes were deleted" in missing[0]


def test_eye_drops_without_a_disease_claim_are_not_offered_as_a_cosmetic(tmp_path):
    """The cord-MSC exosome eye drops, presented without a disease claim (say, to soothe tired eyes): a cosmetic is
    placed on the external parts of the body, the teeth or the oral mucosa (Reg. (EC) No 1223/2009 Art. 2(1)(a)),
    not on the eye's surface, so EU-01c's cosmetic reading does not apply and the product is medicinal by function
    (EU-01d, provisional). Eye drops needed a route of their own: 'topical' means skin or a wound."""
    assert "routeOfAdministration: [Ophthalmic]" in (FIXTURES / "umsc-exo-dry-eye-gvhd.yaml").read_text()
    unclaimed, outcomes = _variant(tmp_path, "umsc-exo-dry-eye-gvhd", "intendedUse: [Treatment]\ndiseaseClaim: true",
                                   "intendedUse: [Treatment, NonMedical]\ndiseaseClaim: false")
    medicinal = _best(outcomes, "EU_MedicinalProduct")
    assert (medicinal.rule, medicinal.status) == ("EU-01d", "provisional")
    assert not any(o.rule == "EU-01c" for o in outcomes)
    assert validate(load_rdf(unclaimed), profile="published").conforms


def test_an_open_question_says_when_a_catch_all_value_may_be_what_leaves_it_open():
    """The secreted factors beside cardiac progenitor vesicles are written 'other substance', which no combination
    rule can place: the answer names that value and asks for a more specific one, instead of saying only that
    the law leaves the question open (21 CFR 3.2(e) is not silent about two biologics)."""
    _, outcomes = _answers("secret-hf-ipsc-cpc-ev")
    combination = next(o for o in outcomes if o.question == str(EVKG.Q_US_Combination))
    assert combination.status == UNDECIDED
    assert "cargo kind: other substance" in combination.rationale
    assert "If a more specific value fits, give it" in combination.rationale
    _, outcomes = _answers("menzb")           # nothing vague stated: the plain wording stays where it applies
    assert all("no rule can place" not in o.rationale for o in outcomes if o.status == UNDECIDED)


def test_a_settled_biological_product_needs_a_bla_with_no_nda_reading():
    """TargomiRs carries a recombinant antibody (a protein, so biological: 21 CFR 600.3(h)(6)) and a drug cargo in
    bacterial minicells, whose own biological status US-15 contests. The application answer follows the settled
    premise: a BLA, without the NDA that only the contested reading of the carrier would need."""
    _, outcomes = _answers("targomirs-mesomir")
    bla = [o for o in outcomes if o.category == str(EVKG.US_BLARequired) and o.status != "superseded"]
    assert bla and all(not o.alternatives for o in bla if o.status == "settled")
    best = _best(outcomes, "US_BLARequired")
    assert best.status == "settled" and not best.alternatives


def test_a_recombinant_protein_formulated_beside_the_vesicles_makes_the_product_biological(tmp_path):
    """A recombinant protein active substance is a biotechnology product (Annex I Part I 3.2.1.1(b)) whether the
    vesicles carry it or it is formulated beside them; the excipient reading of the carrier (EU-06) then leaves no
    non-biological medicinal product. Without the antibody the carrier question is contested again."""
    _, outcomes = _answers("targomirs-mesomir")
    biological = _best(outcomes, "EU_BiologicalMedicinalProduct")
    assert (biological.rule, biological.status) == ("EU-05", "settled")
    assert _best(outcomes, "EU_NonBiologicalMedicinalProduct") is None
    text = (FIXTURES / "targomirs-mesomir.yaml").read_text()
    block = text[text.index("coFormulatedActiveSubstance:"):]
    _, without = _variant(tmp_path, "targomirs-mesomir", block, "")
    assert _best(without, "EU_NonBiologicalMedicinalProduct").status == "contested"


def test_without_an_integral_device_the_product_is_not_a_combined_atmp_whatever_its_atmp_answer():
    """CTX0E03 exosomes: the ATMP question waits for whether the vesicles carry transgene-derived nucleic acid, but
    a combined ATMP must incorporate a medical device (Reg. 1394/2007 Art. 2(1)(d)) and none is. The answer is
    given at once from the device alone, instead of waiting for a nucleic-acid fact that cannot change it."""
    _, outcomes = _answers("ctx0e03-nsc-exo")
    combined = _best(outcomes, "EU_NotCombinedATMP")
    assert (combined.rule, combined.status, combined.premises) == ("EU-21c", "settled", ["integral medical device: no"])
    assert not [o for o in outcomes if o.question == str(EVKG.Q_EU_CombinedATMP) and o.status == UNDECIDED]


def test_a_tissue_given_as_the_producer_cell_type_is_named_with_the_search_that_finds_a_cell_type(tmp_path):
    """ExoOA-1's producer written as bone marrow (UBERON), a common slip for "bone-marrow MSCs": the finding reads
    as English ("an anatomical entity term") and shows the search the docs teach, `--for producerCellType`, which
    offers cell types and cell lines alike, not `--kind cellline`, which would hide the MSC cell types."""
    path, _ = _variant(tmp_path, "exo-oa1-knee", "producerCellType: CL:0000134", "producerCellType: UBERON:0002371")
    messages = [r.message for p in validate(load_rdf(path), profile="published").products for r in p.results
                if r.constraint_id == "TERM-04"]
    assert len(messages) == 1
    assert "which is an anatomical entity term; the producer cell type needs a cell line or cell type term" in messages[0]
    assert "`evkg terms search TEXT --for producerCellType`" in messages[0]



def test_an_unreported_fact_of_one_cargo_item_names_that_item():
    """Cas9 RNP exosomes carry two items: the Cas9 protein, stated as recombinant, and a guide RNA whose
    manufacture the paper's record leaves open. The open GTMP and combination questions say whose manufacture is
    not reported, not only 'manufacture', which would leave a describer to guess between the two items."""
    _, outcomes = _answers("wan-exo-cas9-rnp-liver")
    combination = next(o for o in outcomes if o.question == str(EVKG.Q_US_Combination))
    manufacture = next(m for m in combination.missing if m["property"].endswith("#manufacture"))
    assert manufacture["not_reported"] and manufacture["of"] == ["Single guide RNA against the target gene"]
    assert manufacture["prompt"] == "Not reported by the source: manufacture (of Single guide RNA against the target gene)."
    cells = next(m for o in outcomes if o.question == str(EVKG.Q_US_HCTP) for m in o.missing)
    assert cells["not_reported"] and cells["of"] == []          # stated on the product itself: nothing to add


def test_ginger_exosomes_formulated_with_curcumin_are_two_drugs_not_a_combination(tmp_path):
    """The trial's third arm gives the ginger exosomes with curcumin. Were curcumin formulated with them, the
    product would hold two drugs (the plant vesicles, US-11, and a small molecule) and no device: not a
    combination product (21 CFR 3.2(e)), as firm as the plant vesicles' drug status, reviewed by CDER."""
    _, outcomes = _variant(tmp_path, "ginger-exo-ibd", "hasNoLoadedCargo: true\n",
                           "hasNoLoadedCargo: true\ncoFormulatedActiveSubstance:\n  - type: CoFormulatedActiveSubstance\n"
                           "    label: Curcumin\n    cargoKind: SmallMolecule\n    manufacture: ExtractedNatural\n")
    single = _best(outcomes, "US_NotCombinationProduct")
    assert (single.rule, single.status) == ("US-15g", "provisional")
    assert _best(outcomes, "US_LeadCenterCDER").status == "provisional"
    assert _best(outcomes, "US_CombinationProduct") is None


def test_a_displayed_recombinant_protein_makes_the_engineered_vesicle_biological_whatever_organism_releases_it(tmp_path):
    """exoIL-12's producer organism is not reported, so EU-02 cannot read the vesicles' origin; but the IL-12 it
    displays is made by recombinant DNA technology in the engineered producer cells, so the engineered vesicle, the
    active substance, is a biotechnology product and the product biological (Dir. 2001/83/EC Annex I Part I
    3.2.1.1(b)). A recombinant protein loaded into the vesicles after isolation, beside vesicles acting themselves,
    leaves the question to the vesicles' origin."""
    _, outcomes = _answers("exoil12-cdk003-ctcl")
    biological = _best(outcomes, "EU_BiologicalMedicinalProduct")
    assert (biological.rule, biological.status) == ("EU-05", "settled")
    _, loaded_after = _variant(tmp_path, "exoil12-cdk003-ctcl", "loadedBy: ProducerCellEngineering",
                               "loadedBy: Electroporation")
    assert _best(loaded_after, "EU_BiologicalMedicinalProduct") is None


def test_a_protein_displayed_as_v10_advises_is_not_questioned_again_by_v02(tmp_path):
    """V-10 tells a describer whose protein is displayed through producer engineering to call the engineered vesicle
    the active substance and keep the protein as cargo; V-02 then asked to confirm that in the reason for the role,
    which exoIL-12, the spike-displaying StealthX vaccine and the CAR-T exosomes give, and kept asking. It now asks
    only when no reason is given, or when the cargo is not a protein put there by the producer cells."""
    def v02(path):
        return [r for p in validate(load_rdf(path), profile="published").products for r in p.results
                if r.constraint_id == "V-02"]
    for name in ("exoil12-cdk003-ctcl", "stealthx-spike-exo-vaccine", "fu-car-t-exosomes", "dexafp-hcc"):
        assert not v02(FIXTURES / f"{name}.yaml"), name
    text = (FIXTURES / "exoil12-cdk003-ctcl.yaml").read_text()
    reason = text[text.index("roleJustification:"):text.index("\n", text.index("roleJustification:")) + 1]
    unexplained = tmp_path / "exoil12-no-reason.yaml"
    unexplained.write_text(text.replace(reason, ""))
    assert v02(unexplained)
    loaded_after = tmp_path / "exoil12-loaded-after.yaml"
    loaded_after.write_text(text.replace("loadedBy: ProducerCellEngineering", "loadedBy: Electroporation"))
    assert v02(loaded_after)


def test_the_brightening_cosmetic_presented_for_a_disease_is_a_medicine_in_each_jurisdiction(tmp_path):
    """The adipose-exosome cosmetic, were it presented as treating a disease while still sold only as a cosmetic
    (V-13), is a medicinal product by presentation (Dir. 2001/83/EC Art. 1(2)(a)), a drug (FD&C Act 201(g)(1)(B))
    and, cell-free human vesicles, an EV therapy product in Korea (PAA Art. 2(4); MFDS 2024 §1-2): no longer out of
    scope, although the describer is still asked to add the medical use presented."""
    text = (FIXTURES / "cho-asce-skin-brightening.yaml").read_text()
    path, outcomes = _variant(tmp_path, "cho-asce-skin-brightening", "diseaseClaim: false\n",
                              "diseaseClaim: true\ncellContent: NoCells\n")
    assert "intendedUse: [NonMedical]\n" in text
    for category in ("EU_MedicinalProduct", "US_Drug", "KR_EVTherapyProduct"):
        assert _best(outcomes, category).status == "settled", category
    assert not any(o.category == str(EVKG.OutOfScope) for o in outcomes)
    assert any(r.constraint_id == "V-13" for p in validate(load_rdf(path), profile="published").products
               for r in p.results)


def test_how_a_displayed_peptide_was_made_is_not_offered_as_how_the_siRNA_was_made():
    """RVG exosomes: the paper says the targeting peptide is expressed from a transgene (manufacture on the engineered
    component, where the shapes check it and EU-26 reads it) and not how the siRNA was made. The finding on the
    siRNA's missing manufacture must not tell the author to move the peptide's manufacture onto the siRNA."""
    report = validate(load_rdf(FIXTURES / "alvarez-erviti-rvg-exo-sibace1.yaml"), profile="published")
    messages = [r.message for p in report.products for r in p.results if r.constraint_id == "F-cargoManufacture"]
    assert len(messages) == 1 and "Not reported by the source" in messages[0]
    assert "move it here" not in messages[0]


def test_a_product_presented_for_no_disease_is_not_asked_which_disease_it_is_for(tmp_path):
    """Conditioned medium put on laser wounds to speed their healing, presented for no disease (diseaseClaim
    false): asking it to "say which disease the product is meant for" contradicted what it states. Once it
    claims a disease, the indication is asked again."""
    def asked(path):
        report = validate(load_rdf(path), profile="published")
        return {r.constraint_id for p in report.products for r in p.results}

    assert "S-indication" not in asked(FIXTURES / "zhou-adsc-cm-laser-wound.yaml")
    claimed, _ = _variant(tmp_path, "zhou-adsc-cm-laser-wound", "diseaseClaim: false", "diseaseClaim: true")
    assert "S-indication" in asked(claimed)



def test_an_open_question_on_an_other_substance_without_a_length_asks_for_it_if_it_is_a_protein(tmp_path):
    """Conditioned medium: the secreted factors beside the vesicles are written 'other substance', extracted, length
    not reported. Above 40 amino acids they are a protein, a second biological constituent and not a drug (21 CFR
    600.3(h)(6); 3.2(e)), which US-15c reads. The open combination question said that no missing fact could
    change it and only asked for 'a more specific value'; it now asks for the length if it is a protein, and
    says the sources do not report it, and names the kind a polysaccharide vaccine antigen has. A polysaccharide
    written 'other substance' (VA-MENGOC-BC as it was) is told the same conditionally, and a substance with its
    length stated is not."""
    def combination(name):
        _, outcomes = _answers(name)
        return next(o for o in outcomes if o.question == str(EVKG.Q_US_Combination))

    medium = combination("zhou-adsc-cm-laser-wound")
    assert medium.status == UNDECIDED
    assert "no missing fact could change that" not in medium.rationale
    assert "if it is a protein or peptide, give its length in amino acids" in medium.rationale
    assert "which the sources consulted do not report" in medium.rationale
    assert "is the kind PolysaccharideAntigen" in medium.rationale
    _, outcomes = _variant(tmp_path, "va-mengoc-bc", "cargoKind: PolysaccharideAntigen", "cargoKind: OtherSubstanceKind")
    polysaccharide = next(o for o in outcomes if o.question == str(EVKG.Q_US_Combination))
    assert polysaccharide.status == UNDECIDED
    assert "if it is a protein or peptide" in polysaccharide.rationale
    assert "do not report" not in polysaccharide.rationale
    assert combination("rion-pep-tisseel").status != UNDECIDED


def test_the_hcc_vesicle_test_and_the_dogs_name_terms_evkg_knows():
    """Hepatocellular carcinoma (MONDO:0007256) and the dog (NCBITaxon:9615) were not in the bundled term index, so
    `evkg terms search "hepatocellular carcinoma"` found nothing and both descriptions were told their term could not
    be checked (TERM-02)."""
    for name, term in (("sun-hcc-ev-ecg-score", "MONDO:0007256"), ("kim-canine-asc-exo-atopic-dermatitis",
                                                                   "NCBITaxon:9615")):
        report = validate(load_rdf(FIXTURES / f"{name}.yaml"), profile="published")
        unchecked = [r for p in report.products for r in p.results if r.constraint_id == "TERM-02"]
        assert not unchecked, (name, [r.message for r in unchecked])


def test_a_device_removing_vesicles_is_a_device_however_its_vesicles_and_cartridge_are_described(tmp_path):
    """The Hemopurifier described with the facts of a product given to people as well (the cartridge as an integral
    device acting principally, no cells, the patient's plasma exosomes it removes): those facts drew a medicinal
    product-device combination, a US combination product and a Korean EV therapy product. The device answers of
    EU-01g, US-01e and KR-01g outrank every such conclusion on the same questions (Reg. (EU) 2017/745 Art. 2(1);
    FD&C Act 201(h)), and the EU question of the device route is not asked of a device."""
    _, outcomes = _variant(tmp_path, "aethlon-hemopurifier", "indication: MONDO:0004992\n",
                           "indication: MONDO:0004992\nintegralMedicalDevice: true\nprincipalAction: DevicePrincipal\n"
                           "cellContent: NoCells\nmanufacturingSetting: IndustrialManufacture\nhasEVComponent:\n"
                           "  - type: EVPreparation\n    evOriginKind: HumanOrigin\n    vesicleKind: NaturallyReleasedEV\n"
                           "    particleKind: Exosome\n    evSourceMaterial: HumanBloodOrBloodComponent\n"
                           "    hasSource:\n      type: BiofluidSource\n      organism: NCBITaxon:9606\n"
                           "      geneticallyModified: false\n")
    for category in ("EU_MedicinalProductDeviceCombination", "EU_NotATMP", "EU_HospitalExemptionNotAvailable",
                     "US_NotHCTP", "US_CombinationProduct", "KR_NotCellTherapyProduct"):
        assert _best(outcomes, category) is None, category
    assert _best(outcomes, "EU_MedicalDevice").status == "settled"
    assert not [o for o in outcomes if o.status == UNDECIDED and o.question.endswith("IntegralDeviceRoute")]


def test_a_removal_device_also_written_as_a_treatment_is_told_to_state_the_removal_alone(tmp_path):
    """Written with Treatment beside the removal, the product is classified by the use in people, as the rules read
    the listed uses as complete; V-16 says why and what to write."""
    path, outcomes = _variant(tmp_path, "aethlon-hemopurifier", "intendedUse: [ExtracorporealRemoval]",
                              "intendedUse: [Treatment, ExtracorporealRemoval]")
    assert _best(outcomes, "EU_MedicalDevice") is None and _best(outcomes, "EU_MedicinalProduct") is not None
    [told] = [r.message for p in validate(load_rdf(path), profile="published").products for r in p.results
              if r.constraint_id == "V-16"]
    assert "state ExtracorporealRemoval alone" in told


def test_vesicles_from_human_milk_are_answered_as_a_secreted_product_whatever_their_cell_content(tmp_path):
    """Human milk vesicles whose cell content the paper does not report: 21 CFR 1271.3(d)(3) takes milk, cells and all,
    out of the HCT/P definition, so the HCT/P questions are answered (US-03c) instead of waiting for the cell content.
    Stated to hold viable cells, the product is still no HCT/P (US-05b does not apply to milk)."""
    _, outcomes = _answers("pisano-human-milk-ev-nec")
    assert {o.rule for o in outcomes if o.category == str(EVKG.US_NotHCTP)} == {"US-03c"}
    _, with_cells = _variant(tmp_path, "pisano-human-milk-ev-nec", "notReported: [cellContent, manufacturingSetting]",
                             "cellContent: ViableCells\nnotReported: [manufacturingSetting]")
    assert _best(with_cells, "US_NotHCTP").status == "settled" and _best(with_cells, "US_HCTP") is None


def test_vesicles_from_an_unnamed_human_body_fluid_are_asked_which_fluid(tmp_path):
    """Without the body fluid, the human milk vesicles of unreported cell content leave the HCT/P question open, and
    the answer asks for the fluid in words that say why it matters in the US and in the EU."""
    _, outcomes = _variant(tmp_path, "pisano-human-milk-ev-nec", "      biofluid: UBERON:0001913\n", "")
    hctp = next(o for o in outcomes if o.question == str(EVKG.Q_US_HCTP))
    assert hctp.status == UNDECIDED
    fluid = next(m for m in hctp.missing if m["property"].endswith("#biofluid"))
    assert "UBERON:0001913 for milk" in fluid["prompt"] and "not HCT/Ps in the US" in fluid["prompt"]
    assert "substances-of-human-origin regulation from 7 August 2027" in fluid["prompt"]
    starting = next(o for o in outcomes if o.question == str(EVKG.Q_EU_StartingMaterial))
    assert starting.status == UNDECIDED and any(m["property"].endswith("#biofluid") for m in starting.missing)

def test_an_open_eu_biological_question_on_a_protein_asks_how_the_protein_was_made():
    """EXO@INS: insulin written as 'other substance' (the paper does not say whether it was made in cells, extracted
    or synthesised), 51 amino acids. Extracted, it makes the product biological (EU-05b), so the open EU question
    names the insulin's unreported manufacture; it said that no missing fact could change it and that the law
    leaves it open."""
    _, outcomes = _answers("wu-milk-exo-insulin-oral")
    biological = next(o for o in outcomes if o.question == str(EVKG.Q_EU_Biological))
    assert biological.status == UNDECIDED
    manufacture = next(m for m in biological.missing if m["property"].endswith("#manufacture"))
    assert manufacture["not_reported"] and manufacture["of"] == ["Insulin"]
    assert "no missing fact could change that" not in biological.rationale


def test_vesicles_from_a_mushroom_are_written_with_plant_origin_without_contradiction(tmp_path):
    """A mushroom is a fungus. The law groups fungi with plants (Dir. 2001/83/EC Art. 1(31); FDA botanicals), and
    the vocabulary says PlantOrigin covers them, but C-01 called the kingdom Fungi a contradiction of PlantOrigin,
    so the shiitake description could not conform whatever origin it gave. 'fungal origin' names the same value;
    a fungus given animal origin is still a contradiction."""
    report = validate(load_rdf(FIXTURES / "liu-shiitake-eln-liver.yaml"), profile="published")
    assert not [r for p in report.products for r in p.results if r.constraint_id == "C-01"]
    _, outcomes = _variant(tmp_path, "liu-shiitake-eln-liver", "evOriginKind: PlantOrigin",
                               "evOriginKind: fungal origin")
    assert _best(outcomes, "US_NonBiologicDrug").rule == "US-11"
    animal, _ = _variant(tmp_path, "liu-shiitake-eln-liver", "evOriginKind: PlantOrigin", "evOriginKind: AnimalOrigin")
    assert [r.constraint_id for p in validate(load_rdf(animal), profile="published").products for r in p.results
            if r.severity == "Violation"] == ["C-01"]


def test_the_diseases_of_the_nec_heart_failure_and_niemann_pick_products_are_stated_as_terms_evkg_knows():
    """NEC (MONDO:0005313), dilated cardiomyopathy (MONDO:0005021) and Niemann-Pick disease type C (MONDO:0018982)
    were named only in the labels of these descriptions, as their identifiers had not been confirmed: the indication
    was missing and no query by disease found the products. Each identifier is now confirmed and bundled, so the
    descriptions state it and the term check accepts it."""
    for name, term in (("pisano-human-milk-ev-nec", "MONDO:0005313"), ("secret-hf-ipsc-cpc-ev", "MONDO:0005021"),
                       ("evox-npc-exosomes", "MONDO:0018982")):
        graph = load_rdf(FIXTURES / f"{name}.yaml")
        stated = {str(o) for o in graph.objects(None, EVKG.indication)}
        assert stated == {"http://purl.obolibrary.org/obo/" + term.replace(":", "_")}, (name, stated)
        report = validate(graph, profile="published")
        unchecked = [r for p in report.products for r in p.results if r.constraint_id.startswith("TERM-")]
        assert not unchecked, (name, [r.message for r in unchecked])


def test_the_names_clinicians_use_find_the_bundled_disease_terms():
    """A describer looks a disease up by the name in the paper: 'acute kidney injury' and 'NEC' found nothing."""
    from evkg.terms.index import search_terms
    assert search_terms("acute kidney injury", kind="disease")[0]["curie"] == "MONDO:0002492"
    assert search_terms("necrotising enterocolitis", kind="disease")[0]["curie"] == "MONDO:0005313"
    assert search_terms("dilated cardiomyopathy", kind="disease")[0]["curie"] == "MONDO:0005021"
    assert search_terms("Niemann-Pick", kind="disease")[0]["curie"] == "MONDO:0018982"


def test_a_therapeutic_protein_in_grapefruit_lipid_vesicles_waits_only_for_how_the_protein_was_made(tmp_path):
    """The grapefruit nanovectors carry a protein; no rule gave the US lead centre and the answer said no missing fact
    could change that. A recombinant protein in plant vesicles is a therapeutic protein CDER reviews (2003 transfer),
    so the answer now names the one fact it waits for, and with it stated the lead centre is CDER (US-16i)."""
    _, outcomes = _answers("wang-gnv-protein")
    lead = next(o for o in outcomes if o.question == str(EVKG.Q_US_LeadCenter))
    assert lead.status == "undecided"
    assert [m["property"].rsplit("#", 1)[1] for m in lead.missing] == ["manufacture"]
    _, stated = _variant(tmp_path, "wang-gnv-protein", "    notReported: [manufacture]", "    manufacture: Recombinant")
    lead = _best(stated, "US_LeadCenterCDER")
    assert (lead.rule, lead.status, lead.alternatives) == ("US-16i", "provisional", [])

