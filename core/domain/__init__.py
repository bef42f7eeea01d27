"""Pure, synchronous product rules: no I/O, no awaits."""
