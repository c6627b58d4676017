"""Shared fixtures; the helpers themselves live in showctl.testing."""

import os
import tempfile

# Run logs (written by every run) go to a throw-away state folder during the tests,
# for this process and the showctl subprocesses the tests start.
os.environ["XDG_STATE_HOME"] = tempfile.mkdtemp(prefix="showctl-test-state-")
