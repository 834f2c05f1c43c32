import sys

from goalloc.cli import main

sys.exit(main())
