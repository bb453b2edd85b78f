"""Near names: "có phải 'Sở Tư pháp'?" for a misspelt unit, criterion type or sheet.

Names are compared after :func:`~thidua_xl.core.text.fold` (no case, no diacritics, spaces
collapsed), by edit distance (Levenshtein). A name is near when the distance is small for
its length and no other candidate is as near: a suggestion must be the one name the user
meant, never a guess between two.
"""
from __future__ import annotations

from .text import fold

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Iterable


def distance(a: str, b: str, limit: int | None = None) -> int:
    """Levenshtein distance of ``a`` and ``b`` (insert, delete, substitute = 1). With
    ``limit``, any distance above it may be returned as ``limit + 1`` (faster)."""
    if a == b:
        return 0
    if len(a) < len(b):
        a, b = b, a
    if limit is not None and len(a) - len(b) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if limit is not None and min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


def tolerance(name: str) -> int:
    """How many edits still make a near name: none below 6 letters ("Sở A" and "Sở B" are
    two units), then one per 6 letters."""
    n = len(fold(name))
    return 0 if n < 6 else max(1, n // 6)


def _distinct_labels(a: str, b: str) -> bool:
    """Two folded names that differ only in short or numbered words ("huyen a" / "huyen
    b", "cum 1" / "cum 2") name two things, not one misspelt."""
    ta, tb = a.split(), b.split()
    if len(ta) != len(tb):
        return False
    diff = [(x, y) for x, y in zip(ta, tb) if x != y]
    return bool(diff) and all(max(len(x), len(y)) <= 2 or any(ch.isdigit() for ch in x + y)
                              for x, y in diff)


def nearest(name: str, candidates: Iterable[str]) -> str | None:
    """The one candidate near ``name`` (after folding), or None when none is near or two
    are equally near. A candidate equal to ``name`` after folding is not a suggestion."""
    target = fold(name)
    if not target:
        return None
    limit = tolerance(name)
    best: list[tuple[int, str]] = []
    seen: set[str] = set()
    for cand in candidates:
        f = fold(cand)
        if not f or f in seen:
            continue
        seen.add(f)
        d = distance(target, f, limit)
        if d == 0 or d > limit or _distinct_labels(target, f):
            continue
        best.append((d, cand))
    if not best:
        return None
    best.sort(key=lambda x: x[0])
    if len(best) > 1 and best[1][0] == best[0][0]:
        return None
    return best[0][1]


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """``" (có phải \"Sở Tư pháp\"?)"`` or ``""``: to end a fix with."""
    near = nearest(name, candidates)
    return f"có phải \"{near}\"?" if near else ""
