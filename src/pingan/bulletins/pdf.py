"""PDF through LibreOffice: the one converter of `pingan.core.documents.pdf`, named here for callers."""

from pingan.core.documents.pdf import (
    ConversionFailed,
    ToolMissing,
    docx_to_pdf,
    missing_message,
    soffice,
)

__all__ = ["ConversionFailed", "ToolMissing", "docx_to_pdf", "missing_message", "soffice"]
