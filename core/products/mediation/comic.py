"""`/mediate comic`: the couple's last resolution as a 4-panel comic — drawn by the image model (LLM_IMAGE_MODEL)
and sent as a picture, or, without one (or when it cannot draw), told as a 4-panel text storyboard. Both are made
of the child's post (its neutral summaries, needs and compromise), never of a private side."""

from __future__ import annotations

import logging

from core.domain.budget import Room as BudgetRoom
from core.errors import LanguageModelUnavailable, UsageError
from core.i18n import Catalog
from core.ports import Clock, ImageModel, Picture, UnitOfWorkFactory
from core.products.mediation.commands import DrawComic
from core.products.mediation.domain import Post
from core.products.mediation.prompts import comic_prompt
from core.products.mediation.service import child_of, group_of, refuse_a_third
from core.replies import Attachment, Reply, Section
from core.usecases.context import Context
from core.usecases.model_budget import ModelBudget

logger = logging.getLogger(__name__)

_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "image/gif": "gif"}


class ComicService:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        clock: Clock,
        catalog: Catalog,
        images: ImageModel | None,
        budget: ModelBudget,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._catalog = catalog
        self._images = images
        self._budget = budget

    async def draw(self, command: DrawComic, ctx: Context) -> None:
        platform, chat_id = group_of(ctx)
        async with self._uow() as uow:
            couple = await uow.mediations.couple_in(platform, chat_id)
            if couple is None:
                raise UsageError("mediation.comic_nothing")
            refuse_a_third(couple, ctx.user.id)
            session = await uow.mediations.latest_posted(platform, chat_id)
        if session is None or session.post is None:
            raise UsageError("mediation.comic_nothing")
        post, child = session.post, child_of(couple.child_name, self._catalog, ctx.locale)
        title = ctx.t("mediation.comic_title", child=child)
        note = ""
        if self._images is not None:
            picture = await self._picture(post, child, ctx)
            if picture is not None:
                extension = _EXTENSIONS.get(picture.mime_type, "png")
                attachment = Attachment(
                    filename=f"maeum-comic-{session.id}.{extension}",
                    content=picture.content,
                    mime_type=picture.mime_type,
                    kind="image",
                )
                body = ctx.t("mediation.comic_caption", child=child)
                await ctx.responder.send(Reply(sections=(Section(title=title, body=body),), attachments=(attachment,)))
                return
            note = ctx.t("mediation.comic_no_picture")
        board = ctx.t(
            "mediation.storyboard",
            child=child,
            first=post.first.name,
            second=post.second.name,
            first_need=post.first.need,
            second_need=post.second.need,
            compromise=post.compromise,
        )
        await ctx.responder.send(Reply(sections=(Section(title=title, body=board, note=note or None),)))

    async def _picture(self, post: Post, child: str, ctx: Context) -> Picture | None:
        assert self._images is not None
        async with self._uow() as uow:
            if await self._budget.room(uow, ctx.user, calls=1) is not BudgetRoom.OPEN:
                return None
        await ctx.responder.show_typing()
        try:
            picture = await self._images.draw(comic_prompt(post, child=child), purpose="mediation.comic")
        except LanguageModelUnavailable:
            logger.warning("mediation comic: no picture; the storyboard stands in")
            return None
        async with self._uow() as uow:
            await uow.usage.record(self._budget.usage("mediation.comic", picture.finished, user_id=ctx.user.id))
            await uow.commit()
        return picture
