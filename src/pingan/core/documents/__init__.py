"""One renderer for official documents (bulletins, daily summaries, later reports).

A document is described as data (`model.OfficialDocument`: masthead, title, numbered headings,
paragraphs, tables, figures, signature, imprint); `docx.render` writes it as a GB/T 9704-2012
.docx, `html.render` as a printable page, `glyphs.missing` checks every string against the
glyph table of the shipped font that renders it, and `pdf.docx_to_pdf` converts through
LibreOffice with the shipped fonts. Layout rules live here and nowhere else.
"""
