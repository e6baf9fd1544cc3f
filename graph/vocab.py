"""The vocabulary: namespaces and the terms of ontology/ip_plan.ttl, named once.

Code refers to ``IPP.Measure`` or ``IPP.leadUnit``, never to IRIs spelled by hand. Instance
IRIs (plans, measures, units) live under :data:`ID` and are made by :func:`iri`.
"""

from __future__ import annotations

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, RDF, RDFS, SH, SKOS, XSD

from ipplan.model import DeadlineKind, Role

IPP = Namespace("https://w3id.org/ipplan/ontology#")
ID = Namespace("https://w3id.org/ipplan/id/")

PREFIXES = {
    "ipp": IPP,
    "ipd": ID,
    "org": ORG,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "prov": PROV,
    "xsd": XSD,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "sh": SH,
}

# Unit kinds: the slug used in the registry file -> the ontology's individual.
UNIT_KINDS: dict[str, URIRef] = {
    "municipal-department": IPP.MunicipalDepartment,
    "provincial-department": IPP.ProvincialDepartment,
    "party-organ": IPP.PartyOrgan,
    "judicial": IPP.JudicialOrgan,
    "customs": IPP.Customs,
    "district-collective": IPP.DistrictCollective,
    "development-zone": IPP.DevelopmentZoneCommittee,
    "university": IPP.University,
    "financial-institution": IPP.FinancialInstitution,
    "mass-organisation": IPP.MassOrganisation,
    "other": IPP.OtherUnit,
}
KIND_SLUGS: dict[URIRef, str] = {iri: slug for slug, iri in UNIT_KINDS.items()}

ROLES: dict[Role, URIRef] = {Role.LEAD: IPP.LeadRole, Role.SUPPORT: IPP.SupportRole}
ROLE_OF: dict[URIRef, Role] = {iri: role for role, iri in ROLES.items()}

DEADLINE_KINDS: dict[DeadlineKind, URIRef] = {
    DeadlineKind.FIXED: IPP.FixedDeadline,
    DeadlineKind.RECURRING: IPP.RecurringDeadline,
    DeadlineKind.ONGOING: IPP.OngoingDeadline,
    DeadlineKind.UNREAD: IPP.UnreadDeadline,
    DeadlineKind.NONE: IPP.NoDeadline,
}

# IRI characters: everything but ASCII outside the unreserved set is kept as written, so
# instance IRIs read as Chinese; the rest is percent-encoded.
_IRI_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")


def iri_segment(text: str) -> str:
    """One path segment of an instance IRI.

    >>> iri_segment("市委宣传部（版权局）")
    '市委宣传部（版权局）'
    >>> iri_segment("a b/c")
    'a%20b%2Fc'
    """
    out = []
    for char in text:
        if char in _IRI_SAFE or (ord(char) > 127 and not char.isspace() and char.isprintable()):
            out.append(char)
        else:
            out.extend(f"%{byte:02X}" for byte in char.encode("utf-8"))
    return "".join(out)


def iri(*segments: str | int) -> URIRef:
    """An instance IRI under :data:`ID` from path segments: ``iri("plan", "fuzhou")``."""
    return URIRef(str(ID) + "/".join(iri_segment(str(s)) for s in segments))


def plan_iri(plan_id: str) -> URIRef:
    return iri("plan", plan_id)


def theme_iri(plan_id: str, number: int) -> URIRef:
    return iri("plan", plan_id, "theme", number)


def task_iri(plan_id: str, key: str) -> URIRef:
    return iri("plan", plan_id, "task", key)


def measure_iri(plan_id: str, measure_id: str) -> URIRef:
    return iri("plan", plan_id, "measure", measure_id)


def assignment_iri(plan_id: str, measure_id: str, role: Role, position: int) -> URIRef:
    return iri("plan", plan_id, "measure", measure_id, role.value, position)


def unit_iri(jurisdiction: str, name: str) -> URIRef:
    return iri("unit", jurisdiction, name)


def jurisdiction_iri(name: str) -> URIRef:
    return iri("jurisdiction", name)


def bind_prefixes(graph: Graph) -> Graph:
    """Bind ipplan's prefixes on ``graph`` (replacing rdflib's defaults of the same name)."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph
