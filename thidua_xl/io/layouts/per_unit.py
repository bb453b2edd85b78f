"""(in progress)"""
from __future__ import annotations


def candidate(grid):
    from . import Candidate

    return Candidate("per-unit")


def build(grid):
    return None
