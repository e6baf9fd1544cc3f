"""The graph stage: unit registry, RDF build against ontology/ip_plan.ttl, SHACL validation,
graph files, and the reports the commands print."""
