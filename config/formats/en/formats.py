"""English dates as the factory writes them (ISO, 24-hour clock), not Django's US defaults
(settings.FORMAT_MODULE_PATH)."""

DATE_FORMAT = "Y-m-d"  # 2026-11-30
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"  # 2026-11-30 17:45
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "D j"  # Mon 30: a day of the planner's board
