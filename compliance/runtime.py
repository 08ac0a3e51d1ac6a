"""Runtime files kept in the instance folder (INSTANCE_PATH): the generated secret key.

Outside production and tests, SECRET_KEY may be left unset: a random key is then generated on
first start into INSTANCE_PATH/secret_key (mode 0600, readable only by its owner) and reused by
every later start, so sessions survive a restart and no publicly known key ever signs a cookie.
"""

from __future__ import annotations

import os
import secrets
import stat
import tempfile
from pathlib import Path

SECRET_KEY_FILE = "secret_key"


class InstanceFileError(RuntimeError):
    pass


def instance_secret_key(instance_path: Path) -> str:
    """The key in INSTANCE_PATH/secret_key, generated (64 hex digits) if the file is absent.

    Written to a private temporary file and linked into place, so that two processes starting at
    once (gunicorn workers) end up with the same key and never read a half-written file.
    """
    path = instance_path / SECRET_KEY_FILE
    if not path.exists():
        fd, tmp = tempfile.mkstemp(prefix=".secret_key-", dir=instance_path)  # mkstemp: mode 0600
        try:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(secrets.token_hex(32) + "\n")
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass  # another process won the race: use its key
        finally:
            os.unlink(tmp)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise InstanceFileError(
            f"{path} is readable by others (mode {mode:04o}); make it private with `chmod 600 {path}`"
        )
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 32:
        raise InstanceFileError(f"{path} holds no usable key (under 32 characters); delete it to generate a new one")
    return key
