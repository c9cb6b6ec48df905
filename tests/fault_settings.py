"""Settings for worker subprocesses started by the fault tests: the test settings, with generated files in a
folder the test chooses (config.settings_test fixes MEDIA_ROOT)."""

import os
from pathlib import Path

from config.settings_test import *  # noqa: F403

MEDIA_ROOT = Path(os.environ["FAULT_MEDIA_ROOT"])
