"""The languages of customer-facing texts: catalog texts in two languages, and the engine's phrases.

A catalog text is either a plain string (English) or a mapping `{en: "...", zh-Hans: "..."}`
(`en` required). The engine's own phrases ("Not possible together with ...") are written in
English in the code and looked up in PHRASES for another language; the language of a configure
call is set with `speaking(language)` around it (the engine is pure Python: no Django here).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

EN = "en"
ZH_HANS = "zh-Hans"
LANGUAGES = (EN, ZH_HANS)

_language: ContextVar[str] = ContextVar("configurator_language", default=EN)

# English phrase (a str.format template) -> its Simplified Chinese.
PHRASES: dict[str, dict[str, str]] = {
    ZH_HANS: {
        "This option is required.": "此项为必填项。",
        "This configuration cannot be built ({path}: {message}).": "此配置无法生产（{path}：{message}）。",
        "The spec must be an object of option values.": "规格必须是由选项值组成的对象。",
        "Unknown option.": "未知选项。",
        "Does not apply to this configuration.": "此项不适用于当前配置。",
        "Does not apply: you chose {chosen}.": "此项不适用（您已选择{chosen}）。",
        "These choices cannot be combined: {chosen}.": "以下选择不能同时使用：{chosen}。",
        "No valid configuration is possible with these choices.": "按这些选择无法组成有效配置。",
        "Must be one of: {listed}.": "必须是以下之一：{listed}。",
        "'{raw}' is not one of: {listed}.": "“{raw}”不是以下之一：{listed}。",
        "Must be true or false.": "必须为是或否。",
        "Must be a number.": "必须是数字。",
        "Must be at least {value}.": "不得小于 {value}。",
        "Must be at most {value}.": "不得大于 {value}。",
        "Must be in steps of {value}.": "必须以 {value} 为步长。",
        "Must be text.": "必须是文字。",
        "At most {count} characters.": "最多 {count} 个字符。",
        "Only {allowed} are allowed.": "只允许使用{allowed}。",
        "Not possible in any configuration.": "任何配置下都不可选。",
        "Not possible together with {chosen}.": "与当前选择冲突（{chosen}）。",
        "{label} would no longer apply. (you chose {chosen})": "{label}将不再适用（您已选择{chosen}）。",
        "{message} (you chose {chosen})": "{message}（您已选择{chosen}）",
        "{label}: {value}": "{label}：{value}",
        ", ": "，",
        "yes": "是",
        "no": "否",
        "none": "无",
        "Base price": "基础价格",
        "Rounding": "舍入",
        # The picture's accessible name: its caption, then what its shapes show (drawing.py).
        "{name}. {details}": "{name}。{details}",
        "; ": "；",
    },
}


def tr(phrase: str, **values: object) -> str:
    """`phrase` (an English template) in the current language, formatted with `values`."""
    template = PHRASES.get(_language.get(), {}).get(phrase, phrase)
    return template.format(**values) if values else template


def current() -> str:
    return _language.get()


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Within the block, the engine's phrases are in `language` (English if it is not known)."""
    token = _language.set(language if language in LANGUAGES else EN)
    try:
        yield
    finally:
        _language.reset(token)


def text_problems(value: object) -> list[tuple[str, str]]:
    """What is wrong with a catalog text: (sub-path, message) pairs; none for a sound one."""
    if isinstance(value, str):
        return []
    if not isinstance(value, Mapping):
        return [("", "must be text or a mapping of languages to text")]
    problems: list[tuple[str, str]] = []
    for lang, text in value.items():
        if lang not in LANGUAGES:
            problems.append((f".{lang}", f"unknown language (use one of: {', '.join(LANGUAGES)})"))
        elif not isinstance(text, str):
            problems.append((f".{lang}", "must be text"))
    if not isinstance(value.get(EN), str) or not value.get(EN):
        problems.append((f".{EN}", "the English text is required"))
    return problems


def pick(value: object, language: str) -> str:
    """The text of a catalog text in `language`, English when it has no such translation."""
    if isinstance(value, Mapping):
        text = value.get(language) or value.get(EN) or ""
        return text if isinstance(text, str) else ""
    return "" if value is None else str(value)


def split(value: object) -> tuple[str, dict[str, str]]:
    """A catalog text as (English, {other language: text}): how a version stores it."""
    if isinstance(value, Mapping):
        others = {str(k): str(v) for k, v in value.items() if k != EN and v not in (None, "")}
        return pick(value, EN), others
    return ("" if value is None else str(value)), {}


def join(english: str, translations: Mapping[str, str] | None) -> str | dict[str, str]:
    """The catalog text of a stored (English, translations): a plain string without translations."""
    if not translations:
        return english
    return {EN: english, **translations}
