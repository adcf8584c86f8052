"""install-desktop: the application-menu entry, PDF association and icons (Linux)."""

from __future__ import annotations

from readerapp.cli import EXIT_OK, print_json


def register(sub) -> None:
    p = sub.add_parser(
        "install-desktop",
        help="add ReaderApp to the application menu and the PDF 'Open With' list (Linux)",
        description="Writes io.github.readerapp.ReaderApp.desktop (MimeType=application/pdf), its icons "
                    "(16-512 px and SVG) and AppStream metainfo under $XDG_DATA_HOME (default "
                    "~/.local/share) for the current user; no root needed. The entry starts the "
                    "readerapp-gui launcher of this installation. --remove takes exactly those files away.")
    p.add_argument("--exec", dest="exec_path", metavar="PATH",
                   help="the program the menu entry starts (default: the readerapp-gui launcher next to "
                        "this command, or the frozen build's own launcher)")
    p.add_argument("--data-home", metavar="DIR",
                   help="install under DIR instead of $XDG_DATA_HOME (for packagers and tests)")
    p.add_argument("--default-pdf", action="store_true",
                   help="also make ReaderApp the default PDF application (via xdg-mime)")
    p.add_argument("--remove", action="store_true", help="remove the installed menu entry, icons and metainfo")
    p.add_argument("--json", action="store_true", help="print what was written or removed as JSON")
    p.set_defaults(func=cmd_install_desktop)


def cmd_install_desktop(args) -> int:
    import sys
    from pathlib import Path

    from readerapp.core.desktop import install_desktop, uninstall_desktop

    data_home = Path(args.data_home).expanduser() if args.data_home else None
    if args.remove:
        result = uninstall_desktop(data_home)
    else:
        result = install_desktop(data_home, args.exec_path, set_default_pdf=args.default_pdf)
    if args.json:
        print_json({"data_home": str(result.data_home), "exec": result.exec_path or None,
                    "written": [str(p) for p in result.written], "removed": [str(p) for p in result.removed],
                    "notes": result.notes})
        return EXIT_OK
    if args.remove:
        print(f"removed {len(result.removed)} file(s) from {result.data_home}"
              if result.removed else f"nothing to remove in {result.data_home}")
    else:
        print(f"installed the ReaderApp menu entry and {len(result.written) - 2} icons in {result.data_home}")
        print(f"it starts: {result.exec_path}")
    for note in result.notes:
        print(note, file=sys.stderr)
    return EXIT_OK
