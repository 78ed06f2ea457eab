"""Objects named in both Chinese and English."""

from __future__ import annotations

from django.utils.translation import get_language


class BilingualName:
    """Mixin for models with `name_zh` and `name_en`: the name to show in a language."""

    name_zh: str
    name_en: str

    def display_name(self, language: str) -> str:
        """The English name when English is asked for and there is one; the Chinese name otherwise."""
        return name_in(language, self.name_zh, self.name_en)


def name_in(language: str, name_zh: str, name_en: str) -> str:
    """The name to show in `language` of a row read without its model (as `display_name`)."""
    return name_en if language.startswith("en") and name_en else name_zh


def local_label(obj: object) -> str:
    """An object's name in the active language: `display_name` when it has one, else `str()`.

    Used where a choice or a cell names a stored object (form options, table cells)."""
    show = getattr(obj, "display_name", None)
    if callable(show):
        return str(show(get_language() or "zh-hans"))
    return str(obj)
