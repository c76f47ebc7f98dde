"""``python -m mockconnect``: the same as the ``mockconnect`` command."""

import sys

from mockconnect.cli import main

sys.exit(main())
