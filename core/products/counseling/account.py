"""Counseling's part of a person's account: worries, conversations, "helpful" marks and model usage."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from core.domain.users import User
from core.domain.values import UserId
from core.i18n import counted
from core.ports import UnitOfWork
from core.registration import AccountPart, HomeLine


async def export(uow: UnitOfWork, user: User) -> Mapping[str, Any]:
    return {
        "worries": [
            {
                "id": w.id,
                "at": w.created_at.isoformat(),
                "text": w.text,
                "crisis": w.crisis,
                "conversation": w.conversation_id,
            }
            for w in await uow.counseling.worries_of(user.id)
        ],
        "conversation_turns": [
            {"worry": t.worry_id, "role": t.role, "text": t.text, "at": t.created_at.isoformat()}
            for t in await uow.counseling.turns_of(user.id)
        ],
        "helpful_marks": [
            {"worry": f.worry_id, "persona": f.persona.value, "at": f.created_at.isoformat()}
            for f in await uow.counseling.feedback_of(user.id)
        ],
        "llm_usage": [
            {
                "at": u.created_at.isoformat(),
                "purpose": u.purpose,
                "model": u.model,
                "tokens_in": u.tokens_in,
                "tokens_out": u.tokens_out,
                "cost": str(u.cost),
            }
            for u in await uow.usage.of_user(user.id)
        ],
    }


async def forget(uow: UnitOfWork, user_id: UserId) -> None:
    await uow.counseling.forget_user(user_id)


async def fold(uow: UnitOfWork, source: UserId, target: UserId) -> None:
    await uow.counseling.fold_user(source, target)


async def home(uow: UnitOfWork, user: User, since: datetime) -> Sequence[HomeLine]:
    helpful = [f.persona.value for f in await uow.counseling.feedback_of(user.id) if f.created_at >= since]
    worries = await uow.counseling.count_worries_since(user.id, since, offline_too=True)
    key = counted("home.part.counseling", worries)
    return [(key, {"worries": worries, "f": helpful.count("F"), "t": helpful.count("T")})]


ACCOUNT = AccountPart(
    tables=("conversations", "worries", "turns", "feedback", "llm_usage"),
    export=export,
    forget=forget,
    fold=fold,
    home=home,
)
