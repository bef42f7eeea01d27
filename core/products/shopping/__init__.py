"""Shopping: broadcast alerts (watch a product, get told before a home-shopping broadcast of it airs), fed by
imported schedules, feeds and the bundled sample.

The registration is `product.PRODUCT`; other products use this one only through the names below."""

from core.products.shopping.matching import core_keyword

__all__ = ["core_keyword"]
