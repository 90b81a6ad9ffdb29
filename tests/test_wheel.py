"""The wheel carries the ontology, shapes, queries and data: an installed `evkg` works from any folder."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_installs_in_a_fresh_environment_and_checks_outside_the_repo(tmp_path, monkeypatch):
    monkeypatch.delenv("PYTHONPATH", raising=False)     # the installed evkg, not a checkout on the path
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(ROOT)],
                   check=True, timeout=600)
    wheel = next(dist.glob("evkg-*.whl"))
    env_dir = tmp_path / "env"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], check=True, timeout=900)

    work = tmp_path / "elsewhere"
    work.mkdir()
    example = next((ROOT / "examples" / "valid").glob("*.ttl"))
    shutil.copy(example, work / "product.ttl")
    proc = subprocess.run([str(env_dir / "bin" / "evkg"), "check", "product.ttl", "--format", "json"],
                          cwd=work, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    payload = json.loads(proc.stdout)
    assert payload["summary"]["products"] >= 1
    assert payload["files"][0]["products"][0]["classifications"]
    version = subprocess.run([str(env_dir / "bin" / "evkg"), "--version"], cwd=work, capture_output=True,
                             text=True, timeout=300)
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import OWL

    ontology = Graph().parse(ROOT / "ontology" / "evkg.ttl")
    released = ontology.value(URIRef("https://w3id.org/evkg"), OWL.versionInfo)
    assert isinstance(released, Literal) and version.stdout.strip() == f"evkg, version {released}"
    metadata = subprocess.run([str(python), "-c", "import importlib.metadata as m; print(m.version('evkg'))"],
                              cwd=work, capture_output=True, text=True, timeout=120)
    assert metadata.stdout.strip() == str(released), metadata.stderr
    listed = subprocess.run([str(env_dir / "bin" / "evkg"), "queries"], cwd=work, capture_output=True,
                            text=True, timeout=300)
    assert listed.returncode == 0, listed.stderr
    # The writing tools read the same shapes, vocabulary, kinds and examples from the wheel as from the
    # repository: the template is the same, and checking it untouched lists what is left (exit 1, not 2).
    made = subprocess.run([str(env_dir / "bin" / "evkg"), "new", "--kind", "msc-ev"], cwd=work,
                          capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stderr
    from evkg.authoring.template import template

    assert made.stdout == template("msc-ev", "yaml")
    (work / "new.yaml").write_text(made.stdout, encoding="utf-8")
    checked = subprocess.run([str(env_dir / "bin" / "evkg"), "check", "new.yaml"], cwd=work,
                             capture_output=True, text=True, timeout=300)
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert "at line" in checked.stdout

    # The core install leaves out what only one command needs; that command names the extra to install.
    (work / "refs.nbib").write_text("PMID- 26725829\nTI  - Applying extracellular vesicles based therapeutics\n")
    for args, extra in ((["reason", "product.ttl"], "evkg[reason]"), (["serve", "--port", "0"], "evkg[serve]"),
                        (["literature", "import", "refs.nbib", "--into", "refs.ttl"], "evkg[literature]")):
        missing = subprocess.run([str(env_dir / "bin" / "evkg"), *args], cwd=work, capture_output=True, text=True,
                                 timeout=300)
        assert missing.returncode == 2, (args, missing.stdout + missing.stderr)
        assert f"pip install '{extra}'" in missing.stderr, (args, missing.stderr)
    bundled = subprocess.run([str(python), "-c", "from evkg.core import resources; r = resources.bundle_root(); "
                              "print((r / 'mappings' / 'evkg.sssom.tsv').is_file(), "
                              "(r / 'LICENSE-CC-BY-4.0.txt').is_file(), (r / 'ontology' / 'catalog-v001.xml').is_file())"],
                             cwd=work, capture_output=True, text=True, timeout=120)
    assert bundled.stdout.split() == ["True", "True", "True"], bundled.stderr

    # `evkg release` from an installed wheel wrote its files into site-packages/release: the "source checkout"
    # it defaults to is the folder above the package. Installed, the default is release/ of the current folder.
    released_here = subprocess.run([str(env_dir / "bin" / "evkg"), "release"], cwd=work, capture_output=True,
                                   text=True, timeout=600)
    assert released_here.returncode == 0, released_here.stderr
    assert (work / "release" / "evkg.owl").is_file(), released_here.stderr
    assert not list(env_dir.glob("lib/python*/site-packages/release")), released_here.stderr
