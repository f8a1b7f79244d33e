#!/usr/bin/env python3
"""Time from fork to first served request of a node process (used by benchmarks/node/run.sh).

    startup_probe.py PORT TOKEN FUNCTION -- java ... dev.ubiq.node.NodeMain --port PORT --data-dir DIR

Takes the clock just before the fork, then polls GET /healthz every 2 ms until 200, then
POST /v1/functions/FUNCTION/invoke until 200; prints one line
``healthz_ms=H first_invoke_ms=I cpu_ms=C`` (C: the process's user+system CPU time at the first
200, which a busy machine inflates far less than the wall times) and stops the process (SIGTERM,
then SIGKILL after 10 s).
Gives up after 30 s. The poller is one Python process, so it costs the starting JVM little CPU.
"""
import http.client
import os
import signal
import subprocess
import sys
import time

DEADLINE_S = 30.0


def status(port, method, path, body=None, token=None):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        headers = {"Authorization": "Bearer " + token} if token else {}
        c.request(method, path, body=body, headers=headers)
        r = c.getresponse()
        r.read()
        c.close()
        return r.status
    except OSError:
        return None


def cpu_ms(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000.0 / os.sysconf("SC_CLK_TCK")


def main():
    port, token, fn = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    cmd = sys.argv[sys.argv.index("--") + 1:]
    t0 = time.monotonic_ns()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    healthz = invoke = cpu = None
    try:
        while time.monotonic_ns() - t0 < DEADLINE_S * 1e9:
            if p.poll() is not None:
                print("the node exited with status %d before serving" % p.returncode, file=sys.stderr)
                sys.exit(1)
            if healthz is None:
                if status(port, "GET", "/healthz") == 200:
                    healthz = (time.monotonic_ns() - t0) / 1e6
                    continue
            else:
                s = status(port, "POST", "/v1/functions/%s/invoke" % fn, b"hello", token)
                if s == 200:
                    invoke = (time.monotonic_ns() - t0) / 1e6
                    cpu = cpu_ms(p.pid)
                    break
            time.sleep(0.002)
    finally:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    if invoke is None:
        print("no 200 from the invoke within %d s" % DEADLINE_S, file=sys.stderr)
        sys.exit(1)
    print("healthz_ms=%.1f first_invoke_ms=%.1f cpu_ms=%.0f" % (healthz, invoke, cpu))


if __name__ == "__main__":
    main()
