"""The account: start and consent, help and home, language, time zone, quiet hours, linked platform accounts,
export and forget. It reads every product's part of an account (see core.registration.AccountPart).

The registration is `product.PRODUCT`; other products use this one only through the names below."""
