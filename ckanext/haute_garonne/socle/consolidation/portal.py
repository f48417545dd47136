"""The CKAN side of consolidation: which files to merge, and the
Département's dataset that publishes the result.

The sources of a standard version are the files of every dataset whose
standard it is (SCDL datasets of its type, and generic datasets whose file
declares it) that are public and whose latest validation says valid for that
version. Every other file of the standard is listed in the report with the
reason it was left out.

The result is published by the Département (``collectivites.lookup.department``),
in a generic dataset named ``consolidation-<standard>``, created if missing,
with two files per version (see ``merge.py``): the consolidated file, which
declares the standard and so is validated like any SCDL upload, and the
provenance file. Its description sums up what was merged and left out,
naming only files the public sees (never a private, deleted, hidden or
not yet validated one, which it does not count either).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Iterator
from dataclasses import astuple, replace
from pathlib import Path
from typing import Any

from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context

from ckanext.haute_garonne import compat, config
from ckanext.haute_garonne.collectivites import lookup
from ckanext.haute_garonne.model import (
    ERROR,
    FINAL_STATUSES,
    INVALID,
    PENDING,
    RUNNING,
    VALID,
    ResourceValidation,
)
from ckanext.haute_garonne.socle.consolidation.merge import merge
from ckanext.haute_garonne.standards import registry
from ckanext.haute_garonne.types import (
    ConsolidationReport,
    ConsolidationSource,
    LeftOut,
    SchemaVersion,
)
from ckanext.haute_garonne.uploads import files, visibility
from ckanext.haute_garonne.uploads.runner import standard_of

log = logging.getLogger(__name__)

__all__ = [
    "DATASET_PREFIX",
    "ConsolidationError",
    "consolidate",
    "dataset_name",
    "fingerprint",
    "merged_dataset_ids",
    "require_department",
    "resolve",
    "wants_rebuild",
]

DATASET_PREFIX = "consolidation-"
# A resource field of the consolidated files: the ``fingerprint`` of what
# they were made from. Its format's version changes when what the files say
# of the same sources does (a new provenance column…).
FINGERPRINT = "consolidation_fingerprint"
FINGERPRINT_FORMAT = 1
# Another: the ids of the datasets whose files they merged, space-separated
# (``merged_dataset_ids``).
SOURCES = "consolidation_sources"
FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/UPDATE_CONT"
REASONS = {
    INVALID: "invalid",
    ERROR: "unreadable",
    PENDING: "pending",
    RUNNING: "pending",
}


class ConsolidationError(Exception):
    """Nothing can be consolidated (unknown standard, no Département…); the
    message is for the admin."""


def dataset_name(standard: str) -> str:
    return f"{DATASET_PREFIX}{standard}"


def _consolidated_names() -> list[str]:
    """The Département's consolidated datasets, never sources themselves."""
    return [dataset_name(name) for name in registry.standards()]


def resolve(standard: str, version: str | None = None) -> SchemaVersion:
    """The standard version to consolidate (the latest by default)."""
    found = registry.get_standard(standard)
    if found is None:
        raise ConsolidationError(
            tk._("No such standard: {id}").format(id=standard)
            + " ("
            + ", ".join(registry.standards())
            + ")"
        )
    if found.kind != "table":
        raise ConsolidationError(
            tk._(
                "Only tabular standards can be consolidated; {standard} files "
                "are JSON documents."
            ).format(standard=found.name)
        )
    chosen = found.version(version) if version else found.latest
    if chosen is None:
        raise ConsolidationError(
            tk._("Version {version} of {standard} is not accepted here").format(
                version=version, standard=found.identifier
            )
        )
    return chosen


def require_department() -> dict[str, Any]:
    owner = lookup.department_organization()
    if owner is None:
        raise ConsolidationError(
            tk._(
                "No collectivité of kind département: create the Département's "
                "organisation first (e.g. with ckan haute-garonne onboard)."
            )
        )
    return owner


def wants_rebuild(resource: dict[str, Any]) -> bool:
    """Whether a change of this file's validation calls for a new
    consolidation: not for the consolidated files themselves (which versions,
    if any: ``sources.versions_after_report``)."""
    dataset = model.Package.get(resource.get("package_id") or "")
    return dataset is not None and dataset.name not in _consolidated_names()


def merged_dataset_ids() -> dict[tuple[str, str], set[str] | None]:
    """For each published consolidated file, by (standard, version), the
    datasets whose files it merged: a change to a private dataset it does
    not list cannot change what the public reads in it (one query). None
    for a file that does not say (published by an earlier version of this
    extension)."""
    rows = (
        model.Session.query(model.Resource.extras)
        .join(model.Package, model.Package.id == model.Resource.package_id)
        .filter(model.Package.name.in_(_consolidated_names()))
        .filter(model.Package.state == "active")
        .filter(model.Resource.state == "active")
    )
    found: dict[tuple[str, str], set[str] | None] = {}
    for (extras,) in rows:
        extras = extras or {}
        if not extras.get("scdl_standard"):
            continue  # a provenance file: its consolidated file says the same
        key = (str(extras["scdl_standard"]), str(extras.get("scdl_version") or ""))
        listed = extras.get(SOURCES)
        found[key] = None if listed is None else set(str(listed).split())
    return found


def _site_context() -> Context:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True}


def _datasets(types: list[str]) -> Iterator[dict[str, Any]]:
    """Every active dataset of these types, private ones included, with all
    their files (those hidden from the public too, to report them)."""
    ids = (
        model.Session.query(model.Package.id)
        .filter(model.Package.type.in_(types))
        .filter(model.Package.state == "active")
        .filter(model.Package.name.notin_(_consolidated_names()))
        .order_by(model.Package.name)
    )
    for (package_id,) in ids.all():
        yield tk.get_action("package_show")({"ignore_auth": True}, {"id": package_id})


def _date(resource: dict[str, Any], dataset: dict[str, Any]) -> str:
    value = (
        resource.get("last_modified")
        or resource.get("created")
        or dataset.get("metadata_modified")
        or ""
    )
    return str(value)[:19]


def gather(
    version: SchemaVersion,
) -> tuple[list[tuple[dict[str, Any], ConsolidationSource]], list[LeftOut]]:
    """The files to merge (resource, source) and those left out."""
    types = [registry.dataset_type_of(version.standard).name]
    types.append(registry.GENERIC_DATASET_TYPE)
    datasets = list(_datasets(types))
    extras = compat.organization_extras({d["owner_org"] for d in datasets})
    site_url = tk.config["ckan.site_url"].rstrip("/")
    sources, left_out = [], []
    for dataset in datasets:
        organisation = dataset.get("organization") or {}
        for resource in dataset.get("resources", []):
            found = standard_of(dataset, resource)
            if found is None or found[0].standard != version.standard:
                continue
            label = " — ".join(
                p
                for p in (
                    organisation.get("title") or organisation.get("name"),
                    dataset.get("title") or dataset["name"],
                    resource.get("name") or resource["id"],
                )
                if p
            )
            public = not dataset.get("private")
            row = ResourceValidation.latest(resource["id"])
            if not public:
                left_out.append(LeftOut(label, "private", public=False))
            elif row is None:
                left_out.append(LeftOut(label, "not-validated", public=False))
            elif row.status != VALID:
                reason = REASONS.get(row.status, row.status)
                left_out.append(LeftOut(label, reason, public=_shown(row)))
            elif row.version != version.version:
                left_out.append(LeftOut(label, "version", detail=row.version))
            else:
                dataset_url = f"{site_url}/{dataset['type']}/{dataset['name']}"
                sources.append(
                    (
                        resource,
                        ConsolidationSource(
                            path="",
                            filename=resource.get("url", "").rsplit("/", 1)[-1],
                            label=label,
                            collectivite=organisation.get("title", ""),
                            siren=str(extras[dataset["owner_org"]].get("siren") or ""),
                            dataset_url=dataset_url,
                            resource_url=f"{dataset_url}/resource/{resource['id']}",
                            date=_date(resource, dataset),
                        ),
                    )
                )
    return sources, left_out


def _shown(row: ResourceValidation) -> bool:
    """Whether a left-out file of a public dataset may be named in public:
    only with a verdict, and if that verdict does not hide it (a file
    without a verdict, or hidden, is named nowhere)."""
    return row.status in FINAL_STATUSES and not visibility.resource_hidden(
        row.resource_id
    )


def _fetched(
    sources: list[tuple[dict[str, Any], ConsolidationSource]],
    left_out: list[LeftOut],
):
    """Each source with a local copy of its file, fetched one at a time (and
    removed once merged)."""
    for resource, source in sources:
        try:
            with files.fetched_stored(resource) as fetched:
                yield replace(source, path=str(fetched.path))
        except (files.FetchError, OSError) as e:
            left_out.append(LeftOut(source.label, "unreadable", detail=str(e)))


def consolidate(
    standard: str, version: str | None = None, *, force: bool = True
) -> ConsolidationReport:
    """Merge the valid public files of a standard version and publish the
    result in the Département's dataset. Raises ``ConsolidationError`` when
    there is nothing to publish it with (unknown standard, no Département).

    Unless ``force``, nothing is merged nor published again when what the
    public would read is what was last published (``fingerprint``): the
    report then says ``unchanged``, and the consolidated files keep their
    date."""
    chosen = resolve(standard, version)
    report = ConsolidationReport(chosen.standard, chosen.version)
    owner = require_department()
    sources, report.left_out = gather(chosen)
    key = fingerprint(chosen, sources, report.left_out)
    if not force and _published_with(owner, chosen, key):
        report.unchanged = True
        report.files = len(sources)
        report.dataset = dataset_name(chosen.standard)
        log.info(
            "Consolidation of %s %s: unchanged since last published (%s file(s))",
            chosen.standard,
            chosen.version,
            report.files,
        )
        return report
    with tempfile.TemporaryDirectory(prefix="haute_garonne-consolidation-") as tmp:
        data_name, provenance_name = _filenames(chosen)
        data_path = Path(tmp) / data_name
        provenance_path = Path(tmp) / provenance_name
        with (
            data_path.open("w", encoding="utf-8", newline="") as data_out,
            provenance_path.open("w", encoding="utf-8", newline="") as provenance_out,
        ):
            merged = merge(
                _fetched(sources, report.left_out),
                chosen,
                data_out,
                provenance_out,
                on_failure=lambda source, why: report.left_out.append(
                    LeftOut(source.label, "unreadable", detail=why)
                ),
            )
        report.files, report.rows = merged.files, merged.rows
        report.neutralised = merged.neutralised
        try:
            merged_ids = " ".join(sorted({r["package_id"] for r, _ in sources}))
            report.dataset = _publish(
                owner,
                chosen,
                (data_path, provenance_path),
                report,
                {FINGERPRINT: key, SOURCES: merged_ids},
            )
        except tk.ValidationError as e:
            report.problem = tk._(
                "The consolidated file was not published: {errors}"
            ).format(errors=e.error_summary or e.error_dict)
    log.info(
        "Consolidation of %s %s: %s file(s), %s row(s), %s left out%s",
        chosen.standard,
        chosen.version,
        report.files,
        report.rows,
        len(report.left_out),
        f" ({report.problem})" if report.problem else "",
    )
    return report


def fingerprint(
    version: SchemaVersion,
    sources: list[tuple[dict[str, Any], ConsolidationSource]],
    left_out: list[LeftOut],
) -> str:
    """What the public reads in a version's consolidated files, summed up:
    each merged file (its identity, its content's last change, where its rows
    say they come from) and each left-out file the public may see named.
    Files the public cannot see are neither merged nor named nor counted:
    a change to them (a private dataset edited, a file of it added) leaves
    it as it is, and harvesters see no new version of unchanged files."""
    merged = sorted(
        (
            resource["id"],
            str(resource.get("url") or ""),
            str(resource.get("last_modified") or ""),
            str(resource.get("size") or ""),
            str(resource.get("hash") or ""),
            *astuple(replace(source, path="")),
        )
        for resource, source in sources
    )
    shown = sorted(astuple(left) for left in left_out if left.public)
    payload = json.dumps(
        [FINGERPRINT_FORMAT, version.standard, version.version, merged, shown],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _uploads_by_name(dataset: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The dataset's uploaded files, by file name."""
    return {
        r.get("url", "").rsplit("/", 1)[-1]: r
        for r in dataset.get("resources", [])
        if r.get("url_type") == "upload"
    }


def _filenames(version: SchemaVersion) -> tuple[str, str]:
    """The consolidated file's name and the provenance file's (``merge``)."""
    base = f"{version.standard}-{version.version}"
    return f"{base}.csv", f"{base}-provenance.csv"


def _published_with(owner: dict[str, Any], version: SchemaVersion, key: str) -> bool:
    """Whether both files of this version are published by ``owner``, were
    made from what ``key`` sums up and list the datasets they merged."""
    try:
        dataset = tk.get_action("package_show")(
            _site_context(), {"id": dataset_name(version.standard)}
        )
    except tk.ObjectNotFound:
        return False
    if dataset.get("owner_org") != owner["id"] or dataset.get("state") != "active":
        return False
    found = _uploads_by_name(dataset)
    return all(
        name in found and found[name].get(FINGERPRINT) == key and SOURCES in found[name]
        for name in _filenames(version)
    )


# Publishing ------------------------------------------------------------------

N_ = registry.N_
REASON_LABELS = {
    "invalid": N_("does not follow the standard"),
    "unreadable": N_("could not be read"),
    "pending": N_("validation in progress"),
    "not-validated": N_("not validated yet"),
    "version": N_("follows another version"),
    "private": N_("private"),
}


def reason_label(left: LeftOut) -> str:
    text = tk._(REASON_LABELS.get(left.reason, left.reason))
    if left.detail:
        text += f" ({left.detail})"
    return text


def _summary(report: ConsolidationReport) -> str:
    lines = [
        tk._(
            "{rows} row(s) from {files} file(s) of the collectivités, merged on {date}."
        ).format(
            rows=report.rows,
            files=report.files,
            date=datetime.date.today().isoformat(),
        )
    ]
    public = [left for left in report.left_out if left.public]
    if public:
        lines.append("")
        lines.append(tk._("Files left out:"))
        lines.extend(f"- {left.label}: {reason_label(left)}" for left in public)
    return "\n".join(lines)


def _dataset(owner: dict[str, Any], version: SchemaVersion) -> dict[str, Any]:
    name = dataset_name(version.standard)
    context = _site_context()
    try:
        dataset = tk.get_action("package_show")(dict(context), {"id": name})
    except tk.ObjectNotFound:
        dataset_type = registry.dataset_type_of(version.standard)
        return tk.get_action("package_create")(
            dict(context),
            {
                "type": registry.GENERIC_DATASET_TYPE,
                "name": name,
                "title": tk._("{label}: every collectivité of {department}").format(
                    label=tk._(dataset_type.label),
                    department=config.department_name(),
                ),
                "notes": tk._(
                    "The {standard} files published on the portal by the "
                    "collectivités of {department}, merged into one file per "
                    "version of the standard. The consolidated file follows the "
                    "standard; the provenance file adds, on each row, the "
                    "collectivité, its SIREN, the source dataset and file, and "
                    "the date of that file. Rebuilt whenever a source file "
                    "changes."
                ).format(
                    standard=version.identifier, department=config.department_name()
                ),
                "owner_org": owner["id"],
                "frequency": FREQUENCY,
            },
        )
    if dataset["owner_org"] != owner["id"]:
        raise tk.ValidationError(
            {
                "name": [
                    tk._("The dataset {name} belongs to another organisation.").format(
                        name=name
                    )
                ]
            }
        )
    return dataset


def _upload(
    dataset: dict[str, Any],
    path: Path,
    name: str,
    description: str,
    extra: dict[str, Any],
) -> None:
    filename = path.name
    current = _uploads_by_name(dataset).get(filename)
    with path.open("rb") as stream:
        data = {
            "package_id": dataset["id"],
            "name": name,
            "description": description,
            "format": "CSV",
            "upload": FileStorage(stream, filename, content_type="text/csv"),
            **extra,
        }
        if current is None:
            tk.get_action("resource_create")(_site_context(), data)
        else:
            tk.get_action("resource_update")(
                _site_context(), {**data, "id": current["id"]}
            )


def _publish(
    owner: dict[str, Any],
    version: SchemaVersion,
    paths: tuple[Path, Path],
    report: ConsolidationReport,
    made_from: dict[str, str],
) -> str:
    """Publish the consolidated file and the provenance file (``paths``),
    each with the fields saying what they were made from."""
    data_path, provenance_path = paths
    dataset = _dataset(owner, version)
    summary = _summary(report)
    size = os.path.getsize(data_path)
    log.debug("Publishing %s (%s bytes)", data_path.name, size)
    files: tuple[tuple[Path, str, dict[str, Any]], ...] = (
        (
            data_path,
            tk._("{title} {version}: consolidated file"),
            {
                "scdl_standard": version.standard,
                "scdl_version": version.version,
                **made_from,
            },
        ),
        (
            provenance_path,
            tk._("{title} {version}: with the provenance of each row"),
            made_from,
        ),
    )
    for path, name, extra in files:
        title = name.format(title=version.title, version=version.version)
        _upload(dataset, path, title, summary, extra)
        # Read again: the next file is matched against the resources saved.
        dataset = tk.get_action("package_show")(_site_context(), {"id": dataset["id"]})
    return dataset["name"]
