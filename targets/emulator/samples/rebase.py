#!/usr/bin/env python3
"""Moves the timestamps of an `ffmpeg -f framemd5` listing (stdin -> stdout) onto the
player's timeline: every timestamp less the presentation's start, with the player's
own arithmetic (wasp-engine's Ticks::rescale: microseconds, rounded to nearest, ties
away from zero).

Usage: rebase.py STARTS [DEN]
  STARTS  the video stream's start(s), "num/den,pts" words (ffprobe's
          stream=time_base,start_pts as csv); the earliest is the timeline's 0.
  DEN     the listing's time base denominator; default: its `#tb 0: 1/DEN` line.
Used by targets/emulator/samples/make.sh and targets/tv-stick/fixtures/make-goldens.sh.
"""
import sys


def rescale(value, num, den_from, den_to):
    n, d = value * num * den_to, den_from
    return (n + d // 2) // d if n >= 0 else -((-n + d // 2) // d)


def main():
    starts = sys.argv[1]
    den = int(sys.argv[2]) if len(sys.argv) > 2 else None
    earliest = min(
        rescale(int(pts), int(tb.split("/")[0]), int(tb.split("/")[1]), 1000000)
        for word in starts.split()
        for tb, pts in [word.split(",")]
        if pts != "N/A"
    )
    for line in sys.stdin:
        if line.startswith("#tb 0: 1/") and den is None:
            den = int(line.split("/")[1])
        if line.startswith("#"):
            sys.stdout.write(line)
            continue
        f = [x.strip() for x in line.split(",")]
        us = rescale(int(f[2]), 1, den, 1000000) - earliest
        pts = rescale(us, 1, 1000000, den)
        sys.stdout.write("%s, %10d, %10d, %8d, %8s, %s\n" % (f[0], pts, pts, int(f[3]), f[4], f[5]))


main()
