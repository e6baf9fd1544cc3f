"""ipplan: a knowledge-graph explorer for government work plans (重点任务分解表).

Documents are read by ``ipplan.loaders`` into the records of ``ipplan.model``, built into an
RDF graph by ``ipplan.graph``, and reported on by the ``ipplan`` command line.
"""

__version__ = "0.1.0"
