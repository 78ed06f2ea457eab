"""The issuing office's particulars printed on the bulletin, with defaults for the demo city.

Each value may be set by an environment variable or, in a settings module, by the dict
`PINGAN_BULLETIN` with the same keys in lower case (the environment wins), then by the
`[bulletin]` section of the scheme whose results the bulletin prints (each built-in scheme
names its own office and document-number prefix); the defaults are Binzhou's.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings

DEFAULTS = {
    "issuer": "滨州市平安建设领导小组办公室",
    "number_prefix": "滨平安办",
    "main_to": "各县（区）平安建设领导小组，各市属开发区，市直各部门，各高等院校、医疗单位",
    "copy_to": "市平安建设领导小组各成员",
}
ENVIRONMENT = {
    "issuer": "PINGAN_BULLETIN_ISSUER",
    "number_prefix": "PINGAN_BULLETIN_NUMBER_PREFIX",
    "main_to": "PINGAN_BULLETIN_MAIN_TO",
    "copy_to": "PINGAN_BULLETIN_COPY_TO",
}


@dataclass(frozen=True)
class Issuer:
    """Who issues the bulletin, its document-number prefix and the distribution lists."""

    issuer: str
    number_prefix: str
    main_to: str
    copy_to: str

    @property
    def header_line(self) -> str:
        """The red header line of the document: the issuing body followed by 文件."""
        return self.issuer + "文件"

    def document_number(self, year: int, serial: int) -> str:
        """The document number, e.g. 滨平安办〔2026〕3号."""
        return "%s〔%d〕%d号" % (self.number_prefix, year, serial)

    def draft_number(self, year: int) -> str:
        """The number of a draft: the serial is left blank until issue."""
        return "%s〔%d〕　号" % (self.number_prefix, year)


def issuer(scheme: Mapping[str, str] | None = None) -> Issuer:
    """The issuing office: environment, then settings, then the scheme's `[bulletin]`, then defaults.

    ``scheme`` is the `bulletin` part of the scheme version's content (None or {} without one).
    """
    configured = getattr(settings, "PINGAN_BULLETIN", {}) or {}
    own = scheme or {}
    values = {
        key: os.environ.get(ENVIRONMENT[key]) or configured.get(key) or own.get(key) or default
        for key, default in DEFAULTS.items()
    }
    return Issuer(**values)
