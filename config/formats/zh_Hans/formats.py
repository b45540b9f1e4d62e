"""Simplified Chinese dates: Django's (2026年11月30日, 2026年11月30日 17:45), with a day of the
planner's board as 11月30日 rather than Django's zero-padded 09月5日."""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403

MONTH_DAY_FORMAT = "n月j日"
