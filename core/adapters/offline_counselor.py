"""The built-in scripted counselor: answers when no model is configured or the model is down, so nobody is left
without a reply. Scripts are chosen by the worry's emotion, the persona and the locale; the caller labels them."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Mapping
from typing import Final

from core.domain.budget import OFFLINE_MODEL
from core.domain.emotion import Emotion, EmotionReading, classify
from core.domain.values import Locale, Persona
from core.errors import LanguageModelUnavailable
from core.ports import CallFinished, ModelCall, SchemaT, StreamEvent, TextDelta

MODEL_NAME: Final = OFFLINE_MODEL

# None stands for "no clear feeling": a general answer reads better than guessing one.
_ScriptKey = tuple[Emotion | None, Persona]

_KO: Final[Mapping[_ScriptKey, str]] = {
    (None, Persona.F): (
        "이야기를 꺼내 주셔서 고마워요. 말로 옮기기까지 마음속으로 여러 번 생각하셨을 것 같아요. "
        "지금 느끼는 마음이 무엇이든 그럴 만한 이유가 있을 거예요. "
        "천천히, 편한 만큼만 더 들려주셔도 괜찮아요."
    ),
    (None, Persona.T): (
        "고민을 작게 나눠서 하나씩 살펴보면 생각보다 다루기 쉬워져요.\n\n"
        "1. 지금 가장 마음에 걸리는 것을 한 문장으로 적어 보세요.\n"
        "2. 그중 내가 바꿀 수 있는 부분과 바꿀 수 없는 부분을 나눠 보고, 바꿀 수 없는 쪽은 잠시 내려놓으세요.\n"
        "3. 바꿀 수 있는 부분에서 10분 안에 할 수 있는 가장 작은 행동 하나를 정해 오늘 해 보세요."
    ),
    (Emotion.JOY, Persona.F): (
        "좋은 소식을 나눠 주셔서 저도 덩달아 기뻐요. "
        "그 기쁨은 그동안 애써 온 당신이 충분히 누려도 되는 거예요. "
        "이런 순간이 찾아왔다는 것 자체가 참 소중해요. 지금의 이 마음을 오래 간직하셨으면 좋겠어요."
    ),
    (Emotion.JOY, Persona.T): (
        "좋은 기분을 오래 가져가고 다음에도 꺼내 쓸 수 있게 정리해 볼게요.\n\n"
        "1. 오늘 기뻤던 일과 그렇게 된 이유를 세 줄로 기록해 두세요.\n"
        "2. 이 일에 도움을 준 사람이 있다면 오늘 안에 짧게 고마움을 전해 보세요.\n"
        "3. 이번에 잘 통했던 방법 하나를 골라 다음 목표에도 적용할 계획을 세워 보세요."
    ),
    (Emotion.CALM, Persona.F): (
        "지금 마음이 차분하시다니 정말 다행이에요. "
        "평온한 순간은 그냥 오는 게 아니라 스스로를 잘 돌봐 온 덕분이기도 해요. "
        "이 고요함 속에서 잠시 숨을 고르며 자신에게 수고했다고 말해 주세요. "
        "이야기가 필요할 때면 언제든 찾아와 주세요."
    ),
    (Emotion.CALM, Persona.T): (
        "마음이 차분한 지금이 앞으로를 준비하기 좋은 때예요.\n\n"
        "1. 지금 마음이 편안한 이유를 두세 가지 적어 두고, 힘든 날 다시 읽어 보세요.\n"
        "2. 미뤄 둔 일 하나를 골라 첫 단계만 15분 정도 해 보세요.\n"
        "3. 이 평온을 지켜 주는 습관(산책, 일정한 잠자리 시간 등) 하나를 정해 이번 주 매일 지켜 보세요."
    ),
    (Emotion.SADNESS, Persona.F): (
        "많이 슬프고 마음이 무거우셨겠어요. "
        "그 마음을 혼자 안고 있느라 얼마나 힘드셨을지 생각하면 저도 마음이 아파요. "
        "슬픔을 느끼는 건 약해서가 아니라 그만큼 소중한 무언가가 있었기 때문이에요. "
        "지금은 억지로 괜찮아지려 하지 않아도 돼요. 제가 곁에서 들을게요."
    ),
    (Emotion.SADNESS, Persona.T): (
        "슬픔이 클 때는 큰 결심보다 몸과 하루를 지탱하는 작은 일부터 챙기는 게 도움이 돼요.\n\n"
        "1. 물 한 잔 마시기, 제때 한 끼 먹기처럼 기본적인 것 하나를 먼저 해 보세요.\n"
        '2. 믿을 수 있는 사람 한 명에게 "요즘 좀 힘들어"라고 짧게라도 연락해 보세요.\n'
        "3. 10분만 밖에 나가 햇볕을 쬐며 걷고, 돌아와서 기분이 어떤지 한 줄로 적어 보세요."
    ),
    (Emotion.ANXIETY, Persona.F): (
        "마음이 많이 불안하고 조마조마하셨겠어요. "
        "걱정이 꼬리에 꼬리를 물면 쉬기도, 잠들기도 어려워지죠. "
        "그만큼 불안한 건 잘 해내고 싶고 소중한 것을 지키고 싶은 마음이 크기 때문일 거예요. "
        "여기까지 이야기해 주신 것만으로도 벌써 한 걸음 내디디신 거예요."
    ),
    (Emotion.ANXIETY, Persona.T): (
        "불안은 몸을 먼저 진정시키고 생각을 밖으로 꺼내 두면 한결 다루기 쉬워져요.\n\n"
        "1. 4초 동안 코로 들이마시고 7초 멈췄다가 8초 동안 입으로 내쉬는 호흡을 네 번 반복해 보세요.\n"
        "2. 자기 전 10분 동안 걱정되는 것을 종이에 모두 적고, 각각 옆에 내일 할 수 있는 행동을 하나씩만 써 두세요.\n"
        "3. 몇 시에 잠들었든 매일 같은 시간에 일어나고, 잠자리에서는 휴대폰을 멀리 두세요."
    ),
    (Emotion.ANGER, Persona.F): (
        "정말 화가 나고 속상하셨겠어요. "
        "그런 일을 겪었다면 누구라도 화가 날 수밖에 없어요. "
        "그 분노는 당신이 소중하게 여기는 무언가가 침해당했다는 신호이기도 해요. "
        "그 마음을 꾹 누르지 않고 여기에 털어놓아 주셔서 고마워요."
    ),
    (Emotion.ANGER, Persona.T): (
        "화가 날 때는 바로 반응하기보다 열기를 먼저 식힌 뒤에 대응하는 게 유리해요.\n\n"
        "1. 그 상황에서 잠시 벗어나 찬물을 마시거나 5분 정도 걸으며 몸의 긴장을 풀어 보세요.\n"
        "2. 무엇 때문에 화가 났는지, 상대에게 바라는 것이 무엇인지 각각 한 문장으로 적어 보세요.\n"
        '3. 감정이 가라앉은 뒤 "나는 ~할 때 ~하게 느꼈어, 앞으로는 ~해 줬으면 해"라는 형식으로 '
        "전할 말을 준비해 보세요."
    ),
    (Emotion.TIREDNESS, Persona.F): (
        "정말 많이 지치셨겠어요. "
        "쉬지 않고 버텨 오느라 몸도 마음도 바닥난 느낌이실 것 같아요. "
        "지금 이렇게 힘든 건 그동안 그만큼 애써 왔다는 뜻이에요. "
        "오늘은 조금 덜 해도 괜찮으니, 자신에게 쉼을 허락해 주셨으면 좋겠어요."
    ),
    (Emotion.TIREDNESS, Persona.T): (
        "지쳤을 때는 더 애쓰기보다 에너지가 새는 곳을 막고 회복할 시간을 먼저 확보하는 게 좋아요.\n\n"
        "1. 오늘과 내일 할 일 중 미루거나 빼도 되는 것 두 가지를 골라 목록에서 지워 보세요.\n"
        "2. 오늘 밤에는 평소보다 30분 일찍 화면을 끄고 잠자리에 들어 보세요.\n"
        "3. 하루 중 아무것도 하지 않는 20분을 달력에 약속처럼 적어 두고 지켜 보세요."
    ),
}

_EN: Final[Mapping[_ScriptKey, str]] = {
    (None, Persona.F): (
        "Thank you for telling me what's on your mind. Putting it into words can take more effort than it looks. "
        "Whatever you're feeling right now, there's a good reason you feel it. "
        "Take your time, and share as much or as little as you like."
    ),
    (None, Persona.T): (
        "Let's break this down so it feels more manageable.\n\n"
        "1. Write down, in one sentence, the part of this that bothers you most.\n"
        "2. Split it into what you can change and what you can't, and set the second part aside for now.\n"
        "3. From the part you can change, pick the smallest action that takes under 10 minutes and do it today."
    ),
    (Emotion.JOY, Persona.F): (
        "That's wonderful news, and I'm genuinely happy for you. "
        "You've earned this feeling, so let yourself enjoy it fully. "
        "Moments like this are worth slowing down for. I hope this joy stays with you for a while."
    ),
    (Emotion.JOY, Persona.T): (
        "Let's make this good feeling last and learn from what went right.\n\n"
        "1. Write three lines about what happened and why it went well.\n"
        "2. If someone helped along the way, send them a short thank-you today.\n"
        "3. Pick one thing that worked this time and plan how to use it for your next goal."
    ),
    (Emotion.CALM, Persona.F): (
        "It's really good to hear you're feeling settled. "
        "A calm moment like this often comes from looking after yourself well. "
        "Take a slow breath and give yourself some credit. I'm here whenever you want to talk."
    ),
    (Emotion.CALM, Persona.T): (
        "A calm stretch is a great time to set yourself up for the weeks ahead.\n\n"
        "1. Note two or three things that help you feel steady, and reread them on harder days.\n"
        "2. Pick one task you've been putting off and spend 15 minutes on just its first step.\n"
        "3. Choose one habit that protects this calm, like a walk or a regular bedtime, "
        "and keep it every day this week."
    ),
    (Emotion.SADNESS, Persona.F): (
        "I'm so sorry you're carrying this much sadness. "
        "It sounds heavy, and it makes sense that it's wearing you down. "
        "Feeling this way isn't weakness; it shows how much something mattered to you. "
        "You don't have to force yourself to be okay right now, and I'm here to listen."
    ),
    (Emotion.SADNESS, Persona.T): (
        "When sadness is heavy, small steps that steady your body and your day help more than big decisions.\n\n"
        "1. Do one basic thing for yourself first, like drinking a glass of water or eating a proper meal.\n"
        '2. Send a short message to someone you trust, even just "I\'m having a hard time lately."\n'
        "3. Spend 10 minutes outside in daylight, then write one line about how you feel afterwards."
    ),
    (Emotion.ANXIETY, Persona.F): (
        "That sounds really unsettling, and I can hear how anxious you've been. "
        "When worries keep piling up, it's hard to rest or even fall asleep. "
        "Feeling this way often means you care deeply about the things at stake. "
        "Putting it into words here is already a step forward."
    ),
    (Emotion.ANXIETY, Persona.T): (
        "Anxiety gets easier to handle once you calm your body and get the worries out of your head.\n\n"
        "1. Breathe in through your nose for 4 seconds, hold for 7, and breathe out through your mouth for 8; "
        "repeat four times.\n"
        "2. Spend 10 minutes before bed writing down every worry, with one small action for tomorrow next to each.\n"
        "3. Get up at the same time every day, however you slept, and keep your phone out of reach in bed."
    ),
    (Emotion.ANGER, Persona.F): (
        "That sounds genuinely infuriating, and your anger makes complete sense. "
        "Anyone in your place would feel the same way. "
        "Anger is often a signal that something important to you has been crossed. "
        "Thank you for letting it out here instead of holding it all in."
    ),
    (Emotion.ANGER, Persona.T): (
        "When you're angry, it helps to cool down first and respond once you're steadier.\n\n"
        "1. Step away for a few minutes: drink some cold water or take a five-minute walk.\n"
        "2. Write one sentence about what made you angry and one about what you need from the other person.\n"
        "3. Once you've calmed down, prepare what to say in the form "
        '"I felt ... when ..., and next time I\'d like ...."'
    ),
    (Emotion.TIREDNESS, Persona.F): (
        "You sound truly exhausted, and that's completely understandable. "
        "You've been pushing through for so long that your body and mind are running on empty. "
        "Being this tired shows how hard you've been trying. "
        "It's okay to do a little less today and let yourself rest."
    ),
    (Emotion.TIREDNESS, Persona.T): (
        "When you're worn out, protecting your energy and making time to recover comes before trying harder.\n\n"
        "1. Pick two tasks for today or tomorrow that can be postponed or dropped, and cross them off.\n"
        "2. Turn off screens 30 minutes earlier than usual tonight and head to bed.\n"
        "3. Block 20 minutes a day on your calendar for doing nothing, and keep it like an appointment."
    ),
}

_SCRIPTS: Final[Mapping[Locale, Mapping[_ScriptKey, str]]] = {Locale.KO: _KO, Locale.EN: _EN}

# Feelings that deserve their own script even on a faint or mixed reading; a faint joy or calm does not.
_NEEDS_CARE: Final = frozenset({Emotion.SADNESS, Emotion.ANXIETY, Emotion.ANGER, Emotion.TIREDNESS})

_WORD: Final = re.compile(r"\S+\s*")


def _script_emotion(reading: EmotionReading) -> Emotion | None:
    if reading.confident or reading.emotion in _NEEDS_CARE:
        return reading.emotion
    return None


_GENTLE: dict[Locale, dict[Persona, str]] = {
    Locale.KO: {
        Persona.F: (
            "다시 이야기해 줘서 정말 고마워요. 조금 전에 많이 힘든 마음을 털어놓았잖아요. 지금은 어떤 마음인지 "
            "천천히 말해 줘도 괜찮아요. 서두르지 않아도 되고, 저는 여기서 계속 들을게요."
        ),
        Persona.T: (
            "지금은 계획이나 해야 할 일보다 당신이 안전한 게 먼저예요. 한 가지만 부탁할게요: 오늘은 혼자 있지 말고, "
            "믿을 수 있는 사람 한 명에게 연락해 주세요. 마음이 다시 무거워지면 109(자살예방 상담전화, 24시간)나 "
            "1577-0199(정신건강 위기상담)에 바로 전화할 수 있어요. 아래 버튼을 누르면 번호를 다시 볼 수 있어요."
        ),
    },
    Locale.EN: {
        Persona.F: (
            "Thank you for talking to me again. A little while ago you shared how much you were hurting. You can "
            "tell me how you feel now, slowly — there is no rush, and I am still here listening."
        ),
        Persona.T: (
            "Right now your safety matters more than any plan. Just one thing: please don't stay alone tonight — "
            "reach out to one person you trust. If it gets heavy again, a crisis line is there at any hour "
            "(findahelpline.com; in Korea 109 or 1577-0199). The button below shows the numbers again."
        ),
    },
}


def compose(call: ModelCall) -> str:
    """The whole scripted answer for `call`; the same call always gets the same text. No persona means F."""
    persona = call.persona or Persona.F
    if call.gentle:
        return _GENTLE[call.locale][persona]
    return _SCRIPTS[call.locale][(_script_emotion(classify(call.subject)), persona)]


class OfflineCounselor:
    """A LanguageModel that needs no network: scripted, emotion-aware answers, streamed word by word."""

    @property
    def offline(self) -> bool:
        return True

    async def stream(self, call: ModelCall) -> AsyncIterator[StreamEvent]:
        started = time.perf_counter()
        for word in _WORD.findall(compose(call)):
            await asyncio.sleep(0)  # let a concurrent answer (the other persona) stream alongside
            yield TextDelta(text=word)
        latency_ms = int((time.perf_counter() - started) * 1000)
        yield CallFinished(model=MODEL_NAME, tokens_in=0, tokens_out=0, latency_ms=latency_ms, offline=True)

    async def complete_json(self, call: ModelCall, schema: type[SchemaT]) -> tuple[SchemaT, CallFinished]:
        raise LanguageModelUnavailable("offline counselor cannot produce JSON")
