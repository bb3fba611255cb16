"""Generated Open Badges 3.0 credentials: the fast path and pyld agree on every one.

The credentials vary what real ones vary: optional fields, single values or arrays, blank
nodes or identifiers, nested objects, numbers, booleans, unicode and characters N-Quads must
escape, repeated alignments (blank nodes that look alike), proofs (named graphs), and now and
then a term, type or identifier that safe mode must refuse. A credential with a control
character that pyld escapes unlike RDFC-1.0 is compared with pyld's result escaped the
recommendation's way (``agree.py``).
"""

from __future__ import annotations

import string
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.jsonld.agree import assert_fast_path_agrees

V2 = "https://www.w3.org/ns/credentials/v2"
OB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"

Json = dict[str, Any]

# Text with what N-Quads escapes (quote, backslash, tab, newline, return), other controls,
# and non-ASCII; no lone surrogates, which no UTF-8 document can carry.
text = st.text(
    alphabet=st.one_of(
        st.sampled_from('"\\\t\n\r\x00\x7f\u2028 é日👩🏽‍🎓'),
        st.characters(exclude_categories=["Cs"]),
    ),
    max_size=24,
)
short = st.text(string.ascii_letters + string.digits + "-", min_size=1, max_size=10)
url = short.map(lambda s: f"https://example.edu/{s}")
urn = st.uuids().map(lambda u: f"urn:uuid:{u}")
did = short.map(lambda s: f"did:example:{s}")
identifier = st.one_of(url, urn, did)
datetime_text = st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ"))
number = st.one_of(
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15),
)


def one_or_many(item: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(item, st.lists(item, min_size=1, max_size=3))


def types(name: str) -> st.SearchStrategy[Any]:
    return st.sampled_from([name, [name]])


def node(name: str, required: Json, optional: Json) -> st.SearchStrategy[Json]:
    """A node of type ``name``; a blank node unless it is given an identifier."""
    if "id" not in required:
        optional = {"id": identifier, **optional}
    return st.fixed_dictionaries({"type": types(name), **required}, optional=optional)


image = st.one_of(url, node("Image", {"id": url}, {"caption": text}))
criteria = st.fixed_dictionaries({}, optional={"id": url, "narrative": text})
alignment = node(
    "Alignment",
    {"targetName": text, "targetUrl": url},
    {
        "targetDescription": text,
        "targetFramework": st.sampled_from(["ESCO", "O*NET", "CASE"]),
        "targetCode": short,
        "targetType": st.sampled_from(["ext:ESCOSkill", "CFItem", "ceasn:Competency"]),
    },
)
result_description = node(
    "ResultDescription",
    {"name": text, "resultType": st.sampled_from(["LetterGrade", "Percent", "Status"])},
    {
        "allowedValue": st.lists(short, max_size=4),
        "requiredValue": short,
        "valueMin": short,
        "valueMax": short,
    },
)
achievement = node(
    "Achievement",
    {"name": text, "criteria": criteria},
    {
        "description": text,
        "achievementType": st.sampled_from(["Badge", "Certificate", "MicroCredential"]),
        "image": image,
        "alignment": st.lists(st.one_of(alignment, alignment.map(lambda a: a)), max_size=3).map(
            lambda items: items + items[:1] if len(items) == 2 else items  # a repeated one
        ),
        "resultDescription": st.lists(result_description, max_size=2),
        "creditsAvailable": number,
        "tag": one_or_many(short),
        "inLanguage": st.sampled_from(["en", "nl", "fr-BE"]),
        "humanCode": short,
    },
)
result = node(
    "Result",
    {},
    {
        "value": short,
        "status": st.sampled_from(["Completed", "Enrolled"]),
        "resultDescription": urn,
    },
)
identity = node(
    "IdentityObject",
    {"hashed": st.booleans(), "identityHash": short, "identityType": st.just("emailAddress")},
    {"salt": short},
)
address = node(
    "Address", {}, {"addressCountry": text, "addressLocality": text, "postalCode": short}
)
profile = node(
    "Profile",
    {"id": identifier, "name": text},
    {
        "url": url,
        "email": short.map(lambda s: f"{s}@example.edu"),
        "image": image,
        "address": address,
    },
)
subject = node(
    "AchievementSubject",
    {"achievement": achievement},
    {
        "result": st.lists(result, max_size=2),
        "identifier": st.lists(identity, max_size=1),
        "creditsEarned": number,
        "activityEndDate": datetime_text,
    },
)
evidence = node(
    "Evidence",
    {},
    {"name": text, "narrative": text, "description": text, "genre": short, "audience": text},
)
proof = st.fixed_dictionaries(
    {
        "type": st.just("DataIntegrityProof"),
        "cryptosuite": st.just("eddsa-rdfc-2022"),
        "created": datetime_text,
        "verificationMethod": did.map(lambda d: f"{d}#key-1"),
        "proofPurpose": st.just("assertionMethod"),
        "proofValue": short.map(lambda s: f"z{s}"),
    }
)
credential = st.fixed_dictionaries(
    {
        "@context": st.just([V2, OB]),
        "type": st.sampled_from(
            [
                ["VerifiableCredential", "OpenBadgeCredential"],
                ["VerifiableCredential", "AchievementCredential"],
                ["OpenBadgeCredential", "VerifiableCredential"],
            ]
        ),
        "issuer": st.one_of(url, profile),
        "credentialSubject": one_or_many(subject),
    },
    optional={
        "id": urn,
        "name": text,
        "description": text,
        "validFrom": datetime_text,
        "validUntil": datetime_text,
        "evidence": one_or_many(evidence),
        "proof": one_or_many(proof),
    },
)

# What safe mode must refuse, put somewhere in an otherwise good credential.
mistake = st.sampled_from(
    [
        ("shoeSize", 44),
        ("type", ["VerifiableCredential", "Diploma"]),
        ("id", "relative/id"),
        ("issuer", "issuers/relative"),
    ]
)


@st.composite
def flawed_credential(draw: st.DrawFn) -> Json:
    document = draw(credential)
    key, value = draw(mistake)
    target = document["credentialSubject"]
    target = target[0] if isinstance(target, list) else target
    draw(st.sampled_from([document, target, target["achievement"]]))[key] = value
    return document


def examples(count: int) -> settings:
    return settings(
        max_examples=count,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


@examples(150)
@given(credential)
def test_generated_credentials_agree(document: Json) -> None:
    assert assert_fast_path_agrees(document)[0] == "ok"


@examples(60)
@given(flawed_credential())
def test_generated_refusals_agree(document: Json) -> None:
    assert_fast_path_agrees(document)


@pytest.mark.slow
@examples(2000)
@given(credential)
def test_thousands_of_generated_credentials_agree(document: Json) -> None:
    assert assert_fast_path_agrees(document)[0] == "ok"
