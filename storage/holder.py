"""Which process holds a crawl (pid, host, process start time) and whether it is still there."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

import psutil

#: Seconds two readings of one process's start time may differ by (clock-tick rounding).
START_TOLERANCE = 1.0


def _start_time(pid: int) -> float | None:
    try:
        return psutil.Process(pid).create_time()
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return None


@dataclass(frozen=True, slots=True)
class Holder:
    """A process: its pid, its host, and its start time (so a reused pid is not taken for it)."""

    pid: int
    host: str
    proc_started: float | None

    @classmethod
    def current(cls) -> Holder:
        """This process."""
        return cls(os.getpid(), socket.gethostname(), _start_time(os.getpid()))

    def key(self) -> str:
        return f"{self.host}:{self.pid}:{self.proc_started or 0:.2f}"

    def same(self, other: Holder) -> bool:
        """The same process (start times within START_TOLERANCE)."""
        if (self.pid, self.host) != (other.pid, other.host):
            return False
        if self.proc_started is None or other.proc_started is None:
            return True
        return abs(self.proc_started - other.proc_started) <= START_TOLERANCE

    def local(self) -> bool:
        return self.host == socket.gethostname()

    def running_here(self) -> bool:
        """On this host: True while the process exists and is the one recorded (not a reused pid)."""
        try:
            proc = psutil.Process(self.pid)
            if proc.status() == psutil.STATUS_ZOMBIE:
                return False
            started = proc.create_time()
        except (psutil.NoSuchProcess, psutil.ZombieProcess):
            return False
        except psutil.AccessDenied:
            return True
        return self.proc_started is None or abs(started - self.proc_started) <= START_TOLERANCE


def lease_alive(holder: Holder, heartbeat_at: datetime, now: datetime, ttl: timedelta) -> bool:
    """Whether a lease still stands: on this host the process is asked; elsewhere its heartbeat.

    Another host's holder is taken for gone once its heartbeat is older than ``ttl`` (the hosts'
    clocks are assumed to agree within a fraction of it).
    """
    if holder.local():
        return holder.running_here()
    return now - heartbeat_at < ttl
