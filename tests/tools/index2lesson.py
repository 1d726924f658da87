#!/usr/bin/env python3
"""Turn lines of the old samples/index.tsv (file, title, lesson, goto,
title_zh, lesson_zh; tab-separated) into lessons, samples/lessons/STEM.lesson:
the title and introduction in English and Chinese and one step at the old
place to open at. Add steps, things to say and questions by hand (the
format: httpstep(1), LESSONS); an existing lesson is left alone.

    tests/tools/index2lesson.py INDEX.tsv [SAMPLES_DIR]
"""
import os
import sys


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = os.path.join(sys.argv[2] if len(sys.argv) > 2 else "samples", "lessons")
    os.makedirs(out, exist_ok=True)
    for n, line in enumerate(open(sys.argv[1], encoding="utf-8").read().splitlines(), 1):
        f = line.split("\t")
        if n == 1 and f[0] == "file" or not line.strip() or line.startswith("#"):
            continue
        if len(f) != 6 or not all(x.strip() for x in f):
            sys.exit("%s:%d: not 6 columns: file, title, lesson, goto, title_zh, lesson_zh"
                     % (sys.argv[1], n))
        path = os.path.join(out, f[0].rsplit(".", 1)[0] + ".lesson")
        if os.path.exists(path):
            print("%s: kept" % path)
            continue
        with open(path, "w", encoding="utf-8") as o:
            o.write("httpstep-lesson 1\ncapture ../%s\ntitle %s\nzh %s\nintro %s\nzh %s\n\n"
                    "step %s\n" % (f[0], f[1], f[4], f[2], f[5], f[3] or "1"))
        print("%s: written" % path)


if __name__ == "__main__":
    main()
