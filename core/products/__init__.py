"""The products maeum is made of, in the order `/help`, the platforms' menus and `/home` show them. Adding a
product is adding it to `registered()` (see README, "How to add a product").

The list is read inside a function: the kernel's own modules import product modules (a chart, a push kind), and a
package that imported every product when first touched would import them in a circle."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.registration import Product


def registered() -> tuple[Product, ...]:
    from core.products.account import product as account
    from core.products.bookclub import product as bookclub
    from core.products.counseling import product as counseling
    from core.products.diary import product as diary
    from core.products.friends import product as friends
    from core.products.mediation import product as mediation
    from core.products.points import product as points
    from core.products.reminders import product as reminders
    from core.products.shopping import product as shopping

    return (
        account.PRODUCT,
        counseling.PRODUCT,
        diary.PRODUCT,
        friends.PRODUCT,
        points.PRODUCT,
        reminders.PRODUCT,
        bookclub.PRODUCT,
        mediation.PRODUCT,
        shopping.PRODUCT,
    )
