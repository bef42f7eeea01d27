"""The reminders product's registration: one-off reminders delivered through the durable outbox."""

from __future__ import annotations

from core.products.reminders.account import ACCOUNT
from core.products.reminders.commands import CancelReminder, ListReminders, SetReminder
from core.products.reminders.service import RemindersService
from core.products.reminders.verbs import VERBS
from core.registration import Built, Kit, Product


def _build(kit: Kit) -> Built:
    reminders = RemindersService(uow=kit.uow, clock=kit.clock, gate=kit.gate, choices=kit.choices)
    return Built(handlers={SetReminder: reminders.set, ListReminders: reminders.list, CancelReminder: reminders.cancel})


PRODUCT = Product(name="reminders", verbs=VERBS, build=_build, account=ACCOUNT)
