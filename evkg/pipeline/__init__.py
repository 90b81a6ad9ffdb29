"""Orchestration (stage: pipeline; imports evkg.core, evkg.io, evkg.validation, evkg.classification,
evkg.report): `check` and `check_files`, the library API behind `evkg check`, and `whatif`.

`check` validates and classifies one store's data; `chunks` splits a large file into chunks of whole products;
`batch` runs files and chunks in this process or in worker processes and streams the results; `format_hints`
says when a file's text looks like another format than it was read as; `whatif` classifies the same products
under two rule sets.
"""
from evkg.pipeline.batch import check_files
from evkg.pipeline.check import (FAIL_ON, CheckRun, FileCheck, ProductCheck, check, check_fail_on, check_store,
                                 check_text)
from evkg.pipeline.whatif import WhatIfRun, whatif, worked_examples

__all__ = ["FAIL_ON", "CheckRun", "FileCheck", "ProductCheck", "WhatIfRun", "check", "check_fail_on", "check_files",
           "check_store", "check_text", "whatif", "worked_examples"]
