"""The entry point of Bulwark's python3.x runtimes, as AWS's /var/runtime/bootstrap.py: the module search
path of AWS's Python runtimes, then AWS's runtime interface client (awslambdaric) for the handler in _HANDLER.

sys.path becomes /var/task, /opt/python/lib/python3.X/site-packages, /opt/python, then what the interpreter
set: PYTHONPATH (/var/runtime unless the function set its own), then the standard library under /var/lang.
"""

import os
import sys

if __name__ == "__main__":
    runtime_directory = os.path.dirname(os.path.abspath(__file__))
    version = "python%d.%d" % sys.version_info[:2]
    # The script's own directory, which the interpreter put first.
    del sys.path[0]
    front = [os.environ["LAMBDA_TASK_ROOT"], f"/opt/python/lib/{version}/site-packages", "/opt/python"]
    if runtime_directory not in sys.path:
        front.append(runtime_directory)
    sys.path[0:0] = front
    from awslambdaric.__main__ import main

    main([sys.argv[0], os.environ["_HANDLER"]])
