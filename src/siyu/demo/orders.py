"""A buying customer's order history: each product on the customer's own rhythm (a cycle
drawn per customer and product, with jitter), stock-up orders in the 618 and 双11 windows,
welfare packs (WELFARE-PACK), coupons used at checkout and a few refunds."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from siyu.demo.catalog import COUPONS, SHOP_CODES, SHOPS, WELFARE_PACK, Product
from siyu.demo.clock import DAY, Clock
from siyu.demo.daytime import ORDER_HOURS, at_hour, days
from siyu.demo.draws import below, between, pick
from siyu.demo.journey import COUPON_REDEEMED, ORDER_PAID, ORDER_REFUNDED, Journey
from siyu.demo.jsontext import js, money
from siyu.demo.promotions import Window

PRIMARY_SHOP_SHARE = 0.75
COUPON_SHARE = 0.18
REFUND_SHARE = 0.03
WELFARE_ADD_ON_SHARE = 0.1
SALE_BUY_SHARE = 0.5
REFUND_REASONS = ("不想要了", "发错货", "过敏不适用", "物流太慢", "重复下单")


@dataclass
class OrderBook:
    """Writes orders into a journey and remembers what was paid (fen, wall seconds)."""

    rng: random.Random
    clock: Clock
    journey: Journey
    index: int
    primary_shop: str
    paid: list[tuple[int, int]] = field(default_factory=list)
    _count: int = 0

    def _shop(self) -> str:
        if self.rng.random() < PRIMARY_SHOP_SHARE:
            return self.primary_shop
        return pick(self.rng, SHOPS)

    def buy(self, t: int, product: Product, unit_fen: int, quantity: int, discount: float) -> None:
        rng = self.rng
        self._count += 1
        shop = self._shop()
        compact = self.clock.compact_date(t // DAY)
        order_id = f"{SHOP_CODES[shop]}{compact}{self.index + 1:07d}{self._count:03d}"
        fen = round(unit_fen * quantity * discount)
        properties = (
            f'{{"order_id":"{order_id}","amount":{money(fen)},"sku":{js(product.sku)},'
            f'"product":{js(product.name)},"shop":{js(shop)},"quantity":{quantity}}}'
        )
        if not self.journey.add(t, ORDER_PAID, properties):
            return
        self.paid.append((t, fen))
        if rng.random() < COUPON_SHARE:
            coupon, value = pick(rng, COUPONS)
            self.journey.add(
                t - between(rng, 5, 120),
                COUPON_REDEEMED,
                f'{{"coupon":{js(coupon)},"amount":{money(value)},"order_id":"{order_id}"}}',
            )
        if rng.random() < REFUND_SHARE:
            reason = pick(rng, REFUND_REASONS)
            self.journey.add(
                t + days(rng.uniform(1, 10)),
                ORDER_REFUNDED,
                f'{{"order_id":"{order_id}","amount":{money(fen)},"reason":{js(reason)}}}',
            )
        if product is not WELFARE_PACK and rng.random() < WELFARE_ADD_ON_SHARE:
            self.welfare_pack(t + between(rng, 60, 900))

    def welfare_pack(self, t: int) -> None:
        low, high = WELFARE_PACK.price
        self.buy(t, WELFARE_PACK, pick(self.rng, (low, high)), 1, 1.0)


def regular_orders(book: OrderBook, products: list[Product], first: int, until: int) -> dict[str, int]:
    """Each product on its own cycle from `first` to `until`; returns each product's unit price."""
    rng = book.rng
    prices: dict[str, int] = {}
    for number, product in enumerate(products):
        low, high = product.price
        unit = low + 100 * below(rng, (high - low) // 100 + 1)
        prices[product.name] = unit
        cycle = between(rng, product.cycle[0], product.cycle[1] + 1)
        t = first if number == 0 else first + days(rng.uniform(0, cycle))
        while t <= until:
            quantity = 2 if rng.random() < 0.08 else 1
            book.buy(at_hour(rng, t // DAY, ORDER_HOURS), product, unit, quantity, pick(rng, (1.0, 1.0, 0.95, 0.9)))
            t += days(max(1.0, cycle * rng.uniform(0.85, 1.2)))
    return prices


def sale_orders(
    book: OrderBook,
    products: list[Product],
    prices: dict[str, int],
    *,
    windows: tuple[Window, ...],
    first: int,
    until: int,
) -> None:
    """Stock-up orders in the 618 / 双11 windows the customer was active in."""
    rng = book.rng
    for window in windows:
        if window.end <= first or window.start > until or rng.random() >= SALE_BUY_SHARE:
            continue
        if rng.random() < 0.5:
            day = window.peak // DAY
        else:
            day = between(rng, max(window.start, first) // DAY, window.end // DAY)
        t = max(at_hour(rng, day, ORDER_HOURS), first)
        product = pick(rng, products)
        book.buy(t, product, prices[product.name], 2, pick(rng, (0.8, 0.85, 0.75)))
        if rng.random() < 0.35:
            book.welfare_pack(t + between(rng, 60, 900))
