"""Couple mediation: an AI child hears each partner's side privately and helps in their group chat.

The registration is `product.PRODUCT`; no other product uses this one."""
