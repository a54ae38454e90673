#!/usr/bin/env python3
# Prints "TICKS BYTES" for the process trees rooted at the given PIDs: TICKS the CPU they used (utime + stime of
# every live process plus cutime + cstime, the CPU of children they already reaped), BYTES what the sshd
# processes among them wrote (/proc/PID/io wchar: the encrypted stream to the client). Needs root for io.
import os
import sys


def children(pid):
    out = []
    try:
        for task in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/children" % (pid, task)) as f:
                out += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return out


def stat(pid):
    with open("/proc/%d/stat" % pid) as f:
        text = f.read()
    comm = text[text.index("(") + 1:text.rindex(")")]
    fields = text[text.rindex(")") + 2:].split()
    # fields[0] is state (field 3): utime is field 14, stime 15, cutime 16, cstime 17.
    return comm, sum(int(x) for x in fields[11:15])


ticks = 0
written = 0
seen = set()
todo = [int(p) for p in sys.argv[1:]]
while todo:
    pid = todo.pop()
    if pid in seen:
        continue
    seen.add(pid)
    try:
        comm, t = stat(pid)
    except OSError:
        continue
    ticks += t
    if comm == "sshd":
        try:
            with open("/proc/%d/io" % pid) as f:
                for line in f:
                    if line.startswith("wchar:"):
                        written += int(line.split()[1])
        except OSError:
            pass
    todo += children(pid)
print(ticks, written)
