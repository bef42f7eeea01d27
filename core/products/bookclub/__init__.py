"""Book clubs (SPEC §4): rooms, the taste quiz, recommendations from the catalog, meetings.

The catalog (`catalog`): the `Book` record, the bundled sample, `ensure_sample_catalog` and the Aladin import."""
