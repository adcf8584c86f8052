"""Helpers shared by the benchmarks (not part of the default test run)."""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"
RESULTS = Path(__file__).resolve().parent / "results"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} cores, {cpu}{mem}, Python {platform.python_version()}, {platform.system()}"


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def save(name: str, data: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    data = {"machine": machine(), **data}
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(data, indent=2, ensure_ascii=False))
    return path


def distinct_copies(src_files: list[Path], dest: Path, copies: int) -> list[Path]:
    """Copies of real PDFs with distinct bytes (a comment after %%EOF), so that
    content-hash dedupe does not skip them; PDF readers ignore trailing bytes."""
    dest.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(copies):
        for f in src_files:
            target = dest / f"{f.stem}-{i:03d}.pdf"
            shutil.copyfile(f, target)
            with open(target, "ab") as fh:
                fh.write(f"\n% readerapp benchmark copy {i}\n".encode())
            out.append(target)
    return out


__all__ = ["machine", "percentile", "save", "distinct_copies", "statistics"]
