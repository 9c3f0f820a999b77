"""Benchmark Tallybook's start-up against a bare pywebview Qt window (the floor).

Each variant is launched `--runs` times (after one warm-up launch that is not counted), in
rotating round-robin order so that noise on a shared machine spreads over all of them:

- floor:     `bench/floor_window.py`, a bare window on an empty page from a stdlib HTTP server
- first-run: `main.py` from source with a new, empty data folder each run (the set-up page)
- login:     `main.py` from source with a data folder that already has a user (the login page)
- bundle:    the PyInstaller program (`dist/Tallybook/Tallybook` or `--bundle`), login page

A run measures the wall time from `Popen` to the `TALLYBOOK_WINDOW {"event":"loaded",...}` line
on stdout, waits `--idle` seconds with the window open, then measures memory: the RSS of the
launcher (the pid in the line) and the RSS, PSS and USS summed over the whole process tree.

Without DISPLAY it starts its own Xvfb (own process group, stopped at the end). Every child has
a time limit and its process group is killed on any error. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import queue
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import psutil

REPO = Path(__file__).resolve().parent.parent
FLOOR_SCRIPT = REPO / "bench" / "floor_window.py"
DEFAULT_BUNDLE = REPO / "dist" / "Tallybook" / "Tallybook"
LINE_PREFIX = "TALLYBOOK_WINDOW "
BENCH_USER = "bench"
BENCH_PASSWORD = "bench-password-not-secret"  # noqa: S105 - a throwaway local test account
MIB = 1024 * 1024
GOAL_RATIO = 1.3


class RunError(RuntimeError):
    """A launch failed: no `loaded` line in time, a bad exit code, or a crash."""


@dataclass
class Variant:
    """One thing to launch: `command(run_dir)` returns the argv for one run."""

    name: str
    description: str
    command: Callable[[Path], list[str]]


@dataclass
class RunResult:
    """What one launch measured (times in seconds, memory in bytes)."""

    variant: str
    index: int  # 0 is the warm-up run
    ok: bool
    error: str = ""
    wall_to_loaded: float | None = None
    seconds_since_start: float | None = None  # as the program itself reported it
    title: str = ""
    url: str = ""
    launcher_rss: int | None = None
    tree_rss: int | None = None
    tree_pss: int | None = None
    tree_uss: int | None = None
    tree_processes: int | None = None
    exit_code: int | None = None
    cpu_busy_before: float | None = None  # % of all CPUs busy just before the launch
    processes: list[dict[str, Any]] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Xvfb


@contextlib.contextmanager
def virtual_display(timeout: float = 15.0) -> Iterator[str | None]:
    """Yield a DISPLAY: the current one, or that of an Xvfb started here and stopped after."""
    if os.environ.get("DISPLAY"):
        yield os.environ["DISPLAY"]
        return
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        raise SystemExit("DISPLAY is not set and Xvfb is not installed (apt-get install xvfb)")
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        [xvfb, "-displayfd", str(write_fd), "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: killed as a whole below
    )
    os.close(write_fd)
    try:
        number = b""
        deadline = time.monotonic() + timeout
        while not number.endswith(b"\n"):
            remaining = deadline - time.monotonic()
            if remaining <= 0 or proc.poll() is not None:
                raise SystemExit("Xvfb did not start")
            ready, _, _ = select.select([read_fd], [], [], remaining)
            if ready:
                chunk = os.read(read_fd, 64)
                if not chunk:
                    raise SystemExit("Xvfb did not report its display number")
                number += chunk
        yield f":{number.decode().strip()}"
    finally:
        os.close(read_fd)
        stop_process_group(proc)


def stop_process_group(proc: subprocess.Popen[Any], grace: float = 5.0) -> None:
    """Terminate `proc`'s process group (it leads one), then kill what is left."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, grace)):
        if proc.poll() is not None:
            break
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=wait)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)  # stragglers of the group whose leader has exited


# --------------------------------------------------------------------------------------------
# Measuring one launch


def measure_tree(root_pid: int, launcher_pid: int) -> dict[str, Any]:
    """Return RSS of the launcher and RSS/PSS/USS summed over `root_pid` and its descendants."""
    root = psutil.Process(root_pid)
    members = [root, *root.children(recursive=True)]
    if launcher_pid not in {p.pid for p in members}:
        with contextlib.suppress(psutil.Error):
            members.append(psutil.Process(launcher_pid))
    launcher_rss: int | None = None
    rows: list[dict[str, Any]] = []
    for proc in members:
        try:
            name = proc.name()
            try:
                info = proc.memory_full_info()  # reads smaps_rollup: has pss and uss on Linux
                rss, pss, uss = info.rss, getattr(info, "pss", None), info.uss
            except psutil.AccessDenied:
                rss, pss, uss = proc.memory_info().rss, None, None
        except psutil.NoSuchProcess:
            continue
        if proc.pid == launcher_pid:
            launcher_rss = rss
        rows.append({"pid": proc.pid, "name": name, "rss": rss, "pss": pss, "uss": uss})

    def total(key: str) -> int | None:
        values = [row[key] for row in rows]
        return None if any(v is None for v in values) else sum(values)

    return {
        "launcher_rss": launcher_rss,
        "tree_rss": total("rss"),
        "tree_pss": total("pss"),
        "tree_uss": total("uss"),
        "tree_processes": len(rows),
        "processes": rows,
    }


def wait_for_quiet(limit: float, patience: float) -> float:
    """Wait until the machine's CPUs are less than `limit` % busy (or `patience` s passed).

    Returns the last busy percentage seen (sampled over 0.5 s), recorded with each run.
    """
    deadline = time.monotonic() + patience
    while True:
        busy = psutil.cpu_percent(interval=0.5)
        if busy < limit or time.monotonic() >= deadline:
            return busy


def read_lines(stream: Any, lines: queue.Queue[tuple[float, str | None]]) -> None:
    """Put each stdout line with its arrival time on `lines`; None marks the end."""
    for line in stream:
        lines.put((time.monotonic(), line))
    lines.put((time.monotonic(), None))


def run_once(
    variant: Variant,
    index: int,
    run_dir: Path,
    env: dict[str, str],
    hold: float,
    idle: float,
    timeout: float,
) -> RunResult:
    """Launch `variant` once, wait for `loaded`, measure memory, wait for a clean exit."""
    result = RunResult(variant=variant.name, index=index, ok=False)
    run_dir.mkdir(parents=True, exist_ok=True)
    argv = variant.command(run_dir)
    stderr_path = run_dir / "stderr.log"
    with stderr_path.open("wb") as stderr_file:
        started = time.monotonic()
        proc = subprocess.Popen(
            argv,
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=stderr_file,
            text=True,
            encoding="utf-8",
            errors="replace",
            bufsize=1,
            start_new_session=True,  # one process group for the launcher and Qt's helpers
        )
        lines: queue.Queue[tuple[float, str | None]] = queue.Queue()
        reader = threading.Thread(target=read_lines, args=(proc.stdout, lines), daemon=True)
        reader.start()
        descendants: list[psutil.Process] = []
        try:
            loaded_at, event = wait_for_loaded(lines, started + timeout)
            result.wall_to_loaded = loaded_at - started
            result.seconds_since_start = event.get("seconds_since_start")
            result.title = str(event.get("title", ""))
            result.url = str(event.get("url", ""))
            time.sleep(max(0.0, loaded_at + idle - time.monotonic()))
            if proc.poll() is not None:
                raise RunError(f"exited ({proc.returncode}) before the memory was measured")
            with contextlib.suppress(psutil.Error):
                descendants = psutil.Process(proc.pid).children(recursive=True)
            memory = measure_tree(proc.pid, int(event.get("pid", proc.pid)))
            for key, value in memory.items():
                setattr(result, key, value)
            try:
                result.exit_code = proc.wait(timeout=hold + 30)
            except subprocess.TimeoutExpired:
                raise RunError(f"still running {hold + 30:.0f} s after `loaded`") from None
            if result.exit_code != 0:
                raise RunError(f"exit code {result.exit_code}")
            result.ok = True
        except (RunError, psutil.Error, ValueError) as error:  # ValueError: a bad JSON line
            result.error = f"{type(error).__name__}: {error}; stderr tail: {tail(stderr_path)}"
        finally:
            with contextlib.suppress(psutil.Error):
                descendants += psutil.Process(proc.pid).children(recursive=True)
            stop_process_group(proc, grace=3)
            for child in descendants:  # helpers that left the group, if any
                with contextlib.suppress(psutil.Error):
                    child.kill()
            reader.join(timeout=5)
            if proc.stdout:
                proc.stdout.close()
    return result


def wait_for_loaded(
    lines: queue.Queue[tuple[float, str | None]], deadline: float
) -> tuple[float, dict[str, Any]]:
    """Return (arrival time, event) of the `loaded` line, or raise RunError at the deadline."""
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise RunError("no `loaded` line before the time limit")
        try:
            arrived, line = lines.get(timeout=remaining)
        except queue.Empty:
            continue
        if line is None:
            raise RunError("stdout closed before the `loaded` line")
        if line.startswith(LINE_PREFIX):
            event = json.loads(line[len(LINE_PREFIX) :])
            if event.get("event") == "loaded":
                return arrived, event


def tail(path: Path, chars: int = 600) -> str:
    """Return the end of a log file on one line."""
    with contextlib.suppress(OSError):
        return " | ".join(path.read_text(errors="replace")[-chars:].splitlines())
    return ""


# --------------------------------------------------------------------------------------------
# Variants


def create_user(python: Path, data_dir: Path, timeout: float = 120) -> None:
    """Create the bench user in `data_dir` with the `tallybook` command."""
    script = python.parent / "tallybook"
    cli = [str(script)] if script.exists() else [str(python), "-m", "server"]
    options = ["--username", BENCH_USER, "--password-stdin", "--data-dir", str(data_dir)]
    done = subprocess.run(
        [*cli, "user", "create", *options],
        cwd=REPO,
        input=BENCH_PASSWORD + "\n",
        text=True,
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"could not create the bench user in {data_dir}: {done.stderr.strip()}")


def build_variants(
    python: Path,
    bundle: Path | None,
    work: Path,
    hold: float,
    only: list[str] | None,
    candidates: list[Path] | None = None,
) -> list[Variant]:
    """Prepare the data folders and return the variants to run."""
    smoke = ["--smoke-test", str(hold)]
    floor_storage = work / "floor-webview"  # kept across runs, like the login data folder
    variants = [
        Variant(
            "floor",
            "bare pywebview Qt window, empty page (bench/floor_window.py)",
            lambda _run: [
                str(python),
                str(FLOOR_SCRIPT),
                str(hold),
                "--storage-path",
                str(floor_storage),
            ],
        ),
        Variant(
            "first-run",
            "main.py from source, new empty data folder each run (set-up page)",
            lambda run: [str(python), "main.py", "--data-dir", str(run / "data"), *smoke],
        ),
    ]
    login_data = work / "login-data"
    variants.append(
        Variant(
            "login",
            "main.py from source, data folder with a user (login page)",
            lambda _run: [str(python), "main.py", "--data-dir", str(login_data), *smoke],
        )
    )
    if bundle is not None:
        bundle_data = work / "bundle-data"
        variants.append(
            Variant(
                "bundle",
                f"{bundle}, data folder with a user (login page)",
                lambda _run: [str(bundle), "--data-dir", str(bundle_data), *smoke],
            )
        )
    for script in candidates or []:
        candidate_data = work / f"candidate-{script.stem}-data"
        variants.append(
            Variant(
                script.stem,
                f"candidate {script}, data folder with a user (login page)",
                lambda _run, script=script, data=candidate_data: [
                    str(python),
                    str(script.resolve()),
                    "--data-dir",
                    str(data),
                    *smoke,
                ],
            )
        )
    if only:
        unknown = set(only) - {v.name for v in variants}
        if unknown:
            raise SystemExit(f"unknown or unavailable variants: {', '.join(sorted(unknown))}")
        variants = [v for v in variants if v.name in only]
    names = {v.name for v in variants}
    if "login" in names:
        create_user(python, login_data)
    if "bundle" in names:
        create_user(python, work / "bundle-data")
    for script in candidates or []:
        if script.stem in names:
            create_user(python, work / f"candidate-{script.stem}-data")
    return variants


# --------------------------------------------------------------------------------------------
# Summary


def summarize(results: list[RunResult], variants: list[Variant]) -> dict[str, dict[str, Any]]:
    """Return per-variant medians/min/max of the counted (non-warm-up, successful) runs."""
    summary: dict[str, dict[str, Any]] = {}
    for variant in variants:
        runs = [r for r in results if r.variant == variant.name and r.index > 0]
        good = [r for r in runs if r.ok]
        row: dict[str, Any] = {"runs": len(good), "failed": len(runs) - len(good)}
        walls = [r.wall_to_loaded for r in good if r.wall_to_loaded is not None]
        if walls:
            row |= {
                "wall_median": statistics.median(walls),
                "wall_min": min(walls),
                "wall_max": max(walls),
            }
        for key in (
            "cpu_busy_before",
            "seconds_since_start",
            "launcher_rss",
            "tree_rss",
            "tree_pss",
            "tree_uss",
            "tree_processes",
        ):
            values = [getattr(r, key) for r in good if getattr(r, key) is not None]
            if values:
                row[f"{key}_median"] = statistics.median(values)
        if walls and "seconds_since_start_median" in row:
            overheads = [
                r.wall_to_loaded - r.seconds_since_start
                for r in good
                if r.wall_to_loaded is not None and r.seconds_since_start is not None
            ]
            row["before_first_line_median"] = statistics.median(overheads)
        summary[variant.name] = row
    floor = summary.get("floor", {}).get("wall_median")
    for row in summary.values():
        if floor and "wall_median" in row:
            row["ratio_to_floor"] = row["wall_median"] / floor
            row["excess_over_floor"] = row["wall_median"] - floor
    return summary


def format_table(summary: dict[str, dict[str, Any]]) -> str:
    """Render the summary as a fixed-width text table."""

    def sec(value: float | None) -> str:
        return "-" if value is None else f"{value:.3f}"

    def mib(value: float | None) -> str:
        return "-" if value is None else f"{value / MIB:.0f}"

    header = (
        f"{'variant':<10} {'n':>3} {'median':>7} {'min':>7} {'max':>7} {'x floor':>8} "
        f"{'+floor':>7} {'in-proc':>7} {'pre':>6} | {'launch':>6} {'treeRSS':>7} "
        f"{'treePSS':>7} {'treeUSS':>7} {'procs':>5} {'busy':>5}"
    )
    units = (
        f"{'':<10} {'':>3} {'s':>7} {'s':>7} {'s':>7} {'':>8} {'s':>7} {'s':>7} {'s':>6} | "
        f"{'MiB':>6} {'MiB':>7} {'MiB':>7} {'MiB':>7} {'':>5} {'%':>5}"
    )
    lines = [header, units, "-" * len(header)]
    for name, row in summary.items():
        ratio = row.get("ratio_to_floor")
        excess = row.get("excess_over_floor")
        procs = row.get("tree_processes_median")
        busy = row.get("cpu_busy_before_median")
        lines.append(
            f"{name:<10} {row['runs']:>3} {sec(row.get('wall_median')):>7} "
            f"{sec(row.get('wall_min')):>7} {sec(row.get('wall_max')):>7} "
            f"{'-' if ratio is None else f'{ratio:.2f}x':>8} "
            f"{'-' if excess is None else f'{excess:+.3f}':>7} "
            f"{sec(row.get('seconds_since_start_median')):>7} "
            f"{sec(row.get('before_first_line_median')):>6} | "
            f"{mib(row.get('launcher_rss_median')):>6} {mib(row.get('tree_rss_median')):>7} "
            f"{mib(row.get('tree_pss_median')):>7} {mib(row.get('tree_uss_median')):>7} "
            f"{'-' if procs is None else f'{procs:g}':>5} "
            f"{'-' if busy is None else f'{busy:.0f}':>5}"
            + (f"   ({row['failed']} failed)" if row["failed"] else "")
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Read the options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="counted runs per variant (7)")
    parser.add_argument(
        "--hold", type=float, default=4.0, help="seconds the window stays open after loaded (4)"
    )
    parser.add_argument(
        "--idle",
        type=float,
        default=2.0,
        help="seconds after loaded before memory is measured; at most --hold minus 1 (2)",
    )
    parser.add_argument(
        "--timeout", type=float, default=60.0, help="seconds allowed from launch to loaded (60)"
    )
    parser.add_argument(
        "--bundle",
        type=Path,
        default=None,
        help=f"built program to include (default: {DEFAULT_BUNDLE.relative_to(REPO)} if built)",
    )
    parser.add_argument("--no-bundle", action="store_true", help="leave the bundle out")
    parser.add_argument(
        "--python",
        type=Path,
        default=None,
        help="interpreter for main.py and the floor (default: the repo's .venv, else this one)",
    )
    parser.add_argument(
        "--only", nargs="+", metavar="VARIANT", help="run only these: floor first-run login bundle"
    )
    parser.add_argument(
        "--quiet",
        type=float,
        default=25.0,
        metavar="PERCENT",
        help="before each launch wait until the CPUs are less busy than this (25)",
    )
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="longest wait for --quiet; then launch anyway and record the load (30)",
    )
    parser.add_argument(
        "--candidate",
        type=Path,
        action="append",
        metavar="SCRIPT",
        help="also run SCRIPT (main.py's options, e.g. a changed copy of main.py) on a data "
        "folder with a user; the variant is named after the file; repeatable",
    )
    parser.add_argument("--json", type=Path, default=None, metavar="OUT", help="save results")
    args = parser.parse_args(argv)
    for script in args.candidate or []:
        if not script.is_file():
            parser.error(f"--candidate {script} does not exist")
        if script.stem in ("floor", "first-run", "login", "bundle"):
            parser.error(f"--candidate {script}: rename it, {script.stem} is a built-in variant")
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if not 0 <= args.idle <= args.hold - 1:
        parser.error("--idle must be between 0 and --hold - 1 (memory is read while it is open)")
    return args


def default_python() -> Path:
    """Return the repo's virtualenv interpreter if there is one, else the running one."""
    venv = REPO / ".venv" / "bin" / "python"
    return venv if venv.exists() else Path(sys.executable)


def git_commit() -> str:
    """Return the checked-out commit and whether the tree has changes, or ''."""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        return head + (" (with uncommitted changes)" if dirty else "")
    return ""


def raise_on_sigterm(signum: int, _frame: object) -> None:
    """Turn SIGTERM into SystemExit so that children and Xvfb are cleaned up."""
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; return 0, or 1 if any counted run failed."""
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, raise_on_sigterm)
    python = args.python or default_python()
    bundle = None if args.no_bundle else args.bundle or DEFAULT_BUNDLE
    if bundle is not None and not bundle.exists():
        if args.bundle is not None:
            raise SystemExit(f"--bundle {bundle} does not exist")
        bundle = None
    results: list[RunResult] = []
    with (
        tempfile.TemporaryDirectory(prefix="tallybook-bench-") as scratch,
        virtual_display() as display,
    ):
        work = Path(scratch)
        env = dict(os.environ)
        env.pop("TALLYBOOK_DATA_DIR", None)
        env["DISPLAY"] = display or ""
        env["PYTHONUNBUFFERED"] = "1"
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            env["QTWEBENGINE_DISABLE_SANDBOX"] = "1"
        variants = build_variants(python, bundle, work, args.hold, args.only, args.candidate)
        print(f"display {display}, python {python}, {len(variants)} variants", flush=True)
        for variant in variants:
            print(f"  {variant.name:<10} {variant.description}", flush=True)
        schedule = [(v, 0) for v in variants]  # warm-up, not counted
        for index in range(1, args.runs + 1):
            shift = (index - 1) % len(variants)
            schedule += [(v, index) for v in variants[shift:] + variants[:shift]]
        for number, (variant, index) in enumerate(schedule, start=1):
            busy = wait_for_quiet(args.quiet, args.quiet_wait)
            result = run_once(
                variant,
                index,
                work / "runs" / f"{variant.name}-{index}",
                env,
                args.hold,
                args.idle,
                args.timeout,
            )
            result.cpu_busy_before = busy
            results.append(result)
            label = "warm-up" if index == 0 else f"run {index}"
            if result.ok:
                status = (
                    f"{result.wall_to_loaded:.3f} s to loaded "
                    f"(in-process {result.seconds_since_start:.3f} s), "
                    f"tree PSS {(result.tree_pss or 0) / MIB:.0f} MiB; CPUs {busy:.0f}% busy before"
                )
            else:
                status = f"FAILED: {result.error}"
            print(f"[{number}/{len(schedule)}] {variant.name} {label}: {status}", flush=True)

    summary = summarize(results, variants)
    print()
    print(format_table(summary))
    print()
    print(
        "median/min/max: Popen to the `loaded` line; x floor, +floor: median vs the floor's;\n"
        "in-proc: the program's own seconds_since_start; pre: median of (wall - in-proc), i.e.\n"
        "interpreter start and imports before the program's clock; memory (medians) read\n"
        f"{args.idle:g} s after loaded: launch = launcher RSS, tree = launcher + all descendants;\n"
        "busy: median % of all CPUs busy (other programs) just before each launch."
    )
    floor = summary.get("floor", {}).get("wall_median")
    if floor:
        for name, row in summary.items():
            if name != "floor" and "ratio_to_floor" in row:
                verdict = "met" if row["ratio_to_floor"] <= GOAL_RATIO else "MISSED"
                print(
                    f"goal start-to-loaded <= {GOAL_RATIO}x floor: {name} "
                    f"{row['ratio_to_floor']:.2f}x -> {verdict}"
                )
    if args.json:
        payload = {
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "machine": {
                "platform": platform.platform(),
                "cpus": os.cpu_count(),
                "python": str(python),
                "load_average": os.getloadavg(),
            },
            "commit": git_commit(),
            "options": vars(args),
            "variants": {v.name: v.description for v in variants},
            "summary": summary,
            "runs": [asdict(r) for r in results],
        }
        args.json.write_text(json.dumps(payload, indent=2, default=str) + "\n")
        print(f"results saved to {args.json}")
    failed = any(not r.ok for r in results if r.index > 0)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
