"""`python -m newswatch.demo` (or `make demo`): crawl the bundled site through four versions."""

import sys

from newswatch.demo import run_demo

sys.exit(run_demo())
