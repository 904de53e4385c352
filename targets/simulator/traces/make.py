#!/usr/bin/env python3
"""Regenerates the synthetic traces of this folder (deterministic)."""
import random
import os

here = os.path.dirname(os.path.abspath(__file__))


def write(name, text):
    with open(os.path.join(here, name), "w") as f:
        f.write(text)


write("steady_5mbps.log", "# Steady 5 Mbit/s (synthetic).\n0 5.0\n600 5.0\n")
write(
    "step_8_1_8.log",
    "# Steps: 8 Mbit/s, down to 1 at 60 s, back to 8 at 120 s, repeating every 180 s (synthetic).\n"
    "0 8.0\n60 1.0\n120 8.0\n180 8.0\n",
)
r = random.Random(20261125)
v = 1.5
out = [
    "# 3G-like variable link: a seeded random walk of 1 s samples between 0.2 and 3.5 Mbit/s "
    "with short deep fades (synthetic; regenerate with the script in the README)."
]
for t in range(600):
    v += r.gauss(0, 0.35)
    v = min(3.5, max(0.2, v))
    x = v
    if r.random() < 0.03:
        x = 0.05
    out.append(f"{t} {x:.3f}")
write("variable_3g.log", "\n".join(out) + "\n")
write(
    "outage_20s.log",
    "# 4 Mbit/s with a 20 s outage (no throughput) from 60 s to 80 s (synthetic).\n"
    "0 4.0\n60 0.0\n80 4.0\n600 4.0\n",
)
