"""Reference exports from elsewhere (`evkg literature import`) are untrusted: a link holding characters an IRI may
not hold, an entry of the wrong shape or a very large export must neither stop the import with an internal error
nor cost the other entries."""
from __future__ import annotations

import json

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from evkg.cli import main
from evkg.core.errors import InputError
from evkg.literature.formats import read_references
from evkg.literature.identifiers import paper_iri


def test_a_link_with_characters_an_iri_may_not_hold_is_kept_percent_encoded(tmp_path, capsys):
    """'https://example.org/a>b' ended the import in 'internal error: … does not look like a valid URI', after
    which nothing was saved."""
    export = tmp_path / "library.bib"
    export.write_text('@article{k1,\n  title = {A paper},\n  author = {Smith, John},\n  year = {2020},\n'
                      '  doi = {10.5555/evkg.link},\n  url = {https://example.org/a>b<c"d|e^f`g}\n}\n',
                      encoding="utf-8")
    into = tmp_path / "references.ttl"
    assert main(["literature", "import", str(export), "--into", str(into)]) == 0, capsys.readouterr().err
    saved = Graph().parse(into, format="turtle")
    assert saved.value(paper_iri(doi="10.5555/evkg.link"), RDFS.seeAlso) == \
        URIRef("https://example.org/a%3Eb%3Cc%22d%7Ce%5Ef%60g")


def test_an_entry_of_the_wrong_shape_is_reported_and_the_others_are_imported(tmp_path, capsys):
    """One entry whose 'issued' or 'author' was not in CSL-JSON's shape made the whole export 'no references
    found … could not be read as csl-json (TypeError). Is it a bibliography?'."""
    export = tmp_path / "library.json"
    export.write_text('[\n {"id": "good", "DOI": "10.5555/evkg.good", "title": "Good"},\n'
                      ' {"id": "odd-date", "DOI": "10.5555/evkg.odd1", "issued": {"date-parts": [2020]}},\n'
                      ' {"id": "odd-authors", "DOI": "10.5555/evkg.odd2", "title": "Odd", "author": 5}\n]\n',
                      encoding="utf-8")
    into = tmp_path / "references.ttl"
    assert main(["literature", "import", str(export), "--into", str(into)]) == 1
    out = capsys.readouterr().out
    assert "1 added" in out and "Traceback" not in out, out
    assert f"skipped: {export}, line 3: entry 'odd-date': could not be read: one of its fields holds a value of " \
           "the wrong kind" in out, out
    assert f"{export}, line 4: entry 'odd-authors'" in out, out
    assert (paper_iri(doi="10.5555/evkg.good"), None, None) in Graph().parse(into, format="turtle")


def test_each_entry_of_a_large_export_is_placed_on_its_own_line(tmp_path):
    """Entries were placed by searching every line for every id (minutes for 40,000 entries), and an id written
    with letters outside ASCII was never found, so its problems had no line."""
    items = [{"id": f"réf-{n}", "DOI": f"10.5555/evkg.{n}", "title": f"Paper {n}"} for n in range(3000)]
    export = tmp_path / "library.json"
    export.write_text(json.dumps(items, indent=1, ensure_ascii=False), encoding="utf-8")
    refs, problems = read_references(export)
    assert not problems and len(refs) == 3000
    lines = export.read_text(encoding="utf-8").splitlines()
    for ref in (refs[0], refs[1234], refs[-1]):
        assert ref.line is not None and f'"id": "{ref.key}"' in lines[ref.line - 1], ref


def test_text_outside_the_records_of_an_ris_export_is_reported_once_per_stretch(tmp_path):
    """A file of 600 lines that are no RIS was reported line by line (600 'skipped' lines on the screen)."""
    export = tmp_path / "library.ris"
    export.write_text("junk\n" + "TY  - JOUR\nDO  - 10.5555/evkg.ris\nTI  - A paper\nER  - \n"
                      + "".join(f"stray line {n}\n" for n in range(600)), encoding="utf-8")
    refs, problems = read_references(export)
    assert len(refs) == 1
    assert [(p.line, p.message) for p in problems] == [
        (1, "text outside any record (line 1; records start with 'TY  -')"),
        (6, "text outside any record (lines 6 to 605; records start with 'TY  -')")]


def test_a_bibtex_field_longer_than_any_bibliography_holds_is_reported_before_it_is_decoded(tmp_path):
    """LaTeX decoding takes time growing with the square of a field's length: a 20 MB title ran for hours."""
    export = tmp_path / "library.bib"
    export.write_text("@article{long,\n  title = {" + "x" * 150_000 + "},\n  doi = {10.5555/evkg.long}\n}\n"
                      "@article{good,\n  title = {Caf\\'e},\n  author = {M{\\\"u}ller, Anna},\n"
                      "  doi = {10.5555/evkg.good}\n}\n", encoding="utf-8")
    refs, problems = read_references(export)
    assert [(ref.key, ref.title, ref.authors) for ref in refs] == [("good", "Café", ["Müller A"])]
    assert [(p.line, p.key) for p in problems] == [(1, "long")]
    assert "field 'title' of 150,000 characters" in problems[0].message


def test_an_export_saved_as_utf16_with_a_byte_order_mark_is_read_with_its_accents(tmp_path):
    """Read as Latin-1, a UTF-16 RIS export was 'text outside any record' and a BibTeX one 'no references'."""
    ris = tmp_path / "library.ris"
    ris.write_bytes("TY  - JOUR\nTI  - Café\nDO  - 10.5555/evkg.ris16\nPY  - 2020\nER  - \n".encode("utf-16"))
    bib = tmp_path / "library.bib"
    bib.write_bytes(b"\xfe\xff" + "@article{k1, title = {Café}, doi = {10.5555/evkg.bib16}, year = 2020}\n"
                    .encode("utf-16-be"))                     # big-endian, as some tools write it
    for export in (ris, bib):
        refs, problems = read_references(export)
        assert not problems and [ref.title for ref in refs] == ["Café"], (export, problems)


def test_imports_into_one_file_run_at_once_keep_every_record(tmp_path):
    """Each import saved only what it had read, so three of four exports were lost while each said 'added'."""
    import subprocess
    import sys

    exports = []
    for n in range(4):
        export = tmp_path / f"library-{n}.bib"
        export.write_text("".join(f"@article{{k{n}-{i}, title = {{Paper {i}}}, doi = {{10.5555/evkg.{n}.{i}}}, "
                                  f"year = 2020}}\n" for i in range(200)), encoding="utf-8")
        exports.append(export)
    into = tmp_path / "references.ttl"
    running = [subprocess.Popen([sys.executable, "-m", "evkg.cli", "literature", "import", str(export), "--into",
                                 str(into)], stdout=subprocess.PIPE, stderr=subprocess.PIPE) for export in exports]
    for process in running:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0 and b"200 added" in out, (out, err)
    saved = Graph().parse(into, format="turtle")
    assert all((paper_iri(doi=f"10.5555/evkg.{n}.{i}"), None, None) in saved for n in range(4) for i in range(200))


def test_bibtex_values_joined_with_hash_and_string_abbreviations_are_expanded(tmp_path):
    """bibtexparser left `"10.1080/" # "2001..."` as written: the DOI was refused as 'not a DOI'."""
    export = tmp_path / "library.bib"
    export.write_text('@string{JEV = "Journal of Extracellular Vesicles"}\n'
                      '@string{pre = "Minimal information " # "for "}\n'
                      '@article{made,\n  title = pre # {studies of {EV} cargo} # " in " # 2099,\n'
                      '  journal = jev,\n  year = 2099,\n  doi = "10.5555/" # "evkg.made"\n}\n'
                      '@article{sharp,\n  title = {C# in biology},\n  doi = {10.5555/evkg.sharp}\n}\n'
                      '@article{unknown,\n  journal = jrnl,\n  doi = {10.5555/evkg.unknown}\n}\n', encoding="utf-8")
    refs, problems = read_references(export)
    assert [(r.key, r.title, r.journal, r.doi) for r in refs] == [
        ("made", "Minimal information for studies of EV cargo in 2099", "Journal of Extracellular Vesicles",
         "10.5555/evkg.made"),
        ("sharp", "C# in biology", None, "10.5555/evkg.sharp")]
    assert [(p.line, p.key) for p in problems] == [(13, "unknown")]
    assert "its field 'journal' uses the abbreviation 'jrnl', which no @string in the file defines" in \
        problems[0].message


def test_bibtex_abbreviations_that_double_each_other_are_stopped_not_expanded_to_gigabytes(tmp_path):
    lines = ['@string{a0 = "xxxxxxxxxx"}'] + [f"@string{{a{i} = {' # '.join([f'a{i - 1}'] * 10)}}}"
                                            for i in range(1, 30)]
    export = tmp_path / "library.bib"
    export.write_text("\n".join(lines + ["@article{boom, title = a29, doi = {10.5555/evkg.boom}}",
                                         "@article{fine, title = a1, doi = {10.5555/evkg.fine}}"]), encoding="utf-8")
    refs, problems = read_references(export)
    assert [r.key for r in refs] == ["fine"] and [p.key for p in problems] == ["boom"]
    assert "over 100,000 characters once its @string abbreviations are expanded" in problems[0].message
    many = tmp_path / "many.bib"
    many.write_text("\n".join(lines[:5] + [f"@string{{b{i} = a4}}" for i in range(3000)]), encoding="utf-8")
    with pytest.raises(InputError, match="expand to far more text than the file holds"):
        read_references(many)


@pytest.mark.parametrize("text, said", [
    ("[" * 5000 + "]" * 5000, "nests lists and objects more than 64 levels deep"),
    ('[{"id": "x", "DOI": "10.5555/evkg.x", "issued": {"date-parts": [[' + "9" * 5000 + "]]}}]",
     "holds a number of 5,000 digits")])
def test_a_csl_json_export_too_deep_or_with_a_too_long_number_is_said_in_words(tmp_path, text, said):
    """Said as 'could not be read as csl-json (RecursionError)' or '(ValueError)'."""
    export = tmp_path / "library.json"
    export.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=said):
        read_references(export)


def test_a_field_longer_than_any_bibliography_holds_is_reported_in_every_format(tmp_path, capsys):
    """A RIS title of 5 MB was saved whole in the references file (BibTeX alone had the limit)."""
    export = tmp_path / "library.ris"
    export.write_text("TY  - JOUR\nTI  - " + "x" * 150_000 + "\nDO  - 10.5555/evkg.huge\nER  - \n"
                      "TY  - JOUR\nTI  - Fine\nDO  - 10.5555/evkg.fine\nER  - \n", encoding="utf-8")
    target = tmp_path / "refs.ttl"
    assert main(["literature", "import", str(export), "--into", str(target)]) == 1
    out = capsys.readouterr().out
    assert "1 added, 0 merged, 1 skipped" in out and "has a field 'title' of 150,000 characters" in out
    assert "x" * 1000 not in target.read_text(encoding="utf-8")


PUBMED = ('<?xml version="1.0"{declaration}?>\n<PubmedArticleSet>\n<PubmedArticle>\n<MedlineCitation><PMID>123</PMID>'
          '<Article><ArticleTitle>{title}</ArticleTitle></Article></MedlineCitation>\n</PubmedArticle>\n'
          '</PubmedArticleSet>\n')


def test_pubmed_xml_declaring_its_encoding_is_read_in_that_encoding(tmp_path):
    """Re-encoded as UTF-8 before parsing, a file declared ISO-8859-1 was read as 'CafÃ©', one in UTF-16 was 'not
    well-formed' and one naming an encoding no one knows ended in 'internal error: LookupError'."""
    exports = {"latin": PUBMED.format(declaration=' encoding="ISO-8859-1"', title="Café").encode("latin-1"),
               "utf16": PUBMED.format(declaration=' encoding="UTF-16"', title="Café").encode("utf-16"),
               "unknown": PUBMED.format(declaration=' encoding="no-such-encoding"', title="Café").encode("utf-8")}
    for name, data in exports.items():
        export = tmp_path / f"{name}.xml"
        export.write_bytes(data)
        refs, problems = read_references(export)
        assert not problems and [(ref.pmid, ref.title) for ref in refs] == [("123", "Café")], name


def test_a_pubmed_xml_export_with_entity_declarations_is_refused_naming_the_entity_and_its_line(tmp_path, capsys):
    """Said as '(EntitiesForbidden)', with no line."""
    export = tmp_path / "laughs.xml"
    export.write_text('<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
                      ' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n]>\n'
                      + PUBMED.split("\n", 1)[1].format(title="&lol2;"), encoding="utf-8")
    assert main(["literature", "import", str(export), "--into", str(tmp_path / "refs.ttl")]) == 2
    err = capsys.readouterr().err
    assert f"{export}, line 3: declares the XML entity 'lol', which evkg refuses" in err, err
    assert "Remove the <!DOCTYPE" in err and "Forbidden" not in err and "lollol" not in err
    assert not (tmp_path / "refs.ttl").exists()


@pytest.mark.parametrize("text, said", [
    (PUBMED.format(declaration="", title="T")[:120], "line 4, column 58: is not well-formed XML: the file ends "
                                                      "inside a tag (was it cut short?)"),
    (PUBMED.format(declaration="", title="A&nbsp;B"), "line 4, column 58: is not well-formed XML: it uses the "
                                                       "entity &nbsp;, which XML does not define"),
    (PUBMED.format(declaration="", title="T") * 2, "line 7, column 1: is not well-formed XML: there is more after "
                                                    "the end of the root element (two exports joined in one file?)"),
])
def test_broken_pubmed_xml_says_what_is_wrong_where_and_how_to_mend_it(tmp_path, capsys, text, said):
    """Said only as 'not well-formed XML Export the records again', with no reason and no column."""
    export = tmp_path / "pubmed.xml"
    export.write_text(text, encoding="utf-8")
    assert main(["literature", "import", str(export), "--into", str(tmp_path / "refs.ttl")]) == 2
    err = capsys.readouterr().err
    assert f"{export}, {said}" in err and "Fix the file there, or export the records again" in err, err


def test_xml_that_is_not_a_pubmed_export_and_pubmed_book_records_are_named(tmp_path):
    """Both were 'no references found … Is it a bibliography?', with nothing said of what the file held."""
    page = tmp_path / "page.xml"
    page.write_text('<?xml version="1.0"?>\n<html><body>Papers</body></html>\n', encoding="utf-8")
    with pytest.raises(InputError, match="it is XML, but its root element is <html>, where a PubMed export has "
                                         "<PubmedArticleSet>"):
        read_references(page)
    books = tmp_path / "books.xml"
    books.write_text('<?xml version="1.0"?>\n<PubmedArticleSet>\n<PubmedBookArticle><BookDocument><PMID>20301295'
                     '</PMID></BookDocument></PubmedBookArticle>\n</PubmedArticleSet>\n', encoding="utf-8")
    refs, problems = read_references(books)
    assert not refs and [(p.line, p.key) for p in problems] == [(3, "PMID 20301295")]
    assert "is a PubMed book record (<PubmedBookArticle>)" in problems[0].message


@pytest.mark.parametrize("name, data, said", [
    ("library.ris", b"TY  - JOUR\nTI  - Exosomes\x00 and more\nDO  - 10.5555/evkg.bad\nER  - \n",
     "entry 'record at line 1': its title holds the control character U+0000 (NUL) at character 9"),
    ("library.ris",
     b"TY  - JOUR\nTI  - Exosomes\nAU  - Smith, J\nAU  - Doe\x1b[2K, K\nDO  - 10.5555/evkg.bad\nER  - \n",
     "its author 2 holds the control character U+001B (ESC) at character 4"),
    ("library.bib", b"@article{bad, title = {Exosomes\x00 and more}, doi = {10.5555/evkg.bad}}\n",
     "entry 'bad': its title holds the control character U+0000 (NUL)"),
    ("library.json", b'[{"id": "bad", "title": "Exosomes\\u0000", "DOI": "10.5555/evkg.bad"}]',
     "entry 'bad': its title holds the control character U+0000 (NUL)"),
    ("library.json", b'[{"id": "bad", "title": "Exosomes\\ud800", "DOI": "10.5555/evkg.bad"}]',
     "entry 'bad': its title holds U+D800 at character 9, half of a UTF-16 surrogate pair"),
    ("library.nbib", b"PMID- 12345\nTI  - Exosomes\x07\n", "entry 'PMID 12345': its title holds the control character "
                                                        "U+0007 (BEL)"),
    ("library.ris", b"TY  - JOUR\nTI  - Exosomes\nDO  - 10.5555/evkg.bad\x00\nER  - \n",
     "its DOI holds the control character U+0000 (NUL) at character 17"),
])
def test_a_control_character_in_any_field_of_any_format_keeps_its_entry_out(tmp_path, capsys, name, data, said):
    """A NUL in a title, author or DOI was saved in the references file (the DOI as the name …/doi/10.5555/x%00),
    in BibTeX, RIS, CSL-JSON and MEDLINE alike."""
    export = tmp_path / name
    export.write_bytes(data)
    into = tmp_path / "refs.ttl"
    assert main(["literature", "import", str(export), "--into", str(into)]) == 1
    out = capsys.readouterr().out
    assert "0 added, 0 merged, 1 skipped" in out and f"skipped: {export}, line 1: " in out and said in out, out
    assert "Remove it from the entry, or export the entry again." in out
    assert not into.exists()


def test_an_ris_author_line_with_no_value_is_no_author(tmp_path, capsys):
    """'AU  -' became an author named "" (and the label "")."""
    export = tmp_path / "library.ris"
    export.write_text("TY  - JOUR\nTI  - Exosomes\nAU  -\nAU  - Smith, John\nPY  - 2020\nDO  - 10.5555/evkg.au\n"
                      "ER  - \n", encoding="utf-8")
    into = tmp_path / "refs.ttl"
    assert main(["literature", "import", str(export), "--into", str(into)]) == 0, capsys.readouterr().out
    saved = Graph().parse(into, format="turtle")
    paper = paper_iri(doi="10.5555/evkg.au")
    assert [str(a) for a in saved.objects(paper, URIRef("http://purl.org/dc/terms/creator"))] == ["Smith J"]
    assert str(saved.value(paper, RDFS.label)) == "Smith 2020"


def test_an_ris_line_that_starts_like_a_tag_but_is_not_one_keeps_its_record_out(tmp_path):
    """'AU - Doe, K' (one space) was saved as an author named 'AU - Doe K', 'TI - A title' was lost from the title
    without a word, and a lowercase tag was read as part of the line before."""
    export = tmp_path / "library.ris"
    export.write_text("TY  - JOUR\nTI  - Exosomes\nAU  - Smith, John\nAU - Doe, Kim\nDO  - 10.5555/evkg.one\nER  - \n"
                      "TY  - JOUR\nTI - A title\nDO  - 10.5555/evkg.two\nER  - \n"
                      "TY  - JOUR\nti  - Small letters\nDO  - 10.5555/evkg.three\nER  - \n"
                      "TY  - JOUR\nTI  - A long title that\n  goes on\nAB  - A UK\nUK - based study of\n"
                      "AU-rich elements in\nTi-based implants\n"
                      "DO  - 10.5555/evkg.four\nER  - \n", encoding="utf-8")
    refs, problems = read_references(export)
    assert [(ref.doi, ref.title) for ref in refs] == [("10.5555/evkg.four", "A long title that goes on")]
    assert [(p.line, p.message.split(": ")[0]) for p in problems] == [
        (4, "'AU - Doe, Kim'"), (8, "'TI - A title'"), (12, "'ti  - Small letters'")]
    assert "it is not written as an RIS tag line, which is the tag, two spaces, a hyphen" in problems[1].message
    assert "its tag 'ti' is in small letters; RIS writes tags in capitals ('TI')" in problems[2].message
    assert "so the record that starts at line 1 was left out. Fix the line and import the file again." in \
        problems[0].message


def test_a_medline_line_that_is_no_tag_line_keeps_its_record_out(tmp_path):
    """Bio.Medline takes any line as a tag of its own: the value of 'TI - A title' or of a stray line was lost."""
    export = tmp_path / "pubmed.nbib"
    export.write_text("PMID- 11111\nTI  - Kept title\n      goes on\nAU  - Smith J\n\nPMID- 22222\nTI - Lost title\n\n"
                      "PMID- 33333\nTI  - Fine\nstray text\n", encoding="utf-8")
    refs, problems = read_references(export)
    assert [(ref.pmid, ref.title) for ref in refs] == [("11111", "Kept title goes on")]
    assert [(p.line, p.message[:40]) for p in problems] == [(7, "'TI - Lost title' is not a MEDLINE line:"),
                                                           (11, "'stray text' is not a MEDLINE line: each")]
    assert "The record that starts at line 6 was left out" in problems[0].message


@pytest.mark.parametrize("name, text, said", [
    ("library.ris", "@article{k1, title = {A paper}, doi = {10.5555/evkg.k1}}\n",
     "holds BibTeX, not RIS as its name (.ris) says: it begins '@article{k1, title = {A paper}'. Rename it to "
     "library.bib and import that, or export the library again as RIS."),
    ("library.bib", "TY  - JOUR\nTI  - A paper\nDO  - 10.5555/evkg.k1\nER  - \n",
     "holds RIS, not BibTeX as its name (.bib) says"),
    ("library.json", '<?xml version="1.0"?>\n<PubmedArticleSet/>\n', "holds XML or HTML, not CSL-JSON as its name "
                                                                      "(.json) says"),
])
def test_an_export_whose_name_says_one_format_and_whose_text_another_says_so(tmp_path, capsys, name, text, said):
    """A BibTeX file named .ris was 'text outside any record (line 1; records start with TY  -)', an RIS file named
    .bib 'no references found', a PubMed XML file named .json 'not valid JSON'."""
    export = tmp_path / name
    export.write_text(text, encoding="utf-8")
    assert main(["literature", "import", str(export), "--into", str(tmp_path / "refs.ttl")]) == 2
    assert f"error: {export}: {said}" in capsys.readouterr().err


def test_a_numbered_list_of_references_is_not_taken_for_csl_json(tmp_path):
    export = tmp_path / "library.bib"
    export.write_text("[1] Smith J. A paper. J Extracell Vesicles. 2020;9:1.\n", encoding="utf-8")
    with pytest.raises(InputError, match="no references found in .*Is it a bibliography") as refused:
        read_references(export)
    assert "CSL-JSON, not" not in str(refused.value)


def test_an_ris_export_named_txt_is_read_as_ris(tmp_path):
    """Its 'TY  -' lines made it MEDLINE, so its DOI was lost and the record 'has no usable DOI or PubMed ID'."""
    export = tmp_path / "export.txt"
    export.write_text("TY  - JOUR\nTI  - A paper\nDO  - 10.5555/evkg.txt\nER  - \n", encoding="utf-8")
    refs, problems = read_references(export)
    assert not problems and [(ref.title, ref.doi) for ref in refs] == [("A paper", "10.5555/evkg.txt")]


@pytest.mark.parametrize("data, said", [
    (b"", "no references found in {export}: the file is empty."),
    (b"\n  \n\t\n", "no references found in {export}: the file is empty."),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "is a PDF document, not a reference export."),
    ("TY  - JOUR\nTI  - A paper\nER  - \n".encode("utf-16-le"), "is not text (a tenth of it is NUL bytes: UTF-16 "
                                                                "without a byte order mark, or a binary file)"),
])
def test_an_empty_or_binary_file_is_said_to_be_so(tmp_path, data, said):
    """Said as 'no references found … Is it a bibliography?' or as 'text outside any record (lines 1 to …)'."""
    export = tmp_path / "library.ris"
    export.write_bytes(data)
    with pytest.raises(InputError) as refused:
        read_references(export)
    assert said.format(export=export) in str(refused.value)


def test_an_export_in_windows_1252_is_read_so_with_a_warning_naming_the_line(tmp_path, capsys):
    """Read as Latin-1 without a word, its curly quotes became control characters in the title."""
    export = tmp_path / "library.ris"
    export.write_bytes("TY  - JOUR\nTI  - The “exosome” question – revisited\nDO  - 10.5555/evkg.cp\nER  - \n"
                       .encode("cp1252"))
    into = tmp_path / "refs.ttl"
    assert main(["literature", "import", str(export), "--into", str(into)]) == 0
    out = capsys.readouterr().out
    assert f"warning: {export}, line 2: the file is not UTF-8 (byte 0x93 on this line is not UTF-8 text); it was " \
           "read as Windows-1252, which makes that byte '“'. Check the accented letters" in out, out
    title = Graph().parse(into, format="turtle").value(paper_iri(doi="10.5555/evkg.cp"),
                                                        URIRef("http://purl.org/dc/terms/title"))
    assert str(title) == "The “exosome” question – revisited"


def test_a_csl_json_field_written_as_an_object_or_list_keeps_its_entry_out_naming_the_field(tmp_path):
    """A title written {"a": 1} was saved as the title "{'a': 1}", a family name ["Sm"] as the author "['Sm'] J"."""
    export = tmp_path / "library.json"
    export.write_text('[\n {"id": "obj", "title": {"a": 1}, "DOI": "10.5555/evkg.obj"},\n'
                      ' {"id": "list", "title": "B", "DOI": "10.5555/evkg.list", "author": [{"family": ["Sm"]}]},\n'
                      ' {"id": "fine", "title": "C", "DOI": "10.5555/evkg.fine", "volume": 3}\n]\n', encoding="utf-8")
    refs, problems = read_references(export)
    assert [(ref.key, ref.volume) for ref in refs] == [("fine", "3")]
    assert [(p.line, p.key, p.message.split(". ")[0]) for p in problems] == [
        (2, "obj", "could not be read: its field 'title' holds an object, where CSL-JSON has a text"),
        (3, "list", "could not be read: its field 'family' of author 1 holds a list, where CSL-JSON has a text")]


@pytest.mark.parametrize("text, said", [
    ('{"items": 5}', "holds an 'items' that is not a list, where a CSL-JSON export has a list of reference objects."),
    ('"a title"', "holds a single text, where a CSL-JSON export has a list of reference objects."),
    ('[{"id": "x", "title": "A\tB"}]', "line 1, column 25: is not valid JSON: a text holds a control character (a "
                                       "line break, tab or NUL written as it is); write a line break as \\n"),
    ('[{"id": "x"}] [{"id": "y"}]', "line 1, column 15: is not valid JSON: there is more after the end of the list "
                                    "(two exports joined in one file?)"),
    ('[{"id": "x", "title" "A"}]', "line 1, column 22: is not valid JSON: a ':' is missing after a field name."),
    ('[{"id": "x", }]', "line 1, column 12: is not valid JSON: a comma is left after the last entry, before the "
                        "closing brace }; JSON allows none there: remove that comma."),
    ('[{"id": "x", title: "A"}]', "line 1, column 14: is not valid JSON: a field name is not in double quotes"),
])
def test_a_csl_json_file_of_the_wrong_shape_says_what_it_holds(tmp_path, text, said):
    """Said as 'could not be read as csl-json (TypeError)' or as json's own 'Invalid control character at',
    "Expecting ':' delimiter" and "Expecting property name enclosed in double quotes"."""
    export = tmp_path / "library.json"
    export.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as refused:
        read_references(export)
    assert f"{export}, {said}" in str(refused.value) or f"{export}: {said}" in str(refused.value), refused.value


def test_a_bibtex_entry_that_cannot_be_read_is_said_in_the_words_of_the_file(tmp_path):
    """The reasons were bibtexparser's own ('Note: The entry (containing duplicates) is available as
    `failed_block.ignore_error_block`', 'Cannot split the following name … into parts'), or 'it is not valid BibTeX';
    a missing comma made the title 'A doi = 10.5555/…' and lost the DOI."""
    export = tmp_path / "library.bib"
    export.write_text("@article{twice, title = {A}, title = {B}, doi = {10.5555/evkg.1}}\n"
                      "@article{same, title = {A}, doi = {10.5555/evkg.2}}\n"
                      "@article{same, title = {C}, doi = {10.5555/evkg.3}}\n"
                      "@article{names, title = {A}, author = {Smith, J, Jr, Extra and Doe, K},"
                      " doi = {10.5555/evkg.4}}\n"
                      "@article{comma, title = {A} doi = {10.5555/evkg.5}, pmid = {12345}}\n"
                      "@article{equals, title {A}, doi = {10.5555/evkg.6}}\n"
                      "@article{open, title = {A, doi = {10.5555/evkg.7}\n", encoding="utf-8")
    refs, problems = read_references(export)
    assert [ref.key for ref in refs] == ["same"]
    assert sorted((p.line, p.key, p.message.split(" Check that")[0]) for p in problems) == [
        (1, "twice", "has the field 'title' more than once; keep one and import the file again."),
        (3, "same", "uses the key 'same', which the entry at line 2 already uses; give each entry a key of its own."),
        (4, "names", "has the author name 'Smith, J, Jr, Extra', which cannot be split into family and given names "
                     "(too many commas). Write each name 'Family, Given' and separate names with 'and'."),
        (5, "comma", "its field 'title' runs on into 'doi = …': a comma is missing between the two fields. Add it "
                     "after the value of 'title'."),
        (6, "equals", "could not be read: a field name is not followed by '=' (write 'title = {…}')."),
        (7, "open", "could not be read: the file ends before the entry is closed (a '}' is missing).")]


def test_medline_records_run_together_without_a_blank_line_are_read_as_two(tmp_path):
    """They were one record with the PMID '11111 22222', not a PubMed ID, so neither paper was imported."""
    export = tmp_path / "pubmed.nbib"
    export.write_text("PMID- 11111\nTI  - One\nPMID- 22222\nTI  - Two\n\nPMID- 33333\nTI  - Three\n", encoding="utf-8")
    refs, problems = read_references(export)
    assert not problems and [(r.pmid, r.title, r.line) for r in refs] == [("11111", "One", 1), ("22222", "Two", 3),
                                                                          ("33333", "Three", 6)]


def test_an_override_or_invisible_character_in_an_imported_title_is_shown_as_an_escape(tmp_path, monkeypatch, capsys):
    """A right-to-left override in a title or note reached the terminal as it is: 'evkg cite' showed a title
    reading otherwise than it is stored, and the import's retraction warning likewise."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    export = tmp_path / "library.ris"
    export.write_text("TY  - JOUR\nID  - bidi2020\nTI  - Safe\u202eevil\u200b title\nAU  - Smith, John\nPY  - 2020\n"
                      "N1  - Retracted\u202e: see notice\nDO  - 10.5555/evkg.bidi\nER  - \n", encoding="utf-8")
    assert main(["literature", "import", str(export)]) == 0
    out = capsys.readouterr().out
    assert "note: Retracted\\u202e: see notice" in out and "\u202e" not in out, out
    for fmt in ("text", "bibtex", "csl-json"):
        assert main(["cite", "bidi2020", "--format", fmt]) == 0
        shown = capsys.readouterr().out
        assert "Safe\\u202eevil\\u200b title" in shown and "\u202e" not in shown and "\u200b" not in shown, shown


@pytest.mark.parametrize("name, text, said", [
    ("references.ttl", "@prefix dct: <http://purl.org/dc/terms/> .\n<https://example.org/p> dct:title \"A\" .\n",
     "it is Turtle (RDF), evkg's own format, not a reference export."),
    ("bibliography.rtf", "{\\rtf1\\ansi Smith J. A paper. 2020.}\n",
     "it is an RTF (rich text) document, such as a formatted bibliography, not a reference export."),
])
def test_a_turtle_or_rtf_file_is_said_to_be_no_export(tmp_path, name, text, said):
    """A Turtle file was 'no references found … Is it a bibliography?', an RTF one 'not valid JSON', its '{' taken
    for CSL-JSON."""
    export = tmp_path / name
    export.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as refused:
        read_references(export)
    assert f"no references found in {export}: {said}" in str(refused.value), refused.value


@pytest.mark.parametrize("name, first, second", [
    ("library.ris", "TY  - JOUR\nTI  - A\nDO  - 10.5555/evkg.bom1\nER  - \n",
     "TY  - JOUR\nTI  - B\nDO  - 10.5555/evkg.bom2\nER  - \n"),
    ("pubmed.nbib", "PMID- 11111\nTI  - A\n\n", "PMID- 22222\nTI  - B\n"),
])
def test_exports_joined_with_their_byte_order_marks_are_read_whole(tmp_path, name, first, second):
    """The second export's byte order mark, at the start of a line, hid its first record ('text outside any
    record', 'is not a MEDLINE record')."""
    export = tmp_path / name
    export.write_bytes(first.encode("utf-8-sig") + second.encode("utf-8-sig"))
    refs, problems = read_references(export)
    assert not problems and [ref.title for ref in refs] == ["A", "B"]


def test_a_pubmed_article_without_its_article_element_is_named_with_what_to_do(tmp_path):
    """Said as 'has no <MedlineCitation>/<Article> element.', with no entry named and no way out."""
    export = tmp_path / "pubmed.xml"
    export.write_text('<?xml version="1.0"?>\n<PubmedArticleSet>\n<PubmedArticle><MedlineCitation><PMID>123</PMID>'
                      '</MedlineCitation></PubmedArticle>\n</PubmedArticleSet>\n', encoding="utf-8")
    refs, problems = read_references(export)
    assert not refs and [(p.line, p.key) for p in problems] == [(3, "PMID 123")]
    assert problems[0].message.endswith("(a record cut short?); export the records again from PubMed (Send to > "
                                        "File > Format: PubMed XML).")


def test_pubmed_markup_in_a_title_is_read_as_its_text_and_an_article_without_pmid_goes_by_its_doi(tmp_path):
    export = tmp_path / "pubmed.xml"
    export.write_text('<?xml version="1.0"?>\n<PubmedArticleSet>\n<PubmedArticle><MedlineCitation><Article>'
                      '<ArticleTitle>CD63<sup>+</sup> EVs &amp; <i>in vivo</i> uptake</ArticleTitle>'
                      '<ELocationID EIdType="doi">10.5555/evkg.markup</ELocationID></Article></MedlineCitation>'
                      '</PubmedArticle>\n</PubmedArticleSet>\n', encoding="utf-8")
    refs, problems = read_references(export)
    assert not problems and [(r.key, r.title, r.doi, r.pmid) for r in refs] == [
        ("article 1", "CD63+ EVs & in vivo uptake", "10.5555/evkg.markup", None)]


def test_a_medline_line_going_on_indented_otherwise_than_by_six_spaces_goes_on(tmp_path):
    """Indented by a tab (an editor's), the rest of a title was taken for a tag of its own and lost."""
    export = tmp_path / "pubmed.nbib"
    export.write_text("PMID- 11111\nTI  - A title that\n\tgoes on\n  and on\nAU  - Smith J\n", encoding="utf-8")
    refs, problems = read_references(export)
    assert not problems and [(r.title, r.authors) for r in refs] == [("A title that goes on and on", ["Smith J"])]


def test_an_ris_author_line_going_on_to_the_next_line_is_one_author(tmp_path):
    """rispy makes a line going on from an author line an author of its own: 'Smith,' and 'John'."""
    export = tmp_path / "library.ris"
    export.write_text("TY  - JOUR\nTI  - A title\n  that goes on\nAU  - Smith,\n  John\nAU  - Doe, Kim\n"
                      "DO  - 10.5555/evkg.wrap\nER  - \n", encoding="utf-8")
    refs, problems = read_references(export)
    assert not problems and [(r.title, r.authors) for r in refs] == [("A title that goes on", ["Smith J", "Doe K"])]
