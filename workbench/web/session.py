"""The app process of one browser tab: ``python -m workbench.web.session``, started by the server.

Everything comes from the environment the server set (never from a command line a shell could read):
``WORKBENCH_WEB_DB`` the project, ``WORKBENCH_CODER`` the coder (the proxy's user in team mode),
``WORKBENCH_WEB_BLIND`` blind coding, ``WORKBENCH_WEB_UPLOAD_URL`` where imports are uploaded.
"""

from __future__ import annotations

import os
import sys


def main() -> int:
    from workbench.errors import WorkbenchError
    from workbench.tui.launch import run_workbench

    try:
        return run_workbench(
            os.environ["WORKBENCH_WEB_DB"], os.environ["WORKBENCH_CODER"], blind=bool(os.environ.get("WORKBENCH_WEB_BLIND")),
            upload_url=os.environ.get("WORKBENCH_WEB_UPLOAD_URL"),
        )
    except (WorkbenchError, KeyError) as error:
        print(f"workbench: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
