"""Objects named in both Chinese and English."""

from __future__ import annotations


class BilingualName:
    """Mixin for models with `name_zh` and `name_en`: the name to show in a language."""

    name_zh: str
    name_en: str

    def display_name(self, language: str) -> str:
        """The English name when English is asked for and there is one; the Chinese name otherwise."""
        return self.name_en if language.startswith("en") and self.name_en else self.name_zh
