"""``--format sarif``: a SARIF 2.1.0 log that GitHub code scanning accepts.

What GitHub needs and checks: every rule described in ``tool.driver.rules``; every result with a location
whose uri is relative to the repository (``%SRCROOT%``, the directory the scan ran in) and whose region is
1-based (a column 0 or a result without a location is rejected); ``partialFingerprints`` so that an alert
keeps its identity when code moves.  Unlike gitleaks we never write a ``snippet``: the source line is the
secret.  Messages carry only the masked secret.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Optional
from urllib.parse import quote

from hf_secret_guard._version import __version__
from hf_secret_guard.model import Finding, ScanError, Verification
from hf_secret_guard.providers import DEFAULT
from hf_secret_guard.report.region import cell_place, file_region, relative_path
from hf_secret_guard.report.verification import record, sarif_level
from hf_secret_guard.rules import RULES, Rule

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/hf-secret-guard/hf-secret-guard"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "hfSecretGuard/v1"
# GitHub ranks security alerts by this rule property (CVSS-like, 0-10; 7.0 and above is "high"): every rule
# here is a usable credential in a file.
SECURITY_SEVERITY = "8.5"
REVOKE_URL = DEFAULT.revoke_url
_RULE_INDEX = {code: index for index, code in enumerate(RULES)}


def _rule_descriptor(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.help},
        "help": {
            "text": f"{rule.help}\n\nA leaked token stays valid until it is revoked at {REVOKE_URL}.",
            "markdown": f"**{rule.code} {rule.name}**: {rule.help}\n\nA leaked token stays valid until "
            f"it is revoked at [{REVOKE_URL.split('://', 1)[1]}]({REVOKE_URL}).",
        },
        "helpUri": f"{INFORMATION_URI}#rules",
        "defaultConfiguration": {"level": "error"},
        "properties": {
            "tags": ["security", "secrets", "external/cwe/cwe-798"],
            "precision": "high",
            "security-severity": SECURITY_SEVERITY,
        },
    }


def artifact_location(path: str, root: Optional[str] = None) -> dict[str, str]:
    """A uri relative to ``%SRCROOT%`` when the file is under it, else an absolute ``file:`` uri; the name's
    own bytes percent-encoded (``os.fsencode``: a byte that was not UTF-8 comes back as it was), as
    ``as_uri`` encodes them."""
    relative = relative_path(path, root)
    if relative is None:
        return {"uri": Path(path).resolve().as_uri()}
    return {"uri": quote(os.fsencode(relative), safe="/"), "uriBaseId": SRCROOT}


def _region(finding: Finding) -> dict[str, int]:
    place = file_region(finding)
    region = {"startLine": place.line, "startColumn": place.column, "endLine": place.end_line}
    if place.end_column is not None:
        region["endColumn"] = place.end_column
    return region


def _message(finding: Finding) -> str:
    place = cell_place(finding)
    return f"{place}: {finding.message}" if place else finding.message


def _result(
    finding: Finding, occurrence: int, root: Optional[str], verification: Optional[Verification] = None
) -> dict[str, Any]:

    properties: dict[str, Any] = {
        "secret": finding.masked,
        "confidence": finding.confidence,
        "fixable": finding.fixable,
        "site": finding.site,
    }
    if finding.cell is not None:
        properties.update(cell=finding.cell, output=finding.output)
    if not finding.span_in_file:
        properties.update(cellLine=finding.span.line, cellColumn=finding.span.column)
    if verification is not None:  # --verify: what the Hub said about this token
        properties["verified"] = record(verification)
    result: dict[str, Any] = {"ruleId": finding.rule}
    if finding.rule in _RULE_INDEX:
        result["ruleIndex"] = _RULE_INDEX[finding.rule]
    return {
        **result,
        "level": sarif_level(verification),
        "message": {"text": _message(finding)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact_location(finding.path, root),
                    "region": _region(finding),
                }
            }
        ],
        # The same secret twice in one file shares our fingerprint; the occurrence keeps two alerts apart.
        "partialFingerprints": {FINGERPRINT_KEY: f"{finding.fingerprint}:{occurrence}"},
        "properties": properties,
    }


def _notification(error: ScanError, root: Optional[str]) -> dict[str, Any]:
    return {
        "level": "error" if error.kind == "read" else "warning",
        "message": {"text": f"{error.path}: {error.message}"},
        "locations": [{"physicalLocation": {"artifactLocation": artifact_location(error.path, root)}}],
    }


def sarif_log(
    findings: Sequence[Finding],
    errors: Sequence[ScanError],
    root: Optional[str] = None,
    verifications: Optional[Mapping[str, Verification]] = None,
) -> dict[str, Any]:
    """The SARIF log as a JSON-ready value; ``root`` is ``%SRCROOT%`` (default: the current directory).

    ``verifications`` (``--verify``, by secret hash) add ``properties.verified`` and make a token the Hub
    no longer accepts a warning instead of an error.
    """
    answers = verifications or {}
    seen: Counter[str] = Counter()
    results = []
    for finding in findings:
        seen[finding.fingerprint] += 1
        results.append(_result(finding, seen[finding.fingerprint], root, answers.get(finding.secret_hash)))
    root_uri = Path(root or ".").resolve().as_uri().rstrip("/") + "/"
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "hf-secret-guard",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [_rule_descriptor(rule) for rule in RULES.values()],
                    }
                },
                "originalUriBaseIds": {SRCROOT: {"uri": root_uri}},
                "invocations": [
                    {
                        "executionSuccessful": not any(e.kind == "read" for e in errors),
                        "toolExecutionNotifications": [_notification(e, root) for e in errors],
                    }
                ],
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def render_sarif(
    findings: Sequence[Finding],
    errors: Sequence[ScanError],
    root: Optional[str] = None,
    verifications: Optional[Mapping[str, Verification]] = None,
) -> str:
    log = sarif_log(findings, errors, root, verifications)
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
