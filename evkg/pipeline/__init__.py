"""Orchestration (stage: pipeline; imports evkg.core, evkg.io, evkg.validation, evkg.classification,
evkg.report): `check` and `check_files`, the library API behind `evkg check`.

`check` validates and classifies one store's data; `chunks` splits a large file into chunks of whole products;
`batch` runs files and chunks in this process or in worker processes and streams the results.
"""
from evkg.pipeline.batch import check_files
from evkg.pipeline.check import CheckRun, FileCheck, ProductCheck, check, check_store

__all__ = ["CheckRun", "FileCheck", "ProductCheck", "check", "check_files", "check_store"]
