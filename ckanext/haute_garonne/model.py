"""Our one table: the validation reports of SCDL files.

A report is keyed by resource and file hash: the same file is never
validated twice, and a resource's current status is its latest report.
"""

from __future__ import annotations

import datetime
from typing import Any

from sqlalchemy import Column, DateTime, Index, Integer, UnicodeText, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.model.types import make_uuid

PENDING, RUNNING, VALID, INVALID, ERROR = (
    "pending",
    "running",
    "valid",
    "invalid",
    "error",
)
STATUSES = (PENDING, RUNNING, VALID, INVALID, ERROR)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


class ResourceValidation(tk.BaseModel):  # type: ignore[misc]
    __tablename__ = "haute_garonne_validation"
    __table_args__ = (
        UniqueConstraint(
            "resource_id", "file_hash", name="haute_garonne_validation_resource_hash"
        ),
        Index("haute_garonne_validation_resource_created", "resource_id", "created"),
    )

    id = Column(UnicodeText, primary_key=True, default=make_uuid)
    resource_id = Column(UnicodeText, nullable=False)
    package_id = Column(UnicodeText, nullable=False, index=True)
    file_hash = Column(UnicodeText, nullable=False)
    standard = Column(UnicodeText, nullable=False)
    version = Column(UnicodeText, nullable=False)
    status = Column(UnicodeText, nullable=False, default=PENDING)
    error_count = Column(Integer, nullable=False, default=0)
    report = Column(JSONB)
    created = Column(DateTime(timezone=True), nullable=False, default=_now)
    finished = Column(DateTime(timezone=True))

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "resource_id": self.resource_id,
            "package_id": self.package_id,
            "file_hash": self.file_hash,
            "standard": self.standard,
            "version": self.version,
            "status": self.status,
            "error_count": self.error_count,
            "report": self.report,
            "created": self.created.isoformat() if self.created else None,
            "finished": self.finished.isoformat() if self.finished else None,
        }

    @classmethod
    def latest(cls, resource_id: str) -> ResourceValidation | None:
        return (
            model.Session.query(cls)
            .filter(cls.resource_id == resource_id)
            .order_by(cls.created.desc())
            .first()
        )

    @classmethod
    def for_hash(cls, resource_id: str, file_hash: str) -> ResourceValidation | None:
        return (
            model.Session.query(cls)
            .filter(cls.resource_id == resource_id, cls.file_hash == file_hash)
            .first()
        )


def hidden_resource_ids(package_id: str) -> set[str]:
    """Resources of a dataset whose latest validation failed."""
    return hidden_resource_ids_of([package_id])


def hidden_resource_ids_of(package_ids: list[str]) -> set[str]:
    """Resources of these datasets whose latest validation failed, in one query."""
    if not package_ids:
        return set()
    rows = (
        model.Session.query(ResourceValidation.resource_id, ResourceValidation.status)
        .filter(ResourceValidation.package_id.in_(package_ids))
        .order_by(ResourceValidation.resource_id, ResourceValidation.created.desc())
        .distinct(ResourceValidation.resource_id)
        .all()
    )
    return {resource_id for resource_id, status in rows if status in (INVALID, ERROR)}
