"""Loggers that import :mod:`logging` when first used.

``logging`` (with traceback, string, weakref and threading) costs every command ~3 ms to
import, and a run that goes well never logs. ``log = get_logger(__name__)`` at module level
behaves like ``logging.getLogger(__name__)`` for every call made on it.
"""
from __future__ import annotations

DEBUG = 10  # logging.DEBUG, without importing logging


class LazyLogger:
    __slots__ = ("_name", "_logger")

    def __init__(self, name: str) -> None:
        self._name = name
        self._logger = None

    def __getattr__(self, attr: str):
        if self._logger is None:
            import logging

            self._logger = logging.getLogger(self._name)
        return getattr(self._logger, attr)

    def __repr__(self) -> str:
        return f"<LazyLogger {self._name}>"


def get_logger(name: str) -> LazyLogger:
    return LazyLogger(name)


__all__ = ["DEBUG", "LazyLogger", "get_logger"]
