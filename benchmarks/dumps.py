"""Time and peak memory of the full N-Quads dump, beside ``oxigraph dump`` of the same store.

1. Builds (or reuses, with ``--work DIR``) a store of synthetic data per size, as
   ``benchmarks/named_queries.py`` does (N entities with ~3 offers each, N/50 opportunities,
   N/20 actions, the demo programmes and the catalogue, through the validated import). The stores
   are ``{work}/pages-{N}``, named as ``benchmarks/pages.py`` names them, so both can share them.
2. Takes a checkpoint of each store (hard links, beside the work folder's stores: the store in
   ``--work`` is only read) and reads its files once, so that every run finds them in the
   operating system's file cache.
3. Runs, one after the other (``oxigraph dump`` wants the store to itself), each in its own
   process, measuring wall time and peak RSS (``wait4``: the process and what it waited for):

   * ``registry.nq.gz``: ``registry.dumps.build`` (what ``/dumps/registry.nq.gz`` serves:
     Oxigraph's N-Quads streamed into gzip level 6, hashed on the way);
   * the same without gzip (``registry.dumps.write`` into a plain file);
   * ``oxigraph dump --file out.nq`` (Oxigraph's command line tool, no compression: it has none);
   * ``oxigraph dump --format nq | gzip -6``, the like-for-like of the first.

   ``--runs`` times each, in turn; reports the median time and the largest peak RSS.

Usage: ``python benchmarks/dumps.py [--sizes 10000 100000] [--runs 3] [--work DIR]``; prints a
Markdown table for benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from named_queries import BASE, build  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def oxigraph_cli() -> str:
    found = Path(sys.executable).parent / "oxigraph"
    if found.exists():
        return str(found)
    which = shutil.which("oxigraph")
    if which is None:
        raise SystemExit("the oxigraph command line tool is needed (pip install oxigraph)")
    return which


def child(variant: str, store_dir: Path, out_dir: Path) -> None:
    """One measured run of our dump, in a process of its own."""
    sys.path.insert(0, str(ROOT))
    from registry import dumps
    from registry.config import Settings
    from registry.store import Store

    store = Store(store_dir, BASE)
    settings = Settings(data_dir=out_dir, base=BASE)
    try:
        if variant == "ours-gz":
            built = dumps.build(store, settings, "registry.nq.gz")
            size = built.byte_size
        else:
            target = out_dir / "registry.nq"
            with target.open("wb") as f:
                dumps.write(store, settings, "registry.nq.gz", f)
            size = target.stat().st_size
    finally:
        store.close()
    print(json.dumps({"bytes": size}))


def measured(command: list[str]) -> tuple[float, float, str]:
    """Run a command; its wall time (s), peak RSS (MB) and what it printed."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, cwd=ROOT)
    output = process.stdout.read().decode()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.stdout.close()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{command}: exit status {process.returncode}")
    return elapsed, usage.ru_maxrss / 1024, output


def warm(path: Path) -> None:
    for file in sorted(path.rglob("*")):
        if file.is_file():
            with file.open("rb") as f:
                while f.read(1 << 22):
                    pass


def checkpoint(source: Path, target: Path) -> int:
    """A hard-linked copy of a store (its RocksDB checkpoint); returns its number of quads."""
    import pyoxigraph as ox

    store = ox.Store.read_only(str(source / "oxigraph"))
    try:
        target.mkdir(parents=True)
        store.backup(str(target / "oxigraph"))
        return len(store)
    finally:
        del store


VARIANTS = {
    "ours-gz": "registry.nq.gz (ours: N-Quads + gzip 6)",
    "ours-nq": "N-Quads, no gzip (ours)",
    "ox-nq": "`oxigraph dump` (N-Quads, no gzip)",
    "ox-gz": "`oxigraph dump \\| gzip -6`",
}


def run(work: Path, sizes: list[int], runs: int) -> dict:
    cli = oxigraph_cli()
    gzip = shutil.which("gzip")
    results = {}
    for n in sizes:
        source = work / f"pages-{n}"
        if not (source / "oxigraph").exists():
            build(source, n)
        scratch = Path(tempfile.mkdtemp(prefix=f"dumps-{n}-", dir=work))
        try:
            store = scratch / "store"
            quads = checkpoint(source, store)
            warm(store)
            times: dict[str, list[float]] = {v: [] for v in VARIANTS}
            peaks: dict[str, float] = dict.fromkeys(VARIANTS, 0.0)
            sizes_out: dict[str, int] = {}
            for _ in range(runs):
                for variant in VARIANTS:
                    out = scratch / f"out-{variant}"
                    shutil.rmtree(out, ignore_errors=True)
                    out.mkdir()
                    if variant.startswith("ours"):
                        command = [sys.executable, __file__, "--child", variant, str(store), str(out)]
                    elif variant == "ox-nq":
                        command = [cli, "dump", "--location", str(store / "oxigraph"),
                                   "--file", str(out / "out.nq")]
                    else:
                        if gzip is None:
                            continue
                        command = ["sh", "-c", f"{shlex.quote(cli)} dump --location "
                                   f"{shlex.quote(str(store / 'oxigraph'))} --format nq | "
                                   f"{shlex.quote(gzip)} -6 > {shlex.quote(str(out / 'out.nq.gz'))}"]
                    elapsed, peak, printed = measured(command)
                    times[variant].append(elapsed)
                    peaks[variant] = max(peaks[variant], peak)
                    sizes_out[variant] = (json.loads(printed)["bytes"] if printed.strip()
                                          else sum(f.stat().st_size for f in out.iterdir()))
                    print(f"{n}: {variant} {elapsed:.1f} s, {peak:.0f} MB", file=sys.stderr)
                    shutil.rmtree(out, ignore_errors=True)
            results[n] = {"quads": quads, "times": {v: statistics.median(t) for v, t in times.items() if t},
                          "peaks": peaks, "bytes": sizes_out}
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return results


def table(results: dict) -> str:
    lines = [
        "| entities | quads | dump | time (s) | × `oxigraph dump` | peak RSS (MB) | file (MB) |",
        "| ---: | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for n, r in results.items():
        base = r["times"].get("ox-nq")
        for variant, label in VARIANTS.items():
            if variant not in r["times"]:
                continue
            t = r["times"][variant]
            ratio = f"{t / base:.2f}" if base else "-"
            lines.append(f"| {n:,} | {r['quads']:,} | {label} | {t:.1f} | {ratio} | "
                         f"{r['peaks'][variant]:.0f} | {r['bytes'][variant] / 1e6:.1f} |")
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=None, help="keep the stores here (reused)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="pes-dumps-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        results = run(work, args.sizes, args.runs)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}; {dt.date.today().isoformat()}; "
          f"median of {args.runs} runs, peak RSS the largest.\n")
    print(table(results))


if __name__ == "__main__":
    main()
