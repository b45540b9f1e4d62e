"""A readable difference between two versions' definitions (for admin, before publishing)."""

from typing import Any

_COLLECTIONS = (("options", "Option"), ("rules", "Rule"), ("prices", "Price adder"), ("bom", "BOM line"),
                ("routing", "Operation"))  # fmt: skip
_SCALARS = (("name", "Name"), ("description", "Description"), ("currency", "Currency"), ("base_price", "Base price"))


def _show(value: Any) -> str:
    return "—" if value in (None, "", []) else repr(value) if isinstance(value, str) else str(value)


def definition_diff(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What changed from `old` to `new`, one line per change, in catalog order."""
    changes = [
        f"{label}: {_show(old.get(field))} → {_show(new.get(field))}"
        for field, label in _SCALARS
        if old.get(field) != new.get(field)
    ]
    if (old.get("drawing") or {}) != (new.get("drawing") or {}):
        changes.append("Drawing changed" if old.get("drawing") and new.get("drawing") else
                       "Drawing added" if new.get("drawing") else "Drawing removed")  # fmt: skip
    for field, label in _COLLECTIONS:
        changes += _entries_diff(label, old.get(field) or [], new.get(field) or [])
    return changes


def _entries_diff(label: str, old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[str]:
    before = {e["key"]: e for e in old}
    after = {e["key"]: e for e in new}
    changes = [f"{label} {key} removed" for key in before if key not in after]
    for key, entry in after.items():
        if key not in before:
            changes.append(f"{label} {key} added")
            continue
        was = before[key]
        for field in sorted(set(was) | set(entry)):
            if field in ("key", "choices") or was.get(field) == entry.get(field):
                continue
            changes.append(f"{label} {key}: {field} {_show(was.get(field))} → {_show(entry.get(field))}")
        if "choices" in was or "choices" in entry:
            changes += _entries_diff(
                f"{label} {key}: choice",
                [{**c, "key": c["value"]} for c in was.get("choices", [])],
                [{**c, "key": c["value"]} for c in entry.get("choices", [])],
            )
    return changes
