"""Type stubs of hdtw (the C extension hdtw._hdtw)."""
from typing import Literal, NamedTuple, Sequence, Union

import numpy as np
import numpy.typing as npt

__version__: str

ArrayLike1D = Union[npt.ArrayLike, Sequence[float]]
Cost = Literal["abs", "squared"]
Backend = Literal["auto", "scalar", "avx2", "avx512", "opencl"]

class Alignment(NamedTuple):
    """align()'s result; path is a (k, 2) intp array of (i, j)."""
    distance: float
    similarity: float
    path: npt.NDArray[np.intp]

def distance(a: ArrayLike1D, b: ArrayLike1D, /, *, cost: Cost = "abs",
             band: int = -1, backend: Backend = "auto",
             threads: int = 0) -> float:
    """DTW distance between the 1-D series a and b."""

def align(a: ArrayLike1D, b: ArrayLike1D, /, *, cost: Cost = "abs",
          band: int = -1, backend: Backend = "auto",
          threads: int = 0) -> Alignment:
    """Distance, similarity and an optimal warping path."""

def batch(pattern: ArrayLike1D, windows: npt.ArrayLike, /, *,
          cost: Cost = "abs", band: int = -1, backend: Backend = "auto",
          threads: int = 0) -> npt.NDArray[np.float64]:
    """distance(pattern, windows[k]) for every row of a 2-D array."""

def sliding(pattern: ArrayLike1D, series: ArrayLike1D, /, window: int,
            stride: int = 1, *, cost: Cost = "abs", band: int = -1,
            backend: Backend = "auto",
            threads: int = 0) -> npt.NDArray[np.float64]:
    """distance(pattern, series[s:s+window]) for s = 0, stride, ..."""

def search(query: ArrayLike1D, series: ArrayLike1D, /, k: int = 1, *,
           znorm: bool = True, exclusion: int | None = None,
           cost: Cost = "abs", band: int = -1, backend: Backend = "auto",
           threads: int = 0
           ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float64]]:
    """The k windows of series most similar to query: (starts, distances)."""

def znorm(x: ArrayLike1D, /) -> npt.NDArray[np.float64]:
    """x z-normalised (population deviation), as search() does it."""

def backends() -> list[str]:
    """The backends available here ('scalar' always)."""
