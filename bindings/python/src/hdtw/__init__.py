# SPDX-License-Identifier: MIT
"""Dynamic Time Warping on CPUs and GPUs, bit for bit the same.

The functions live in the C extension hdtw._hdtw (bindings/python/src);
help(hdtw.distance) and docs/PYTHON.md describe options, conventions of
dtaidistance / tslearn / aeon, copies and errors.
"""
from ._hdtw import (Alignment, CancelledError, __doc__, __version__, align,
                    backends, batch, cdist, distance, pdist, search, sliding,
                    subsequence, znorm)

__all__ = ["distance", "align", "batch", "sliding", "search", "subsequence",
           "cdist", "pdist", "znorm", "backends", "Alignment",
           "CancelledError", "__version__"]
