"""Customers, staff, groups and tags as the console and API browse them."""
