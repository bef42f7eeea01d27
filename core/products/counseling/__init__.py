"""Counseling: one worry, two answers (💗 공감 F and 🧠 조언 T) streamed side by side.

The registration is `product.PRODUCT`; other products use this one only through the names below."""
