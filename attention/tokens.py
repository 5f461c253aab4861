"""Device tokens are stored as their SHA-256 only: the one hashing rule, shared by the service that creates a device
and the selector that recognises one (a leaf module, so neither imports the other)."""

import hashlib


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
