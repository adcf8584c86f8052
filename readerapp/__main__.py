from readerapp.cli import main

raise SystemExit(main())
