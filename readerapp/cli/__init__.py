"""The `readerapp` command line. Light imports only: `readerapp search` must
start fast, so each command imports what it needs when it runs."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys

from readerapp import __version__


def command_modules() -> list[str]:
    """Every readerapp/cli/*_cmds.py module; each has register(subparsers) that
    adds its commands with set_defaults(func=...). The library commands come first."""
    import pkgutil

    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name.endswith("_cmds"))
    names.sort(key=lambda n: n != "library_cmds")
    return [f"{__name__}.{n}" for n in names]


EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


MAX_ID = 2**63 - 1  # SQLite's largest integer


def paper_id(text: str) -> int:
    """argparse type for ids: a whole number SQLite can hold, else one usage line."""
    try:
        value = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 0 < value <= MAX_ID:
        raise argparse.ArgumentTypeError(f"no paper can have the id {text.strip()[:40]} (ids are 1 to {MAX_ID})")
    return value


def _undecodable_argument(argv: list[str]) -> str | None:
    """The first argument that is not valid text in the locale's encoding (bytes
    that Python keeps as lone surrogates), shown with those bytes escaped."""
    for arg in argv:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            return os.fsencode(arg).decode("utf-8", errors="backslashreplace")
    return None


class Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2, as argparse does, without the usage dump
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n(see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="readerapp", description="Read, annotate, search and list research papers, offline.")
    parser.add_argument("--version", action="version", version=f"readerapp {__version__}")
    parser.add_argument("--library", metavar="PATH",
                        help="library folder (default: $READERAPP_LIBRARY, the settings file, "
                             "or a folder in the user's data directory)")
    parser.add_argument("--debug", action="store_true", help="print log messages to stderr too")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name in command_modules():
        importlib.import_module(name).register(sub)
    return parser


def logging_configured() -> bool:
    """Whether setup_logging already installed readerapp's log file handler in this process."""
    return any(getattr(h, "_readerapp", False) for h in logging.getLogger().handlers)


def setup_logging(debug: bool) -> None:
    from logging.handlers import RotatingFileHandler

    from readerapp.core.paths import user_log_dir

    root = logging.getLogger()
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    for old in [h for h in root.handlers if getattr(h, "_readerapp", False)]:
        root.removeHandler(old)  # main() called again in one process: no doubled lines
        old.close()
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        log_dir = user_log_dir()
        log_dir.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(log_dir / "readerapp.log", maxBytes=2_000_000, backupCount=5,
                                      encoding="utf-8")
        handler.setFormatter(fmt)
        handler._readerapp = True
        root.addHandler(handler)
    except OSError:
        pass  # logging must never stop the app (read-only home, full disk)
    if debug:
        stream = logging.StreamHandler(sys.stderr)
        stream.setFormatter(fmt)
        stream._readerapp = True
        root.addHandler(stream)


def main(argv: list[str] | None = None) -> int:
    from readerapp.cli.output import SafeStream, clean

    argv = list(sys.argv[1:] if argv is None else argv)
    bad = _undecodable_argument(argv)
    if bad is not None:
        print(f"readerapp: error: the argument {clean(bad)!r} is not valid UTF-8 text "
              "(rename the file or pass the text in UTF-8)", file=sys.stderr)
        return EXIT_USAGE
    parser = build_parser()
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeStream(saved[0]), SafeStream(saved[1], keep_carriage_return=True)
    try:
        return _main(parser, argv)
    finally:
        sys.stdout, sys.stderr = saved


def _main(parser, argv: list[str]) -> int:
    args = parser.parse_args(argv)
    setup_logging(args.debug)
    if not args.command:
        # No command: start the GUI on the default library, as a desktop app would.
        from readerapp.app import main as gui_main

        return gui_main(["--library", args.library] if args.library else [])
    from readerapp.core.errors import InvalidValue, ReaderError

    try:
        return args.func(args)
    except InvalidValue as exc:
        print(f"readerapp: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ReaderError as exc:
        print(f"readerapp: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("readerapp: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `readerapp list | head`
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return EXIT_OK
    except OSError as exc:
        print(f"readerapp: error: {exc.strerror or exc}{': ' + str(exc.filename) if exc.filename else ''}",
              file=sys.stderr)
        logging.getLogger(__name__).debug("OS error", exc_info=True)
        return EXIT_FAILED
    except OverflowError as exc:  # a number too large for SQLite that got past the argument checks
        logging.getLogger(__name__).debug("overflow", exc_info=True)
        print(f"readerapp: error: a number is out of range ({exc})", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # last resort: one line for the user, the traceback in the log
        logging.getLogger(__name__).exception("unexpected error")
        print(f"readerapp: unexpected error: {type(exc).__name__}: {exc} (details in the log)", file=sys.stderr)
        return EXIT_FAILED


def open_library(args, *, auto_backup: bool = True):
    """The Library the command works on (--library, $READERAPP_LIBRARY, settings, default).

    Takes the periodic backup of what the user made when one is due."""
    from readerapp.core.library import Library
    from readerapp.core.paths import resolve_library_dir

    lib = Library(resolve_library_dir(args.library))
    if auto_backup:
        from readerapp.core.backup import library_problem, maybe_backup

        if maybe_backup(lib) is None:
            problem = library_problem(lib.folder)
            if problem:  # a damaged library: said once per command, on one line
                print(f"readerapp: warning: {problem}", file=sys.stderr)
    return lib


def print_json(data) -> None:
    import json

    from readerapp.cli.output import escape_json

    sys.stdout.write(escape_json(json.dumps(data, ensure_ascii=False, indent=2)) + "\n")
