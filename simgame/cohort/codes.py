"""Join codes and facilitator keys: short, readable aloud, never confusable (no 0/O, 1/I/L)."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import string

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
_CODE = re.compile(f"^[{ALPHABET}]{{{CODE_LENGTH}}}$")


def new_join_code() -> str:
    """Six characters from an alphabet without look-alikes: about 887 million codes."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """What a person typed, made canonical: case, spaces and hyphens forgiven, no guessing beyond that."""
    return text.strip().upper().replace("-", "").replace(" ", "")


def is_valid_code(text: str) -> bool:
    return bool(_CODE.fullmatch(text))


KEY_ALPHABET = string.ascii_letters + string.digits
KEY_LENGTH = 16


def new_facilitator_key() -> str:
    """A secret the facilitator keeps; only its hash is stored.

    Letters and digits only (about 95 bits): a key that started with `-` could not be typed
    after `--key`, because the command line would read it as an option.
    """
    return "".join(secrets.choice(KEY_ALPHABET) for _ in range(KEY_LENGTH))


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def key_matches(key: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_key(key), stored_hash)


def codes_equal(a: str, b: str) -> bool:
    """Constant-time comparison, so a guessing client learns nothing from timing."""
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))
