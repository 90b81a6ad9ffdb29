import sys

from evkg.cli.group import main

sys.exit(main())
