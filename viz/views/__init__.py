"""One module per kind of page, each building a :class:`~ipplan.viz.model.Page` from the
analysed graph: ``network`` (units and who works with whom), ``plan`` (a plan's themes,
tasks, measures and units), ``unit``, ``cluster``, and ``overview`` (clusters as nodes for a
network too big to read; plans as boxes for a corpus). ``parts`` holds what they share."""
