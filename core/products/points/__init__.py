"""Points: earned by keeping the diary, spent on worries past the free quota.

The registration is `product.PRODUCT`; other products use this one only through the names below."""
