"""`python -m tremplin` runs the same command line as the `tremplin` script."""

from tremplin.grading.cli import main

raise SystemExit(main())
