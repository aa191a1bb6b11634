"""Faster positional constructors for the frozen, slotted dataclasses readers build by the million.

A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__`` (the class's
own ``__setattr__`` refuses), which costs about a tenth of a microsecond per field: reading
100,000 RIS records sets some five million fields, a good part of the reading time.
:func:`constructor` makes a function that builds the same object by setting the slots
directly, as :mod:`copy` and :mod:`pickle` do, at about half the cost.

It takes every field positionally, in declaration order, exactly like ``cls(*values)``; for a
class whose ``__init__`` does more than set fields (a ``__post_init__``, an ``init=False``
field, no slots) it returns the class itself, so callers never depend on the shortcut.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def constructor(cls: type[T]) -> Callable[..., T]:
    """``make(*values)``, equal to ``cls(*values)`` with a value for every field, but faster."""
    names = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
    parameters = inspect.signature(cls).parameters.values()
    plain = (
        "__slots__" in cls.__dict__
        and not hasattr(cls, "__post_init__")
        and [p.name for p in parameters] == names
        and all(p.kind is p.POSITIONAL_OR_KEYWORD for p in parameters)
    )
    if not plain:
        return cls
    namespace: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    namespace.update({f"_set_{name}": cls.__dict__[name].__set__ for name in names})
    lines = [f"def make({', '.join(names)}):", "    obj = _new(_cls)"]
    lines += [f"    _set_{name}(obj, {name})" for name in names]
    lines.append("    return obj")
    exec("\n".join(lines), namespace)  # the way dataclasses writes __init__ itself
    make: Callable[..., T] = namespace["make"]
    make.__qualname__ = f"constructor({cls.__name__})"
    make.__doc__ = f"A {cls.__name__} from a value for each of its fields, in order."
    return make
