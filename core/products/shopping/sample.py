"""The bundled sample schedule: 17 home-shopping channels, a broadcast every 20 minutes (:00, :20, :40), from the
slot under way when it is loaded to the end of the next day (Asia/Seoul).

It is made, not read: which product a slot carries is a hash of (channel, date, time), so the sample made on two
days agrees on the slots both cover, and loading it again the next day adds that day's slots without moving or
withdrawing any (core/products/shopping/ingest.py reloads it once a day). Products and prices are invented for
this project; the links point at example.com.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Final

from core.products.shopping.schedule import SCHEDULE_ZONE, Slot

SOURCE: Final = "sample"
SLOT: Final = timedelta(minutes=20)

CHANNELS: Final = (
    "GS샵",
    "CJ온스타일",
    "현대홈쇼핑",
    "롯데홈쇼핑",
    "NS홈쇼핑",
    "홈앤쇼핑",
    "공영쇼핑",
    "KT알파쇼핑",
    "SK스토아",
    "신세계쇼핑",
    "쇼핑엔티",
    "W쇼핑",
    "GS마이샵",
    "CJ온스타일플러스",
    "현대홈쇼핑플러스샵",
    "롯데OneTV",
    "NS샵플러스",
)

PRODUCTS: Final = (
    ("종가 포기김치 10kg", 59900),
    ("비비고 포기배추김치 3.3kg", 32900),
    ("국내산 총각김치 2kg", 24900),
    ("전라도 갓김치 1.5kg", 21900),
    ("딤채 김치냉장고 스탠드형 584L", 1890000),
    ("LG 디오스 양문형 냉장고 870L", 1590000),
    ("광천 조미김 도시락김 24봉", 15900),
    ("완도 곱창김 50매", 29900),
    ("국내산 한돈 삼겹살 1kg", 26900),
    ("한돈 목살 구이용 1kg", 25900),
    ("한돈 삼겹살 목살 세트 2kg", 49900),
    ("제주 흑돼지 오겹살 1kg", 35900),
    ("1++ 한우 등심 500g", 69900),
    ("궁중 소불고기 300g x 6팩", 39900),
    ("매콤 돼지불고기 1.2kg", 22900),
    ("미국산 LA갈비 2kg", 59900),
    ("한돈 양념 돼지갈비 1.5kg", 34900),
    ("제주 은갈치 특대 4미", 79900),
    ("손질 고등어 10팩", 29900),
    ("영광 굴비 20미", 89900),
    ("강원도 감자 10kg", 19900),
    ("해남 꿀고구마 5kg", 24900),
    ("제주 감귤 5kg", 21900),
    ("제주 한라봉 3kg", 32900),
    ("청송 꿀사과 5kg", 39900),
    ("나주 신고배 7.5kg", 45900),
    ("논산 설향 딸기 2kg", 29900),
    ("무항생제 유정란 30구", 12900),
    ("흰다리새우 1kg", 24900),
    ("완도 활전복 1kg 10미", 49900),
    ("손질 오징어 10마리", 34900),
    ("비비고 왕교자 1.05kg x 3봉", 27900),
    ("농심 신라면 40봉", 32900),
    ("허닭 닭가슴살 스테이크 30팩", 39900),
    ("정관장 홍삼정 에브리타임 30포", 99000),
    ("락토핏 생유산균 골드 90포", 29900),
    ("다이슨 무선 청소기 V15", 1090000),
    ("로보락 로봇청소기 물걸레", 899000),
    ("필립스 에어프라이어 XXL", 259000),
    ("쿠쿠 IH 압력밥솥 6인용", 399000),
    ("메디힐 마스크팩 30매", 29900),
    ("아이오페 선크림 SPF50 3개", 39900),
    ("나이키 에어맥스 운동화", 139000),
    ("구스다운 롱패딩 여성", 199000),
    ("제주 3박4일 여행 패키지", 599000),
    ("락앤락 김치통 10L 3개", 29900),
)


def _pick(channel: str, local: datetime) -> int:
    digest = hashlib.blake2b(f"{channel}|{local:%Y-%m-%dT%H:%M}".encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big") % len(PRODUCTS)


def sample_slots(now: datetime, *, days: int = 2) -> list[Slot]:
    """Every channel's slots from the one under way at `now` to the end of the `days`-th local day (today is the
    first)."""
    local = now.astimezone(SCHEDULE_ZONE)
    first = local.replace(minute=local.minute - local.minute % 20, second=0, microsecond=0)
    end_day = (local + timedelta(days=days)).date()
    last = datetime(end_day.year, end_day.month, end_day.day, tzinfo=SCHEDULE_ZONE)
    slots: list[Slot] = []
    at = first
    while at < last:
        starts_at = at.astimezone(UTC)
        for number, channel in enumerate(CHANNELS, start=1):
            product, price = PRODUCTS[_pick(channel, at)]
            slots.append(
                Slot(
                    channel=channel,
                    starts_at=starts_at,
                    ends_at=starts_at + SLOT,
                    product=product,
                    price=price,
                    url=f"https://www.example.com/live/{number}/{at:%Y%m%d%H%M}",
                )
            )
        at = (at.astimezone(UTC) + SLOT).astimezone(SCHEDULE_ZONE)
    return slots
