"""Record every signal Django sends inside a `with trace_signals()` block.

The record keeps names and short descriptions only, in the order of sending,
so it can be printed, compared in a test, or drawn as a sequence diagram.
"""

import importlib
import pkgutil
import re
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import django
from django.apps import AppConfig
from django.db import models
from django.dispatch import Signal


@dataclass(frozen=True)
class BuiltinSignal:
    name: str  # "post_save"
    module: str  # "django.db.models.signals", where it is defined
    signal: Signal


@cache
def builtin_signals() -> tuple[BuiltinSignal, ...]:
    """Every Signal instance that Django's own modules create, sorted by module.

    A signal is listed under the module that creates it (`name = Signal()`),
    not under every module that imports it.
    """
    found = {}
    for module_name, source in _django_sources():
        if "Signal" not in source:
            continue  # no signal can be created here: skip the slow import
        try:
            module = importlib.import_module(module_name)
        except Exception:
            continue  # it needs something optional: GDAL, a database driver
        for name, value in vars(module).items():
            if isinstance(value, Signal) and re.search(rf"^{name}\s*=", source, re.M):
                found.setdefault(id(value), BuiltinSignal(name, module_name, value))
    return tuple(sorted(found.values(), key=lambda s: (s.module, s.name)))


def _django_sources(paths=django.__path__, prefix="django."):
    """Yield (module name, source) for every module of the django package.

    pkgutil.iter_modules() only lists files; nothing is imported here.
    """
    for info in pkgutil.iter_modules(paths, prefix):
        spec = info.module_finder.find_spec(info.name)
        yield info.name, Path(spec.origin).read_text(encoding="utf-8")
        if info.ispkg:
            yield from _django_sources(spec.submodule_search_locations, f"{info.name}.")


@dataclass(frozen=True)
class Send:
    """One call to send(): which signal, who sent it, and what it carried."""

    signal: str
    sender: str
    kwargs: dict[str, str]  # argument name -> describe(value)

    def __str__(self):
        args = "".join(f", {name}={value}" for name, value in self.kwargs.items())
        return f"{self.signal}(sender={self.sender}{args})"


class Trace(list):
    """The sends recorded in a block, oldest first."""

    def names(self):
        return [send.signal for send in self]

    def of(self, signal_name):
        return [send for send in self if send.signal == signal_name]

    def sent_by(self, sender):
        return [send for send in self if send.sender == sender]

    def __str__(self):
        return "\n".join(str(send) for send in self)


@contextmanager
def trace_signals(*, record_first=False, **extra_signals):
    """Record every built-in signal, and each extra `name=signal`, sent in the block.

    By default a send is recorded after the receivers connected before the
    block have run, so whatever they send is recorded before it. With
    `record_first=True` each send is recorded before any receiver runs: the
    trace is then in the order the sends began.
    """
    named = [(s.name, s.signal) for s in builtin_signals()]
    named += extra_signals.items()
    trace, connected = Trace(), []
    try:
        for name, signal in named:
            record = _recorder(name, trace)
            # weak=False: the signal itself keeps the recorder alive until exit.
            signal.connect(record, weak=False)
            connected.append((signal, record))
            if record_first:
                _move_to_front(signal, record)
        yield trace
    finally:
        for signal, record in connected:
            signal.disconnect(record)


def _move_to_front(signal, record):
    """Make `record` the first receiver that `signal` calls.

    Django calls receivers in the order of `signal.receivers`, a list whose
    entries hold the receiver second, on every supported version (weak=False
    stores the function itself). Nothing else reorders it.
    """
    with signal.lock:
        for index, entry in enumerate(signal.receivers):
            if entry[1] is record:
                signal.receivers.insert(0, signal.receivers.pop(index))
                break
        signal.sender_receivers_cache.clear()


def _recorder(name, trace):
    def record(sender, signal, **kwargs):
        described = {key: describe(value) for key, value in kwargs.items()}
        trace.append(Send(name, describe(sender), described))

    return record


def describe(value):
    """A short, stable text for a value: no memory address, no database query.

    repr() would do neither reliably: a model's __str__ may load a field, a
    QuerySet's repr runs its query, and most objects show their address.
    """
    if isinstance(value, type):
        is_model = issubclass(value, models.Model)
        return value._meta.label if is_model else value.__qualname__
    if value is None or isinstance(value, bool | int | float):
        return repr(value)
    if isinstance(value, str | bytes):
        return repr(value) if len(value) <= 60 else repr(value[:57]) + "..."
    if isinstance(value, models.Model):
        return f"<{value._meta.label}>"
    if isinstance(value, AppConfig):
        return f"<AppConfig: {value.label}>"
    if isinstance(value, list | tuple | set | frozenset | dict):
        return _describe_collection(value)
    return f"<{type(value).__qualname__}>"


def _describe_collection(value):
    kind = type(value).__name__
    if len(value) > 6:
        return f"<{kind} of {len(value)} items>"
    if isinstance(value, dict):
        items = [f"{describe(k)}: {describe(v)}" for k, v in value.items()]
        return "{" + ", ".join(items) + "}"
    items = [describe(item) for item in value]
    if isinstance(value, set | frozenset):
        items.sort()  # set order changes from run to run
        inner = "{" + ", ".join(items) + "}" if items else ""
        return inner if kind == "set" and items else f"{kind}({inner})"
    if isinstance(value, tuple):
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    return "[" + ", ".join(items) + "]"
