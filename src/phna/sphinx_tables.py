"""A Sphinx extension (listed in ``_config.yml``): every Markdown table in the book gets a caption and row headers.

Screen readers announce a table by its caption and read each cell with its row and column headers. Tables
written in Markdown (hand-written pages, the generated front-page summary and lists of sources) have neither:
this gives each such table its section's title as caption, unless it has one (MyST ``{table}`` or
``{list-table}`` titles), and makes its first column the row headers (``<th>``), as in every table in this
book the first column names the row. Tables that chapters publish are HTML with both already
(:mod:`phna.tables`).
"""

from __future__ import annotations

from docutils import nodes


def _section_title(node: nodes.Node) -> str:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, nodes.section):
            titles = [child for child in parent.children if isinstance(child, nodes.title)]
            if titles:
                return titles[0].astext()
        parent = parent.parent
    return ""


def label_tables(app, doctree: nodes.document) -> None:
    for table in doctree.findall(nodes.table):
        for tgroup in table.findall(nodes.tgroup):
            colspecs = [child for child in tgroup.children if isinstance(child, nodes.colspec)]
            if colspecs and not any(c.get("stub") for c in colspecs):
                colspecs[0]["stub"] = 1
        if not any(isinstance(child, nodes.title) for child in table.children):
            title = _section_title(table)
            if title:
                # the heading is just above: the caption is there for screen readers (hidden by phna.css)
                table.insert(0, nodes.title(title, title, classes=["phna-section-caption"]))
        if not table["ids"]:
            doctree.set_id(table)  # Sphinx expects a table with a caption to have an id


def setup(app):
    app.connect("doctree-read", label_tables)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
