"""Delivery: the outbox of tasks to hand to channels, and the dispatcher that works it."""
