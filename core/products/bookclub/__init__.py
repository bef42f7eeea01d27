"""Book clubs: any group chat becomes a reading club — rooms, a taste quiz, picks from the catalog, meetings.

The registration is `product.PRODUCT`; other products use this one only through the names below."""
