"""`pingan backup -o FILE` and `pingan restore FILE [--force]`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pingan.backup.services import Summary


def cmd_backup(args: argparse.Namespace) -> int:
    """Write one archive with a consistent snapshot of the database and the data folder's files."""
    from django.utils.translation import gettext as _

    # local import: services load when the command runs, not for every `pingan` invocation
    from pingan.backup.services import create_backup
    from pingan.core.access.actor import command_line_actor

    return _report(
        lambda: create_backup(actor=command_line_actor(), output=Path(args.output)),
        failed=_("backup failed: %(reason)s"),
        done=_(
            "backup written to %(file)s: %(vendor)s database and %(n)d files; audit chain at record %(seq)d, hash %(hash)s"
        ),
        file=args.output,
    )


def cmd_restore(args: argparse.Namespace) -> int:
    """Check a backup's checksums, restore it into an empty target, then verify the audit chain."""
    from django.utils.translation import gettext as _

    # local import: services load when the command runs, not for every `pingan` invocation
    from pingan.audit.cli import cmd_audit_verify
    from pingan.backup.services import restore_backup

    status = _report(
        lambda: restore_backup(archive=Path(args.file), replace=args.force),
        failed=_("restore failed: %(reason)s"),
        done=_(
            "restored from %(file)s: %(vendor)s database and %(n)d files; audit chain at record %(seq)d, hash %(hash)s"
        ),
        file=args.file,
    )
    return status or cmd_audit_verify(argparse.Namespace(anchor=[]))


def _report(work: Callable[[], Summary], *, failed: str, done: str, file: str) -> int:
    """Run a backup or a restore and print what it did (exit 0) or why it failed (exit 1)."""
    from pingan.backup.services import BackupFailed  # local import: as in the commands above

    try:
        summary = work()
    except BackupFailed as exc:
        print("pingan: " + failed % {"reason": exc}, file=sys.stderr)
        return 1
    print(
        done
        % {
            "file": file,
            "vendor": summary.vendor,
            "n": summary.files,
            "seq": summary.head.seq,
            "hash": summary.head.hash,
        }
    )
    return 0


def register(sub: Any) -> None:
    """Add the backup and restore commands to the `pingan` command."""
    backup = sub.add_parser(
        "backup", help="write the database and the data folder's files to one archive"
    )
    backup.add_argument("-o", "--output", required=True, help="archive file to write (.tar.gz)")
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser("restore", help="restore an archive into an empty data folder")
    restore.add_argument("file")
    restore.add_argument(
        "--force", action="store_true", help="replace what the database and data folder hold"
    )
    restore.set_defaults(func=cmd_restore)
