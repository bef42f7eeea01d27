"""Crisis rules, organised by the signal they recognise rather than by phrase.

Each rule names its family (`Signal`) and whether it is strong. A strong rule is enough on its own; a weak one
(a bare "사라지고 싶다", "i want to disappear") is set aside when the message laughs at itself (ㅋㅋ, lol) and left
to the classifier. Korean rules read the squeezed text (no spaces), with verb endings generated from stems by
`korean.verb`; English rules read the spaced text after slang and contractions are spelled out. A rule never
fires on everyday hyperbole (죽겠다, killing me) and a denial cancels it (죽고 싶진 않아, i do not want to die).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Final

from core.domain.safety.korean import ACT, INTENT, PASSIVE_WISH, WISH, verb
from core.domain.safety.normalize import ReadText


class Signal(StrEnum):
    WISH = "wish"  # a wish to die
    PLAN = "plan"  # a decision or plan, with a time or a place
    MEANS = "means"  # a method or the means: heights, rope, pills saved up, charcoal, rails, a car
    FAREWELL = "farewell"  # preparations and farewells
    BURDEN = "burden"  # hopelessness, being a burden
    PASSIVE = "passive"  # not waking up, vanishing forever
    SELF_HARM = "self_harm"  # self-harm acts and urges


class Strength(IntEnum):
    DOUBTFUL = 0  # a rule matched, but someone else is the subject or the message laughs at itself
    WEAK = 1  # a rule written for a hint, not a statement (a bare "사라지고 싶다", "i want to disappear")
    STRONG = 2  # enough on its own


@dataclass(frozen=True, kw_only=True)
class Rule:
    signal: Signal
    pattern: re.Pattern[str]
    korean: bool
    strong: bool = True


def _ko(signal: Signal, *alternatives: str, strong: bool = True) -> Rule:
    return Rule(
        signal=signal, pattern=re.compile("|".join(f"(?:{a})" for a in alternatives)), korean=True, strong=strong
    )


def _en(signal: Signal, *alternatives: str, strong: bool = True) -> Rule:
    return Rule(
        signal=signal, pattern=re.compile("|".join(rf"(?:\b{a}\b)" for a in alternatives)), korean=False, strong=strong
    )


# --- Korean building blocks (squeezed text) -----------------------------------------------------------------

_DENIED: Final = r"(?!지않|진않|지는않|지도않|지말|지마|은건아니|은게아니|은거아니|은건아냐|은거아냐|진않|단건아니|다는건아니|다는게아니)"
_OTHERS_DOING: Final = r"(?<!한테)(?<!에게)(?<!때문에)"  # 엄마한테 죽을 거야: someone else's doing, a figure of speech
_TIME: Final = (
    r"(?:오늘|오늘밤|이따|이따가|내일|모레|새벽|밤에|저녁에|주말|이번주|다음주|조만간|곧|생일|크리스마스|"
    r"졸업식|시험끝나|\d+시|\d+일|월요일|화요일|수요일|목요일|금요일|토요일|일요일|연말|새해|이번달|며칠뒤|며칠후)"
)
_PLACE: Final = (
    r"(?:한강|대교|다리|옥상|난간|베란다|창문|창밖|아파트|건물|고층|빌딩|철로|선로|기찻길|철길|지하철|전철|기차|"
    r"바다|절벽|낭떠러지|산에|높은곳|높은데|강에|강물|호수|저수지|계곡|\d+층)"
)
_JUMP: Final = verb(["뛰어내리", "떨어지", "투신하", "몸을던지", "몸던지", "뛰어들"], WISH + INTENT)
_DIE: Final = _OTHERS_DOING + verb(["죽"], WISH + tuple(m for m in INTENT if not m.startswith("겠")))  # 배고파 죽겠다
_END_ALL: Final = (
    r"(?:다|모든걸|모든것을?|모든게|전부|모두|인생|삶|내삶|내인생|이생|목숨|나를|내자신을?|세상|이번생)"
    r"(?:을|를|이|다)?" + verb(["끝내", "끝장내", "마감하", "정리하", "끊"], WISH + INTENT)
)
_NOT_ABOUT_WORK: Final = (
    r"^(?!.*(?:과제|숙제|보고서|업무|프로젝트|공부|시험공부|레포트|리포트|논문|원고|작업|정리정돈|청소|빨래|설거지|"
    r"드라마|게임|시즌|정주행|연애|관계|연락|구독|다이어트|회사|알바|퇴사|마감|일을|일다|일은|대출|빚을|할부|말하고|얘기|헤어|사이|선넘|연락|걔랑|그사람|남친|여친|남자친구|여자친구|알바|계약|수업|학기|"
    r"보러|하러|먹으러|만나러|놀러|사러|자러|씻으러|전시회|영화|공연|콘서트|여행|마트|카페|병원|학원|집에|퇴근|출근|약속|데이트))"
)
_PILLS: Final = r"(?:약|수면제|알약|진통제|타이레놀|수면유도제|신경안정제|항우울제|안정제|졸피뎀|약들|처방약|감기약)"
_SELF: Final = r"(?:나를|날|내몸을?|제몸을?|스스로를?|내자신을?|나자신을?|자신을)"

_KO_RULES: Final = (
    # wish to die
    _ko(Signal.WISH, verb(["죽", "죽어버리", "죽어버려지"], ("고싶", "고만싶", "고파", "고프")) + _DENIED),
    _ko(Signal.WISH, _DIE),
    _ko(Signal.WISH, r"(?<!혼)(?<!여)(?<!남)(?<!모)(?<!의)자살" + verb(["하"], WISH + INTENT + ACT)),
    _ko(Signal.WISH, r"자살(?:충동|시도|계획|생각(?!은없|은안|안|없|은아니|해본적없|한적없|하지않))"),
    _ko(Signal.WISH, r"(?:차라리|그냥|빨리)죽(?:는게|을래|고|어버|자)(?!겠)", strong=False),
    _ko(
        Signal.WISH,
        r"죽는게(?:낫|나아|나을|편|답)",
        r"죽어야(?:겠|지|할까|하나|끝나|돼|되|해|맞)",
        r"죽을(?:용기|방법을|날만)",
    ),
    _ko(
        Signal.WISH,
        r"(?:die|killmyself|suicide|enditall|unalive|disappear|endmylife)(?:하고싶|할래|할까|하려|해버릴|하고파|각)",
    ),
    _ko(Signal.WISH, r"(?<![걔쟤너니그])(?:내가|나|난|그냥)?죽었으면좋겠", strong=False),
    _ko(Signal.WISH, _SELF + verb(["죽이", "없애"], WISH + INTENT)),
    _ko(Signal.WISH, r"극단적(?:인)?선택", r"목숨을?(?:끊|버리)", r"스스로(?:목숨|생을)", r"생을마감", r"세상을?등지"),
    # decision or plan
    _ko(Signal.PLAN, _NOT_ABOUT_WORK + r".*?" + _TIME + r".{0,24}?(?:" + _JUMP + "|" + _DIE + "|" + _END_ALL + ")"),
    _ko(Signal.PLAN, _NOT_ABOUT_WORK + r".*?" + _END_ALL),
    _ko(Signal.PLAN, _NOT_ABOUT_WORK + _TIME + r".{0,20}?" + verb(["끝내", "끝장내", "실행하", "결행하"], INTENT)),
    _ko(Signal.PLAN, _NOT_ABOUT_WORK + r".*?" + verb(["끝내", "끝장내"], WISH + INTENT), strong=False),
    _ko(
        Signal.PLAN,
        r"(?:말리지마|말리지말|막지마|찾지마|찾지말)",
        r"(?:계획|준비)(?:을|를|은)?(?:다|이미|전부)?(?:세웠|끝났|마쳤|했).{0,10}?(?:실행|결행|하기만|날짜)",
    ),
    _ko(
        Signal.PLAN,
        r"(?:다시는|영영|다신)?(?:안|못)(?:돌아올|돌아오|내려올|내려오)(?:거|꺼|생각|래|게|려고|기로)",
        strong=False,
    ),
    _ko(
        Signal.PLAN,
        r"(?:지금|방금|이제)?(?:옥상|난간|다리위|대교위|철로|선로|기찻길|철길|한강다리|마포대교|절벽)(?:앞|위|끝)?(?:에|에서)?(?:이야|임|이에요|입니다|왔|서있|올라왔|올라가|가는중|앉아있)",
        strong=False,
    ),
    _ko(Signal.PLAN, r"(?:결심|마음먹|마음을?먹|결정)(?:했|이섰|했어|함).{0,12}?(?:죽|끝|마지막|떠나|뛰어)"),
    _ko(Signal.PLAN, r"(?:죽|끝내|떠나)기로(?:했|결심|마음|정했)"),
    _ko(
        Signal.PLAN,
        r"오늘(?:이|밤이)(?:내)?(?:마지막|마지막날|마지막밤)(?:이|일|이야|이에요|이다|인|$)(?!.*(?:출근|근무|수업|세일|학기|날이라|촬영|공연|연습))",
    ),
    _ko(Signal.PLAN, r"(?:죽을|자살할|끝낼|뛰어내릴)(?:날|날짜|장소|곳)(?:을|를)?(?:정했|골랐|잡았|찾)"),
    # method and means
    _ko(Signal.MEANS, _PLACE + r".{0,16}?" + _JUMP),
    _ko(
        Signal.MEANS,
        r"^(?!.*(?:번지|스카이다이빙|다이빙|패러|놀이기구|트램펄린|계단|침대|수영장|물놀이|계곡에서놀)).*?" + _JUMP,
    ),
    _ko(
        Signal.MEANS,
        r"(?<!에)(?<!한테)(?<!에게)목(?:을|에)?(?:매|메|매달|졸라)(?:고싶|ㄹ|려|기로|는법|는방법|을끈|끈|줄|달|면|는거|는게|는데|고|기)",
    ),
    _ko(Signal.MEANS, r"목(?:을|에)?(?:맬|멜|매려|매달려|매달아|매달고|맸|멨)"),
    _ko(
        Signal.MEANS,
        r"^(?=.*(?:목|죽|끝내|끝낼|마지막|튼튼|버틸|체중|무게))(?:.*?)(?:밧줄|노끈|로프|줄|넥타이|전선|끈)(?:을|를|이랑|도)?.{0,8}?(?:사놨|사뒀|샀|준비|매달|걸어|묶어)(?!.*(?:텐트|캠핑|빨래|짐|택배|이사|화분|운동|줄넘기))",
    ),
    _ko(
        Signal.MEANS,
        _PILLS
        + r"(?:을|를|이|도)?.{0,6}?(?:모아|모았|모으|쌓아|챙겨뒀|숨겨|비축)(?!.*(?:약통|정리|분리수거|폐의약품|버리|반납|수거함|약국에))",
    ),
    _ko(
        Signal.MEANS,
        _PILLS
        + r"(?:을|를)?(?:한꺼번에|한번에|통째로|왕창|잔뜩|한통|한움큼|한주먹|\d{2,}알|다|전부|몽땅|모조리)(?:다)?"
        + verb(["먹", "삼키", "털어넣", "털어먹", "들이키"], WISH + INTENT),
    ),
    _ko(
        Signal.MEANS,
        _PILLS + r"(?:을|를)?(?:한꺼번에|한번에|통째로|왕창|한통|한움큼|한주먹|\d{2,}알)(?:다)?(?:먹|삼켰|삼키|털어)",
    ),
    _ko(
        Signal.MEANS,
        r"(?:번개탄|연탄)(?!.*(?:고기|캠핑|바베큐|숯불|구이|캠프|삼겹|그릴|화로|난로|보일러|가격|봉사|나눔|배달))",
    ),
    _ko(
        Signal.MEANS,
        r"(?:칼|밧줄|로프|약|농약|번개탄|수면제|면도날|이걸|이거)(?:으로|로|이면|만있으면)?.{0,10}?"
        + verb(["끝내", "죽", "끝장내"], WISH + INTENT + ("으면끝", "을수있", "ㄹ수있")),
    ),
    _ko(
        Signal.MEANS,
        r"농약(?:을|를)?(?:사|샀|마시|먹|구했|구해|사놨)",
        r"(?:몇층|어디서|높은데서|높은곳에서|다리에서|옥상에서|창문에서|여기서)(?:에서)?(?:떨어지|뛰어내리)(?:면|면은)(?:죽|확실|안아프|끝|즉사)",
    ),
    _ko(
        Signal.MEANS,
        r"(?:죽|죽어버리|떨어져죽|자살하|목매|목매달)(?:는|ㄴ)(?:법|방법)",
        r"핸들(?:을)?(?:확)?꺾(?:어버리고싶|고싶|을까|어버릴|어버리려)",
        r"(?:벽에|가드레일에|난간에|전봇대에|트럭에)(?:그냥)?(?:박아버릴|박을까|박고싶|들이받고싶|들이받을까|박아버리고싶)",
    ),
    _ko(Signal.MEANS, _PILLS + r".{0,16}?(?:다|전부|몽땅|한꺼번에|한번에)" + verb(["먹", "삼키", "털어넣"], INTENT)),
    _ko(
        Signal.MEANS,
        _PILLS
        + r"(?:을|를|이|도)?.{0,14}?(?:모은|모아놨|모아뒀|빼놨|빼돌|쌓아두|쌓아놓|쌓아놨|숨겨놨|숨겨뒀)(?!.*(?:약통|정리|분리수거|폐의약품|버리|반납|수거함))",
    ),
    _ko(
        Signal.MEANS,
        r"(?:죽는|자살하는|자살|안아프게죽는|편하게죽는|고통없이죽는|쉽게죽는|목매는|죽을수있는|확실하게죽는)(?:법|방법)",
    ),
    _ko(Signal.MEANS, r"(?:몇알|얼마나)(?:먹어야|먹으면)(?:죽|안깨)"),
    _ko(
        Signal.MEANS,
        r"(?:차|트럭|버스|기차|지하철|열차)(?:에|로|앞에|앞으로)?"
        + verb(["뛰어들", "달려들", "치이", "박", "몸을던지"], WISH + INTENT),
    ),
    _ko(Signal.MEANS, r"(?:철로|선로|기찻길|철길)(?:에|로|위에)(?:누워|뛰어들|들어가|서있)"),
    _ko(Signal.MEANS, r"(?:핸들|차를?)(?:꺾어|틀어|몰고).{0,10}?(?:박|떨어|들이받)(?:을|고싶|아버릴|려고|ㄹ까)"),
    # preparations and farewells
    _ko(Signal.FAREWELL, r"유서(?!깊|가깊|있는|깊은)"),
    _ko(
        Signal.FAREWELL,
        r"마지막으로(?:다들|모두|너한테|너에게|엄마|아빠|가족|그동안|한번만)?(?:고마웠|고맙|사랑|미안|안녕|인사|작별|잘있|잘지내|보고싶|목소리)",
    ),
    _ko(
        Signal.FAREWELL,
        r"(?:다들|모두|여러분)?그동안(?:정말|진짜|너무)?고마웠(?:어|어요|습니다|다)?.{0,20}?(?:안녕|잘지내|잘있|마지막|미안|행복해)",
    ),
    _ko(
        Signal.FAREWELL,
        r"(?:편지|유언|쪽지)(?:를|도|들|는)?(?:다|전부)?.{0,12}?(?:써놨|써뒀|써서|남겨|남길|서랍|책상위|넣어놨|올려놨|남기고)(?=.*(?:발견|마지막|남은사람|가족|부모님|엄마|다들|알겠|미안|떠나|간다|갈게))",
    ),
    _ko(
        Signal.FAREWELL,
        r"(?:사랑한다고|미안하다고|고마웠다고|감사했다고|죄송하다고|잘살라고|잘지내라고|사랑해|미안해|고마웠어).{0,12}?(?:전해|말해|대신)(?:줘|줄래|주세요|줄수|달라|주십시오|주시오)",
    ),
    _ko(
        Signal.FAREWELL,
        r"세상아?(?:잘있|안녕)",
        r"(?:나는|난|내가)(?:이미|벌써)?(?:없을거|이세상에없|세상에없을)",
        r"(?:세상|삶|인생|이세상)(?:에|에는|에대한)?미련(?:이|도|은)?(?:없|하나도없)",
        r"마지막(?:인사|선물|편지|유언|부탁이)",
    ),
    _ko(
        Signal.FAREWELL,
        r"(?:미안해|미안하다|형은|누나는|언니는|오빠는|엄마|동생아|다들|안녕)(?:난|나는|형은|누나는|언니는|오빠는)?(?:먼저)(?:갈게|간다|가|갈께|가야겠)",
    ),
    _ko(
        Signal.FAREWELL,
        r"(?:그동안|여태|지금까지|여태껏|이제까지)(?:들어줘서|정말|진짜|너무)?(?:고마웠|재밌었|즐거웠|행복했).{0,20}?(?:안녕|잘있|마지막|bye|간다|갈게|가볼게)",
    ),
    _ko(Signal.FAREWELL, r"(?:이제|이젠)(?:가도|떠나도|죽어도)(?:될|되겠|괜찮을)", strong=False),
    _ko(
        Signal.FAREWELL,
        r"작별인사",
        r"신변정리",
        r"(?:이게|이번이|오늘이)(?:내)?마지막(?:메시지|인사|대화|글|연락|편지|부탁)",
    ),
    _ko(
        Signal.FAREWELL,
        r"(?:엄마|아빠|가족|부모님|동생|누나|언니|형|오빠|여자친구|남자친구)(?:한테|에게|께)(?:미안하다고|사랑한다고|고마웠다고)(?:전해|말해|대신)",
    ),
    _ko(
        Signal.FAREWELL,
        r"(?:내|제)?(?:물건|옷|짐|게임기|책들|통장|돈|적금|고양이|강아지|유품)(?:을|를|들|들을|은)?.{0,10}?(?:다|전부|싹|미리)?(?:나눠줬|나눠주|나눠줄|물려|처분|맡겼|맡길|부탁)(?!.*(?:이사|유학|군대|입대|기숙사|여행))",
        strong=False,
    ),
    _ko(
        Signal.FAREWELL,
        r"(?:없어도|떠나도|가도|죽어도|사라져도)(?:잘|행복하게)(?:지내|살아|있어)",
        r"(?:나없이도|내가없어도)(?:잘|행복)",
    ),
    # hopelessness and burden
    _ko(
        Signal.BURDEN,
        r"(?:내가|나만|나하나|나같은게|나같은건|나란|나따위|내존재|제가|저만|저하나|나)(?:그냥)?(?:없어지|사라지|없으|죽으|죽어버리|떠나|안태어났으)면.{0,16}?(?:편|행복|나을|낫|좋아|좋을|잘살|모를|덜|끝|해결|평화)",
    ),
    _ko(
        Signal.BURDEN,
        r"(?:없어져야|사라져야|죽어야|없어지는게|사라지는게|없는게|죽는게|떠나는게)(?:한다|해|돼|되|맞|나아|나을|낫|도움|편|좋|정답|답)",
    ),
    _ko(
        Signal.BURDEN,
        r"(?:나|내가|난)?(?:없어도|없이도)(?:다들|모두|다|가족들?|우리가족)?(?:잘살|잘지내|행복|더잘|괜찮)",
        r"(?:사라져도|없어져도|죽어도|떠나도)(?:슬퍼할|신경쓸|알|찾을|울어줄|기억할)(?:사람|이|놈)(?:은|도)?(?:없|하나도|아무도)",
        r"살자격(?:이|도)?없",
        r"(?:짐|민폐)(?:만|밖에)?(?:될|되는|돼|되고)(?:뿐|거|존재|바에)",
    ),
    _ko(
        Signal.BURDEN,
        r"(?=.*(?:희망|의미|미래|버틸|버티|힘이없|소용없|나아질|살아봤자|이유가없|이유하나도|어차피|포기했))(?:.*?)"
        + verb(["끝내", "그만하", "멈추", "포기하", "사라지", "없어지"], WISH + INTENT),
    ),
    _ko(
        Signal.BURDEN,
        r"(?:아무도|누구도|아무도나|아무도내가).{0,14}?(?:사라져도|없어져도|죽어도|떠나도|없어도)",
        r"(?:사라져도|없어져도|죽어도|떠나도)(?:아무도|누구도)(?:모를|몰라|슬퍼|신경|관심|눈치)",
    ),
    _ko(
        Signal.BURDEN,
        r"(?:나는|내가|난|나|저는|제가|전)(?:그냥|진짜|정말)?(?:짐|짐덩어리|짐짝|민폐|쓰레기|쓸모없는존재|없어져야할|사라져야할)(?:이야|이다|이에요|일뿐|밖에|만되|만돼|이되|이돼|같아|인거|인것|야|일|덩어리|라서|니까)",
    ),
    _ko(
        Signal.BURDEN,
        r"(?:더이상|이제|계속|앞으로)?살(?:아야?할|아갈|아야할|아있을|)?(?:이유|의미|가치)(?:가|도|를)?(?:없|모르|안보|못찾)",
    ),
    _ko(
        Signal.BURDEN,
        r"(?:사는|삶의|살아야하는|살아있는)(?:이유|의미)(?:가|도|를)?(?:없|모르)",
        r"살아서뭐(?:해|하)",
        r"왜살아야",
        r"왜사는지모르",
    ),
    _ko(
        Signal.BURDEN,
        r"살고싶지(?:가)?않",
        r"살고싶은?마음이(?:없|안)",
        r"(?<!혼자)살기(?:가)?싫",
        r"그만살(?:고싶|래|까|아야|았으면)",
        r"(?:사는게|살아있는게|살아있기)(?:싫|지옥|괴로|의미없|무의미|지긋)",
        r"더는못살",
        r"더이상못살",
        r"살자신이없",
    ),
    _ko(Signal.BURDEN, r"(?:희망|미래|출구|방법|답)이?.{0,6}?(?:없|안보).{0,20}?(?:끝내|죽|그만|포기하고싶|사라지)"),
    # passive wishes
    _ko(
        Signal.PASSIVE,
        r"내일(?:이|은|아침이)?(?:안|오지않|안오|오지말|없|영영안)(?:왔으면|았으면|오면|왔음|았음|으면|았으면|기를|길|았으면좋)",
    ),
    _ko(
        Signal.PASSIVE,
        r"(?:아침이|눈을|눈)(?:안|못)(?:왔으면|떴으면|뜨면|떠졌으면|뜨기를)",
        r"(?:영영|영원히|다시는|평생)(?:안|못)?(?:깨어나|깨어났|깼|깨|눈뜨지|일어나지)",
    ),
    _ko(
        Signal.PASSIVE,
        r"(?:자다가|잠든채로|자는동안|잠자다)(?:그냥)?(?:죽|안깨|숨이멎|못깨|깨지않|안일어나)",
        r"영원히잠들",
        r"(?:안|못)깨어났으면",
        r"깨어나지(?:않|말|못)았?으면",
        r"(?:안|못)깼으면",
        r"눈감고(?:다시는|영원히)",
    ),
    _ko(
        Signal.PASSIVE,
        r"(?:사고|교통사고)(?:라도|가|나서|로)?(?:나서|났으면|당했으면|나면좋|당해서)?(?:죽|났으면|당했으면)",
        r"(?:차|트럭|버스)(?:에|가)?(?:치였으면|치이면좋|치여서죽|박았으면|와서박)",
        r"(?:병|암)(?:에|이라도)?걸려(?:서)?(?:죽|빨리)",
    ),
    _ko(
        Signal.PASSIVE,
        r"(?:누가|누군가|아무나)(?:나|날|나를)?(?:좀)?(?:죽여줬으면|죽여줘|죽여주면|데려가줬으면|데려갔으면)",
        r"(?:심장|숨)(?:이|이라도)?(?:그냥)?(?:멈췄으면|멎었으면|멈추면좋|멎으면좋|멈춰버렸으면)",
        r"자다가(?:그냥)?(?:갔으면|가면좋|가버렸으면|떠났으면)",
    ),
    _ko(
        Signal.PASSIVE,
        r"(?:그대로|그냥|자연스럽게|조용히|이대로|여기서)(?:다)?(?:끝났으면|끝나면좋|멈췄으면|멈추면좋|끝날수있|사라졌으면)",
        r"(?:추락|사고|벼락|교통사고)(?:했으면|나서|나면|맞아서|이라도|라도).{0,10}?(?:끝났으면|죽었으면|끝나면|갔으면|좋겠)",
        r"(?:덮쳐|치어|박아|죽여)줬으면",
    ),
    _ko(
        Signal.PASSIVE,
        r"(?:존재하지않았으면|없던사람이었으면|없었던사람이었으면|존재자체를?지우|존재를?지우|나를지우고싶|세상에서지워지)",
        r"(?:안|못)(?:깨어나도|깨도|일어나도)(?:괜찮|좋|상관|돼)",
        r"(?:눈뜨고|깨어나고|눈을뜨고)싶지(?:않|가않)",
        r"(?:해가|아침이|내일이|내일아침이|아침해가)(?:영영)?(?:안|오지않|오지말)(?:떴으면|왔으면|았으면|오면|뜨면|뜨기를|오길)",
    ),
    _ko(
        Signal.PASSIVE,
        r"태어나지(?:말았어야|말았으면|말걸|않았(?:으면|어야|더라면))",
        r"안태어났(?:으면|어야|더라면)",
        r"태어난게(?:죄|후회|잘못|실수)",
        r"왜태어났",
    ),
    _ko(
        Signal.PASSIVE,
        r"(?:영원히|영영|세상에서|흔적도없이|완전히|아예|이세상에서)"
        + verb(["사라지", "없어지", "증발하", "소멸하", "사라져버리"], WISH + PASSIVE_WISH, plan=False),
    ),
    _ko(
        Signal.PASSIVE,
        verb(["사라지", "없어지", "증발하", "소멸하", "사라져버리", "없어져버리"], WISH + PASSIVE_WISH) + _DENIED,
        strong=False,
    ),
    _ko(Signal.PASSIVE, r"(?:세상|이세상)(?:을|에서)?(?:떠나고싶|떠날래|떠나려고|떠날거)"),
    # self-harm acts and urges
    _ko(
        Signal.SELF_HARM,
        r"(?<!혼)(?<!여)(?<!남)(?<!모)(?<!의)자해(?!하는친구|하는사람|하는애|하는학생|하는청소년|예방|관련|에대한|영상|를하는친구|한친구|하는걸봤|하는거봤|하던친구)",
    ),
    _ko(
        Signal.SELF_HARM,
        r"(?:손목|팔|허벅지|손등|배|몸|다리)(?:을|를|에|도|에다)?(?:칼|커터|커터칼|면도칼|가위|유리)?(?:로)?(?:그었|긋|그어|그을|그으|그었던|또그)",
    ),
    _ko(
        Signal.SELF_HARM,
        r"(?:칼|커터칼|면도칼|커터|가위|유리조각)(?:로|을|를)?.{0,4}?(?:손목|팔|허벅지|몸|나를|내몸|제몸|살을)",
    ),
    _ko(
        Signal.SELF_HARM,
        _SELF
        + verb(["해치", "다치게하", "상처내", "상처를내", "때리", "벌주", "학대하", "망가뜨리"], WISH + INTENT + ACT),
    ),
    _ko(
        Signal.SELF_HARM,
        r"피(?:가|날|나)(?:날때까지|나도록|나게).{0,6}?(?:긁|그었|때렸|뜯|물어|박았)",
        r"(?:벽에|책상에)(?:머리|주먹)(?:를|을)?(?:박|찧|쳤)(?:았|았어|고싶|고있|는중|을래|어서)",
        r"담배빵",
        r"(?:라이터|담배|다리미)(?:로)(?:팔|손등|몸|살|허벅지)(?:을|를)?(?:지졌|지지|태웠|태우)",
    ),
    _ko(
        Signal.SELF_HARM,
        r"(?<!선을)(?<!선)(?<!줄을)(?<!줄)(?<!금을)(?<!금)(?<!획을)(?<!획)(?<!성냥을)(?<!성냥)(?<!밑줄)(?<!경계를)(?<!경계)(?:그었|긋고싶|긋게|긋는|그어벌|그어버|그을까|그으려|그을래|긋고있|긋고나|그은데|그은곳)",
    ),
    _ko(
        Signal.SELF_HARM,
        r"(?:팔|손|손목|허벅지|다리|얼굴|몸|머리|손등|배)(?:을|를|에|도)?(?:계속|일부러|또|막|세게)?(?:찔렀|찌르|때렸|꼬집|데었|지졌|뜯었|쥐어뜯|할퀴)(?=.*(?:일부러|또|계속|멍|피|멈출수|참|나도모르게|벌|탓))",
        r"(?:클린|끊은지).{0,8}?(?:깨졌|깨짐|다시했|또했)",
        r"(?:일부러)(?:손|팔|몸)(?:을|를)?(?:데|지지|찔|베)",
    ),
    _ko(Signal.SELF_HARM, r"(?:흉터|상처|자국)(?:가|를|을)?(?:또|다시)(?:냈|만들|그었)"),
)

# --- English (spaced text, contractions spelled out by `normalize`) -------------------------------------------

_NEG: Final = re.compile(r"(?:\bnot|\bnever|\bno longer|\bno)\s+(?:\w+\s+){0,2}$")
_I: Final = r"(?:i|i am|i have|i will|i would|me|myself|i just|i really|i honestly|honestly i|i literally|literally i)"
_INTEND: Final = r"(?:going to|will|am about to|about to|plan(?:ning)? to|decided to|have decided to|intend to|want to|am ready to|ready to|should|might|need to|must|gotta|could just|would rather)"
_WHEN: Final = r"(?:tonight|tomorrow|this weekend|this week|on my birthday|after (?:my|the) \w+|before (?:my|the) \w+|at midnight|when everyone|once everyone|in the morning|today|by friday|soon|this time)"
_HIGH: Final = r"(?:bridge|roof|rooftop|building|balcony|cliff|overpass|parking garage|tower|window|ledge|top floor|\d+(?:th|st|nd|rd)? floor)"
_END_VERB: Final = r"(?:kill myself|end (?:it|it all|my life|everything|things for good|my own life)|take my (?:own )?life|die|jump|hang myself|overdose|do it|off myself)"

_EN_RULES: Final = (
    _en(
        Signal.SELF_HARM,
        r"self[- ]?harm(?:ing|ed)?(?! awareness| prevention| research| support group| warning| risk)",
        strong=False,
    ),
    _en(
        Signal.WISH,
        r"want(?:s|ed)? to (?:just )?die",
        r"wish(?:ing)? (?:that )?i (?:was|were|could be) dead",
        r"wish i could (?:just )?die",
        r"(?:rather|better off) (?:be )?dead",
        r"want to be dead",
        r"ready to die",
        r"(?:let|make) me die",
    ),
    _en(
        Signal.WISH,
        r"kill(?:ing|ed)? myself",
        r"off myself",
        r"end(?:ing)? my (?:own )?life",
        r"tak(?:e|ing) my (?:own )?life",
        r"end(?:ing)? it all",
        r"end my existence",
    ),
    _en(
        Signal.WISH,
        r"(?:am|feel|feeling|been|getting|get|so|very|really|pretty|kinda|kind of) suicidal",
        r"suicidal (?:thoughts|ideation|urges|again|tonight|lately)",
        r"(?:think|thinking|thought|thoughts) (?:about|of) (?:suicide|killing myself|ending it)",
        r"(?:commit|attempt(?:ed)?|try) suicide",
        r"suicide (?:is|seems|feels) (?:the|my) (?:only|best|answer|way)",
    ),
    _en(
        Signal.WISH,
        r"do not want to (?:be alive|live|exist|be here) (?:anymore|any more|any longer)",
        r"(?:tired|sick) of (?:living|being alive|life|existing)",
        r"done (?:with|living) (?:life|living|existing|this life)",
    ),
    _en(
        Signal.PLAN,
        _I + r" (?:\w+ ){0,3}" + _INTEND + r" (?:\w+ ){0,2}" + _END_VERB + r"(?: \w+){0,4} " + _WHEN,
        _WHEN + r",? (?:\w+ ){0,4}" + _I + r" (?:\w+ ){0,2}" + _INTEND + r" (?:\w+ ){0,2}" + _END_VERB,
    ),
    _en(
        Signal.PLAN,
        r"(?:tonight|today) is (?:the night|my last (?:night|day)|the day|the end)",
        r"this is (?:the night|my last (?:night|day))",
        r"(?:i have|have) (?:decided|made up my mind|picked (?:a|the) date|set a date|chosen (?:a|the) (?:date|day|place))",
        r"(?:last|final) (?:night|day) (?:on earth|alive|of my life)",
        r"(?:it|everything) ends (?:tonight|tomorrow|this weekend)",
    ),
    _en(
        Signal.MEANS,
        r"(?:jump|jumping|throw myself|leap|leaping) (?:off|from|in front of|onto|into) (?:a |the |my |that |this )?(?:\w+ )?(?:"
        + _HIGH[3:-1]
        + r"|train|tracks|traffic|river|sea|ocean)",
    ),
    _en(
        Signal.MEANS,
        r"(?:step|walk|throw myself|lie down|lay down|stand) (?:in front of|on|onto) (?:a|the) (?:train|tracks|bus|truck|car|subway)",
        r"hang(?:ing|ed)? myself",
        r"noose",
        r"tie (?:a|the) rope",
        r"slit(?:ting)? my (?:wrists?|throat)",
    ),
    _en(
        Signal.MEANS,
        r"(?:saving|saved|stockpil\w*|hoard\w*|collect\w*|stashing|stashed|been keeping) (?:up )?(?:all )?(?:of )?(?:my |the |some |enough )?(?:pills|meds|medication|tablets|sleeping pills|painkillers|prescriptions|pill)",
        r"take (?:all|every one) (?:of )?(?:my|the|these|those) (?:pills|meds|tablets|sleeping pills)",
        r"(?:all|whole) (?:bottle|pack|box) of (?:pills|meds|tablets|sleeping pills|painkillers|tylenol)",
        r"overdos(?:e|ing) (?:on purpose|tonight|again)",
        r"(?:going to|want to|plan to|will) overdose",
        r"how many (?:pills|tablets|sleeping pills|painkillers) (?:it takes|to die|would kill|does it take)",
    ),
    _en(
        Signal.MEANS,
        r"(?:searched|googled|looked up|researching|researched|reading up on|read up on|look up) (?:\w+ ){0,2}(?:how to|ways to|methods to|the best way to) (?:kill myself|die|hang|overdose|end it|end my life)",
        r"painless (?:way|ways|method|methods) to (?:die|go)",
        r"(?:suicide|ways to die) methods?",
        r"how to kill myself",
        r"(?:charcoal|carbon monoxide|exhaust fumes?) (?:in|burning|to)",
        r"drive (?:my car |the car )?(?:off|into) (?:a |the )?(?:cliff|bridge|wall|river|tree|oncoming|traffic)",
        r"(?:bought|buy|got|get) a (?:gun|rope) (?:to|for)",
    ),
    _en(
        Signal.FAREWELL,
        r"(?:suicide|goodbye) (?:note|letter)s?",
        r"(?:wrote|writing|write|left|leaving) (?:a |my )?(?:note|letter|notes|letters) (?:for|to) (?:my |everyone|everybody|my family)",
        r"this is my (?:last|final) (?:message|post|goodbye|words)",
        r"giving away (?:all )?(?:of )?my (?:stuff|things|belongings|possessions|cat|dog|games|clothes)",
        r"tell (?:my )?(?:mom|mum|dad|family|sister|brother|parents|kids|wife|husband|girlfriend|boyfriend) (?:that )?i am sorry",
        r"(?:put|putting|get|getting) my affairs in order",
        r"(?:will not|not going to) be (?:around|here) (?:much longer|anymore|tomorrow|for long)",
        r"you will not (?:hear|see) (?:from )?me again",
        r"said (?:my )?goodbyes? to everyone",
        r"thank you for everything,? (?:goodbye|bye|i am sorry|this is)",
        r"(?:my|writing my|wrote my) will at \d+",
    ),
    _en(
        Signal.BURDEN,
        r"better off without me",
        r"(?:no one|nobody) (?:would|will|is going to) (?:\w+ ){0,2}(?:notice|care|miss me|even know)(?: \w+){0,3} if i (?:vanished|disappeared|died|was gone|were gone|left|was dead|killed myself)",
        r"(?:am|just|only) (?:a|such a) burden",
        r"burden (?:to|on) (?:everyone|everybody|my family|them|my parents)",
        r"(?:no|any) (?:reason|point) (?:to|in) (?:keep )?(?:living|live|going on|being alive|staying alive|keep going|wake up)",
        r"nothing (?:left )?to live for",
        r"(?:what is|whats|what's) the point (?:of|in) (?:living|life|being alive|going on)",
        r"(?:world|everyone|everybody|my family|they) would be (?:better|happier) (?:off )?without me",
        r"(?:no|never) (?:way out|getting better).{0,40}(?:end|die|kill)",
    ),
    _en(
        Signal.PASSIVE,
        r"(?:do not|never) want to wake up(?! early| at| for| before| so| this early)",
        r"(?:hope|wish|pray) i (?:do not|never|would not|will not|did not) wake up",
        r"(?:go to sleep|sleep|fall asleep) and (?:never|not) wake up",
        r"wish i (?:had )?never (?:been born|existed)",
        r"should (?:not|never) have been born",
        r"wish (?:a |the |some )?(?:car|truck|bus|train|something) would (?:hit|kill) me",
        r"(?:disappear|vanish|cease to exist|stop existing|fade away|not exist) (?:forever|for good|permanently|from (?:this|the) (?:world|earth|planet))",
        r"do not want to exist",
        r"wish i (?:could )?(?:just )?(?:stop existing|cease to exist|not exist)",
        r"(?:hope|wish) (?:it|something|cancer|this illness|this disease) (?:kills|would kill) me",
    ),
    _en(
        Signal.PASSIVE,
        r"(?:want|wish) (?:to |i could )?(?:just )?(?:disappear|vanish)(?! to| for the| from (?:this|the|his|her|their) (?:meeting|class|party|call|chat|life|room))",
        strong=False,
    ),
    _en(
        Signal.SELF_HARM,
        r"(?:i|i have|i am|urges? to|want to|started|again) self[- ]?harm(?:ing|ed)?",
        r"self[- ]?harm(?:ing|ed)? (?:again|tonight|every|daily)",
        r"cut(?:ting)? myself",
        r"cutting (?:again|tonight|my (?:arms?|thighs?|legs?|skin|wrists?))",
        r"(?:cut|hurt|harmed|burned|burnt|hit|punched|scratched|bit) myself",
        r"(?:want|going|tempted|urge|urges|need|itching) to (?:cut|hurt|harm|burn|punish) myself",
        r"(?:urge|urges|tempted|itching) to cut",
        r"cut(?:ting)? (?:into )?my (?:wrists?|arms?|thighs?|skin)",
        r"relaps(?:e|ed|ing) (?:and (?:cut|burned|hurt)|on (?:self harm|cutting))",
        r"(?:days|weeks|months) clean (?:from )?(?:self harm|cutting)",
        r"(?:punch|punching|punched|bang|banging|banged|hit|hitting) (?:the |a )?(?:wall|my head)(?: \w+){0,3} until (?:it bleeds|i bleed|bleeding|my knuckles bleed)",
        r"(?:blade|razor|lighter)s? (?:to|on|against) my (?:skin|arm|wrist|thigh)",
    ),
)


_PILL_WORDS: Final = r"(?:pills|meds|medication|tablets|sleeping pills|painkillers|antidepressants|benzos|xanax|tylenol|insulin|opioids|prescriptions|pill)"
_GONE: Final = r"(?:dead|gone|not alive|not here|not around|died|ended it|killed myself|gone for good|never born)"

_EN_MORE: Final = (
    _en(
        Signal.WISH,
        r"want(?:s|ed|ing)? (?:\w+ ){0,2}(?:my life|it all|everything|this life) to (?:end|be over|stop)",
        r"(?:would|had) rather (?:just )?die(?! than)",
        r"being dead (?:sounds|seems|feels|would be) (?:better|easier|nicer|good)",
        r"want(?:s|ed|ing)? to die",
        r"(?:do not|dont) deserve to (?:live|be alive|exist)",
        r"want out of (?:life|this life|existence)",
        r"want to stop (?:living|existing|being alive)",
        r"ready (?:for my life )?to be over",
        r"want it (?:all )?(?:over|to be over)",
    ),
    _en(
        Signal.PLAN,
        r"(?:go|going|walk|walking|drive|driving|head|heading|taking the car) to (?:the )?(?:\w+ )?(?:roof|bridge|tracks|lake|river|cliffs?|ocean|sea|top floor|overpass|edge|ledge|parking garage)(?: \w+){0,8} (?:tonight|to jump|and jump|not coming back|and that is it|to end it|to die|for the last time|keep walking|after (?:my|the|everyone))",
        r"i am (?:at|on) (?:the )?(?:\w+ )?(?:bridge|roof|ledge|edge|tracks|overpass|cliff|top floor)(?: of [\w ]+?)? (?:right now|rn|now)(?: \w+){0,6} (?:jump|not turning back|do it|end it|going to)",
    ),
    _en(
        Signal.PLAN,
        r"(?:planning|planned|plan for|plan) (?:my|the) suicide",
        r"suicide plan",
        r"(?:will not|not going to) be alive (?:tomorrow|by|next|anymore|much longer)",
        r"the day i die",
        r"(?:by this time tomorrow|this time tomorrow)(?: \w+){0,3} (?:will not be|gone|dead)",
        r"taking all (?:of )?my " + _PILL_WORDS,
        r"(?:drive|driving) (?:it|the car|my car) (?:off|into) (?:the road|a wall|a cliff|the river|a tree|oncoming)",
    ),
    _en(
        Signal.PLAN,
        r"(?:do|doing|go through with|going through with|end|ending) (?:it|things)(?! with| between| off)(?: \w+){0,3} (?:tonight|tomorrow|on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|in an hour|this weekend|after christmas|before then|when my|once my|when the|after my|at midnight)",
        r"(?:going to|will) (?:do it|end it|end things)(?! with)",
        r"(?:tonight|today) (?:i am|is) (?:finally )?(?:the night|going through with it|doing it)",
        strong=False,
    ),
    _en(
        Signal.MEANS,
        r"(?:how high|highest|tallest|how far|which floor|what floor)(?: \w+){0,8} (?:die|kill me|to jump|enough to|fatal|so i can jump)",
        r"charcoal (?:and|\+|&) (?:duct )?tape",
        r"(?:gun|rifle|pistol|shotgun)(?: \w+){0,8} (?:is loaded|loaded|on myself|in my mouth|to my head|to end it|use it on myself|using it on myself)",
        r"(?:use|using) (?:it|them|that) on myself",
        r"drown(?:ing)? myself",
        r"(?:stockpil\w*|hoard\w*|saving|saved|stash\w*)(?: \w+){0,4} " + _PILL_WORDS,
        r"(?:took|swallowed|taken|downed) (?:a bunch of|a whole bottle|all (?:of )?(?:my|the)|every|everything in the medicine|the whole|a handful of|way too many)",
        r"(?:thinking|think|thought|fantasi\w+) about (?:driving (?:my car |the car )?into|jumping|drowning|hanging|overdosing|killing|ending|shooting myself|crashing my car)",
        r"(?:rope|noose|beam|belt|cord)(?: \w+){0,8} (?:hold my weight|what (?:it is|its) for|are ready|is ready|and the chair|keep looking at it)",
        r"(?:bought|got|buy) (?:a )?(?:rope|razor|blade|gun|charcoal)(?: \w+){0,4} (?:to end it|what (?:it is|its) for|for myself|specifically)",
        r"(?:leaving|leave|left|run|running) the engine (?:on|running)",
    ),
    _en(
        Signal.MEANS,
        r"(?:edge of the platform|staying under|enough saved|bottle of pills|train schedule)",
        strong=False,
    ),
    _en(
        Signal.FAREWELL,
        r"goodbye (?:everyone|world|forever|all)(?! lol)",
        r"said my goodbyes",
        r"(?:when|after|once) (?:they|someone|my \w+|anyone|people|you) (?:find|finds) (?:me|this|my body)",
        r"whoever finds (?:me|this)",
        r"if anyone finds this",
        r"(?:after|when|once|before) i am (?:gone|dead|not here|not around)",
        r"(?:after|before|when) i (?:die|go|end it|kill myself)(?! to)",
        r"one last time before i",
        r"(?:last|final) (?:time i will|message|post|words|goodbye) (?:talk|to anyone|before|ever)",
        r"(?:for my|for the) (?:\w+ )?to find",
        r"goodbye (?:video|letter|message|note)s?",
        r"(?:i am|im) ready to go(?! to| out| home| back)",
        r"now i can go(?! to| out| home| back)",
        r"(?:will not|do not) need (?:it|them|these|anything) (?:anymore|any more|where i am going|after)",
    ),
    _en(
        Signal.FAREWELL,
        r"this is goodbye",
        r"wrote my will",
        r"gave (?:away )?my (?:cat|dog|guitar|things|stuff) (?:to|away)",
        r"sorry for everything[, ]+goodbye",
        r"(?:bye|goodbye)(?: \w+){0,3} (?:forever|for good)",
        strong=False,
    ),
    _en(
        Signal.BURDEN,
        r"would be (?:\w+ ){0,2}(?:happier|relieved|better off|easier|better|fine|okay)(?: \w+){0,4} if i (?:was|were|am|just)? ?"
        + _GONE,
        r"better (?:place|world) without me",
        r"no way out (?:of this )?(?:except|but) (?:dying|death|to die)",
        r"ruining (?:everyone|everybody|their|my family)(?:s)? (?:lives|life) (?:just )?by (?:existing|being alive)",
        r"(?:need|want) me gone",
        r"waste of (?:space|oxygen|air|life)",
        r"can not (?:keep|go on) living like this",
        r"done trying to (?:stay alive|live|survive)",
        r"no one would (?:come to|show up at|care about) my funeral",
        r"if i died(?: \w+){0,4} no one would",
        r"if i (?:died|was gone)(?: \w+){0,3} (?:no one|nobody) would (?:notice|care)",
        r"nothing left for me here",
        r"(?:can not|cannot) imagine (?:still )?being alive",
    ),
    _en(
        Signal.PASSIVE,
        r"wish i (?:was|were|had) never (?:been )?born",
        r"(?:hoping|hope|praying|pray) (?:that )?i (?:will not|do not|never|would not) (?:wake up|open my eyes|make it)",
        r"(?:hope|hoping|wish|pray) (?:a |that a |the )?(?:truck|car|bus|train|plane) (?:hits|kills|would hit|crashes|would crash)",
        r"hope i get (?:hit|killed|in a fatal)",
        r"(?:plane|car) crash(?:ed|es)?(?: \w+){0,3} (?:would not mind|tbh|honestly|i hope)",
        r"would not mind if (?:my plane crashed|i died|i did not wake|something killed me)",
        r"god (?:just )?(?:takes|take|would take) me",
        r"die in my sleep",
        r"(?:do not|dont) care if i (?:live or die|die)",
        r"(?:if i did not|if i didnt|if i just did not) make it (?:through the night|home|to tomorrow)",
        r"(?:just )?never woke up",
        r"not wake up tomorrow",
        r"my heart (?:just )?(?:stops|would stop|stopped)",
        r"(?:sleep|go to sleep) for good",
        r"(?:fade|fading) away and never",
        r"(?:someone|something) would (?:just )?(?:end it for me|kill me)",
        r"if something killed me",
        r"fatal (?:crash|accident|car crash)",
        r"(?:be|feel) relieved if i (?:died|was dead)",
        r"(?:okay|ok|fine) with dying",
        r"(?:die|dying) without it being my fault",
        r"(?:do not|dont) want to be alive",
        r"never come back(?! from)",
    ),
    _en(
        Signal.SELF_HARM,
        r"(?:burned|burnt|burning|scalded|scalding) (?:my (?:arm|arms|skin|hand|wrist|thigh|leg)s?|myself)",
        r"(?:hitting|banging|hit|banged|slamm\w*) my (?:head|hand|fist)s?(?: \w+){0,6} (?:until|on purpose|so it would hurt)",
        r"until (?:it|they|my \w+|i) (?:bleed|bled|bleeds|bruise|bruises|breaks|broke|really hurts)",
        r"on purpose so it (?:would|will) hurt",
        r"carv\w+ (?:\w+ ){0,3}into my (?:arm|thigh|skin|wrist|leg|stomach)",
        r"starv\w+ myself(?: \w+){0,4} (?:as )?punish",
        r"hurting myself",
        r"(?:only thing|all) that helps is (?:cutting|hurting myself|the pain)",
        r"(?:cut|cutting) (?:again|deeper|after|tonight)",
        r"(?:my|the) cuts (?:are|is|were)",
        r"(?:covered in|hide my|hiding my|new) cuts",
        r"so i cut",
        r"(?:pulling|pull|pulled) out my hair(?: \w+){0,3} (?:on purpose|until|til)",
        r"(?:dig|digging) my nails into my skin",
        r"(?:bite|biting|bit) my (?:arm|hand|wrist|lip)s?(?: \w+){0,2} until",
        r"(?:blade|razor|knife)(?: \w+){0,8} (?:on myself|to my wrist|against my skin|into my)",
        r"(?:relapsed|relapse)(?: \w+){0,4} (?:clean|cut|cuts|tonight|again)",
        r"broke my streak(?: \w+){0,2} cut",
    ),
)

_KO_MORE: Final = (
    _ko(
        Signal.PLAN,
        r"(?:이번엔|진짜|확실|망설이지않|안망설|결심|ㄹㅇ|레알).{0,14}?(?:할거|할께|할게|하려고|한다|끝내|간다|실행)",
        r"(?:할거|하려고|한다|끝내|간다)(?:야|요)?.{0,8}?(?:이번엔|확실해|진짜로|말리지)",
        strong=False,
    ),
    _ko(
        Signal.PLAN,
        r"(?:주무시면|잠들면|여행가는날|없는날|나가면|출근하면|퇴근하고|끝나면|자면)(?:에)?(?:하려고|할거|할게|실행|끝낼)",
        strong=False,
    ),
    _ko(
        Signal.PLAN,
        r"(?:따라가|따라갈|곁으로가|곁으로갈)(?:려고|거|래|고싶|ㄹ게|게|야겠)",
        r"까지만(?:살|버티|살아있)(?:기로|고|거|래|을게|을거|겠)",
    ),
    _ko(
        Signal.PLAN,
        r"(?:오늘밤|밤에|새벽|지금|혼자|새벽에)(?:에)?.{0,4}?(?:한강|마포대교|옥상|다리|바다|대교)(?:에|으로|로)?(?:간다|가는중|갈거|가려고|왔|도착|올라)",
        r"(?:한강|마포대교)(?:에|으로|로)?(?:가는중|간다|왔어|도착)(?!.*(?:치맥|피크닉|자전거|러닝|산책|라면|공원|친구랑|데이트))",
        strong=False,
    ),
    _ko(
        Signal.PLAN,
        r"(?:내)?마지막(?:주말|밤|날|하루|생일|크리스마스)(?:이야|이에요|이다|일거|일꺼|이겠|이네|을|이)(?!.*(?:알바|출근|근무|수업|세일|학기|방학|휴가|여행|연휴|촬영|공연|연습|시험))",
        strong=False,
    ),
    _ko(
        Signal.FAREWELL,
        r"(?:잘있어|잘있어요|잘있으세요|다들안녕|모두안녕|안녕히계세요|이제안녕|ㅂㅂ다들)(?!.*(?:내일|나중|이따|또봐|봐|보자|주말|월요일|다음))",
        r"(?:진짜|정말|이게|이번이)마지막(?:이야|이에요|이다|일거야|이네)",
        r"(?:이번엔|이번에는)(?:진짜|정말)?(?:간다|갈게|가)",
        r"말하고가야",
        r"(?:탈퇴|삭제|지웠|정리)(?:했|해|하고|했고)?.{0,12}?(?:정리끝|이것도곧|흔적|남은거없)",
        r"마지막으로(?:밥|만나|보고|얼굴|통화|연락|한번)",
        strong=False,
    ),
    _ko(
        Signal.FAREWELL,
        r"흔적(?:을|도)?(?:안|하나도안|남기지않|없이)(?:남기|남게)",
        r"장례식에(?:누가|누구)",
        r"(?:남은사람|남겨질사람|남겨진사람)(?:들)?(?:한테|에게|을|이)",
        r"(?:보험|수익자|유산|재산)(?:을|를)?.{0,8}?(?:엄마|가족|동생)(?:로|앞으로|한테)(?:바꿔|돌려|넘겨)",
    ),
    _ko(
        Signal.BURDEN,
        r"(?:없는게|사라지는게|죽는게|없어지는게).{0,8}?(?:도움|낫|나아|편|좋)",
        r"먼저(?:가야지|가는게|가야겠|갈게|가야해)",
        r"(?:내가|나)?(?:없어도|없이도).{0,10}?(?:부탁|잘지내|잘살아|행복하게)",
    ),
    _ko(
        Signal.MEANS,
        r"(?:욕조|욕조에물).{0,10}?(?:약|칼|수면제|받아놨)",
        r"(?:옥상|다리|건물|아파트|한강)(?:이면|에서면|정도면).{0,6}?(?:확실|죽|끝|충분)",
        r"(?:한강|다리|대교|건물|아파트|옥상)(?:중에|중)?.{0,8}?(?:제일|가장)(?:높|깊)",
        r"(?:밧줄|로프|노끈|끈)(?:을|를|도|은)?(?:다)?(?:준비했|준비해놨|사놨|사뒀|구했)(?!.*(?:텐트|캠핑|빨래|이사|화분|운동|줄넘기|짐))",
        r"(?:깊은데|깊은곳|바다속|물속)(?:까지|으로)?(?:걸어|들어)(?:들어가|가)(?:면|면은|서)?(?:끝|죽)",
    ),
    _ko(
        Signal.PASSIVE,
        r"(?=.*(?:아침|내일|해가))(?:.*?)(?:안왔으면|안오면좋|안오길|오지않았으면|안떴으면)",
        r"(?:벼락|사고|운석)(?:이라도|라도)?(?:맞아서|나서|떨어져서)?.{0,6}?(?:끝났으면|죽었으면|갔으면)",
    ),
    _ko(
        Signal.SELF_HARM,
        r"(?:피|흉터|상처|긴팔|그었|긋|자해).{0,40}?(?:또했|다시했|또해버렸|또하고|또해)",
        r"(?=.*(?:일부러|고의로|벌주려고|벌로|계속|멍들|피날|또|피))(?:.*?)(?:팔|손|손목|허벅지|다리|얼굴|몸|머리|손등)(?:을|를|에|도)?(?:계속|일부러|또|막|세게)?(?:찔렀|찌르|때렸|꼬집|데었|지졌|뜯었|쥐어뜯|할퀴|긁었)",
        r"(?:손목|팔|허벅지)(?:에|의)?(?:상처|흉터)(?:가|를|도)?(?:계속|또|점점)?(?:늘어|생기|늘었|많아)",
    ),
)
_EN_EVEN_MORE: Final = (
    _en(
        Signal.BURDEN,
        r"(?:would|d) be (?:\w+ ){0,2}(?:happier|relieved|better off|easier|better)(?: \w+){0,4} if i (?:was|were|am|just)? ?"
        + _GONE,
        r"what(?: is|s)? (?:even )?the point (?:of|in) (?:living|life|being alive|going on|trying|staying alive)",
    ),
    _en(
        Signal.BURDEN,
        r"(?:do not|can not|cannot) see (?:a|any) future",
        r"(?:it is|its) (?:all )?over for me",
        strong=False,
    ),
    _en(Signal.WISH, r"should (?:just )?die", r"(?:better|best) if i (?:just )?died"),
    _en(
        Signal.FAREWELL,
        r"(?:finished|wrote|writing)(?: \w+){0,2} (?:the|my) note(?: \w+){0,4} sign",
        r"(?:for|until) after(?:$|[ .,!])",
        r"(?:phone|accounts?) off for good",
        r"(?:with|left) a note",
        r"(?:life insurance|beneficiary)",
        strong=False,
    ),
    _en(
        Signal.MEANS,
        r"see me jump",
        r"(?:razor|blade|rope|pills|gun|knife|belt)(?: \w+){0,4} to end it",
        _PILL_WORDS + r"(?: \w+){0,6} so (?:no one|nobody) (?:notices|knows|finds out)",
        r"(?:how high|how tall)(?: \w+){0,3} (?:my |the |this )?(?:balcony|roof|bridge|building|window|floor)",
        r"(?:which|what) (?:bridge|building|roof|cliff)(?: \w+){0,5} (?:highest|tallest|high enough)",
        r"how long (?:it takes|does it take) to (?:drown|die|bleed out|suffocate)",
    ),
    _en(
        Signal.MEANS,
        r"looking down at the (?:tracks|street|water|road|cars)",
        r"sleeping pills (?:and put|in my bag|in my pocket|hidden)",
        strong=False,
    ),
    _en(
        Signal.PLAN,
        r"(?:go|going|walk|walking|drive|driving|head|heading) to (?:the )?(?:\w+ )?(?:roof|bridge|tracks|lake|river|cliffs?|ocean|sea|top floor|overpass|edge|ledge)(?: \w+){0,4} and (?:jumping|jump|end it|ending it)",
    ),
    _en(Signal.SELF_HARM, r"starv\w+ myself(?: \w+){0,4} (?:as )?punish\w*"),
)

# Euphemisms and indirect plans (가다, 떠나다, 하다 with no object): weak on their own, so the classifier has to lean
# the same way; a destination that only the dead reach (하늘나라, 엄마 곁) is strong.
_AFTERLIFE: Final = r"(?:하늘나라|하늘|저세상|저승|먼곳|먼데|엄마곁|아빠곁|엄마있는|아빠있는|할머니곁|할아버지곁|엄마한테|아빠한테|그곳|별이되|천국)"
_GO: Final = verb(["가", "떠나", "데려가"], WISH + INTENT + ("면안될까", "주세요", "줬으면", "ㄴ다"))
_KO_EUPHEMISMS: Final = (
    _ko(
        Signal.WISH,
        _AFTERLIFE
        + r"(?:으로|로|에|곁으로|에게)?(?:가|떠나|데려가|데려)"
        + r"(?:고싶|기로|ㄹ래|려고|면안될까|주세요|줬으면|줘|ㄹ거|갈래|갈거|고파)?".replace("ㄹ래", "ㄹ래"),
        r"(?:하늘나라|저세상|저승|천국)(?:으로|로|에)?(?:가|갈|데려|떠나)",
    ),
    _ko(
        Signal.WISH,
        r"(?:이세상|세상)(?:을|에서)?(?:뜨고싶|뜰래|뜨려고|뜰거|퇴장|하직)",
        r"(?:영영|영원히|평생)(?:쉬고싶|잠들고싶|쉬고파|쉴래|잠들래)",
        r"존재하기싫",
        r"(?:눈)?(?:안|못)뜨게(?:해달라|해주세요|해줘)",
    ),
    _ko(
        Signal.WISH,
        r"죽음(?:이|쪽|으로|을)?.{0,10}?(?:편|기울|끌려|생각|답|exit|유일|출구)",
        r"(?:나|내가)?죽는상상",
        r"가고싶은마음",
        r"살고싶은마음보다",
        r"끝나고싶",
        strong=False,
    ),
    _ko(
        Signal.PLAN,
        _NOT_ABOUT_WORK
        + r".*?(?:"
        + _TIME[3:-1]
        + r"|휴가나가면|퇴원하는날|학교보내고|주무시면|잠들면|만기일|전에|그날|끝나면|나가면|출근하는척)"
        + r".{0,14}?(?:하려고|하려구|할거|할꺼|할께|할게|할래|해야지|가려고|갈거|갈꺼|갈래|갈께|갈게|가련다|갈거임|끝내려고|끝낼거|실행)",
        strong=False,
    ),
    _ko(
        Signal.PLAN,
        r"(?:언제|어디서|어디|날|날짜|장소|시간)(?:할지|를|로|은|는)?.{0,6}?(?:정했|잡았|골랐|결정|정함|잡음)",
        r"(?:결정|결심)(?:끝|했어|함|완료)",
        r"넘기지않을거",
        r"(?:안|못)돌아올",
        strong=False,
    ),
    _ko(
        Signal.PLAN,
        r"(?:옥상|한강|마포대교|대교|다리|철길|기찻길|선로|바다|저수지|절벽|산|베란다)(?:에|으로|로|가는|쪽으로)?.{0,6}?(?:갈거|간다|가는버스|가는중|가려고|갈래|ㄱㄱ|왔어|탔어|갈거임|올라왔|가련다|가서)",
        strong=False,
    ),
    _ko(
        Signal.MEANS,
        r"(?:줄|끈|넥타이|밧줄|로프|벨트|전선)(?:을|를|이|도)?.{0,10}?(?:걸어봤|걸어볼|걸수있|묶을데|묶어봤|매달아|문고리|옷장봉|봉에|천장에|건조대)",
        strong=False,
    ),
    _ko(
        Signal.MEANS,
        r"버티는지(?:보려고|봤|확인)",
        r"(?:액셀|가드레일|핸들|중앙선).{0,10}?(?:들이받|박|꺾|넘어)",
        r"(?:문고리|옷장봉)(?:에)?(?:걸|매)",
    ),
    _ko(
        Signal.MEANS,
        r"총구|총으로",
        r"(?:창문|베란다|옥상)(?:이|은|는)?.{0,8}?(?:층|뛰면|떨어지면|높이)",
        _PILLS + r".{0,20}?(?:파는데|구했|받을거|모으는중|모으는|모으고|모아두|같이먹으면|먹으면어떻게|먹으면죽|몇알)",
        r"(?:어떻게돼|죽어|정신잃|확실|즉사|안아프)(?:\?|야|나|냐|지|대)",
        r"(?:가는법|가는방법|가는길)(?:좀)?(?:알려|없|있)",
        strong=False,
    ),
    _ko(
        Signal.SELF_HARM,
        r"(?:컴퍼스|샤프|칼|커터|가위|면도날|면도칼|유리)(?:로|을|를|끝으로)?.{0,8}?(?:찔렀|그었|긁었|들었|그어|찌르|긋)",
        r"(?:팔|손|손목|허벅지)(?:을|를)?물어뜯",
        r"그은자리",
        r"(?:자해|sh|ㅈㅎ)(?:충동)",
        r"자해(?:\d|또|다시|함|했)",
    ),
    _ko(
        Signal.SELF_HARM,
        r"밴드붙이는게일상",
        r"피(?:를)?보고(?:나서야|나면|나니)",
        r"(?:칼|커터)(?:옆에|을들|을꺼내|꺼내)",
        strong=False,
    ),
    _ko(
        Signal.FAREWELL,
        r"(?:혼자두고|두고|먼저|못하고)가서(?:미안|죄송)",
        r"마지막으로(?:.{0,8}?)(?:보고싶었|봤으니|감사인사|인사드리|인사하|보고왔)",
        r"(?:잘키워|부탁한다고|부탁해).{0,10}?(?:편지|남겼|전해)",
    ),
    _ko(
        Signal.FAREWELL,
        r"(?:사물함|책상|방|짐)(?:을|다|도)?.{0,4}?(?:비웠|정리했|치웠).{0,12}?(?:다시|필요없|갈일없)",
        r"(?:이제|이젠)?필요없(?:어서|으니까|으니)",
        r"(?:편지|서류|통장|보험)(?:를|을|랑|이랑)?.{0,16}?(?:남겼|올려놨|정리해놨|정리해서)",
        r"프사.{0,6}?(?:검은|까만|검정)",
        r"(?:빚지고|미련남기고)가기싫",
        strong=False,
    ),
    _ko(
        Signal.BURDEN,
        r"없어지는게효도",
        r"(?:내가|나|제가)(?:가면|없어지면|빠지면|죽으면|사라지면).{0,12}?(?:보험|갚|잘돌아|살것같|편해|행복|나아)",
        r"멈추는게(?:답|맞|나아|낫)",
        r"(?:인생|삶)(?:을|이)?.{0,4}?정리(?:할래|하려고|할거|하고싶|해야)",
    ),
    _ko(
        Signal.BURDEN,
        r"(?:가야지|가련다|가야겠|떠날래|떠나련다|갈때가|둘때가)",
        r"울어줄사람(?:하나|도)?없",
        r"(?:살아|사는거|살아봤자)(?:뭐하|뭐해|뭐하나)",
        strong=False,
    ),
)

_LOVED: Final = r"(?:my )?(?:grandma|grandpa|mom|mum|dad|mother|father|brother|sister|son|daughter|wife|husband|him|her|them|grandmother|grandfather)"
_EN_EUPHEMISMS: Final = (
    _en(
        Signal.WISH,
        r"be with "
        + _LOVED
        + r" (?:again )?(?:in heaven|up there|on the other side|wherever (?:she|he|they) (?:is|are))",
        r"rather be in the ground",
        r"want (?:it|this|the pain|everything|it all) to (?:end|stop|be over) (?:permanently|for good|forever)",
        r"(?:do not|never) want to be here (?:anymore|any more|any longer)",
        r"(?:rest|sleep) (?:forever|for good|permanently)",
        r"(?:switch|turn) myself off",
        r"(?:like|want|wish) to (?:just )?not exist",
        r"rather (?:just )?not exist",
        r"check(?:ing)? out (?:for good|of life|permanently)",
        r"rage quit(?:ting)? life",
        r"final exit",
        r"(?:plan|planning|going|decided|want|ready|about) to (?:die(?! of| laughing| from| if| when| on this)|kill myself|suicide|commit suicide)",
        r"(?:going to|will|gonna|plan to|planning to) (?:suicide|commit)",
    ),
    _en(
        Signal.WISH,
        r"join (?:her|him|them|my \w+)(?: \w+){0,3}",
        r"i know what that means",
        r"time to (?:end it|go|check out|stop existing|fix that|say goodbye|be done)",
        r"logging off (?:for good|permanently|forever)",
        r"(?:my brain|voices?|it) keeps? (?:saying|telling me to) kill",
        strong=False,
    ),
    _en(
        Signal.PLAN,
        r"(?:will not|won't) be needing a return",
        r"i (?:already )?know (?:where|how|when) and (?:how|when|where)",
        r"(?:going|go) right after (?:him|her|them)",
        r"by then (?:it|i) will be (?:done|gone|over)",
    ),
    _en(
        Signal.PLAN,
        r"(?:picked|chose|chosen|have|set|got) (?:out )?(?:the|a) (?:day|date|place|spot|time)",
        r"(?:not|never) coming (?:back|down|home)",
        r"that is it for me",
        r"(?:finish|end) everything",
        r"(?:top level|top floor|roof|rooftop)(?: \w+){0,4} (?:after midnight|tonight|at dawn)",
        r"(?:when|once|after) (?:\w+ ){1,6}i am (?:going|done|gone|ending)",
        r"i promised myself one more",
        strong=False,
    ),
    _en(
        Signal.MEANS,
        r"which is (?:quicker|faster|easier|less painful)[\w ,]{0,20}? (?:pills|jumping|hanging|drowning)",
        r"(?:took|take|taking) my (?:whole|entire) prescription",
        r"does (?:drowning|hanging|jumping|bleeding out) hurt",
        r"(?:swerve|swerving|drive|driving|steer|steering) into (?:the )?(?:oncoming|a tree|a wall|traffic|a truck)",
        r"(?:holding|hold|held) my (?:hand|arm) under (?:scalding|boiling|hot) water",
    ),
    _en(
        Signal.MEANS,
        r"(?:revolver|shotgun|rifle|pistol|sidearm|handgun|gun)(?: \w+){0,8} (?:held it|in the attic|know where the key|only thing i can think|thinking about|loaded|on myself|at night)",
        r"(?:rope|noose)(?: \w+){0,8} (?:for camping|barn|far from the house|hardware store)",
        r"(?:rooftop|roof)(?: \w+){0,6} (?:door|unlocked|scoping|somewhere high|get onto)",
        r"(?:edge|standing at the edge) of the (?:lake|cliff|roof|platform|bridge|river)",
        r"(?:rat )?poison",
        r"(?:knives|knife) differently",
        r"not for cooking",
        r"one turn of the wheel",
        r"closed garage",
        r"not opening the door",
        r"charcoal(?: \w+){0,6} (?:do not (?:even )?own a grill|fall asleep|in the car|in my room)",
        r"(?:bridges?|cliff)(?: \w+){0,6} (?:barriers?|no fence|railing)",
        r"how deep (?:the|is the) (?:lake|river|water|sea)",
        r"(?:pharmacies|doctors) so (?:no one|nobody)",
        strong=False,
    ),
    _en(
        Signal.FAREWELL,
        r"last request",
        r"(?:after|before) (?:my|the) funeral",
        r"(?:playlist|songs?) for my funeral",
        r"my cremation",
        r"the last time (?:she|he|they) would hear from me",
        r"(?:sign|signing|logging) off (?:4ever|forever|for good|permanently)",
    ),
    _en(
        Signal.FAREWELL,
        r"goodbye (?:note|letter)s?",
        r"this is (?:bye|where i sign off|the end)",
        r"see (?:u|you) on the other side",
        r"letters? (?:are|is) in",
        r"(?:will is|accounts are) (?:notarized|in order)",
        r"i am ready",
        r"it was a good run",
        r"(?:said|say|saying) goodbye to (?:everyone|the \w+|my \w+)",
        r"(?:he|she|they) can have my",
        r"(?:he|she|they) (?:does|do) not (?:need to )?(?:know (?:why|the rest)|get it)",
        r"made (?:my )?peace with",
        r"it (?:is|s) time",
        r"instructions for (?:the|my) (?:cat|dog|pets?)",
        r"(?:will not|won't) be back",
        r"(?:gave|giving) (?:my|away my) (?:medals|ring|room|things|stuff|guitar|photos)",
        r"(?:sent|giving|gave) (?:my best friend|him|her|them) all (?:our|my)",
        strong=False,
    ),
    _en(
        Signal.BURDEN,
        r"time to end it",
        r"no reason for me to keep (?:taking up space|living|going|existing)",
        r"even if (?:that|it) means (?:dying|death|i die)",
        r"if i (?:was not|were not|wasn't|weren't) (?:around|here|alive)",
        r"never have to deal with me again",
        r"(?:would|d) be free if i (?:died|was gone|were gone)",
        r"why stick around",
    ),
    _en(
        Signal.BURDEN,
        r"(?:get|have) the insurance",
        r"taking up space",
        r"out of the picture",
        r"(?:costing|draining|ruining) (?:everyone|my family|them)",
        r"useless,? and alone",
        strong=False,
    ),
    _en(
        Signal.PASSIVE,
        r"(?:hope|hoping|wish|pray) (?:a |that a |the )?(?:truck|car|bus|train) (?:clips|runs me over|takes me out|would hit)",
        r"hoping i (?:do not|don't) survive",
        r"would not (?:even )?try to get out of the way",
        r"not (?:to )?let me see (?:morning|tomorrow)",
    ),
    _en(
        Signal.PASSIVE,
        r"(?:earthquake|fire|accident|crash|disease|cancer|illness|storm)(?: \w+){0,2} (?:had )?(?:gotten|get|got|take|taken|took) me",
        r"(?:body|heart) gives up",
        r"(?:caught fire|on fire)(?: \w+){0,4} stay",
        r"weeks left(?: \w+){0,6} relieved",
        r"(?:would|could) (?:just )?take me",
        strong=False,
    ),
    _en(
        Signal.SELF_HARM,
        r"cuts on my (?:legs|arms|thighs|wrists?|stomach)",
        r"razor(?: \w+){0,6} calling",
        r"box of (?:blades|razors)",
    ),
    _en(
        Signal.SELF_HARM,
        r"pencil sharpener",
        r"bloody tissues",
        r"stitches(?: \w+){0,8} (?:did not|didn't) fall",
        r"rubber band(?: \w+){0,6} (?:welt|wrist)",
        r"hurting my (?:own )?(?:arms|legs|body)",
        strong=False,
    ),
)

# Chat shorthand: nominal endings (뛰어내림, 그음, 남김), 사투리, one-line statements of an act or a state.
_KO_SHORTHAND: Final = (
    _ko(
        Signal.MEANS,
        r"(?<![가-힣])약(?:을|들)?(?:다|전부|몽땅|한꺼번에|한통|한번에)(?:먹었|먹엇|털어넣|삼켰|삼킴|먹음|털어먹)",
        r"농약.{0,8}?(?:사|샀|먹|마시|구했|구해|있는거)",
        r"(?:몇층|꼭대기층|꼭대기|몇미터)(?:이면|에서|정도면)?(?:돼|되려나|될까|확실|충분|죽)",
        r"(?:잠들듯|안아프게|편하게|고통없이|조용히)(?:이)?(?:가려면|가는법|죽으려면|가는방법|갈수|죽는)",
        r"뛰어내림|투신함",
    ),
    _ko(
        Signal.MEANS,
        r"(?:줄|끈|밧줄|로프)(?:을|를)?(?:준비함|준비했|샀어|사왔|사옴|구함)",
        r"확실(?:하려나|할까|하겠지)",
        strong=False,
    ),
    _ko(
        Signal.SELF_HARM,
        r"(?<![가-힣])그음(?!악)",
        r"(?:손등|팔|손목|허벅지|다리)(?:을|를)?(?:또)?(?:지짐|지졌|지지|그음|그엇)",
        r"(?:벽에)(?:머리)?(?:박음|박았|박고)|머리(?:를)?(?:벽에)(?:박)",
        r"(?:sh|에스에이치)(?:했|함|하고|충동|또)",
        r"(?:손목|팔)에?상처(?:냈|냄|를냈|를냄)",
    ),
    _ko(Signal.SELF_HARM, r"빨간줄", r"팔찌.{0,12}?(?:흉터|상처)", strong=False),
    _ko(
        Signal.FAREWELL,
        r"유언(?:을|도)?(?:남김|남겼|남기|써|썼|녹음)",
        r"영정(?:사진)?",
        r"마지막(?:대화|메시지|글(?!자)|인사)",
        r"(?:미안하다|미안해).{0,20}?(?:잘살아라|잘살아|잘지내라|행복해라|행복하게살)",
        r"(?:별이되면|별되러|별이될|별이되러|별이되어)",
    ),
    _ko(
        Signal.FAREWELL,
        r"먼저(?:간데이|가요|갑니더|간다|갈게|가네|감)",
        r"다음생(?:엔|에는|에)",
        r"떠날준비(?:끝|됐|완료|다)",
        r"마지막여행",
        r"(?:인사|편지|짐|유서|비번|계정)(?:를|을|도)?(?:다|전부)?(?:돌림|돌렸|남김|남겼|정리함|정리했|넘김|넘겼)",
        r"두고갈게",
        strong=False,
    ),
    _ko(
        Signal.PLAN,
        r"난간(?:에|위에|위로)(?:다리|몸)?(?:를|을)?(?:걸치|올라|서있|앉아)",
        r"(?:오늘|오늘밤|이번주|주말)(?:에)?(?:간다|간데이|갈게|가겠|결행|끝낸다)",
    ),
    _ko(
        Signal.PLAN,
        r"(?:옥상|다리|대교|창문|난간|철길|선로|한강)(?:문)?(?:위야|위임|앞임|앞이야|앞이에요|위에있|앞에있|위에요)",
        r"(?:치르고|끝나고|하고나서)(?:떠나|가)(?:려고|ㄹ거|기로)",
        r"말든",
        r"(?:끝내|가|하)겠습니다",
        strong=False,
    ),
    _ko(
        Signal.BURDEN,
        r"(?:나|내가)?없는게(?:나음|나아|낫|좋|맞|효도)",
        r"(?:내가|나는|난|나)(?:짐|민폐)(?:임|이야|이다|야|이에요)",
        r"(?:희망|미래|답)(?:이)?(?:없음|없어|없다|없네).{0,4}?(?:끝|끝내|그만)",
        r"조용히(?:가련다|갈게|갈래|가야지|떠날|사라질|가야겠)",
        r"사라지는게효도",
        r"살아(?:가)?(?:뭐하노|뭐하나|뭐하냐|뭐해)",
    ),
    _ko(Signal.BURDEN, r"(?:나때문임|나때문이야|다나때문)", r"짐이나(?:더라|였)", r"그만할래", strong=False),
    _ko(
        Signal.PASSIVE,
        r"(?:아예|영원히)(?:멈추고싶|멈췄으면|꺼지고싶|끝나고싶|멈춰버리고)",
        r"자다(?:가)?(?:가고싶|갔으면|죽고싶|가버리고)",
        r"(?:잠든채로|자는채로|자면서)(?:가면|갔으면|죽)",
        r"(?:하느님|하나님|신|부처님)(?:이|께서)?.{0,6}?(?:불러가|데려가)",
    ),
    _ko(Signal.PASSIVE, r"언제끝나나", r"오래살까봐", r"내가없는세상", r"(?:백살|오래)까지살면", strong=False),
    _ko(Signal.WISH, r"죽으면(?:편할까|편하겠|끝날까|나을까|다끝)"),
)

_EN_SHORTHAND: Final = (
    _en(
        Signal.WISH,
        r"want me dead",
        r"rest(?: \w+){0,3} forever",
        r"done living",
        r"(?:just )?want to be dead",
        r"why (?:should|shoud|would) i (?:even )?keep (?:living|going|breathing)",
        r"leave permanently",
        r"uninstalling life",
    ),
    _en(
        Signal.PLAN,
        r"not the hotel kind",
        r"(?:going|go) out on my own terms",
        r"the date is set",
        r"you asked if i have a plan",
        r"that is where it ends",
        r"(?:becoming|become|be|going to be) a star (?:tonight|now)",
        r"tonight i am (?:jumping|doing it|ending it|going to do it)",
        r"i am (?:ending|doing) it(?! with| for| on| at work)",
        r"(?:walking|walk|swim|swimming|going) (?:out )?into the (?:sea|ocean|lake|river)(?: \w+){0,3} (?:tonight|and)",
    ),
    _en(
        Signal.PLAN,
        r"(?:six|6) f(?:ee|oo)t under",
        r"this is the end",
        r"i have a plan",
        r"\bat the (?:tracks|bridge|cliff|edge|roof|quarry|reservoir|train line)(?: \w+){0,2} (?:rn|right now|now|phone)",
        r"one way trip",
        r"no turning back",
        r"(?:going|go|head\w*) to the (?:bridge|tracks|train line|railway|quarry|reservoir|cliffs?)(?: \w+){0,4} (?:after|at|tonight|friday|saturday|sunday|night)",
        r"waiting to die",
        r"still breathing",
        strong=False,
    ),
    _en(
        Signal.MEANS,
        r"sat with (?:my|his|her|my \w+ s) (?:pistol|gun|rifle|revolver)",
        r"(?:gun|pistol|rifle) (?:is )?in my (?:lap|hand|mouth)",
        r"(?:car|engine) (?:s|is) running in the (?:closed )?garage",
        r"is (?:hanging|drowning|jumping|overdosing|an overdose) painful",
        r"(?:survive|die from) (?:falling|jumping)",
        r"can (?:you|u|i|people) die from",
        r"(?:sitting|standing) on the (?:balcony )?(?:rail|railing|ledge|edge)",
        r"rope (?:s|is) tied",
        r"(?:pills|sleeping pills) and (?:a bottle of )?(?:vodka|alcohol|whiskey|wine|booze)",
        r"mixing (?:alcohol|vodka|booze) (?:and|with) (?:sleeping )?pills",
    ),
    _en(
        Signal.MEANS,
        r"(?:holding|got|equipped) the rope",
        r"a rope on the way",
        r"bottle of bleach",
        r"strap on me",
        r"took them all",
        r"car in the garage",
        strong=False,
    ),
    _en(
        Signal.FAREWELL,
        r"saying goodbye now while i (?:still )?can",
        r"this is my farewell",
        r"gone by (?:morning|tomorrow|tonight)",
        r"last transmission",
        r"note (?:is|s) written",
        r"tell my (?:mama|mom|mum|dad|sister|brother|kids|family) i love (?:her|him|them)",
        r"goodbye for real",
        r"last message",
    ),
    _en(
        Signal.FAREWELL,
        r"last login",
        r"left (?:one|the|a) letter",
        r"standing down for good",
        r"it was goodbye",
        r"(?:i am )?out for good",
        r"in the note",
        r"note in my locker",
        r"hugged everyone goodbye",
        r"see you soon everyone",
        strong=False,
    ),
    _en(
        Signal.BURDEN,
        r"(?:okay|ok|fine|better|happier|relieved) without me",
        r"(?:run|be|do) (?:fine|better) without me",
    ),
    _en(
        Signal.PASSIVE,
        r"wish i (?:would|could|d) (?:just )?drop dead",
        r"(?:praying|pray|hoping|hope|wish) for a (?:\w+ )?(?:heart attack|stroke|fatal)",
        r"(?:lord|god) to (?:call|take) me",
        r"die in (?:my|your) sleep",
        r"if a (?:bus|car|truck|train) (?:hits|kills) me",
        r"fade out like",
    ),
    _en(
        Signal.PASSIVE,
        r"(?:flu|virus|covid|ied|bomb|war)(?: \w+){0,2} (?:had )?(?:took|take|taken|got|gotten) me",
        r"plane just drops",
        strong=False,
    ),
    _en(
        Signal.SELF_HARM,
        r"cutting makes? me feel",
        r"(?:scratched|scratching|scratch) my (?:arm|arms|skin|legs?) (?:raw|until)",
        r"(?:not eating|starving|starve) as punishment",
        r"hide (?:fresh|my|new) cuts",
        r"(?:pressing|press|dig\w*) my nails into my (?:palms|skin|arms?)",
        r"bruise myself",
        r"hit my own face",
        r"addicted to cutting",
        r"cut(?:ting)? again",
    ),
    _en(Signal.SELF_HARM, r"bleeding (?:thru|through) my sleeve", strong=False),
)

_EN_COMPACT: Final = re.compile(r"killmyself|killingmyself|wanttodie|endmylife|goodbyeforever|hangmyself")

RULES: Final = (
    _KO_RULES
    + _KO_MORE
    + _KO_EUPHEMISMS
    + _KO_SHORTHAND
    + _EN_RULES
    + _EN_MORE
    + _EN_EVEN_MORE
    + _EN_EUPHEMISMS
    + _EN_SHORTHAND
)


@dataclass(frozen=True, kw_only=True)
class RuleHit:
    signal: Signal
    strength: Strength

    @property
    def strong(self) -> bool:
        return self.strength is Strength.STRONG


# Right after a Korean match: a denial ("…싶은 건 아니야", "…할 생각은 없어") or another person's words being
# reported ("…싶다는 말을", "…하겠다고 했대", "…하려는 사람") — not the writer's own risk.
_KO_DENIED_AFTER: Final = re.compile(
    r"^.{0,3}?(?:건|게|거|다거나|다든가|다거나그런건|다는건|다는게|진|지는|지도|을정도는|을만큼은|ㄹ정도는|은|은마음은|은생각은|마음은|생각은)?"
    r"(?:하나도|전혀|절대)?(?:아니|아닌|아님|아냐|않|안해|안할|없어|없다|없음|없는|없고|없으|말아)"
)
_KO_REPORTED_AFTER: Final = re.compile(
    r"^.{0,2}?(?:다는(?!생각|마음|충동|느낌|기분|거|게|말을누구|말을아무|말밖에)|다고(?!하면|말하면|해도|말해도)|단말|대서|대요|했대|한대|했다고|겠다고|다며|다던|는사람|는친구|려는사람|려던사람|는환자|환자|자들|률|율|예방|뉴스|기사|사건|유가족|생존자|장면|영화|드라마|냐고|냐는|있냐고|했냐고)"
)


def _denied_before(spaced: str, start: int) -> bool:
    """A "not" or "never" just before the match; "would not mind" is not a denial."""
    denial = _NEG.search(spaced, max(0, start - 30), start)
    return denial is not None and not spaced[denial.start() : start].startswith(("not mind", "not care"))


# Someone else is the subject just before a match (a friend, a character, the news): maybe not the writer's risk.
_KO_THIRD_PARTY: Final = re.compile(
    r"(?:친구가|친구는|동생이|딸이|아들이|엄마가|아빠가|주인공|등장인물|캐릭터|드라마|영화|소설|웹툰|뉴스|기사|연예인|배우|"
    r"가수|환자|학생이|학생들|누가|사람이|사람들|후배가|선배가|동료가|언니가|오빠가|형이|누나가|걔가|걔는|그사람이|남친이|여친이|게임)"
)
_EN_THIRD_PARTY: Final = re.compile(
    r"(?<!for )(?<!to )(?<!with )(?<!at )(?<!of )(?<!from )(?<!tell )(?<!told )(?<!about )"
    r"\b(?:someone|somebody|they|she|he|stranger|friends?|people|person|character|roommate|student|patient|anyone|"
    r"kids?|teens|classmates?|coworkers?|children|students|games|characters?|depicts?|grade|"
    r"my (?:friend|sister|brother|mom|dad|son|daughter|cousin))\b"
)
_CLAUSE_START: Final = re.compile(r"[,.;!?]|\bthen\b|\band\b|\bbut\b|\bso\b")
_EN_OWN_SUBJECT: Final = re.compile(r"\bi\b(?: \w+){0,3}$")
# A joke softens a wish or a passive wish ("ugh i want to die lol"), never a plan, a means or an act.
_SOFTENED_BY_JOKES: Final = frozenset({Signal.WISH, Signal.PASSIVE})


def _ko_strength(pattern: re.Pattern[str], compact: str) -> bool | None:
    """None when nothing counts; else whether the match is the writer's own (strong) or maybe someone else's."""
    found: bool | None = None
    for match in pattern.finditer(compact):
        tail = compact[match.end() : match.end() + 16]
        if _KO_DENIED_AFTER.search(tail) is not None or _KO_REPORTED_AFTER.search(tail) is not None:
            continue
        own = _KO_THIRD_PARTY.search(compact, max(0, match.start() - 20), match.start()) is None
        found = own or bool(found)
        if own:
            break
    return found


def _en_strength(pattern: re.Pattern[str], spaced: str) -> bool | None:
    found: bool | None = None
    for match in pattern.finditer(spaced):
        if _denied_before(spaced, match.start()):
            continue
        window = _CLAUSE_START.split(spaced[max(0, match.start() - 40) : match.start()])[-1]
        own = _EN_THIRD_PARTY.search(window) is None or _EN_OWN_SUBJECT.search(window) is not None
        found = own or bool(found)
        if own:
            break
    return found


def rule_hits(text: ReadText) -> tuple[RuleHit, ...]:
    """Every family some rule recognises in the text, strongest first."""
    hits: dict[Signal, Strength] = {}
    for rule in RULES:
        if rule.korean and not text.korean:
            continue
        own = _ko_strength(rule.pattern, text.compact) if rule.korean else _en_strength(rule.pattern, text.spaced)
        if own is None:
            continue
        if not own or (text.joking and rule.signal in _SOFTENED_BY_JOKES):
            strength = Strength.DOUBTFUL
        else:
            strength = Strength.STRONG if rule.strong else Strength.WEAK
        hits[rule.signal] = max(hits.get(rule.signal, Strength.DOUBTFUL), strength)
    squeezed = _EN_COMPACT.search(text.compact) if not text.korean and Signal.WISH not in hits else None
    if squeezed is not None and not re.search(r"(?:not|never|dont)$", text.compact[: squeezed.start()]):
        hits[Signal.WISH] = Strength.STRONG  # letters spaced or run together: "k i l l  m y s e l f", "killmyself"
    found = (RuleHit(signal=signal, strength=strength) for signal, strength in hits.items())
    return tuple(sorted(found, key=lambda hit: -hit.strength))


# An explicit denial of risk ("자살 생각은 없어", "죽고 싶은 건 아니야", "i'm not suicidal"): the classifier, which
# cannot read negation, must not overrule it; a strong rule still can (a denial followed by a plan).
_KO_DENIAL: Final = re.compile(
    r"(?:죽고싶|자살|자해|해칠|사라지고싶|죽을|극단적).{0,10}?(?:은건아니|은건아닌|은게아니|은거아니|진않|지는않|지않|생각은없|생각없|정도는아닌|"
    r"생각은안|건안해|거나그런건아니|다는건아니|다는게아니|정도는아니|은아니|같은건안|같은거안|계획은없|마음은없)"
)
_EN_DENIAL: Final = re.compile(
    r"\b(?:(?:am|i am|feel|feeling) not (?:suicidal|going to (?:hurt|kill))|not suicidal|no (?:plans?|intention|thoughts?) (?:to|of) "
    r"(?:hurt|harm|kill|die|end)|not (?:thinking|planning) (?:of|about|on) (?:hurting|harming|killing|ending|suicide)|"
    r"do not want to die|never (?:hurt|kill) myself|would never (?:hurt|kill|harm) myself)\b"
)
# Everyday objects of "finish", "end" and "quit": a report, a book, a relationship.
_KO_BENIGN: Final = re.compile(
    r"과제|숙제|보고서|프로젝트|논문|레포트|리포트|원고|챕터|시험공부|알바|출근|퇴근|회사|그만둘|때려치|쇼핑|지름신|"
    r"청소|빨래|설거지|드라마|정주행|게임|다이어트|담배|술끊|연애|남친|여친|헤어|늦잠|알람|여행|카페|캠핑|고기|요리|여행가"
)
_EN_BENIGN: Final = re.compile(
    r"\b(?:report|homework|essay|book|assignment|project|paper|exam|shift|subscription|series|season|streak|boyfriend|"
    r"girlfriend|bf|gf|ex|nap|pumpkins?|chopping|recipe|workout|gym|diet|smoking|vacation|trip|meeting|zoom|call|lol|lmao|"
    r"grill|bbq|barbecue|party|drinks|memes?|lecture|class|semester|uni|karaoke|engagement|lasagna)\b"
)


def denies_risk(text: ReadText) -> bool:
    return bool(_KO_DENIAL.search(text.compact) if text.korean else _EN_DENIAL.search(text.spaced))


def benign_context(text: ReadText) -> bool:
    return bool(_KO_BENIGN.search(text.compact) if text.korean else _EN_BENIGN.search(text.spaced)) or text.joking


# The classifier is not calibrated on greeting-sized texts ("안녕", "bye", "ㅈㅅㅈㅅ 늦었어" scored 0.8 and more):
# below this many letters only the rules speak.
CLASSIFIER_MIN_CHARS: Final = 8


def long_enough_for_classifier(text: ReadText) -> bool:
    """Long enough for the classifier to judge on its own."""
    return len(text.compact) >= CLASSIFIER_MIN_CHARS
