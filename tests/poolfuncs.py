"""Task functions for GuardedPool tests (importable by spawned workers)."""

import os
import time


def echo(x):
    return {"value": x}


def hang(x):
    time.sleep(3600)


def die(x):
    os._exit(3)


def segfault(x):
    import ctypes

    ctypes.string_at(0)


def behave_by_name(x):
    return {"hang": hang, "die": die, "segfault": segfault}.get(x, echo)(x)
