"""Type stubs of hdtw (the C extension hdtw._hdtw)."""
from typing import Callable, ClassVar, Literal, Sequence, Union, final

import numpy as np
import numpy.typing as npt

__all__ = ["distance", "align", "batch", "sliding", "search", "subsequence",
           "cdist", "pdist", "znorm", "backends", "Alignment",
           "CancelledError", "__version__"]
__version__: str

_ArrayLike1D = Union[npt.ArrayLike, Sequence[float]]
_Cost = Literal["abs", "squared"]
_Backend = Literal["auto", "scalar", "avx2", "avx512", "opencl"]
# progress(done, total): True cancels (CancelledError); None or False goes on
_Progress = Callable[[int, int], Union[bool, None]]
# a 2-D array (count, n), or a sequence of 1-D arrays of any lengths
_SeriesSet = Union[npt.ArrayLike, Sequence[_ArrayLike1D]]
# hdtw_params.max_dist: None or 0 no threshold; > 0 (inf allowed) a
# threshold above which distances come back as inf; < 0 or NaN: ValueError
_MaxDist = Union[float, None]

class CancelledError(RuntimeError):
    """A long call stopped because its progress callable returned True."""

@final
class Alignment(tuple[float, float, npt.NDArray[np.intp]]):
    """align()'s result (a struct sequence, like os.stat_result):
    (distance, similarity, path), path a (k, 2) intp array of (i, j)."""
    n_fields: ClassVar[int]
    n_sequence_fields: ClassVar[int]
    n_unnamed_fields: ClassVar[int]
    __match_args__: ClassVar[tuple[str, str, str]]
    @property
    def distance(self) -> float: ...
    @property
    def similarity(self) -> float: ...
    @property
    def path(self) -> npt.NDArray[np.intp]: ...

def distance(a: _ArrayLike1D, b: _ArrayLike1D, /, *, cost: _Cost = "abs",
             band: int = -1, backend: _Backend = "auto",
             threads: int = 0, max_dist: _MaxDist = None) -> float:
    """DTW distance between the 1-D series a and b (inf above max_dist)."""

def align(a: _ArrayLike1D, b: _ArrayLike1D, /, *, cost: _Cost = "abs",
          band: int = -1, backend: _Backend = "auto",
          threads: int = 0) -> Alignment:
    """Distance, similarity and an optimal warping path."""

def batch(pattern: _ArrayLike1D, windows: npt.ArrayLike, /, *,
          cost: _Cost = "abs", band: int = -1, backend: _Backend = "auto",
          threads: int = 0, max_dist: _MaxDist = None,
          progress: _Progress | None = None) -> npt.NDArray[np.float64]:
    """distance(pattern, windows[k]) for every row of a 2-D array."""

def sliding(pattern: _ArrayLike1D, series: _ArrayLike1D, /, window: int,
            stride: int = 1, *, cost: _Cost = "abs", band: int = -1,
            backend: _Backend = "auto", threads: int = 0,
            max_dist: _MaxDist = None,
            progress: _Progress | None = None) -> npt.NDArray[np.float64]:
    """distance(pattern, series[s:s+window]) for s = 0, stride, ..."""

def search(query: _ArrayLike1D, series: _ArrayLike1D, /, k: int = 1, *,
           znorm: bool = True, exclusion: int | None = None,
           cost: _Cost = "abs", band: int = -1, backend: _Backend = "auto",
           threads: int = 0
           ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float64]]:
    """The k windows of series most similar to query: (starts, distances)."""

def subsequence(query: _ArrayLike1D, series: _ArrayLike1D, /, k: int = 1, *,
                cost: _Cost = "abs", backend: _Backend = "auto",
                threads: int = 0, max_dist: _MaxDist = None
                ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp],
                           npt.NDArray[np.float64]]:
    """Free-start, free-end matches of the whole query in series:
    (starts, ends, distances), ends inclusive (series[s:e + 1])."""

def cdist(A: _SeriesSet, B: _SeriesSet, /, *, cost: _Cost = "abs",
          band: int = -1, backend: _Backend = "auto", threads: int = 0,
          max_dist: _MaxDist = None,
          progress: _Progress | None = None) -> npt.NDArray[np.float64]:
    """(len(A), len(B)) matrix of distance(A[i], B[j])."""

def pdist(X: _SeriesSet, /, *, cost: _Cost = "abs", band: int = -1,
          backend: _Backend = "auto", threads: int = 0,
          max_dist: _MaxDist = None,
          progress: _Progress | None = None) -> npt.NDArray[np.float64]:
    """distance(X[i], X[j]) for i < j, condensed in scipy's pdist order."""

def znorm(x: _ArrayLike1D, /) -> npt.NDArray[np.float64]:
    """x z-normalised (population deviation), as search() does it."""

def backends() -> list[str]:
    """The backends available here ('scalar' always)."""
