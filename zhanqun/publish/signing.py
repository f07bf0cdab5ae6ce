"""Ed25519 keys and signatures for bundles (the ``cryptography`` package), and the sequence counter.

``keygen --out KEY`` writes the secret key ``KEY`` (PEM, PKCS #8, unencrypted, mode 0600: keep it
on the internet-side build machine only) and the public key ``KEY.pub`` (PEM), which is copied
into the intranet once and passed to ``apply --trust``. Neither file is ever overwritten.
``bundle`` keeps the last sequence number it issued with this key in ``KEY.sequence`` beside the
secret key, and never issues the same or a lower one again. A key is named by its id: the first
16 hex digits of the sha256 of the raw public key.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ..i18n import _
from ..paths import create_exclusive, write_text
from .releases import ReleaseError

PUBLIC_SUFFIX = ".pub"
SEQUENCE_SUFFIX = ".sequence"
SIGNATURE_SIZE = 64
#: What ``KEY.sequence`` may hold: ASCII digits only (``str.isdigit`` would take ``²`` or ``٣``,
#: which ``int`` then refuses or reads as another number), at most 18 of them (an int64).
_SEQUENCE_TEXT = re.compile(r"[0-9]{1,18}")


class SigningError(ReleaseError):
    """A key that cannot be written or read, or a sequence that may not be issued; exit 1."""


class KeyExists(SigningError):
    """``keygen --out`` names a key file that exists: never overwritten; the caller's usage error (exit 2)."""


def key_id(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_path(key: Path) -> Path:
    return key.with_name(key.name + PUBLIC_SUFFIX)


def generate_key(key: Path) -> str:
    """Write a new key pair to ``key`` and ``key.pub``; returns its id. Refuses existing files."""
    public = public_path(key)
    for path in (key, public):
        if os.path.lexists(path):
            raise KeyExists(_("{path} already exists; zhanqun never overwrites a key (choose another name, or remove the old key yourself)").format(path=path))
    secret = Ed25519PrivateKey.generate()
    secret_pem = secret.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    public_pem = secret.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    try:
        create_exclusive(key.parent, key.name, secret_pem, 0o600)
        create_exclusive(public.parent, public.name, public_pem, 0o644)
    except FileExistsError as exc:
        raise KeyExists(_("{path} already exists; zhanqun never overwrites a key").format(path=exc.filename or key)) from None
    return key_id(secret.public_key())


def load_secret_key(key: Path) -> Ed25519PrivateKey:
    """The secret key in ``key``; refused when others may read it or it is not an Ed25519 key."""
    try:
        mode = os.stat(key).st_mode
        data = key.read_bytes()
    except OSError as exc:
        raise SigningError(_("cannot read the secret key {path}: {reason}").format(path=key, reason=exc.strerror)) from None
    if stat.S_IMODE(mode) & 0o077:
        raise SigningError(_("{path} may be read by others (mode {mode:o}); run chmod 600 {path}").format(path=key, mode=stat.S_IMODE(mode)))
    try:
        secret = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        raise SigningError(_("{path} is not a secret key written by keygen (PEM, unencrypted)").format(path=key)) from None
    if not isinstance(secret, Ed25519PrivateKey):
        raise SigningError(_("{path} is not an Ed25519 key").format(path=key))
    return secret


def load_public_key(path: Path) -> Ed25519PublicKey:
    """The trusted public key in ``path`` (``KEY.pub`` as keygen wrote it)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SigningError(_("cannot read the public key {path}: {reason}").format(path=path, reason=exc.strerror)) from None
    try:
        public = serialization.load_pem_public_key(data)
    except (ValueError, TypeError):
        raise SigningError(_("{path} is not a public key written by keygen (PEM)").format(path=path)) from None
    if not isinstance(public, Ed25519PublicKey):
        raise SigningError(_("{path} is not an Ed25519 public key").format(path=path))
    return public


def sign(secret: Ed25519PrivateKey, data: bytes) -> bytes:
    return secret.sign(data)


def verifies(public: Ed25519PublicKey, signature: bytes, data: bytes) -> bool:
    try:
        public.verify(signature, data)
    except InvalidSignature:
        return False
    return True


def last_sequence(key: Path) -> int:
    """The last sequence number issued with ``key`` (0: none yet)."""
    counter = key.with_name(key.name + SEQUENCE_SUFFIX)
    try:
        text = counter.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return 0
    except (OSError, UnicodeDecodeError) as exc:
        raise SigningError(_("cannot read {path}: {reason}").format(path=counter, reason=exc)) from None
    if not _SEQUENCE_TEXT.fullmatch(text):
        raise SigningError(_("{path} should hold the last sequence number issued with this key, in ASCII digits (0-9), and holds {text!r}; write that number into it (or a greater one, if you do not know it: the intranet refuses every bundle whose sequence is not greater than the last one it applied)").format(
            path=counter, text=text[:40]))
    return int(text)


def record_sequence(key: Path, sequence: int) -> None:
    write_text(key.parent, key.name + SEQUENCE_SUFFIX, f"{sequence}\n")
