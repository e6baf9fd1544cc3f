"""The examples in the library's docstrings run as written."""

from __future__ import annotations

import doctest
import importlib
import os

import pytest

from conftest import ROOT

MODULES = [
    "ipplan.loaders",
    "ipplan.loaders.deadlines",
    "ipplan.loaders.units",
    "ipplan.loaders.numbering",
    "ipplan.loaders.roles",
    "ipplan.loaders.script",
    "ipplan.loaders.titles",
    "ipplan.loaders.prose",
    "ipplan.loaders.columns",
    "ipplan.graph.vocab",
    "ipplan.graph.registry",
    "ipplan.graph.build",
    "ipplan.graph.sparql",
    "ipplan.graph.validate",
    "ipplan.graph.terms",
    "ipplan.graph.engine",
    "ipplan.graph.endpoint",
    "ipplan.graph.clusters",
    "ipplan.graph.overload",
    "ipplan.graph.brokers",
    "ipplan.output",
    "ipplan.numerals",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name, monkeypatch):
    monkeypatch.chdir(ROOT)  # examples name data/fuzhou-ip-plan.txt
    module = importlib.import_module(name)
    failures, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert tried > 0, f"{name} has no examples"
    assert failures == 0
    assert os.getcwd() == str(ROOT)
