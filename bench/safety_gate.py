"""Crisis gate speed: p50/p99 per message for the rules alone, the layered gate (rules + classifier) as the
product runs it, and — the baseline — the layered gate scoring through scikit-learn's own predict_proba, over
every sentence of the shipped corpus, in one run. Goal (issue 12): p99 ≤ 5 ms offline.

    .venv/bin/python bench/safety_gate.py
"""

from __future__ import annotations

import time
from collections.abc import Callable

from core.adapters.crisis_classifier import CharNgramCrisisClassifier, shipped_corpus
from core.domain.safety import assess_rules, decide, read


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return ordered[len(ordered) // 2], ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def main() -> None:
    corpus = shipped_corpus()
    texts = [e.text for e in corpus]
    started = time.perf_counter()
    classifier = CharNgramCrisisClassifier.train(corpus)
    print(f"classifier trained in {time.perf_counter() - started:.2f} s on {len(texts)} sentences")

    def layered(text: str) -> object:
        seen = read(text)
        return decide(seen, classifier.probability(seen))

    def layered_through_scikit_learn(text: str) -> object:
        return decide(read(text), classifier.fitted_probability(text))

    gates: tuple[tuple[str, Callable[[str], object]], ...] = (
        ("rules alone", assess_rules),
        ("layered gate", layered),
        ("layered, sklearn", layered_through_scikit_learn),
    )
    for name, gate in gates:
        timings = []
        for _ in range(3):
            for text in texts:
                t0 = time.perf_counter()
                gate(text)
                timings.append((time.perf_counter() - t0) * 1000)
        p50, p99 = percentiles(timings)
        print(f"{name:17s} n={len(timings):5d}  p50 {p50:.3f} ms  p99 {p99:.3f} ms")


if __name__ == "__main__":
    main()
