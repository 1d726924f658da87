#!/usr/bin/env python3
"""tests/e2e/corpus.py - httpstep on the third-party corpus, against the tshark oracle.

When ../shared/oracle/check_captures.py and ../shared/corpus exist (beside the
repository: a development machine, not a fresh checkout), runs
`check_captures.py bytes` and `check_captures.py exchanges` with $HTTPSTEP and
compares the problem lines they print with tests/corpus-exceptions.txt, the list
of problems where the oracle is wrong and httpstep right (each with its reason).
A problem not in the list fails; so does a listed one that no longer happens, so
that the list stays true. Exit 77 (skip) without ../shared.
"""
import os
import re
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.path.join(os.path.dirname(TOP), "shared")
CHECKER = os.path.join(SHARED, "oracle", "check_captures.py")
CORPUS = os.path.join(SHARED, "corpus")
EXCEPTIONS = os.path.join(TOP, "tests", "corpus-exceptions.txt")
SUMMARY = re.compile(r"\d+/\d+ .*, \d+/\d+ captures clean$")


def read_exceptions():
    """-> [(line number, text or compiled pattern, reason)]"""
    out = []
    with open(EXCEPTIONS, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            text, tab, reason = line.partition("\t")
            if not tab or not reason.strip():
                sys.exit("%s:%d: no reason after a tab" % (EXCEPTIONS, n))
            if text.startswith("re:"):
                out.append((n, re.compile(text[3:]), reason))
            else:
                out.append((n, text, reason))
    return out


def matches(exc, problem):
    pat = exc[1]
    return pat.fullmatch(problem) is not None if hasattr(pat, "fullmatch") else pat == problem


def main():
    if not (os.path.isfile(CHECKER) and os.path.isdir(CORPUS)):
        print("no ../shared/oracle/check_captures.py and ../shared/corpus beside the repository")
        return 77
    # the checker reads transcript version 1: httpstep writes it for the checker
    os.environ["HTTPSTEP"] = os.environ.get("HTTPSTEP") or os.path.join(TOP, "httpstep")
    binary = os.path.join(TOP, "tests", "e2e", "httpstep-json-v1")
    exceptions = read_exceptions()
    used = set()
    failed = 0
    for mode in ("bytes", "exchanges"):
        p = subprocess.run([sys.executable, CHECKER, mode, binary, CORPUS], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, universal_newlines=True, timeout=600)
        out = p.stdout.splitlines()
        if not out or not SUMMARY.match(out[-1]) or p.returncode not in (0, 1):
            print("FAIL check_captures.py %s did not run (exit %d): %s" % (
                mode, p.returncode, (p.stderr or p.stdout).strip()[-500:]))
            failed += 1
            continue
        problems = out[:-1]
        new = 0
        for prob in problems:
            hit = [e for e in exceptions if matches(e, prob)]
            if hit:
                used.update(e[0] for e in hit)
            else:
                print("FAIL new problem (%s): %s" % (mode, prob))
                new += 1
        failed += new
        print("%-4s %s: %s; %d problems, %d of them listed exceptions" % (
            "FAIL" if new else "ok", mode, out[-1], len(problems), len(problems) - new))
    for n, pat, reason in exceptions:
        if n not in used:
            print("FAIL %s:%d no longer happens (drop it if httpstep is still right): %s" % (
                os.path.relpath(EXCEPTIONS, TOP), n, getattr(pat, "pattern", pat)))
            failed += 1
    print("%d exceptions listed, %d failures" % (len(exceptions), failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
