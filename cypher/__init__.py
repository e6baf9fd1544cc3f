"""The Cypher stage: the RDF graph as a property graph in a Bolt database.

Which server (:mod:`ipplan.cypher.server`: the user's Neo4j from ``NEO4J_URI``, or an
embedded ArcadeDB that ipplan starts in its own process), sessions on it with connection
errors told in one line (:mod:`ipplan.cypher.sessions`), and the push of the RDF graph with
its counts (:mod:`ipplan.cypher.push`), over the labels and relationship types of
:mod:`ipplan.cypher.schema`. Running saved Cypher queries is :mod:`ipplan.queries`' work.
"""

from __future__ import annotations

from ipplan.cypher.push import (BATCH, database_counts, ensure_constraints, expected_counts,
                                property_graph, push_graph, wipe_plan)
from ipplan.cypher.schema import LABELS, RELATIONSHIPS
from ipplan.cypher.server import (BOLT_SCHEMES, DEFAULT_TIMEOUT, BoltError, EmbeddedServer, Target,
                                  configured_target, describe, embedded_server)
from ipplan.cypher.sessions import session_scope

__all__ = ["BATCH", "BOLT_SCHEMES", "DEFAULT_TIMEOUT", "LABELS", "RELATIONSHIPS", "BoltError",
           "EmbeddedServer", "Target", "configured_target", "database_counts", "describe",
           "embedded_server", "ensure_constraints", "expected_counts", "property_graph",
           "push_graph", "session_scope", "wipe_plan"]
