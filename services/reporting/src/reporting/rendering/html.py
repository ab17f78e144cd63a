"""The report as one self-contained French HTML page: inline CSS, charts as inline SVG.

Every string of the document is escaped (``html.escape``) before it is written, so text typed
by a user (a significant fact, an action) is shown, never interpreted. The charts' SVG comes
from vl-convert, built from our own labels and numbers. No script, no external resource.
"""

from __future__ import annotations

from html import escape

from reporting.rendering.blocks import (
    Block,
    Chart,
    Formula,
    Heading,
    Notes,
    Paragraph,
    ReportDocument,
    Table,
)
from reporting.rendering.content import build_document
from reporting.rendering.model import RenderInput

_CSS = """
:root { color-scheme: light; }
body { font-family: "Libertinus Serif", Georgia, "Times New Roman", serif; font-size: 15px;
  line-height: 1.45; color: #1d1d1d; max-width: 60rem; margin: 0 auto; padding: 1.5rem; }
body.draft { background: repeating-linear-gradient(-45deg, #fff, #fff 40px, #fafafa 40px,
  #fafafa 80px); }
.banner { background: #fff3cd; border: 1px solid #e0c66a; padding: .5rem .8rem; }
.kicker { text-transform: uppercase; letter-spacing: .04em; color: #555; font-size: .8rem; }
h1 { font-size: 1.7rem; margin: .4rem 0; } .subtitle { font-size: 1.15rem; margin-top: 0; }
h2 { font-size: 1.45rem; margin-top: 2.2rem; border-bottom: 1px solid #bbb; }
h3 { font-size: 1.2rem; margin-top: 1.6rem; } h4 { font-size: 1.05rem; margin-top: 1.3rem; }
h5 { font-size: 1rem; font-style: italic; margin: 1.1rem 0 .4rem; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 .9rem; }
th, td { border: 1px solid #aaa; padding: .25rem .4rem; vertical-align: top; text-align: left; }
th { background: #e6e6e6; } td.num, th.num { text-align: right; white-space: nowrap; }
tr.total td { font-weight: bold; }
table.cover td { border: none; border-bottom: 1px solid #ccc; } table.cover td:first-child {
  color: #555; width: 40%; }
.aside, .notes { font-size: .85rem; color: #444; }
.notes dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem .6rem; }
.notes dt { font-weight: normal; } .notes dd { margin: 0; }
.formula { display: flex; align-items: center; gap: .5rem; margin: .8rem 0 .2rem 1rem; }
.frac { display: inline-flex; flex-direction: column; text-align: center; }
.frac > span:first-child { border-bottom: 1px solid #333; padding-bottom: .1rem; }
figure { margin: 1.2rem 0; } figcaption { font-weight: bold; margin-bottom: .4rem; }
figure svg { max-width: 100%; height: auto; }
.hash { font-family: "DejaVu Sans Mono", monospace; font-size: .8rem; word-break: break-all; }
footer { margin-top: 2.5rem; border-top: 1px solid #bbb; font-size: .8rem; color: #555; }
"""


def render_html(data: RenderInput) -> str:
    """The revision as a complete HTML page in French, numbered as the seed."""
    return html_from_document(build_document(data))


def _text(text: str) -> str:
    """Escaped text; a line break of the document becomes ``<br>``."""
    return "<br>".join(escape(line) for line in text.split("\n"))


def _heading(block: Heading, anchor: str) -> str:
    tag = f"h{min(block.level + 1, 5)}"
    return f'<{tag} id="{anchor}">{_text(block.text)}</{tag}>'


def _table(block: Table) -> str:
    def cell(tag: str, index: int, text: str) -> str:
        numeric = ' class="num"' if index >= block.numeric_from else ""
        return f"<{tag}{numeric}>{_text(text)}</{tag}>"

    head = "".join(cell("th", i, text) for i, text in enumerate(block.header))
    rows = []
    for number, row in enumerate(block.rows):
        total = block.total and number == len(block.rows) - 1
        cells = "".join(cell("td", i, text) for i, text in enumerate(row))
        rows.append(f'<tr class="total">{cells}</tr>' if total else f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _formula(block: Formula) -> str:
    if block.denominator is None:
        right = f"<span>{_text(block.numerator)}</span>"
    else:
        right = (
            f'<span class="frac"><span>{_text(block.numerator)}</span>'
            f"<span>{_text(block.denominator)}</span></span>"
        )
    formula = f'<div class="formula"><strong>{_text(block.name)}</strong> = {right}</div>'
    if block.comment:
        formula += f'<p class="aside">{_text(block.comment)}.</p>'
    return formula


def _chart(block: Chart) -> str:
    # The SVG is vl-convert's, from our labels and numbers; the title and description are text.
    return (
        f"<figure><figcaption>{_text(block.title)}</figcaption>"
        f'<div role="img" aria-label="{escape(block.description)}">{block.svg}</div></figure>'
    )


def _notes(block: Notes) -> str:
    items = "".join(f"<dt>{_text(mark)}</dt><dd>{_text(text)}</dd>" for mark, text in block.items)
    return f'<div class="notes"><p><strong>{_text(block.title)}</strong></p><dl>{items}</dl></div>'


def _block(block: Block, anchor: str) -> str:
    if isinstance(block, Heading):
        return _heading(block, anchor)
    if isinstance(block, Paragraph):
        opening = '<p class="aside">' if block.aside else "<p>"
        return f"{opening}{_text(block.text)}</p>"
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Formula):
        return _formula(block)
    if isinstance(block, Chart):
        return _chart(block)
    return _notes(block)


def _contents(document: ReportDocument) -> str:
    entries = [
        f'<li class="l{block.level}"><a href="#s{index}">{_text(block.text)}</a></li>'
        for index, block in enumerate(document.blocks)
        if isinstance(block, Heading) and block.level <= 2
    ]
    return f"<nav><h2>Sommaire</h2><ul>{''.join(entries)}</ul></nav>"


def _cover(document: ReportDocument) -> str:
    cells = "".join(
        f"<tr><td>{_text(label)}</td><td><strong>{_text(value)}</strong></td></tr>"
        for label, value in document.cover
    )
    rows = f'<table class="cover"><tbody>{cells}</tbody></table>'
    if document.content_hash is None:
        seal = (
            '<p class="banner"><strong>Brouillon</strong> : ce document n\'est pas finalisé ; '
            "ses chiffres peuvent encore changer.</p>"
        )
    else:
        seal = (
            "<p><strong>Empreinte SHA-256 de cette révision</strong><br>"
            f'<span class="hash">{escape(document.content_hash)}</span></p>'
        )
    return (
        "<header>"
        '<p class="kicker">Présenté au comité d\'hygiène, de sécurité et des conditions de '
        "travail</p>"
        f"<h1>{_text(document.title)}</h1>"
        f'<p class="subtitle">{_text(document.subtitle)}</p>{rows}{seal}</header>'
    )


def html_from_document(document: ReportDocument) -> str:
    """Lay out an already written document as an HTML page."""
    body = "\n".join(_block(block, f"s{index}") for index, block in enumerate(document.blocks))
    body_class = ' class="draft"' if document.draft else ""
    return (
        '<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_text(document.subtitle)} — rapport annuel</title>\n"
        f"<style>{_CSS}</style>\n</head>\n<body{body_class}>\n"
        f"{_cover(document)}\n{_contents(document)}\n<main>\n{body}\n</main>\n"
        f"<footer><p>{_text(document.footer)}</p></footer>\n</body>\n</html>\n"
    )
