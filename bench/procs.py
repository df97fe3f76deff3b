"""Memory (RSS) and CPU time of a system's processes while a benchmark runs, read from /proc (no psutil needed).

Each named process is read with its descendants (nginx's worker), so "nginx" is the master and its
worker together. RSS is sampled twice a second on a thread of its own (peak and end are kept); CPU
time is the difference of utime + stime between the start and the end, which tells how much of the
2 cores each server, the load generator itself and everything else on the machine took.
"""

from __future__ import annotations

import os
import resource
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

PROC = Path("/proc")
TICK = os.sysconf("SC_CLK_TCK")


def rss_kib(pid: int) -> int:
    """VmRSS of one process in KiB; 0 when it has gone (or is a zombie, which has no VmRSS line)."""
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """utime + stime of one process (all its threads) in seconds; 0 when it has gone."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return 0.0
    fields = stat[stat.rindex(")") + 2 :].split()  # the name may hold spaces; fields start after it
    return (int(fields[11]) + int(fields[12])) / TICK


def children(pid: int) -> list[int]:
    """Direct children of a process, from every thread's children list."""
    found: list[int] = []
    try:
        for task in (PROC / str(pid) / "task").iterdir():
            found += [int(child) for child in (task / "children").read_text().split()]
    except OSError:
        pass
    return found


def tree(pid: int) -> list[int]:
    """The process and all its descendants."""
    pids, index = [pid], 0
    while index < len(pids):
        pids += [child for child in children(pids[index]) if child not in pids]
        index += 1
    return pids


def machine_busy_seconds() -> tuple[float, float]:
    """CPU seconds the whole machine spent busy and idle (all cores added), from /proc/stat."""
    values = [int(v) for v in (PROC / "stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / TICK, idle / TICK


def own_cpu_seconds() -> float:
    """CPU seconds of this process (the load generator, all threads)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Usage:
    """What one scenario cost: RSS (MiB) per process, peak and end; CPU seconds per process; the machine's share."""

    rss_peak: dict[str, float]
    rss_end: dict[str, float]
    cpu: dict[str, float]  # CPU seconds during the scenario, per named process (with its children)
    loadgen_cpu: float
    machine_busy: float  # CPU seconds of the whole machine (all cores) during the scenario
    wall: float
    cores: int

    @property
    def others_cpu(self) -> float:
        """What the rest of the machine used meanwhile: other people's tests, the databases, the kernel."""
        return max(0.0, self.machine_busy - sum(self.cpu.values()) - self.loadgen_cpu)


@dataclass
class ProcessWatch:
    """Samples RSS of named processes until stopped and measures their CPU time over the same span."""

    pids: dict[str, int]
    interval: float = 0.5
    peak: dict[str, float] = field(default_factory=dict)
    end: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-watch", daemon=True)
        self._cpu_start: dict[str, float] = {}
        self._cpu_end: dict[str, float] = {}

    def _tree_cpu(self) -> dict[str, float]:
        return {name: sum(cpu_seconds(p) for p in tree(pid)) for name, pid in self.pids.items()}

    def sample(self) -> None:
        for name, pid in self.pids.items():
            mib = sum(rss_kib(member) for member in tree(pid)) / 1024
            if mib:  # a process that has gone keeps its last reading
                self.end[name] = mib
                self.peak[name] = max(self.peak.get(name, 0.0), mib)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self) -> ProcessWatch:
        self.sample()
        self._cpu_start = self._tree_cpu()
        self._own_start = own_cpu_seconds()
        self._machine_start = machine_busy_seconds()[0]
        self._wall_start = time.perf_counter()
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()
        self._cpu_end = self._tree_cpu()
        self.usage = Usage(
            rss_peak=dict(self.peak),
            rss_end=dict(self.end),
            cpu={name: max(0.0, self._cpu_end[name] - self._cpu_start.get(name, 0.0)) for name in self._cpu_end},
            loadgen_cpu=own_cpu_seconds() - self._own_start,
            machine_busy=machine_busy_seconds()[0] - self._machine_start,
            wall=time.perf_counter() - self._wall_start,
            cores=os.cpu_count() or 1,
        )
