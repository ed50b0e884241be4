# SPDX-License-Identifier: MIT
"""The docstrings' worked examples (the dtaidistance and tslearn
conventions among them) run and give the numbers they quote; the type
stubs, the signatures and the package metadata agree with the module."""
import ast
import doctest
import importlib.metadata
import inspect
import pathlib

import pytest

import hdtw
import hdtw._hdtw

FUNCTIONS = ["distance", "align", "batch", "sliding", "search", "subsequence", "cdist",
             "pdist", "znorm", "backends"]


def test_docstring_examples_run():
    result = doctest.testmod(hdtw._hdtw, verbose=False, report=True)
    assert result.failed == 0
    assert result.attempted >= 19


def test_every_function_has_a_docstring_and_a_signature():
    assert sorted(hdtw.__all__) == sorted(FUNCTIONS + ["Alignment", "CancelledError",
                                                  "__version__"])
    for name in FUNCTIONS:
        fn = getattr(hdtw, name)
        assert len(fn.__doc__) > 80, name
        inspect.signature(fn)
    assert "dtaidistance" in hdtw.__doc__ and "tslearn" in hdtw.__doc__


def stub_signatures():
    """{name: [parameter names and kinds]} from hdtw/__init__.pyi."""
    stub = pathlib.Path(hdtw.__file__).with_name("__init__.pyi")
    tree = ast.parse(stub.read_text())
    out = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            a = node.args
            out[node.name] = ([(p.arg, "POSITIONAL_ONLY") for p in a.posonlyargs]
                              + [(p.arg, "POSITIONAL_OR_KEYWORD") for p in a.args]
                              + [(p.arg, "KEYWORD_ONLY") for p in a.kwonlyargs])
    return out


def test_stubs_match_the_module():
    stubs = stub_signatures()
    assert sorted(stubs) == sorted(FUNCTIONS)
    for name, params in stubs.items():
        sig = inspect.signature(getattr(hdtw, name))
        assert [(p.name, p.kind.name) for p in sig.parameters.values()] == params


def test_alignment_fields():
    al = hdtw.align([0.0, 1.0], [0.0, 1.0])
    assert type(al) is hdtw.Alignment
    distance, similarity, path = al
    assert (distance, similarity) == (al.distance, al.similarity) == (0.0, 1.0)
    assert path is al.path


def test_version_matches_the_package_metadata():
    assert hdtw.__version__ == importlib.metadata.version("hdtw")


def test_stubs_pass_mypy_stubtest():
    # mypy is installed by .ci/run; elsewhere: pip install mypy
    stubtest = pytest.importorskip("mypy.stubtest")
    assert stubtest.test_stubs(stubtest.parse_options(["hdtw"])) == 0
