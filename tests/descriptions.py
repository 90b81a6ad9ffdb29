"""Small product descriptions for rule tests, built from default facts changed by keyword."""
from __future__ import annotations

EX = "http://example.org/"


def _objects(value) -> str:
    values = value if isinstance(value, (list, tuple)) else [value]
    return " , ".join(values)


def product_turtle(defaults: tuple[dict, dict, dict], name: str = "p", **changes) -> str:
    """Turtle for one product: `defaults` (product, preparation and source facts), changed by keyword.

    Keys are product properties, `prep_<property>` or `source_<property>`; None removes a fact. `cargo`,
    `coform` and `determinations` take lists of property dicts, `second_prep` the facts of a second preparation.
    """
    product, prep, source = (dict(facts) for facts in defaults)
    items = []
    for key, value in changes.items():
        if key == "cargo":
            product.pop("hasNoLoadedCargo", None)
            product["loadedCargo"] = [f"ex:{name}-cargo{i}" for i in range(len(value))]
            items += [(f"ex:{name}-cargo{i}", "evkg:CargoItem", facts) for i, facts in enumerate(value)]
        elif key == "coform":
            product["coFormulatedActiveSubstance"] = [f"ex:{name}-coform{i}" for i in range(len(value))]
            items += [(f"ex:{name}-coform{i}", "evkg:CoFormulatedActiveSubstance", f) for i, f in enumerate(value)]
        elif key == "second_prep":
            items.append((f"ex:{name}-prep2", "evkg:EVPreparation", value))
            product.setdefault("hasEVComponent", []).append(f"ex:{name}-prep2")
        elif key == "determinations":
            product["agencyDetermination"] = [f"ex:{name}-det{i}" for i in range(len(value))]
            items += [(f"ex:{name}-det{i}", "evkg:AgencyDetermination", f) for i, f in enumerate(value)]
        else:
            target, prop = ((prep, key[5:]) if key.startswith("prep_") else
                            (source, key[7:]) if key.startswith("source_") else (product, key))
            if value is None:
                target.pop(prop, None)
            else:
                target[prop] = value
    lines = ["@prefix evkg: <https://w3id.org/evkg#> .", f"@prefix ex: <{EX}> .",
             "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
             f"ex:{name} a evkg:EVProduct ; evkg:hasEVComponent ex:{name}-prep ."]
    lines += [f"ex:{name} evkg:{p} {_objects(v)} ." for p, v in product.items()]
    lines.append(f"ex:{name}-prep a evkg:EVPreparation ; evkg:hasSource ex:{name}-src .")
    lines += [f"ex:{name}-prep evkg:{p} {_objects(v)} ." for p, v in prep.items()]
    lines.append(f"ex:{name}-src a evkg:Source .")
    lines += [f"ex:{name}-src evkg:{p} {_objects(v)} ." for p, v in source.items()]
    for node, cls, facts in items:
        lines.append(f"{node} a {cls} .")
        lines += [f"{node} {p if ':' in p else 'evkg:' + p} {_objects(v)} ." for p, v in facts.items()
                  if v is not None]
    return "\n".join(lines) + "\n"


def checked_yaml(text: str, **options):
    """(validation report of the first product, classification result) of a YAML description."""
    import tempfile
    from pathlib import Path

    from evkg.classification.engine import classify
    from evkg.io.load import load_rdf
    from evkg.validation.engine import validate

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "description.yaml"
        path.write_text(text)
        data = load_rdf(path)
        return validate(data, **options).products[0], classify(data)
