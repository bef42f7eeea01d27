"""The Korean word lists the lexical matcher reads (core/products/shopping/matching.py); written for this project.

Each list is one string of words split on spaces: easier to read and to extend than one quoted word per line."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _in_order(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Words that name the same thing: a watch on any of them matches the others.
SYNONYMS: Final[tuple[frozenset[str], ...]] = (
    _words("계란 달걀"),
    _words("감귤 귤 밀감"),
    _words("소고기 쇠고기 우육"),
    _words("돼지고기 돈육"),
    _words("닭고기 계육"),
    _words("돈가스 돈까스 돈카츠"),
    _words("소시지 소세지"),
    _words("요거트 요구르트"),
    _words("참다래 키위"),
    _words("주꾸미 쭈꾸미"),
    _words("대게 영덕게"),
    _words("에어프라이어 에어프라이기"),
    _words("선크림 썬크림 자외선차단제"),
)

# Broader words: a watch on the key also takes these (and not the other way round).
BROADER: Final[Mapping[str, frozenset[str]]] = {
    "돼지고기": _words(
        "삼겹살 오겹살 목살 항정살 가브리살 갈매기살 앞다리살 뒷다리살 등갈비 돼지갈비 돼지불고기 제육 족발 보쌈 한돈"
    ),
    "소고기": _words(
        "한우 채끝 차돌박이 우삼겹 부채살 치마살 살치살 토시살 꽃등심 소갈비 갈비살 소불고기 육회 사골 우족 양지 사태"
    ),
    "닭고기": _words("닭가슴살 닭다리 닭다리살 닭안심 닭봉 닭날개 통닭 삼계닭 닭볶음탕용"),
    "생선": _words(
        "갈치 고등어 조기 굴비 연어 삼치 가자미 민어 대구 명태 동태 코다리 황태 장어 광어 우럭 도미 참치 꽁치 임연수"
    ),
    "수산물": _words(
        "갈치 고등어 조기 굴비 연어 새우 대하 오징어 문어 낙지 주꾸미 전복 굴 홍합 바지락 꽃게 대게 킹크랩 랍스터 "
        "장어 광어 멸치 미역 다시마"
    ),
    "새우": _words("대하 킹타이거 블랙타이거"),
    "게": _words("꽃게 대게 킹크랩 홍게"),
    "계란": _words("유정란 특란 왕란 대란 훈제란 구운란 맥반석란"),
    "김치": _words("깍두기 석박지 동치미 겉절이 나박김치"),
    "만두": _words("교자 딤섬 샤오롱바오"),
    "과일": _words(
        "사과 배 귤 감귤 밀감 한라봉 천혜향 레드향 황금향 딸기 포도 샤인머스캣 복숭아 수박 참외 멜론 망고 키위 "
        "참다래 바나나 블루베리 체리 자두 곶감 단감 홍시 오렌지 자몽 석류 파인애플 아보카도"
    ),
    "채소": _words("배추 양파 대파 당근 감자 고구마 양배추 브로콜리 오이 토마토 버섯"),
    "냉장고": _words("김치냉장고"),
    "청소기": _words("로봇청소기 물걸레청소기"),
}

# Words that say where from, how good, how packed or how sold — not what the product is.
MODIFIERS: Final = _words(
    "국내산 국산 수입산 외국산 무항생제 유기농 친환경 저탄소 동물복지 프리미엄 명품 정품 특가 최상급 최고급 고급 "
    "특상 특대 대용량 소용량 실속 가정용 냉동 냉장 신선 생 햇 국민 인기 베스트 신상 한정 단독 초특가 무료배송 당일 "
    "산지직송 직송 손질 순살 원산지 구성 증정 추가 행사 총 포함 세트 선물세트 기획 기획전 모음 모음전 패키지 외 "
    "정기 1등급 1+등급 1++등급 무료 배송 덤 사은품 혜택 할인 최대 역대"
)

# Endings that only say how it is sold: "삼겹살세트" is also tried as "삼겹살".
PACKAGING_ENDINGS: Final = ("선물세트", "모음전", "기획전", "패키지", "세트", "모음", "기획", "특가", "구성")

# A known product noun followed by one of these names something else: "김치 냉장고" is a fridge,
# "갈비 양념" a sauce, "한우 사골곰탕" a soup, "새우 과자" a snack.
HEADS_EXACT: Final = _words(
    "냉장고 냉동고 통 용기 밀폐용기 보관용기 보관함 불판 그릴 팬 프라이팬 냄비 솥 찜기 칼 가위 도마 틀 기계 메이커 "
    "제조기 건조기 세척기 모양 무늬 쿠션 인형 베개 키링 케이스 파우치 가방 티셔츠 양말 향초"
)
HEADS_ENDING: Final = _in_order(
    "곰탕 갈비탕 삼계탕 설렁탕 매운탕 찌개 전골 볶음밥 덮밥 소스 양념 시즈닝 드레싱 과자 스낵 칩 캔디 "
    "사탕 젤리 즙 주스 라떼 아이스크림 피자 버거 케이크 쿠키 빵 샴푸 비누"
)

# Product nouns beside those in the tables above: only these are held back by a following head (a brand
# is not).
EXTRA_NOUNS: Final = _words(
    "김 김치 포기김치 배추김치 총각김치 갓김치 파김치 열무김치 백김치 한우 한돈 갈비 불고기 등심 안심 감자 고구마 "
    "사과 배 딸기 새우 오징어 문어 전복 라면 만두 떡 떡볶이 두부 홍삼 인삼 꿀 우유 치즈 버터 쌀 현미 콩 들기름 "
    "참기름 된장 고추장 간장 미역 다시마 멸치 곶감 밤 대추 호두"
)

# Longer words that end like a one-syllable product but are something else: 새우튀김 is no 김, 장난감 no 감, 소파 no 파.
FALSE_ENDINGS: Final[Mapping[str, tuple[str, ...]]] = {
    "김": _in_order("튀김"),
    "감": _in_order("장난감 식감 촉감 영감 대감 질감 색감"),
    "배": _in_order("택배 두배 곱배기 세배 갑절배"),
    "파": _in_order("소파 와이파"),
    "굴": _in_order("얼굴 동굴"),
    "무": _in_order("나무 업무 사무 근무 의무"),
    "밤": _in_order("오늘밤 한밤"),
    "쌀": _in_order("부쌀"),
}

# A counted quantity: "3개", "10팩", "4박5일", "30구" — the number and the counter word after it.
COUNTERS: Final = _words(
    "개 팩 봉 봉지 입 구 병 캔 박스 상자 포 포대 매 장 마리 미 인분 인용 통 호 알 단 망 판 세트 종 켤레 벌 포기 과 "
    "수 회 박 일 롤 개월 줄 쪽 스틱 정 캡슐 회분 년근 년 등급 차 kg g 세대 인치 형 단계 리터 키로 그램 근 되 말 짝 "
    "곽 족 대"
)

# What an English speaker may watch, in the Korean that schedules use.
ENGLISH: Final[Mapping[str, str]] = {
    "kimchi refrigerator": "김치냉장고",
    "kimchi fridge": "김치냉장고",
    "pork belly": "삼겹살",
    "pork neck": "목살",
    "pork ribs": "돼지갈비",
    "chicken breast": "닭가슴살",
    "sweet potatoes": "고구마",
    "sweet potato": "고구마",
    "red ginseng": "홍삼",
    "air fryer": "에어프라이어",
    "rice cooker": "밥솥",
    "vacuum cleaner": "청소기",
    "sheet mask": "마스크팩",
    "padded jacket": "패딩",
    "pork": "돼지고기",
    "beef": "소고기",
    "hanwoo": "한우",
    "chicken": "닭고기",
    "kimchi": "김치",
    "laver": "김",
    "gim": "김",
    "eggs": "계란",
    "egg": "계란",
    "tangerines": "귤",
    "tangerine": "귤",
    "mandarins": "귤",
    "mandarin": "귤",
    "apples": "사과",
    "apple": "사과",
    "pears": "배",
    "pear": "배",
    "strawberries": "딸기",
    "fruit": "과일",
    "potatoes": "감자",
    "potato": "감자",
    "shrimp": "새우",
    "prawns": "새우",
    "abalone": "전복",
    "squid": "오징어",
    "mackerel": "고등어",
    "hairtail": "갈치",
    "fish": "생선",
    "seafood": "수산물",
    "galbi": "갈비",
    "ribs": "갈비",
    "bulgogi": "불고기",
    "dumplings": "만두",
    "dumpling": "만두",
    "mandu": "만두",
    "ramen": "라면",
    "ramyeon": "라면",
    "probiotics": "유산균",
    "vacuum": "청소기",
    "refrigerator": "냉장고",
    "fridge": "냉장고",
    "sunscreen": "선크림",
    "sneakers": "운동화",
    "puffer": "패딩",
}

ALSO_SPELLED: Final[Mapping[str, str]] = {"야채": "채소", "해산물": "수산물", "수산": "수산물", "과실": "과일"}
