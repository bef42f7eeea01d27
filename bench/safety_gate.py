"""Crisis gate speed: p50/p99 per message for the rules alone and for the layered gate (rules + classifier),
over every sentence of the shipped corpus, in one run. Goal (issue 12): p99 ≤ 5 ms offline.

    .venv/bin/python bench/safety_gate.py
"""

from __future__ import annotations

import statistics
import time

from core.adapters.crisis_classifier import shipped_classifier, shipped_corpus
from core.domain.safety import assess_rules, decide, read


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def main() -> None:
    texts = [e.text for e in shipped_corpus()]
    classifier = shipped_classifier()
    started = time.perf_counter()
    classifier.probability("warm-up")  # training happens once per process, outside the timed loop
    print(f"classifier trained in {time.perf_counter() - started:.2f} s on {len(texts)} sentences")
    for name, gate in (
        ("rules alone", assess_rules),
        ("layered gate", lambda text: decide(read(text), classifier.probability(text))),
    ):
        timings = []
        for _ in range(3):
            for text in texts:
                t0 = time.perf_counter()
                gate(text)
                timings.append((time.perf_counter() - t0) * 1000)
        p50, p99 = percentiles(timings)
        print(f"{name:13s} n={len(timings):5d}  p50 {p50:.3f} ms  p99 {p99:.3f} ms")


if __name__ == "__main__":
    main()
