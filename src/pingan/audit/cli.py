"""`pingan audit verify [--anchor FILE ...]` and `pingan audit anchor export -o FILE`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from pingan.audit.anchor import write_atomically
from pingan.audit.services import export_anchor
from pingan.audit.verify import verify_chain
from pingan.core.access.actor import command_line_actor


def cmd_audit_verify(args: argparse.Namespace) -> int:
    """Verify the chain against its head, the home anchor and every anchor given; exit 1 naming
    the first disagreement."""
    verdict = verify_chain(anchors=[Path(p) for p in args.anchor])
    if verdict.ok:
        print(_("audit chain ok: %(n)d records verified") % {"n": verdict.checked})
        print(
            _("head: record %(seq)d, hash %(hash)s; %(anchors)d anchors agree")
            % {
                "seq": verdict.head_seq,
                "hash": verdict.head_hash,
                "anchors": verdict.anchors_checked,
            }
        )
        return 0
    if verdict.bad_seq is None:
        print(_("audit chain BROKEN: %(reason)s") % {"reason": verdict.reason}, file=sys.stderr)
        return 1
    text = _("audit chain BROKEN at record %(seq)s: %(reason)s (%(n)d records verified before it)")
    print(
        text % {"seq": verdict.bad_seq, "reason": verdict.reason, "n": verdict.checked},
        file=sys.stderr,
    )
    return 1


def cmd_anchor_export(args: argparse.Namespace) -> int:
    """Verify the chain, then write its head (count and hash) to a file or standard output."""
    verdict = verify_chain()
    if not verdict.ok:
        print(
            _("audit chain BROKEN: %(reason)s") % {"reason": verdict.reason}
            + " "
            + _("(no anchor exported)"),
            file=sys.stderr,
        )
        return 1
    anchor = export_anchor(actor=command_line_actor())
    if args.output in (None, "-"):
        sys.stdout.write(anchor.as_text())
        return 0
    path = Path(args.output)
    write_atomically(path, anchor.as_text().encode("ascii"), mode=0o644)
    print(
        _("anchor exported to %(file)s: record %(seq)d, hash %(hash)s")
        % {"file": path, "seq": anchor.seq, "hash": anchor.hash}
    )
    return 0


def register(sub: Any) -> None:
    """Add the audit commands to the `pingan` command."""
    audit = sub.add_parser("audit", help="the audit log").add_subparsers(
        dest="action", required=True
    )
    verify = audit.add_parser("verify", help="verify the hash chain against its head and anchors")
    verify.add_argument(
        "--anchor",
        action="append",
        default=[],
        metavar="FILE",
        help="an exported anchor to compare the chain with (repeatable)",
    )
    verify.set_defaults(func=cmd_audit_verify)
    anchor = audit.add_parser("anchor", help="the chain's anchors").add_subparsers(
        dest="anchor_action", required=True
    )
    export = anchor.add_parser(
        "export", help="write the verified head (record count and hash) to keep elsewhere"
    )
    export.add_argument("-o", "--output", help="file to write (default: standard output)")
    export.set_defaults(func=cmd_anchor_export)
