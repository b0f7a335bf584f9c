# Task push: dcmscrub push beside DCMTK's dcmsend and pynetdicom's storescu, each into an empty Orthanc.
"""
The same BENCH_PUSH_N header outputs (of `dcmscrub run --pixels off`) go to a fresh Orthanc on
127.0.0.1 (scripts/pacs.sh: a new storage folder for every run, so each tool stores into an empty
PACS). Rows: wall seconds until the tool exits; accuracy: the instances Orthanc holds afterwards
(its REST API). dcmscrub push also asks the PACS which instances it holds before sending and
confirms every one by C-FIND after; the peers only send. dcmsend runs with TCP_NODELAY=1 (DCMTK
leaves Nagle's algorithm on without it, and each message then waits ~44 ms for an ACK; dcmscrub
sets it itself); Orthanc runs with it too.
"""

import json
import subprocess
import urllib.request


def pacs(b, action, folder):
    """Starts (returns (address, http)) or stops the test Orthanc in `folder`."""
    script = b.ROOT / "scripts" / "pacs.sh"
    if action == "start":
        r = subprocess.run(["bash", "-c", f'source "{script}"; pacs_start "$1" >&2 && echo "$PACS_ADDRESS $PACS_HTTP"', "-", str(folder)],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("Orthanc did not start: " + (r.stderr.strip().splitlines() or ["?"])[-1])
        address, http = r.stdout.split()
        return address, http
    subprocess.run(["bash", "-c", f'source "{script}"; pacs_stop "$1"', "-", str(folder)], capture_output=True)
    return None


def held(http):
    try:
        with urllib.request.urlopen(http + "/statistics", timeout=30) as r:
            return json.load(r).get("CountInstances")
    except (OSError, ValueError):
        return None


def peers(b, out):
    """(tool, mode, environment, command for a PACS at AET@HOST:PORT) of each row, dcmscrub first."""
    def parts(address):
        aet, hostport = address.split("@")
        return (aet, *hostport.rsplit(":", 1))

    def dcmsend(address):
        aet, host, port = parts(address)
        return ["dcmsend", "-aet", "DCMSCRUB", "-aec", aet, "+sd", "+r", "+sp", "*.dcm", "-nh", host, port, out]

    def storescu(address):
        aet, host, port = parts(address)
        return [b.PY, "-m", "pynetdicom", "storescu", host, port, out, "-r", "-aet", "DCMSCRUB", "-aec", aet]

    return [
        ("dcmscrub", "push, 1 proc (C-FIND before and after)", {}, lambda address: [b.DCMSCRUB, "push", out, "--pacs", address]),
        ("dcmsend", "DCMTK, 1 proc, +sd +r, TCP_NODELAY=1", {"TCP_NODELAY": "1"}, dcmsend),
        ("pynetdicom", "storescu, 1 proc, -r", {}, storescu),
    ]


def run(b):
    n = b.PUSH_N
    task = f"push-{n}"
    tools = [row[0] for row in peers(b, "")]
    if b.DCMSCRUB_FAIL:
        for tool in tools:
            b.add_row(task, tool, "push", "files", n, status="failed" if tool == "dcmscrub" else "skipped", note=b.DCMSCRUB_FAIL)
        return
    src = b.header_inputs(n)
    out = b.fresh(b.WORK / f"out-push-src-{n}")
    r = subprocess.run([b.DCMSCRUB, "run", src, "--out", out, "--key", b.KEY, "--pixels", "off", "--jobs", str(b.JOBS)],
                       capture_output=True, text=True)
    delivered, _ = b.dcmscrub_report(out)
    if r.returncode != 0 or not delivered:
        for tool in tools:
            b.add_row(task, tool, "push", "files", n, status="failed", note=f"run before push exited {r.returncode}")
        return
    b.say(f"task {task}: {delivered} outputs of `run --pixels off` to an empty Orthanc for every run")
    folder = b.WORK / "pacs-bench"
    pacs(b, "start", folder)  # Orthanc's first start reads its files from disk: not in a row's time
    pacs(b, "stop", folder)
    for tool, mode, env, command in peers(b, str(out)):
        server = {}
        held_after = []

        def before():
            pacs(b, "stop", folder)
            server["address"], server["http"] = pacs(b, "start", folder)

        def after(_m):
            held_after.append(held(server["http"]))

        m, _, _, seconds = b.measure_median(f"{task}-{tool}", f"out-{task}-{tool}", lambda _out: [command(server["address"])],
                                            env=env, before=before, after=after)
        pacs(b, "stop", folder)
        if m.rc != 0:
            b.add_row(task, tool, mode, "files", delivered, m, status="failed", note=b.failed_reason(m, None, None))
            continue
        stored = held_after[seconds.index(m.seconds)]
        ok = stored == delivered
        b.add_row(task, tool, mode, "files", delivered, m, stored, status="ok" if ok else "failed",
                  note=b.with_repeats("", seconds) if ok else f"the PACS holds {stored} of {delivered}",
                  accuracy={"stored": stored}, accuracy_text=f"the PACS holds {stored} of {delivered}")
    b.discard(out)
