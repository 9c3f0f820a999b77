"""A client's view of `tallybook serve` over HTTPS: what it prints on starting, and the
certificate it presents, checked with Python's own `ssl` (for the source tree and the bundle)."""

from __future__ import annotations

import hashlib
import re
import socket
import ssl

READY_LINE = "Press Ctrl+C to stop."  # the last line `tallybook serve` prints on starting
SERVING = re.compile(r"serving (https://\S+:(\d+)/)")
FINGERPRINT = re.compile(r"SHA-256 fingerprint: ((?:[0-9A-F]{2}:){31}[0-9A-F]{2})$", re.M)


def read_banner(output: str) -> tuple[str, int, str]:
    """Return the URL, port and certificate fingerprint in what `serve --tls ...` printed."""
    url = SERVING.search(output)
    fingerprint = FINGERPRINT.search(output)
    assert url and fingerprint, output
    return url.group(1), int(url.group(2)), fingerprint.group(1)


def connect(port: int, context: ssl.SSLContext, name: str = "localhost") -> ssl.SSLSocket:
    """Open a TLS connection to 127.0.0.1:port, asking for (and checking) the name `name`."""
    return context.wrap_socket(
        socket.create_connection(("127.0.0.1", port), timeout=5), server_hostname=name
    )


def peer_certificate(port: int, context: ssl.SSLContext, name: str = "localhost") -> bytes:
    """Return the DER certificate the server on 127.0.0.1:port presents as `name`."""
    with connect(port, context, name) as tls:
        assert tls.version() in ("TLSv1.2", "TLSv1.3")
        return tls.getpeercert(binary_form=True)


def unverified() -> ssl.SSLContext:
    """Return a client context that accepts any certificate: the caller compares fingerprints."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def sha256_colons(der: bytes) -> str:
    """Return the SHA-256 of a certificate as browsers show it, computed here independently."""
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))
