"""Entry point of the PyInstaller build (packaging/readerapp.spec).

The one-folder build holds two executables made from this script:
  readerapp      console program: the full command line; no command starts the GUI
  readerapp-gui  windowed program (no console window on Windows): the GUI, with the
                 PDF files it was asked to open (double-click, "Open With", the .desktop %f)
"""

import multiprocessing
import os
import sys


def main() -> int:
    # The importer extracts text in "spawn" worker processes: in a frozen build those
    # start this executable again, and freeze_support() turns them into workers.
    multiprocessing.freeze_support()
    exe = sys.executable if getattr(sys, "frozen", False) else sys.argv[0]
    name = os.path.splitext(os.path.basename(exe))[0].lower()
    if name.endswith("-gui") or name == "readerapp_gui":
        from readerapp.app import main as gui_main

        return gui_main(sys.argv[1:])
    from readerapp.cli import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
