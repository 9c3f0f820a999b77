"""Short-lived access tokens for apps: JWTs (RFC 9068) signed with a key in the data folder.

Every claim that grants something is checked: the signature (ES256 only, so `alg: none` or an
HMAC trick cannot pass), the type `at+jwt`, `exp` and `iat`, the audience, the subject, the
scope and the book. The grant they came from is checked by the caller, so that revoking it
stops them at once instead of when they expire.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey
from joserfc.jwt import JWTClaimsRegistry

from server.auth.oauth import ACCESS_TOKEN_ALGORITHM, SCOPES, Grant
from server.config import SIGNING_KEY_FILENAME, private_file

ALGORITHM = ACCESS_TOKEN_ALGORITHM
TOKEN_TYPE = "at+jwt"  # noqa: S105 - the type of access tokens (RFC 9068), not a secret
AUDIENCE = "tallybook-api"
LEEWAY_SECONDS = 30  # clocks of one computer agree; this covers a slow request


def load_signing_key(data_dir: Path) -> ECKey:
    """Return the P-256 key kept in the data folder, creating it (mode 0600) on first use."""
    path = data_dir / SIGNING_KEY_FILENAME
    pem = private_file(path, lambda: ECKey.generate_key("P-256").as_pem(private=True))
    try:
        return ECKey.import_key(pem)
    except (JoseError, ValueError) as error:
        raise RuntimeError(
            f"{path} is damaged ({error}): delete it to make a new key (apps then ask again)"
        ) from None


def public_jwks(key: ECKey) -> dict[str, list[dict[str, str]]]:
    """Return the public half of the key as a JWK Set, for apps that check tokens."""
    public = dict(key.as_dict(private=False))
    public.update(kid=key.thumbprint(), use="sig", alg=ALGORITHM)
    return {"keys": [public]}


def issue_access_token(
    key: ECKey, grant: Grant, scope: str, now: datetime, lifetime_seconds: int
) -> str:
    """Return a signed access token for `grant`, valid for `lifetime_seconds` from `now`."""
    issued = int(now.timestamp())
    claims = {
        "sub": str(grant.user_id),
        "aud": AUDIENCE,
        "iat": issued,
        "exp": issued + lifetime_seconds,
        "scope": scope,
        "book": grant.book_id,
        "client_id": grant.client_id,
        "grant": grant.id,
        "jti": secrets.token_urlsafe(16),
    }
    header = {"alg": ALGORITHM, "typ": TOKEN_TYPE, "kid": key.thumbprint()}
    return jwt.encode(header, claims, key, algorithms=[ALGORITHM])


@dataclass(frozen=True)
class AccessClaims:
    """What a valid access token grants."""

    user_id: int
    book_id: int
    grant_id: int
    scopes: frozenset[str]


def _positive_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def read_access_token(
    key: ECKey, token: str, now: datetime, *, expired_too: bool = False
) -> AccessClaims | None:
    """Return what the token grants, or None if anything about it is wrong or expired.

    With `expired_too`, an expired token that is otherwise good still names its grant: an app
    revoking its access with the last token it had must end it (RFC 7009)."""
    try:
        decoded = jwt.decode(token, key, algorithms=[ALGORITHM])
        if decoded.header.get("typ") != TOKEN_TYPE:
            return None
        checked_at = int(now.timestamp())
        expiry = decoded.claims.get("exp")
        if expired_too and _positive_int(expiry):
            checked_at = min(checked_at, expiry)
        registry = JWTClaimsRegistry(
            now=checked_at,
            leeway=LEEWAY_SECONDS,
            exp={"essential": True},
            iat={"essential": True},
            aud={"essential": True, "value": AUDIENCE},
            sub={"essential": True},
            scope={"essential": True},
            book={"essential": True},
            grant={"essential": True},
        )
        registry.validate(decoded.claims)
    except (JoseError, ValueError):
        return None
    claims = decoded.claims
    if claims["iat"] > int(now.timestamp()) + LEEWAY_SECONDS:  # issued in the future
        return None
    scopes = frozenset(str(claims["scope"]).split())
    subject = str(claims["sub"])
    if not scopes or not scopes <= set(SCOPES) or not subject.isdigit():
        return None
    if not (_positive_int(claims["book"]) and _positive_int(claims["grant"])):
        return None
    return AccessClaims(
        user_id=int(subject), book_id=claims["book"], grant_id=claims["grant"], scopes=scopes
    )
