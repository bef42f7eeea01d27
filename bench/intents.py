"""Intent reading quality and speed: the held-out part of the shipped intent set (core/data/intents/heldout.tsv),
read by the model built from the training part, against two baselines — every plain message a worry (maeum before
the intents), and the nearest-neighbour vote alone (no rules, no guards).

    .venv/bin/python bench/intents.py
"""

from __future__ import annotations

import statistics
import time

from core.adapters.intent_corpus import shipped_examples, shipped_intent_model
from core.domain.intents import REQUESTS, SMALL_TALK, Intent, IntentModel, evaluate, read_intent


def _vote_alone(model: IntentModel, text: str) -> Intent:
    vote = model.vote(text)
    return vote[0][0] if vote else Intent.WORRY


def main() -> None:
    started = time.perf_counter()
    model = shipped_intent_model()
    built = time.perf_counter() - started
    train, heldout = shipped_examples("train"), shipped_examples("heldout")
    scores = evaluate(model, heldout)
    print(f"training part {len(train)} messages, held-out part {len(heldout)}; model built in {built * 1000:.0f} ms\n")
    print("| intent | held-out | ours | vote alone | all a worry |")
    print("|---|---|---|---|---|")
    for intent in Intent:
        mine = [e for e in heldout if e.intent is intent]
        alone = sum(_vote_alone(model, e.text) is intent for e in mine) / len(mine)
        everything_a_worry = 1.0 if intent is Intent.WORRY else 0.0
        print(
            f"| {intent.value} | {len(mine)} | {scores.accuracy(intent):.3f} | {alone:.3f} | {everything_a_worry:.1f} |"
        )
    small_talk = [e for e in heldout if e.intent in SMALL_TALK]
    alone_as_worry = sum(_vote_alone(model, e.text) is Intent.WORRY for e in small_talk) / len(small_talk)
    print(
        f"\nsmall talk taken as a worry: ours {scores.small_talk_as_worry_rate:.1%} "
        f"({scores.small_talk_as_worry}/{scores.small_talk}), vote alone {alone_as_worry:.1%}, all a worry 100%"
    )
    print(f"worries read as something else: {scores.worry_as_other}/{scores.seen[Intent.WORRY]}")
    asked_back = sum(1 for e in heldout if (r := read_intent(e.text, model)).intent in REQUESTS and not r.sure)
    print(f"requests confirmed with buttons (unsure, no model): {asked_back}/{len(heldout)}")
    for example, got in scores.mistakes:
        print(f"  mistake: {example.intent.value} read as {got.value}: {example.text}")

    texts = [e.text for e in heldout] * 20
    timings = []
    for text in texts:
        begun = time.perf_counter_ns()
        read_intent(text, model)
        timings.append((time.perf_counter_ns() - begun) / 1e6)
    timings.sort()
    p99 = timings[int(len(timings) * 0.99)]
    print(f"\nspeed: n={len(timings)}  p50 {statistics.median(timings):.3f} ms  p99 {p99:.3f} ms")


if __name__ == "__main__":
    main()
