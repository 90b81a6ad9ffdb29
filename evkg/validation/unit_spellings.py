"""A unit written as a lab writes it (µm, mg/mL, ug) where evkg declares another scale of the same quantity
(Nanometre, MicrogramPerMillilitre, Microgram): the finding on it names the evkg unit and the factor to apply.
The factors are those of the SI prefixes (BIPM, The International System of Units, 9th edition, 2019, Table 7)."""
from __future__ import annotations

import re

from rdflib import Literal, URIRef

# written form (lower case, micro sign as u, no spaces) -> (evkg unit, symbol of the evkg unit, factor)
_SCALES = {
    "um": ("Nanometre", "nm", 1000), "micrometre": ("Nanometre", "nm", 1000), "micrometer": ("Nanometre", "nm", 1000),
    "ug": ("Microgram", "µg", 1), "mcg": ("Microgram", "µg", 1), "mg": ("Microgram", "µg", 1000),
    "ng": ("Microgram", "µg", 0.001), "milligram": ("Microgram", "µg", 1000), "nanogram": ("Microgram", "µg", 0.001),
    "ul": ("Millilitre", "mL", 0.001), "l": ("Millilitre", "mL", 1000), "microlitre": ("Millilitre", "mL", 0.001),
    "ug/ml": ("MicrogramPerMillilitre", "µg/mL", 1), "mg/l": ("MicrogramPerMillilitre", "µg/mL", 1),
    "mg/ml": ("MicrogramPerMillilitre", "µg/mL", 1000), "ng/ml": ("MicrogramPerMillilitre", "µg/mL", 0.001),
    "ng/ul": ("MicrogramPerMillilitre", "µg/mL", 1),
    "particles/ml": ("ParticlesPerMillilitre", "particles/mL", 1), "p/ml": ("ParticlesPerMillilitre", "particles/mL", 1),
    "particles/ul": ("ParticlesPerMillilitre", "particles/mL", 1000),
    "particles/ug": ("ParticlesPerMicrogram", "particles/µg", 1), "p/ug": ("ParticlesPerMicrogram", "particles/µg", 1),
    "eu/ml": ("EndotoxinUnitsPerMillilitre", "EU/mL", 1),
}


def unit_hint(path, value) -> str:
    """' µm is … give it in Nanometre …' for a unit written in another scale or spelling of an evkg unit."""
    from evkg.core.namespaces import EVKG

    if path != EVKG.unit or not isinstance(value, (URIRef, Literal)):
        return ""
    written = str(value)[len(str(EVKG)):] if str(value).startswith(str(EVKG)) else str(value)
    key = re.sub(r"\s+", "", written.replace("µ", "u").replace("μ", "u").casefold())
    key = key.replace("per", "/") if key.startswith(("particles", "p")) and "per" in key else key
    if key not in _SCALES:
        return ""
    unit, symbol, factor = _SCALES[key]
    if factor == 1:               # evkg: names, which a YAML or JSON report shows without the prefix
        return f" {written} is written evkg:{unit} in evkg, with the value as it is."
    if factor > 1:
        how = f"multiply the value by {factor:,} (1 {written} = {factor:,} {symbol})"
    else:
        how = f"divide the value by {round(1 / factor):,} (1,000 {written} = 1 {symbol})"
    return f" evkg has no unit {written}: give the amount in evkg:{unit} and {how}."
