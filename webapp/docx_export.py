"""Export a Begründungstext as .docx (python-docx), .md and .txt.

All three hold the same paragraphs as the text the officer sees: headings ("## ") become
Word headings, quotation paragraphs ("> ") use the "Quote" style, and quotations in
running text („…“) are set in italics so they stand out as the call's own words. The
text is marked as German (de-DE) for Word's spelling check and hyphenation, a quotation in
English (EU calls) as English.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from matcher.analysis import detect_language
from matcher.justification import blocks, markdown, plain_text
from webapp.formatting import without_control_chars

_INLINE_QUOTE = re.compile(r"„[^“]*“")


@dataclass(slots=True, frozen=True)
class Export:
    """A file to download."""

    body: bytes
    mimetype: str
    extension: str


DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def to_docx(text: str, title: str = "") -> bytes:
    """The text as a Word document; `title` goes into the document properties only.

    Control characters (a scraped title or a quoted sentence may carry them) become spaces:
    python-docx refuses them, and the download would fail.
    """
    text, title = without_control_chars(text), without_control_chars(title)
    document = Document()
    if title:
        document.core_properties.title = title[:255]
    document.core_properties.language = "de-DE"
    _set_default_language(document, "de-DE")
    for block in blocks(text):
        if block.kind == "heading":
            document.add_heading(block.text, level=2)
        elif block.kind == "quote":
            paragraph = document.add_paragraph(style="Quote")
            run = paragraph.add_run(block.text)
            run.italic = True
            if detect_language(block.text) == "en":
                _set_language(run, "en-GB")
        else:
            _add_with_marked_quotes(document.add_paragraph(), block.text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _set_default_language(document: DocumentObject, tag: str) -> None:
    """The proofing language of all text: python-docx's template says en-US, and Word would
    mark every German word as misspelt."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    r_pr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")) if defaults is not None else None
    if r_pr is None:
        return
    lang = r_pr.find(qn("w:lang"))
    if lang is None:
        lang = r_pr.makeelement(qn("w:lang"), {})
        r_pr.append(lang)
    lang.set(qn("w:val"), tag)


def _set_language(run: Run, tag: str) -> None:
    r_pr = run._element.get_or_add_rPr()  # python-docx has no API for the language
    lang = r_pr.makeelement(qn("w:lang"), {qn("w:val"): tag})
    r_pr.append(lang)


def _add_with_marked_quotes(paragraph: Paragraph, text: str) -> None:
    position = 0
    for match in _INLINE_QUOTE.finditer(text):
        if match.start() > position:
            paragraph.add_run(text[position : match.start()])
        paragraph.add_run(match.group(0)).italic = True
        position = match.end()
    if position < len(text):
        paragraph.add_run(text[position:])


def export(text: str, fmt: str, title: str = "") -> Export:
    """The text in `fmt` ("txt", "md" or "docx"); ValueError for another format."""
    if fmt == "txt":
        return Export((plain_text(text) + "\n").encode("utf-8"), "text/plain; charset=utf-8", "txt")
    if fmt == "md":
        return Export(markdown(text).encode("utf-8"), "text/markdown; charset=utf-8", "md")
    if fmt == "docx":
        return Export(to_docx(text, title), DOCX_MIME, "docx")
    raise ValueError(f"unknown format {fmt!r}")
