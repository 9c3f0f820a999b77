"""Where does start-up time go? A phase timeline of main.py next to the floor's.

Launches `main.py --smoke-test` (first-run and login data folders) and `bench/floor_window.py`
in a child interpreter that wraps the start-up steps with timers (nothing in main.py or server/
is changed: the wrappers are installed from outside, before `main.main()` runs), then prints the
median time of each mark, in seconds from `Popen`, and the pages/assets the window requested.

    .venv/bin/python bench/profile_startup.py --runs 5
    .venv/bin/python -X importtime main.py --data-dir D --smoke-test 1 2> importtime.txt

The wrappers cost a few milliseconds; use bench/startup.py for the real numbers.
"""

from __future__ import annotations

import argparse
import builtins
import contextlib
import functools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
PREFIX = "BENCH_PROFILE "
T0_ENV = "BENCH_PROFILE_T0"

# --------------------------------------------------------------------------------------------
# Child side: install the wrappers, run the target, print the marks


class Recorder:
    """Collects (label, start, end) spans and request spans, in seconds since the launch."""

    def __init__(self, t0: float) -> None:
        self.t0 = t0
        self.marks: dict[str, float] = {}
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()

    def mark(self, label: str, when: float | None = None) -> None:
        """Record `label` at `when` (time.time(); default now), first occurrence only."""
        with self.lock:
            self.marks.setdefault(label, (when or time.time()) - self.t0)

    def wrap(self, owner: Any, attribute: str, label: str) -> None:
        """Replace owner.attribute by a version that records `label start`/`label end`."""
        original = getattr(owner, attribute)

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            self.mark(f"{label} start")
            try:
                return original(*args, **kwargs)
            finally:
                self.mark(f"{label} end")

        setattr(owner, attribute, timed)

    def dump(self) -> None:
        """Print the marks as one JSON line."""
        payload = {"marks": self.marks, "requests": self.requests}
        print(PREFIX + json.dumps(payload), flush=True)


def hook_webview(rec: Recorder) -> None:
    """Time `import webview` and the window's steps, whenever the target imports it."""
    original_import = builtins.__import__

    def importing(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "webview" and "webview" not in sys.modules:
            rec.mark("import webview start")
            module = original_import(name, *args, **kwargs)
            rec.mark("import webview end")
            instrument_webview(rec, module)
            return module
        return original_import(name, *args, **kwargs)

    builtins.__import__ = importing


def instrument_webview(rec: Recorder, webview: Any) -> None:
    """Wrap pywebview's start, its GUI initialisation (the Qt imports) and the window events."""
    original_create = webview.create_window

    def create_window(*args: Any, **kwargs: Any) -> Any:
        window = original_create(*args, **kwargs)
        for event in ("before_show", "shown", "before_load", "loaded"):

            def on_event(event: str = event) -> None:
                rec.mark(f"window {event}")

            getattr(window.events, event).__iadd__(on_event)
        window.events.closed += rec.dump
        return window

    webview.create_window = create_window
    rec.wrap(webview, "start", "webview.start")
    original_initialize = webview.initialize

    def initialize(*args: Any, **kwargs: Any) -> Any:
        rec.mark("Qt import (guilib) start")
        guilib = original_initialize(*args, **kwargs)
        rec.mark("Qt import (guilib) end")
        if hasattr(guilib, "BrowserView"):
            original_setup = guilib.QApplication

            class TimedApplication(original_setup):  # type: ignore[misc, valid-type]
                def __init__(self, *a: Any) -> None:
                    rec.mark("QApplication start")
                    super().__init__(*a)
                    rec.mark("QApplication end")

            guilib.QApplication = TimedApplication
            rec.wrap(guilib.BrowserView, "__init__", "BrowserView init")
        return guilib

    webview.initialize = initialize


def wrap_wsgi(rec: Recorder, app: Any) -> None:
    """Record each request's path, status and span."""
    inner = app.wsgi_app

    def timed(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        begin = time.time()
        status: list[str] = []

        def recording_start(code: str, headers: Any, *rest: Any) -> Any:
            status.append(code.split()[0])
            return start_response(code, headers, *rest)

        body = inner(environ, recording_start)
        with rec.lock:
            rec.requests.append(
                {
                    "path": environ.get("PATH_INFO", ""),
                    "status": status[0] if status else "",
                    "start": begin - rec.t0,
                    "end": time.time() - rec.t0,
                }
            )
        return body

    app.wsgi_app = timed


def child(target: str, argv: list[str]) -> int:
    """Run `target` (main or floor) under the wrappers."""
    rec = Recorder(float(os.environ.get(T0_ENV, time.time())))
    rec.mark("interpreter ready")
    hook_webview(rec)
    if target == "floor":
        sys.path.insert(0, str(BENCH))
        import floor_window

        rec.mark("floor imported")
        return floor_window.main(argv)

    sys.path.insert(0, str(REPO))
    import main

    rec.mark("main imported")
    rec.mark("import server start")
    import server

    rec.mark("import server end")
    import server.config
    import server.instance
    import server.serving

    rec.mark("import server.config/instance/serving end")
    for name in ("apply_migrations", "purge_stale_sessions", "register_api", "Database"):
        rec.wrap(server, name, f"  create_app: {name}")
    rec.wrap(server.cfg, "load_secret_key", "  create_app: load_secret_key")
    rec.wrap(server.cfg, "configure_logging", "  create_app: configure_logging")
    original_create_app = server.create_app

    def create_app(*args: Any, **kwargs: Any) -> Any:
        rec.mark("create_app start")
        app = original_create_app(*args, **kwargs)
        rec.mark("create_app end")
        wrap_wsgi(rec, app)
        return app

    server.create_app = create_app
    rec.wrap(server.serving, "start_server", "start_server")
    rec.wrap(server.serving.RunningServer, "wait_until_ready", "wait_until_ready")
    rec.wrap(main, "open_window", "open_window")
    return main.main(argv)


# --------------------------------------------------------------------------------------------
# Parent side


def launch(
    python: Path, target: str, argv: list[str], env: dict[str, str], timeout: float
) -> dict[str, Any]:
    """Run one profiled child and return its marks (plus `loaded line` seen by the parent)."""
    env = dict(env, **{T0_ENV: repr(time.time())})
    started = time.monotonic()
    proc = subprocess.Popen(
        [str(python), str(Path(__file__).resolve()), "--child", target, "--", *argv],
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    from startup import stop_process_group

    result: dict[str, Any] = {}
    timer = threading.Timer(timeout, stop_process_group, args=(proc,))
    timer.start()
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("TALLYBOOK_WINDOW "):
                result["loaded line"] = time.monotonic() - started
            elif line.startswith(PREFIX):
                result |= json.loads(line[len(PREFIX) :])
        proc.wait(timeout=30)
    finally:
        timer.cancel()
        stop_process_group(proc, grace=3)
    if "marks" not in result:
        raise RuntimeError(f"{target}: no profile (exit code {proc.returncode})")
    result["marks"]["loaded line (parent)"] = result.get("loaded line")
    return result


def report(name: str, runs: list[dict[str, Any]]) -> None:
    """Print median marks and the first run's requests."""
    labels: dict[str, list[float]] = {}
    for run in runs:
        for label, value in run["marks"].items():
            if value is not None:
                labels.setdefault(label, []).append(value)
    print(f"\n== {name}: median of {len(runs)} runs, seconds from Popen ==")
    for label, values in sorted(labels.items(), key=lambda item: statistics.median(item[1])):
        print(f"  {statistics.median(values):7.3f}  {label}")
    requests = runs[0].get("requests") or []
    if requests:
        print("  requests of run 1 (start-end, seconds from Popen):")
        for req in requests:
            print(f"    {req['start']:.3f}-{req['end']:.3f} {req['status']} {req['path']}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Read the options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per target (5)")
    parser.add_argument("--hold", type=float, default=1.0, help="seconds open after loaded (1)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per run (60)")
    parser.add_argument("--child", choices=("main", "floor"), help=argparse.SUPPRESS)
    parser.add_argument("rest", nargs="*", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Profile floor, first-run and login; print the timelines."""
    args = parse_args(argv)
    if args.child:
        return child(args.child, args.rest)
    sys.path.insert(0, str(BENCH))
    from startup import create_user, default_python, virtual_display

    python = default_python()
    with (
        tempfile.TemporaryDirectory(prefix="tallybook-profile-") as scratch,
        virtual_display() as display,
    ):
        work = Path(scratch)
        env = dict(os.environ, DISPLAY=display or "", PYTHONUNBUFFERED="1")
        env.pop("TALLYBOOK_DATA_DIR", None)
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            env["QTWEBENGINE_DISABLE_SANDBOX"] = "1"
        create_user(python, work / "login")
        smoke = ["--smoke-test", str(args.hold)]
        targets: dict[str, Callable[[int], tuple[str, list[str]]]] = {
            "floor": lambda i: ("floor", [str(args.hold), "--storage-path", str(work / "fw")]),
            "first-run": lambda i: ("main", ["--data-dir", str(work / f"new{i}"), *smoke]),
            "login": lambda i: ("main", ["--data-dir", str(work / "login"), *smoke]),
        }
        results: dict[str, list[dict[str, Any]]] = {name: [] for name in targets}
        for i in range(args.runs + 1):  # run 0 warms the caches and is dropped
            for name, make in targets.items():
                target, target_argv = make(i)
                with contextlib.suppress(RuntimeError):
                    run = launch(python, target, target_argv, env, args.timeout)
                    if i:
                        results[name].append(run)
        for name, runs in results.items():
            if runs:
                report(name, runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
