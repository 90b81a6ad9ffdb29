"""The OWL API (Debian's libowlapi-java, OWL API 5) through a small Java runner: the OWL 2 DL profile check of
the ontology and the OBO flat-file conversion of a release.

Why the OWL API: it is the reference implementation of the OWL 2 profiles (`OWL2DLProfile` reports each
violation of the structural restrictions, such as illegal punning or an undeclared property), and it is the
library ROBOT and Protégé use. The runner (owlapi/OwlTool.java) is compiled once per machine into evkg's cache
folder; the jars come from the Debian package (`apt-get install libowlapi-java`), so nothing is downloaded.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from evkg.core.errors import EvkgError

SOURCE = Path(__file__).resolve().parent / "owlapi" / "OwlTool.java"
JAR_FOLDER = Path(os.environ.get("EVKG_OWLAPI_JARS", "/usr/share/java"))
INSTALL_HINT = ("the OWL API runner needs Java 11 or later (javac included) and Debian's OWL API: "
                "sudo apt-get install default-jdk-headless libowlapi-java")


class OwlApiUnavailable(EvkgError):
    """Java, javac or the OWL API jars are missing."""


@dataclass(frozen=True)
class ProfileReport:
    """What the OWL API says about an ontology and its import closure."""

    ontologies: int
    axioms: int
    logical_axioms: int
    violations: list[str] = field(default_factory=list)

    @property
    def in_owl2_dl(self) -> bool:
        return not self.violations


def available() -> bool:
    return bool(shutil.which("java") and shutil.which("javac") and (JAR_FOLDER / "owlapi-api.jar").exists())


def _classpath() -> str:
    # Debian's jars carry no Class-Path manifest entries; the folder wildcard gives the OWL API its dependencies.
    return str(JAR_FOLDER / "*")


def _compiled() -> Path:
    """The folder holding OwlTool.class, compiled from the bundled source if not done yet."""
    if not available():
        raise OwlApiUnavailable(INSTALL_HINT)
    from evkg.core.build_cache import private_cache_folder

    digest = hashlib.sha1(SOURCE.read_bytes()).hexdigest()[:12]
    folder = private_cache_folder()          # classes found in a folder others may write in would be run
    target = folder / f"owlapi-{digest}" if folder else Path(tempfile.mkdtemp(prefix="evkg-owlapi-"))
    if not (target / "OwlTool.class").exists():
        target.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(["javac", "-nowarn", "-cp", _classpath(), "-d", str(target), str(SOURCE)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise OwlApiUnavailable(f"compiling the OWL API runner failed: {done.stderr.strip()[:2000]}")
    return target


def _run(*args: str, timeout: float = 300) -> str:
    classes = _compiled()
    done = subprocess.run(["java", "-cp", f"{classes}{os.pathsep}{_classpath()}", "OwlTool", *args],
                          capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        # SLF4J prints binding notices to stderr; the last lines hold the exception.
        detail = "\n".join(done.stderr.strip().splitlines()[-5:])
        raise EvkgError(f"the OWL API could not process {args[1]}: {detail}")
    return done.stdout


def check_profile(path: Path, mappings: dict[str, Path] | None = None) -> ProfileReport:
    """Load an ontology file (its owl:imports resolved through `mappings` only) and check OWL 2 DL."""
    pairs = [f"{iri}={file}" for iri, file in sorted((mappings or {}).items())]
    counts, violations = {}, []
    for line in _run("check", str(path), *pairs).splitlines():
        kind, _, rest = line.partition("\t")
        if kind == "violation":
            violations.append(rest)
        elif kind:
            counts[kind] = int(rest)
    return ProfileReport(counts["ontologies"], counts["axioms"], counts["logical-axioms"], violations)


def write_obo(source: Path, target: Path) -> Path:
    """Convert an ontology file to the OBO flat-file format with the OWL API's OBO writer."""
    _run("obo", str(source), str(target))
    return target
