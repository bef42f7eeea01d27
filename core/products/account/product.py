"""The account product's registration: the account: start and consent, help and home, language, time zone, quiet hours,
linked platform accounts, export and forget. It reads every product's part of an account (see
core.registration.AccountPart)."""

from __future__ import annotations

from core.products.account.account import ACCOUNT
from core.products.account.commands import (
    ChoosePushAccount,
    ConfirmForget,
    ExportData,
    LinkAccount,
    ListLinkedAccounts,
    RequestForget,
    SetConsent,
    SetLanguage,
    SetQuietHours,
    SetTimezone,
    ShowHelp,
    ShowHome,
    Start,
    UnlinkAccount,
)
from core.products.account.service import AccountService
from core.products.account.verbs import VERBS
from core.registration import Built, Kit, Product


def _build(kit: Kit) -> Built:
    account = AccountService(
        uow=kit.uow,
        clock=kit.clock,
        encrypted_at_rest=kit.encrypted_at_rest,
        guard=kit.code_guard,
        verbs=kit.verbs,
        parts=tuple(product.account for product in kit.products),
        consent_hooks=kit.consent_hooks,
    )
    return Built(
        handlers={
            Start: account.start,
            SetConsent: account.set_consent,
            ShowHelp: account.help,
            ShowHome: account.home,
            SetLanguage: account.set_language,
            SetTimezone: account.set_timezone,
            SetQuietHours: account.set_quiet_hours,
            LinkAccount: account.link,
            ListLinkedAccounts: account.list_linked,
            ChoosePushAccount: account.choose_push_account,
            UnlinkAccount: account.unlink,
            ExportData: account.export,
            RequestForget: account.request_forget,
            ConfirmForget: account.confirm_forget,
        }
    )


PRODUCT = Product(name="account", verbs=VERBS, build=_build, account=ACCOUNT)
