"""Friends: invite codes, the friend list, guestbooks; friends see each other's shared diary entries.

The registration is `product.PRODUCT`; other products use this one only through the names below."""
