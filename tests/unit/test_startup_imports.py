"""The app starts without the libraries only some requests need (bench/startup.py measures
the start-up; each of these costs tens to hundreds of milliseconds of it)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from server.config import DATA_DIR_ENV

ROOT = Path(__file__).resolve().parents[2]
# What the first request of its kind imports: an OFX import, an app's token, a command.
LATER = ("ofxtools", "joserfc", "server.auth.oauth_server", "server.cli", "defusedxml")


def modules_after(program: str, tmp_path: Path) -> set[str]:
    found = subprocess.run(
        [sys.executable, "-c", f"import sys\n{program}\nprint(' '.join(sys.modules))"],
        cwd=ROOT,
        env={DATA_DIR_ENV: str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return set(found.stdout.split())


def test_starting_and_showing_the_first_page_imports_none_of_them(tmp_path):
    started = modules_after(
        "from server import create_app\n"
        "app = create_app({'AUTOMATIC_BACKUPS': False})\n"
        "assert app.test_client().get('/setup').status_code == 200",
        tmp_path,
    )
    assert "server.api.imports" in started  # the routes are all there
    assert sorted(started & set(LATER)) == []


OFX = (
    "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\n\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS>"
    "<CURDEF>USD<BANKACCTFROM><ACCTID>1234</BANKACCTFROM><BANKTRANLIST><STMTTRN>"
    "<TRNTYPE>DEBIT<DTPOSTED>20261201<TRNAMT>-12.50<FITID>1<NAME>Bakery</STMTTRN>"
    "</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>"
)


def test_reading_an_ofx_file_imports_ofxtools(tmp_path):
    """So the check above fails if the name of what is put off ever changes."""
    program = (
        "from server.bankfiles.ofx_file import read_ofx\n"
        f"[statement] = read_ofx({OFX!r}.encode())\n"
        "assert str(statement.rows[0].amount) == '-12.50', statement"
    )
    assert "ofxtools" in modules_after(program, tmp_path)
