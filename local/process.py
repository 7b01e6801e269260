"""Start the local stack as a child process and watch it from outside (soak and load benches).

The stack prints ``open http://127.0.0.1:PORT/`` when it is ready; we wait for that line, as
the end-to-end tests do. Memory is read from ``/proc/PID/status`` (``VmRSS``): what the
machine really gives the process, moto, the gateway and the handlers together.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_READY = re.compile(r"open (http://127\.0\.0\.1:\d+/)")


@dataclass
class RunningStack:
    process: subprocess.Popen
    url: str
    log: Path
    data_dir: Path

    @property
    def api(self) -> str:
        return self.url + "api"

    @property
    def ws(self) -> str:
        return self.url.replace("http://", "ws://") + "ws"

    def rss_mb(self) -> float:
        return rss_mb(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def rss_mb(pid: int) -> float:
    """Resident memory of one process, in MB (MiB), or 0 once it has gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except FileNotFoundError:
        pass
    return 0.0


def start(data_dir: Path, *options: str, timeout: float = 60.0, python: str = sys.executable) -> RunningStack:
    """``python -m local.stack --port 0 --data-dir DATA_DIR OPTIONS…``, ready to use."""
    data_dir.mkdir(parents=True, exist_ok=True)
    log = data_dir / "stack.log"
    env = {k: v for k, v in os.environ.items() if k not in ("DYNAMODB_ENDPOINT", "TABLE_PREFIX", "TOKEN_SECRET")}
    process = subprocess.Popen(
        [python, "-m", "local.stack", "--port", "0", "--data-dir", str(data_dir), *options],
        cwd=ROOT,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = _READY.search(log.read_text())
        if found:
            return RunningStack(process, found.group(1), log, data_dir)
        if process.poll() is not None:
            raise RuntimeError("local stack exited:\n" + log.read_text())
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    raise RuntimeError("local stack did not start:\n" + log.read_text())
