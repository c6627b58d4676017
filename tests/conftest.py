"""Shared fixtures; the helpers themselves live in showctl.testing."""

import atexit
import os
import shutil
import tempfile

# Run logs (written by every run) go to a throw-away state folder during the tests,
# for this process and the showctl subprocesses the tests start.
os.environ["XDG_STATE_HOME"] = tempfile.mkdtemp(prefix="showctl-test-state-")
atexit.register(shutil.rmtree, os.environ["XDG_STATE_HOME"], ignore_errors=True)
# Running shows register in a private runtime folder, so the tests never see (or stop)
# a show someone runs on this machine, and `showctl ps` in a test lists only its own.
os.environ["SHOWCTL_RUNTIME_DIR"] = tempfile.mkdtemp(prefix="showctl-test-run-")
atexit.register(shutil.rmtree, os.environ["SHOWCTL_RUNTIME_DIR"], ignore_errors=True)
