"""One customer, generated from its own seeded random stream: the profile, two years of
events, the tags and the groups they are in now. Nothing here depends on another customer
having been generated, so customers can be made in any order, in any process."""

from __future__ import annotations

import random
from dataclasses import dataclass

from siyu.demo.catalog import (
    ASK_TEXTS,
    COURSE,
    DIET_TEXTS,
    HELLO_TEXT,
    LINKS,
    MEAL_SHAKE,
    MOISTURISER,
    PET_FOOD,
    PET_TEXTS,
    SENT_TEXTS,
    SKINCARE_PRODUCTS,
    TRIAL_LINK,
    TRIAL_TEXTS,
    Product,
)
from siyu.demo.clock import DAY
from siyu.demo.daytime import CHAT_HOURS, WORK_HOURS, at_hour, days
from siyu.demo.draws import below, between, pick
from siyu.demo.groups import MEMBER_GROUP, NEWCOMER_GROUP, TRIAL_GROUP
from siyu.demo.hashing import seeded_rng
from siyu.demo.ids import customer_id
from siyu.demo.journey import (
    ACCOUNT_BOUND,
    FRIEND_ADDED,
    GROUP_JOINED,
    GROUP_LEFT,
    LINK_CLICKED,
    MESSAGE_RECEIVED,
    MESSAGE_SENT,
    Event,
    Journey,
    memberships,
)
from siyu.demo.jsontext import js
from siyu.demo.orders import OrderBook, regular_orders, sale_orders
from siyu.demo.profile import Profile, draw_profile
from siyu.demo.world import World

BOUND_SHARE = 0.65
BUYER_SHARE = 0.82  # of bound customers
MEAN_LIFETIME_DAYS = 420
YEAR = 365 * DAY


@dataclass(frozen=True, slots=True)
class Stay:
    """How customers use a kind of group: who leaves again, after how many days."""

    tag: str
    leave_share: float
    stay_days: tuple[int, int]


NEWCOMER_STAY = Stay(NEWCOMER_GROUP, 0.55, (5, 40))
MEMBER_STAY = Stay(MEMBER_GROUP, 0.12, (20, 400))
TRIAL_STAY = Stay(TRIAL_GROUP, 0.3, (4, 20))


@dataclass(frozen=True, slots=True)
class Customer:
    profile: Profile
    tags: tuple[str, ...]  # set with the customer row
    later_tags: tuple[str, ...]  # added through the tags file (keyword and click tagging)
    member_level: str | None
    events: list[Event]  # time-ordered, all at or before now
    groups: list[str]  # the groups the customer is in now


def member_level(spend_fen: int) -> str:
    """The level a year's spend earns."""
    if spend_fen >= 500_000:
        return "黑钻会员"
    if spend_fen >= 200_000:
        return "金卡会员"
    if spend_fen >= 50_000:
        return "银卡会员"
    return "普通会员"


class _Life:
    """What happens to one customer, recorded into their journey."""

    __slots__ = ("journey", "now_s", "profile", "rng", "world")

    def __init__(self, world: World, rng: random.Random, profile: Profile) -> None:
        self.world = world
        self.rng = rng
        self.profile = profile
        self.now_s = world.clock.now_s
        self.journey = Journey(self.now_s)

    def friend_added(self) -> None:
        profile = self.profile
        properties = f'{{"channel":{js(profile.channel)}'
        if profile.referrer is not None:
            properties += f',"referrer":"{customer_id(profile.referrer)}"'
        if profile.campaign:
            properties += ',"campaign":"双11裂变活动"'
        self.journey.add(profile.added, FRIEND_ADDED, properties + "}")

    def chat(self) -> bool:
        """Staff and customer messages and link clicks; tells whether 减脂 came up."""
        rng, journey, profile = self.rng, self.journey, self.profile
        staff = js(profile.owner)
        start = profile.added
        span = max(self.now_s - start, 1)
        hello = f'{{"staff":{staff},"text":{js(HELLO_TEXT)}}}'
        journey.add(start + between(rng, 60, 3600), MESSAGE_SENT, hello)
        for _ in range(pick(rng, (0, 0, 1, 1, 2, 3))):
            t = at_hour(rng, (start + below(rng, span)) // DAY, WORK_HOURS)
            text = js(pick(rng, SENT_TEXTS))
            journey.add(max(t, start + 600), MESSAGE_SENT, f'{{"staff":{staff},"text":{text}}}')
        texts = [pick(rng, ASK_TEXTS) for _ in range(pick(rng, (0, 0, 1, 1, 2, 3)))]
        if profile.pet is not None and rng.random() < 0.3:
            texts.append(pick(rng, PET_TEXTS))
        if profile.diet:
            texts.append(pick(rng, DIET_TEXTS))
        asked_diet = False
        for text in texts:
            t = max(at_hour(rng, (start + below(rng, span)) // DAY, CHAT_HOURS), start + 60)
            recorded = journey.add(t, MESSAGE_RECEIVED, f'{{"text":{js(text)}}}')
            asked_diet = asked_diet or (recorded and text in DIET_TEXTS)
        for _ in range(pick(rng, (0, 0, 1, 1, 2))):
            title, url = pick(rng, LINKS)
            t = max(at_hour(rng, (start + below(rng, span)) // DAY, CHAT_HOURS), start + 60)
            journey.add(t, LINK_CLICKED, f'{{"title":{js(title)},"url":{js(url)}}}')
        return asked_diet

    def bind_account(self) -> int | None:
        """When the customer bound their shop account (None: not by now)."""
        rng = self.rng
        if not (self.profile.employee or rng.random() < BOUND_SHARE):
            return None
        delay = between(rng, 60, 7200) if rng.random() < 0.35 else days(rng.expovariate(1 / 8))
        at = self.profile.added + delay
        platform = js(self.profile.source.shop)
        return at if self.journey.add(at, ACCOUNT_BOUND, f'{{"platform":{platform}}}') else None

    def join(self, stay: Stay, at: int) -> None:
        rng = self.rng
        group = self.world.group_index.choose(rng, stay.tag, self.profile.owner)
        scene = "扫描群二维码" if rng.random() < 0.6 else "成员邀请"
        if self.journey.add(at, GROUP_JOINED, f'{{"scene":{js(scene)}}}', group) and (rng.random() < stay.leave_share):
            left = at + days(rng.uniform(*stay.stay_days))
            self.journey.add(left, GROUP_LEFT, '{"reason":"主动退群"}', group)

    def trial_interest(self) -> int | None:
        """The trial-class sign-up click (in the last 90 days) and what follows it."""
        rng = self.rng
        clicked = max(self.profile.added + 3600, self.now_s - days(rng.uniform(0, 90)))
        title, url = TRIAL_LINK
        if not self.journey.add(clicked, LINK_CLICKED, f'{{"title":{js(title)},"url":{js(url)}}}'):
            return None
        question = js(pick(rng, TRIAL_TEXTS))
        self.journey.add(clicked + between(rng, 60, 7200), MESSAGE_RECEIVED, f'{{"text":{question}}}')
        if rng.random() < 0.65:
            self.join(TRIAL_STAY, clicked + between(rng, 600, 2 * DAY))
        return clicked

    def products(self) -> list[Product]:
        rng = self.rng
        chosen = [product for product, share in SKINCARE_PRODUCTS if rng.random() < share]
        if self.profile.pet is not None and rng.random() < 0.8:
            chosen.append(PET_FOOD)
        if self.profile.diet and rng.random() < 0.6:
            chosen.append(MEAL_SHAKE)
        return chosen or [MOISTURISER]

    def shop(self, book: OrderBook, bound_at: int) -> None:
        rng = self.rng
        if self.profile.channel == "包裹卡":  # the package card came with their first order
            first = self.profile.added - days(rng.uniform(2, 6))
        else:
            first = bound_at + days(rng.expovariate(1 / 12))
        until = min(first + days(rng.expovariate(1 / MEAN_LIFETIME_DAYS)), self.now_s)
        products = self.products()
        prices = regular_orders(book, products, first, until)
        sale_orders(book, products, prices, windows=self.world.windows, first=first, until=until)

    def tags(self, bound: bool, bought: bool) -> tuple[str, ...]:
        rng, profile = self.rng, self.profile
        tags: list[str] = []
        if bound:
            tags.append("会员")
        if (not bought and rng.random() < 0.9) or (bought and rng.random() < 0.02):
            tags.append("潜客")  # a few buyers still carry the old tag
        if profile.pet is not None:
            tags.append("宠物主")
        if profile.fission:
            tags.append("双11裂变活动")
        if profile.employee:
            tags.append("员工")
        if profile.campaign:
            tags.append("裂变新客")
        return tuple(tags)


def generate_customer(world: World, index: int) -> Customer:
    rng = seeded_rng(world.spec.seed, "customer", index)
    profile = draw_profile(world, index, rng)
    life = _Life(world, rng, profile)
    life.friend_added()
    asked_diet = life.chat()
    bound_at = life.bind_account()
    if rng.random() < 0.28:
        life.join(NEWCOMER_STAY, profile.added + between(rng, 600, 3 * DAY))
    if bound_at is not None and rng.random() < 0.55:
        life.join(MEMBER_STAY, bound_at + days(rng.uniform(0, 30)))
    later_tags = ["减脂"] if asked_diet else []
    clicked = life.trial_interest() if profile.trial else None
    if clicked is not None:
        later_tags.append("试听课意向")

    book = OrderBook(rng, world.clock, life.journey, index, profile.source.shop)
    if bound_at is not None:
        if rng.random() < BUYER_SHARE:
            life.shop(book, bound_at)
        if clicked is not None and rng.random() < 0.15:
            book.buy(clicked + days(rng.uniform(1, 10)), COURSE, COURSE.price[0], 1, 1.0)

    tags = life.tags(bound_at is not None, bool(book.paid))
    level = None
    if bound_at is not None:
        level = member_level(sum(fen for t, fen in book.paid if t > life.now_s - YEAR))
    events = life.journey.in_order()
    return Customer(profile, tags, tuple(later_tags), level, events, memberships(events))
