#!/usr/bin/env python3
# measure.py OUT ERR TIMEOUT CMD...: run CMD under GNU time (stdout > OUT, stderr > ERR)
# in its own session; print "wall<TAB>user+sys<TAB>maxrss_kib<TAB>status", status being
# the exit code, "signal N" or "timeout" (the session is killed after TIMEOUT seconds).
# Peak RSS is GNU time's %M (ru_maxrss of CMD alone): a Python parent would add its own
# ~10 MiB, as ru_maxrss keeps the pre-exec high-water mark of the fork.
# Used by run-bench.sh and pairs-bench.sh.
import os, signal, sys, time
out, err, limit, cmd = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4:]
rssfile = err + ".rss"
t0 = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.setsid()
        fo = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        fe = os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(fo, 1)
        os.dup2(fe, 2)
        os.execv("/usr/bin/time", ["time", "-f", "%M", "-o", rssfile, "--"] + cmd)
    except OSError as e:
        os.write(2, f"/usr/bin/time: {e}\n".encode())
    os._exit(127)
timed_out = False
def on_alarm(signum, frame):
    global timed_out
    timed_out = True
    os.killpg(pid, signal.SIGKILL)
signal.signal(signal.SIGALRM, on_alarm)
signal.setitimer(signal.ITIMER_REAL, limit)
_, status, ru = os.wait4(pid, 0)
wall = time.perf_counter() - t0
signal.setitimer(signal.ITIMER_REAL, 0)
try:
    lines = open(rssfile).read().split("\n")
    os.unlink(rssfile)
except OSError:
    lines = []
rss = lines[-2] if len(lines) >= 2 and lines[-2].isdigit() else "0"
st = "0" if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 else str(os.waitstatus_to_exitcode(status))
for l in lines:
    if l.startswith("Command terminated by signal"):
        st = "signal " + l.split()[-1]
    elif l.startswith("Command exited with non-zero status"):
        st = l.split()[-1]
if timed_out:
    st = "timeout"
print(f"{wall:.4f}\t{ru.ru_utime + ru.ru_stime:.4f}\t{rss}\t{st}")
