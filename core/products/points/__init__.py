"""Points: earned by keeping the diary, spent on worries past the free quota.

The registration is `product.PRODUCT`; other products use this one only through the names below."""

from core.products.points.domain import (
    POINTS_EXTRA_WORRY,
    POINTS_FIRST_OF_DAY,
    POINTS_STREAK,
    STREAK_DAYS,
    PointEntry,
)

__all__ = ["POINTS_EXTRA_WORRY", "POINTS_FIRST_OF_DAY", "POINTS_STREAK", "STREAK_DAYS", "PointEntry"]
