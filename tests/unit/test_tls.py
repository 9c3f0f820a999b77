"""The certificate module: names, the self-signed certificate kept and reused, user files."""

from __future__ import annotations

import ipaddress
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from server.desktop.tls import (
    RENEW_BEFORE,
    VALIDITY,
    TlsError,
    certificate_names,
    ensure_self_signed,
    fingerprint_of,
    load_certificate,
    make_self_signed,
)

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
NAMES = ["localhost", "127.0.0.1", "::1", "nas.home.arpa", "192.168.1.20"]


def _alt_names(path: Path) -> x509.SubjectAlternativeName:
    cert = x509.load_pem_x509_certificate(path.read_bytes())
    return cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value


def test_certificate_names_cover_loopback_the_address_and_allowed_hosts():
    names = certificate_names("192.168.1.20", ["NAS.home.arpa.", "[FE80::1]", "localhost"])
    assert names == ["localhost", "127.0.0.1", "::1", "nas.home.arpa", "fe80::1", "192.168.1.20"]


@pytest.mark.parametrize("host", ["0.0.0.0", "::"])  # noqa: S104 - not bound, named
def test_an_unspecified_listen_address_is_no_name(host):
    assert certificate_names(host, []) == ["localhost", "127.0.0.1", "::1"]


def test_self_signed_certificate_is_made_private_and_names_everything(tmp_path):
    folder = tmp_path / "tls"
    made = ensure_self_signed(folder, NAMES, NOW)
    assert stat.S_IMODE(made.key_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    alt = _alt_names(made.cert_path)
    assert alt.get_values_for_type(x509.DNSName) == ["localhost", "nas.home.arpa"]
    assert alt.get_values_for_type(x509.IPAddress) == [
        ipaddress.ip_address(a) for a in ("127.0.0.1", "::1", "192.168.1.20")
    ]
    assert made.names == frozenset(NAMES)
    assert made.not_after == NOW + VALIDITY
    der = x509.load_pem_x509_certificate(made.cert_path.read_bytes()).public_bytes(
        serialization.Encoding.DER
    )
    assert made.fingerprint == fingerprint_of(der)
    assert len(made.fingerprint) == 32 * 3 - 1 and made.fingerprint.isupper()


def test_the_kept_certificate_is_reused_for_the_same_or_fewer_names(tmp_path):
    first = ensure_self_signed(tmp_path, NAMES, NOW)
    again = ensure_self_signed(tmp_path, NAMES[:3], NOW + timedelta(days=100))
    assert again == first


def test_a_new_certificate_when_a_name_is_not_covered(tmp_path):
    first = ensure_self_signed(tmp_path, NAMES, NOW)
    wider = ensure_self_signed(tmp_path, [*NAMES, "tallybook.lan"], NOW)
    assert wider.fingerprint != first.fingerprint
    assert "tallybook.lan" in wider.names


def test_a_new_certificate_near_expiry(tmp_path):
    first = ensure_self_signed(tmp_path, NAMES, NOW)
    later = NOW + VALIDITY - RENEW_BEFORE + timedelta(days=1)
    renewed = ensure_self_signed(tmp_path, NAMES, later)
    assert renewed.fingerprint != first.fingerprint
    assert renewed.not_after == later + VALIDITY


@pytest.mark.parametrize("damage", ["delete key", "delete cert", "other key", "garbage"])
def test_missing_or_damaged_files_are_replaced(tmp_path, damage):
    first = ensure_self_signed(tmp_path, NAMES, NOW)
    if damage == "delete key":
        first.key_path.unlink()
    elif damage == "delete cert":
        first.cert_path.unlink()
    elif damage == "other key":  # a torn write: the key of another certificate
        first.key_path.write_bytes(make_self_signed(NAMES, NOW)[1])
    else:
        first.cert_path.write_bytes(b"not a certificate")
    replaced = ensure_self_signed(tmp_path, NAMES, NOW)
    assert replaced.fingerprint != first.fingerprint
    assert load_certificate(replaced.cert_path, replaced.key_path) == replaced


def test_a_non_ascii_host_name_is_refused(tmp_path):
    with pytest.raises(TlsError, match="ASCII"):
        ensure_self_signed(tmp_path, ["kässeli.lan"], NOW)


def _pair(tmp_path: Path, name: str) -> tuple[Path, Path]:
    cert_pem, key_pem = make_self_signed(["localhost"], NOW)
    cert, key = tmp_path / f"{name}.crt", tmp_path / f"{name}.key"
    cert.write_bytes(cert_pem)
    key.write_bytes(key_pem)
    return cert, key


def test_a_certificate_followed_by_its_chain_is_read_as_the_first(tmp_path):
    cert, key = _pair(tmp_path, "server")
    chain_cert, _ = _pair(tmp_path, "chain")
    leaf = load_certificate(cert, key)
    cert.write_bytes(cert.read_bytes() + chain_cert.read_bytes())
    assert load_certificate(cert, key).fingerprint == leaf.fingerprint


def _encrypt(key_path: Path) -> None:
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"a passphrase"),
        )
    )


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (lambda cert, key, other: cert.unlink(), "Cannot read the certificate file"),
        (lambda cert, key, other: key.unlink(), "Cannot read the key file"),
        (lambda cert, key, other: cert.write_text("hello"), "holds no PEM certificate"),
        (lambda cert, key, other: key.write_bytes(cert.read_bytes()), "holds no PEM private key"),
        (lambda cert, key, other: key.write_bytes(other.read_bytes()), "does not belong"),
        (lambda cert, key, other: _encrypt(key), "passphrase"),
    ],
)
def test_unusable_user_files_are_refused_with_the_reason(tmp_path, spoil, message):
    cert, key = _pair(tmp_path, "server")
    _, other_key = _pair(tmp_path, "other")
    spoil(cert, key, other_key)
    with pytest.raises(TlsError, match=message):
        load_certificate(cert, key)


def write_rsa_pair(folder: Path, names: list[str]) -> tuple[Path, Path]:
    """Write a certificate and key as users bring them (RSA, traditional PEM); return paths."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    now = datetime.now(UTC)
    alt_names = [
        x509.IPAddress(ipaddress.ip_address(n)) if n[0].isdigit() else x509.DNSName(n)
        for n in names
    ]
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "user-cert.pem", folder / "user-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_an_rsa_pair_from_elsewhere_is_read(tmp_path):
    # Our own certificates have EC keys; the ones users bring are often RSA.
    cert_path, key_path = write_rsa_pair(tmp_path, ["nas.home.arpa", "192.168.1.20"])
    loaded = load_certificate(cert_path, key_path)
    assert loaded.names == frozenset({"nas.home.arpa", "192.168.1.20"})
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    assert loaded.fingerprint == cert.fingerprint(hashes.SHA256()).hex(":").upper()
