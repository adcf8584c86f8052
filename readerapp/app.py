"""The desktop app: `readerapp` (no command), `readerapp-gui`, `readerapp open X`.

    main(["--library", PATH, PDF_OR_ID, ...]) -> exit status

Start-up stays light: Qt, the core library and the window only; torch and
sentence-transformers are never imported here. The index check and the
periodic backup (core.maintenance.startup) run as a background job
(readerapp.ui.workers) after the window shows; quitting waits for it at most
one second, like for every other job.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from readerapp import __version__

log = logging.getLogger(__name__)

# Called right after the main window is shown (benchmarks, tests). Keep it a
# module attribute: callers replace it before calling main().
AFTER_SHOW_HOOK = None
# Tests and the smoke check: quit this many ms after the window is shown.
EXIT_AFTER_SHOW_ENV = "READERAPP_EXIT_AFTER_SHOW_MS"
SETTLE_HEAP_MS = 2000  # the heap is settled (ui/heap.py) this long after the window shows


def _parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="readerapp-gui", description="Open the readerapp window.")
    p.add_argument("--library", metavar="PATH", help="library folder")
    p.add_argument("--open", metavar="PDF_OR_ID", action="append", default=[],
                   help="open a PDF file or a paper id (may be repeated)")
    p.add_argument("--version", action="version", version=f"readerapp {__version__}")
    p.add_argument("targets", nargs="*", metavar="PDF_OR_ID", help="PDF files or paper ids to open")
    return p.parse_args(argv)


def _show_error(title: str, message: str) -> None:
    """A blocking error box before the window exists (replaced in tests)."""
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.critical(None, title, message)


def _exit_without_finalizing(code: int) -> None:
    """A background job that cannot be interrupted (a model being loaded by ONNX Runtime) is
    still running after the bounded wait of quitting: end the process at interpreter exit with
    os._exit, after the output is flushed. A normal exit would run C++ destructors under that
    thread ("terminate called", exit 134). Everything the user made was saved before; the job's
    own unfinished transaction is rolled back by SQLite on the next start."""
    import atexit
    import threading

    def bye() -> None:
        if not any(t.is_alive() and t.name.startswith("readerapp-") and t.name != "readerapp-checkpoint"
                   for t in threading.enumerate()):
            return  # it ended meanwhile: a normal exit
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: S110 (closed or broken: nothing more to say)
                pass
        logging.shutdown()
        os._exit(code)

    atexit.register(bye)


def _close_on_signals(window) -> None:
    """SIGTERM (a logout, `kill`), SIGINT (Ctrl+C in the terminal) and SIGHUP close the window
    like Ctrl+Q: notes saved, jobs cancelled, exit status 0. Qt's event loop runs no Python code
    while idle, so the signal wakes it through a socket (signal.set_wakeup_fd)."""
    import signal
    import socket

    from PySide6.QtCore import QSocketNotifier

    try:
        rsock, wsock = socket.socketpair()
        rsock.setblocking(False)
        wsock.setblocking(False)
        signal.set_wakeup_fd(wsock.fileno(), warn_on_full_buffer=False)
    except (OSError, ValueError):  # not the main thread, or no socket pair here
        return
    wanted = [getattr(signal, n) for n in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, n)]
    for sig in wanted:
        signal.signal(sig, lambda *_a: None)  # the byte on the socket does the work

    def woken(*_a) -> None:
        try:
            got = rsock.recv(64)
        except OSError:
            return
        if any(b in wanted for b in got):
            log.info("signal received: closing the window")
            window.close()

    notifier = QSocketNotifier(rsock.fileno(), QSocketNotifier.Type.Read, window)
    notifier.activated.connect(woken)
    window._signal_socks = (rsock, wsock, notifier)  # kept as long as the window


def _start_maintenance(library, parent=None, on_problem=None):
    """Backup when due + index repair, as a background job. Failures are logged; a library
    that failed its check is passed to `on_problem(message)` on the GUI thread."""
    from readerapp.ui.workers import run_in_background

    def run(token):
        from readerapp.core.backup import library_problem
        from readerapp.core.maintenance import startup

        if token.cancelled():
            return None
        report = startup(library)
        if report.changed or report.failed:
            log.info("start-up maintenance: %s", report)
        return library_problem(library.folder)

    def done(problem):
        if problem and on_problem is not None:
            on_problem(problem)

    return run_in_background(run, name="startup-maintenance", parent=parent, on_done=done,
                             on_error=lambda message: log.warning("start-up maintenance: %s", message))


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = _parse(argv)
    from readerapp.cli import logging_configured, setup_logging

    if not logging_configured():  # `readerapp-gui` (the desktop entry) logs to the same file as the CLI
        setup_logging(False)

    from PySide6.QtCore import QCoreApplication, Qt, QTimer
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    own_app = app is None
    if own_app:
        from readerapp import xcbcheck

        problem = xcbcheck.check()
        if problem:  # Qt would abort (exit 134) without saying which package is missing
            print(problem, file=sys.stderr)
            return 1
        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
        app = QApplication([sys.argv[0] if sys.argv else "readerapp"])
    app.setApplicationName("readerapp")
    app.setApplicationDisplayName("readerapp")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("readerapp")
    app.setDesktopFileName("io.github.readerapp.ReaderApp")

    from readerapp.core.paths import resources_dir, resolve_library_dir
    from readerapp.core.settings import load_settings

    settings = load_settings()
    from readerapp.ui.i18n import install_translation, resolve_language
    from readerapp.ui.theme import apply_theme

    install_translation(resolve_language(settings.language))
    if settings.theme != "system":
        apply_theme(settings.theme)
    icon = resources_dir() / "icons" / "readerapp-256.png"
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))

    from readerapp.core.errors import LibraryError, ReaderError
    from readerapp.core.library import Library

    folder = resolve_library_dir(args.library)
    log.info("readerapp %s window starting on the library %s", __version__, folder)
    try:
        library = Library(folder)
    except (LibraryError, ReaderError) as exc:
        _show_error(QCoreApplication.translate("app", "readerapp cannot open the library"), str(exc))
        return 1
    except OSError as exc:
        _show_error(QCoreApplication.translate("app", "readerapp cannot open the library"),
                    f"{folder}: {exc.strerror or exc}")
        return 1

    from readerapp.ui.main_window import MainWindow

    window = MainWindow(library)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    window.show()
    # a background job: quitting cancels it with the others
    _start_maintenance(library, window, on_problem=window.show_library_problem)

    def after_show():
        window.restore_session()
        window.install_semantic_search()
        for target in [*args.open, *args.targets]:
            if target.isdigit():
                if int(target) in set(library.all_paper_ids()):
                    window.open_paper(int(target))
                else:
                    window.show_error(QCoreApplication.translate("app", "No paper with id %1.").replace("%1", target))
            else:
                window.open_path(target)

    QTimer.singleShot(0, after_show)
    from readerapp.ui import heap

    # once start-up is over (the window shown, the session restored): see readerapp/ui/heap.py
    QTimer.singleShot(SETTLE_HEAP_MS, window, heap.settle)
    if AFTER_SHOW_HOOK is not None:
        AFTER_SHOW_HOOK()
    exit_ms = os.environ.get(EXIT_AFTER_SHOW_ENV)
    if exit_ms and exit_ms.isdigit():
        QTimer.singleShot(int(exit_ms), window.close)
    app.setQuitOnLastWindowClosed(True)
    if own_app:
        _close_on_signals(window)
    try:
        code = app.exec()
    finally:
        if window.isVisible():
            window.close()
        from readerapp.ui.workers import active_jobs

        if own_app:
            import signal

            try:
                signal.set_wakeup_fd(-1)
            except ValueError:
                pass
        window.shutdown()  # cancels every background job and waits for them at most 1 s together
        still_running = any(job.thread_alive() for job in active_jobs())
        window.deleteLater()
        QCoreApplication.sendPostedEvents(None, 0)
        if not still_running:  # else the process exit ends it; SQLite keeps the data consistent
            library.close()
        elif own_app:
            _exit_without_finalizing(int(code or 0))
    return int(code or 0)


if __name__ == "__main__":
    sys.exit(main())
