"""One-off reminders: `/remind 10m 물 마시기`, delivered through the durable outbox.

The registration is `product.PRODUCT`; other products use this one only through the names below."""
