"""The image model adapter (`/mediate comic`) against the local OpenAI-compatible server, through the real `openai`
client: base64 or a URL, the gpt-image models asked without `response_format`, retries, and what is no picture."""

from __future__ import annotations

import pytest

from core.adapters.images import OpenAIImageModel
from core.errors import LanguageModelUnavailable
from tests.servers.openai_compatible import TINY_PNG, Fail, FakeOpenAIServer, Picture


def model(server: FakeOpenAIServer, name: str) -> OpenAIImageModel:
    return OpenAIImageModel(
        base_url=server.base_url, api_key="sk-test", model=name, timeout_seconds=5, max_retries=1, backoff_seconds=0.01
    )


async def test_a_picture_comes_as_base64_or_from_a_url_and_counts_its_prompt() -> None:
    with FakeOpenAIServer(api_key="sk-test") as server:
        dalle = model(server, "dall-e-3")
        drawn = await dalle.draw("a four-panel comic of two people and a small child", purpose="test")
        assert drawn.content == TINY_PNG and drawn.mime_type == "image/png"
        assert drawn.finished.model == "dall-e-3" and drawn.finished.tokens_in > 0
        assert server.requests[-1].body["response_format"] == "b64_json"

        server.script(Picture(as_url=True))
        assert (await dalle.draw("the same comic", purpose="test")).content == TINY_PNG

        gpt_image = model(server, "gpt-image-1")
        await gpt_image.draw("the same comic", purpose="test")
        assert "response_format" not in server.requests[-1].body  # the gpt-image models refuse the parameter
        await dalle.aclose()
        await gpt_image.aclose()


async def test_a_busy_endpoint_is_retried_and_a_refusal_or_no_picture_is_unavailable() -> None:
    with FakeOpenAIServer(api_key="sk-test") as server:
        drawing = model(server, "dall-e-3")
        server.script(Fail(status=503))
        assert (await drawing.draw("a comic", purpose="test")).content == TINY_PNG  # retried once
        server.script(Fail(status=400, message="content policy"))
        with pytest.raises(LanguageModelUnavailable):
            await drawing.draw("a comic", purpose="test")
        server.script(Picture(content=b"not a picture at all"))
        with pytest.raises(LanguageModelUnavailable):
            await drawing.draw("a comic", purpose="test")
        await drawing.aclose()
