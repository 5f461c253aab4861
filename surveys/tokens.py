"""The survey link's token and the contact's keyed hash (leaf module: services and selectors share these rules).

Token: `signing.dumps([invitation id, nonce])` — signed with SECRET_KEY (HMAC-SHA256), carrying the invitation's
random 144-bit nonce, so it can neither be forged nor guessed; single use and expiry are the invitation row's
(`responded_at`, `expires_at`).

Contact hash: HMAC-SHA256 of the normalized e-mail or mobile with SURVEYS_CONTACT_HASH_KEY (default: SECRET_KEY).
Opt-outs and the one-per-N-days rule compare hashes, never addresses. Keep the key stable: a new key forgets
every opt-out (set SURVEYS_CONTACT_HASH_KEY to the old SECRET_KEY when rotating that one).
"""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.core import signing

SALT = "surveys.invitation"


def nonce_new() -> str:
    return secrets.token_urlsafe(18)  # 144 bits


def invitation_token(*, invitation_id: int, nonce: str) -> str:
    return signing.dumps([invitation_id, nonce], salt=SALT, compress=False)


def invitation_token_parse(token: str) -> tuple[int, str] | None:
    """(invitation id, nonce) of a well-signed token, else None."""
    if not token or len(token) > 200:
        return None
    try:
        value = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], int) and isinstance(value[1], str)):
        return None
    return value[0], value[1]


def contact_hash(value: str) -> str:
    """Keyed hash of an e-mail address or an E.164 mobile number ("" for "")."""
    value = (value or "").strip().lower()
    if not value:
        return ""
    key = (getattr(settings, "SURVEYS_CONTACT_HASH_KEY", "") or settings.SECRET_KEY).encode()
    return hmac.new(key, b"surveys.contact:" + value.encode(), hashlib.sha256).hexdigest()


def sampling_draw(*, attention_id: int) -> float:
    """A uniform number in [0, 1) fixed per attention (keyed): sampling gives the same answer however often it runs."""
    key = settings.SECRET_KEY.encode()
    digest = hmac.new(key, f"surveys.sampling:{attention_id}".encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") / 2**64
