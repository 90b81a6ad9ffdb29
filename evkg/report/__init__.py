"""Reports and views (stage: presentation; imports the stages below it, never the graph store, web or CLI).

`render` turns check results (findings and classifications) into text, JSON, Markdown, HTML and RDF.
"""
