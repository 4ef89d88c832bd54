"""Ralph's LRS for the xAPI tests, run by Ralph's own interpreter (.ci/ralph-venv/bin/python): uvicorn on
127.0.0.1 with the file-system backend. `ralph runserver` would also watch the folder and reload, so
uvicorn is started directly; and Ralph 5.1.0's file-system LRS writes with `create`, which refuses every
write after the first to its one file, so it is told to append instead (its other backends index).
"""

import sys

import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND
uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="info")
