import sys

from prr_app.cli.main import main

sys.exit(main())
