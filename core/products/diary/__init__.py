"""The emotion diary: entries read for their feeling with a comment, shared with friends, weekly stats and the
Monday digest, a nightly nudge.

The registration is `product.PRODUCT`; other products use this one only through the names below."""

from core.products.diary.domain import shares_between
from core.products.diary.verbs import diary_nudge

__all__ = ["diary_nudge", "shares_between"]
