"""A buying customer's order history: each product on the customer's own rhythm (a cycle
drawn per customer and product, with jitter), stock-up orders in the 618 and 双11 windows,
welfare packs (WELFARE-PACK), coupons used at checkout and a few refunds.

This is the hot loop of the generator (about half of all events are orders and what comes with
them), so the JSON fragments of products and shops are built once and draws are inlined."""

from __future__ import annotations

import random

from siyu.demo.catalog import COUPONS, PRODUCTS, SHOP_CODES, SHOPS, WELFARE_PACK, Product
from siyu.demo.clock import DAY, HOUR, Clock
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
DISCOUNTS = (1.0, 1.0, 0.95, 0.9)
SALE_DISCOUNTS = (0.8, 0.85, 0.75)

_PRODUCT_JSON = {product.sku: f'"sku":{js(product.sku)},"product":{js(product.name)}' for product in PRODUCTS}
_SHOP_JSON = {shop: (SHOP_CODES[shop], f'"shop":{js(shop)}') for shop in SHOPS}


class OrderBook:
    """Writes orders into a journey and remembers what was paid: (wall seconds, fen)."""

    __slots__ = ("_count", "_number", "clock", "journey", "paid", "primary_shop", "rng")

    def __init__(self, rng: random.Random, clock: Clock, journey: Journey, index: int, primary_shop: str) -> None:
        self.rng = rng
        self.clock = clock
        self.journey = journey
        self.primary_shop = primary_shop
        self.paid: list[tuple[int, int]] = []
        self._number = f"{index + 1:07d}"
        self._count = 0

    def buy(self, t: int, product: Product, unit_fen: int, quantity: int, discount: float) -> None:
        """An order at `t` (nothing if `t` is after now), maybe with a coupon, a refund, a welfare pack."""
        journey = self.journey
        if t > journey.now_s:
            return
        random = self.rng.random
        self._count += 1
        shop = self.primary_shop if random() < PRIMARY_SHOP_SHARE else SHOPS[int(random() * len(SHOPS))]
        code, shop_json = _SHOP_JSON[shop]
        order_id = f"{code}{self.clock.compact_date(t // DAY)}{self._number}{self._count:03d}"
        fen = round(unit_fen * quantity * discount)
        journey.events.append(
            (
                t,
                ORDER_PAID,
                "",
                f'{{"order_id":"{order_id}","amount":{money(fen)},{_PRODUCT_JSON[product.sku]},'
                f'{shop_json},"quantity":{quantity}}}',
            )
        )
        self.paid.append((t, fen))
        if random() < COUPON_SHARE:
            coupon, value = COUPONS[int(random() * len(COUPONS))]
            journey.add(
                t - 5 - int(random() * 115),
                COUPON_REDEEMED,
                f'{{"coupon":{js(coupon)},"amount":{money(value)},"order_id":"{order_id}"}}',
            )
        if random() < REFUND_SHARE:
            reason = pick(self.rng, REFUND_REASONS)
            journey.add(
                t + days(self.rng.uniform(1, 10)),
                ORDER_REFUNDED,
                f'{{"order_id":"{order_id}","amount":{money(fen)},"reason":{js(reason)}}}',
            )
        if product is not WELFARE_PACK and random() < WELFARE_ADD_ON_SHARE:
            self.welfare_pack(t + between(self.rng, 60, 900))

    def welfare_pack(self, t: int) -> None:
        self.buy(t, WELFARE_PACK, pick(self.rng, WELFARE_PACK.price), 1, 1.0)


def regular_orders(book: OrderBook, products: list[Product], first: int, until: int) -> dict[str, int]:
    """Each product on its own cycle from `first` to `until`; returns each product's unit price."""
    rng = book.rng
    random = rng.random
    prices: dict[str, int] = {}
    for number, product in enumerate(products):
        low, high = product.price
        unit = low + 100 * below(rng, (high - low) // 100 + 1)
        prices[product.name] = unit
        cycle = between(rng, product.cycle[0], product.cycle[1] + 1)
        t = first if number == 0 else first + days(random() * cycle)
        while t <= until:
            at = t // DAY * DAY + ORDER_HOURS[int(random() * 100)] * HOUR + int(random() * HOUR)
            quantity = 2 if random() < 0.08 else 1
            book.buy(at, product, unit, quantity, DISCOUNTS[int(random() * len(DISCOUNTS))])
            t += int(max(1.0, cycle * (0.85 + 0.35 * random())) * DAY)
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
        book.buy(t, product, prices[product.name], 2, pick(rng, SALE_DISCOUNTS))
        if rng.random() < 0.35:
            book.welfare_pack(t + between(rng, 60, 900))
