"""Certificates for `tallybook serve` over HTTPS: a user's own PEM pair, or a self-signed one.

The self-signed certificate and its key live in the data folder and are reused, so the
fingerprint a user checked once in their browser or phone stays the same; a new one is made
only when the files are missing or damaged, when it is about to expire, or when it does not
name every address and host name clients are now told to use.
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

TLS_FOLDER = "tls"
CERT_FILENAME = "cert.pem"
KEY_FILENAME = "key.pem"
# 397 days is the longest that browsers accept for a server certificate issued today.
VALIDITY = timedelta(days=397)
# Renew a month ahead, so a server left running does not cross the expiry date unnoticed.
RENEW_BEFORE = timedelta(days=30)
# A phone's clock running a little behind must not see the new certificate as not yet valid.
BACKDATE = timedelta(hours=1)
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


class TlsError(Exception):
    """A certificate or key that cannot be used; the message says why and what to do."""


@dataclass(frozen=True)
class Certificate:
    """A certificate file and its key file, checked to belong together."""

    cert_path: Path
    key_path: Path
    fingerprint: str
    names: frozenset[str]
    not_after: datetime


def fingerprint_of(der: bytes) -> str:
    """Return the SHA-256 fingerprint of a DER certificate as browsers show it (AB:CD:...)."""
    return hashlib.sha256(der).digest().hex(":").upper()


def normalize_name(name: str) -> str:
    """Return a host name or IP literal as it is compared with a certificate's names."""
    bare = name.strip().removeprefix("[").removesuffix("]").rstrip(".").lower()
    try:
        return str(ipaddress.ip_address(bare))
    except ValueError:
        return bare


def certificate_names(host: str, allowed_hosts: Iterable[str]) -> list[str]:
    """Return the names a certificate for a server on `host` must cover, loopback first."""
    wanted = [*LOOPBACK_NAMES, *allowed_hosts]
    if not ipaddress.ip_address(host).is_unspecified:  # 0.0.0.0 is nobody's address
        wanted.append(host)
    return list(dict.fromkeys(normalize_name(name) for name in wanted))


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise TlsError(f"Cannot read the {what} file {path}: {error.strerror}.") from None


def _names_in(cert: x509.Certificate) -> frozenset[str]:
    try:
        alt_names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return frozenset()
    dns = alt_names.get_values_for_type(x509.DNSName)
    ips = alt_names.get_values_for_type(x509.IPAddress)
    return frozenset([*(normalize_name(n) for n in dns), *(str(ip) for ip in ips)])


def load_certificate(cert_path: Path, key_path: Path) -> Certificate:
    """Read a PEM certificate (optionally followed by its chain) and its unencrypted PEM key,
    and check that the key is the certificate's; raise TlsError otherwise."""
    cert_data = _read(cert_path, "certificate")
    key_data = _read(key_path, "key")
    try:
        cert = x509.load_pem_x509_certificates(cert_data)[0]  # the server's own comes first
    except ValueError:
        raise TlsError(
            f"{cert_path} holds no PEM certificate (-----BEGIN CERTIFICATE-----)."
        ) from None
    try:
        key = serialization.load_pem_private_key(key_data, password=None)
    except TypeError:  # cryptography's way of saying that the key needs a passphrase
        raise TlsError(
            f"The key in {key_path} is protected by a passphrase; give it unencrypted "
            "(readable only by you), e.g. `openssl pkey -in KEY -out key.pem`."
        ) from None
    except (ValueError, UnsupportedAlgorithm):
        raise TlsError(
            f"{key_path} holds no PEM private key (-----BEGIN PRIVATE KEY-----)."
        ) from None
    spki = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    if key.public_key().public_bytes(*spki) != cert.public_key().public_bytes(*spki):
        raise TlsError(f"The key in {key_path} does not belong to the certificate {cert_path}.")
    return Certificate(
        cert_path=cert_path,
        key_path=key_path,
        fingerprint=fingerprint_of(cert.public_bytes(serialization.Encoding.DER)),
        names=_names_in(cert),
        not_after=cert.not_valid_after_utc,
    )


def _alt_name(name: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        return x509.DNSName(name)


def make_self_signed(names: list[str], now: datetime) -> tuple[bytes, bytes]:
    """Return a new self-signed certificate for `names` and its key, both PEM."""
    for name in names:
        if not name.isascii():
            raise TlsError(f"Give the host name {name!r} in its ASCII (xn--) form.")
    # P-256: small, fast to make, and accepted by every current browser and phone.
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Tallybook (self-signed)")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.SubjectAlternativeName([_alt_name(n) for n in names]), False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


def _write(path: Path, data: bytes, mode: int) -> None:
    """Write a file whole or not at all (a crash leaves the old one), created with `mode`."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.unlink(missing_ok=True)  # O_EXCL below: the mode applies to a new file only
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def ensure_self_signed(folder: Path, names: list[str], now: datetime) -> Certificate:
    """Return the self-signed certificate kept in `folder`, making a new one when it is
    missing, damaged, near expiry or does not cover every one of `names`."""
    cert_path, key_path = folder / CERT_FILENAME, folder / KEY_FILENAME
    try:
        kept = load_certificate(cert_path, key_path)
    except TlsError:  # missing, or a pair torn by a crash: ours to replace
        kept = None
    if kept and kept.not_after - now > RENEW_BEFORE and set(names) <= kept.names:
        return kept
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    cert_pem, key_pem = make_self_signed(names, now)
    _write(key_path, key_pem, 0o600)
    _write(cert_path, cert_pem, 0o600)
    return load_certificate(cert_path, key_path)
