# SPDX-License-Identifier: MIT
# Link options of every suite and fuzz harness: each computing entry point
# passes through tests/backends.c, which notes the backend that served it
# (the lists CI and scripts/fuzz-smoke print).
set(HDTW_TEST_WRAP
  LINKER:--wrap=hdtw_distance,--wrap=hdtw_align,--wrap=hdtw_batch,--wrap=hdtw_sliding,--wrap=hdtw_search,--wrap=hdtw_cdist,--wrap=hdtw_pdist,--wrap=hdtw_subsequence)
