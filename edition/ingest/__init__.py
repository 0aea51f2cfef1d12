"""Turn raw page text from PDF extraction or OCR, or a page PDF itself, into draft articles.

The importer is a pipeline of small steps, each in its own module so it can be
read and tested on its own:

    normalise  → lines with their raw line numbers; markers, heading marks and control characters removed
    blocks     → runs of lines between blank lines, split where furniture starts
    classify   → each block gets a kind: title, byline, body, footer, ad, …
    newspaper  → titles, bylines and bodies are paired into articles (`drafts.Draft`)
    periodical → a journal skips blocks and classify: its articles follow a 目录 of their pages
    write      → one draft Markdown file per article, the report, and issue.yml (issuefile:
                 the editor's file keeps every line it had), put in place all together (files)

A page PDF (``pdfimport.import_pdf``) replaces the first three steps with geometry: pdfread
(characters with boxes → lines, rules, frames, photos), pdflayout (roles by type size, articles
by place, reading order by columns, regions) and pdfrender (page image, thumbnail, page PDF,
photos), and shares the rest: punctuation, accounting, bylines, mastheads, footers, the writer.

Every step that guesses records a `Note` with the raw line numbers, so the
editor gets a review report that says exactly what to check.
"""

from .pipeline import ImportResult, import_text

__all__ = ["ImportResult", "import_text"]


