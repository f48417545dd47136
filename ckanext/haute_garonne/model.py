"""Our one table: the validation reports of SCDL files.

A report is keyed by resource and file hash: the same file is never
validated twice, and a resource's current status is its latest report.

A candidate (a new file that must pass before it replaces a published one,
see ``uploads/candidates.py``) is recorded under its own id, the key of its
staged copy, with ``file_hash`` ``candidate:<id of the resource it would
replace>``: no query about a resource's own file ever meets it.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Column, DateTime, Index, Integer, UnicodeText, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.model.types import make_uuid

if TYPE_CHECKING:
    from sqlalchemy import Select
    from sqlalchemy.orm import Mapped

PENDING, RUNNING, VALID, INVALID, ERROR = (
    "pending",
    "running",
    "valid",
    "invalid",
    "error",
)
STATUSES = (PENDING, RUNNING, VALID, INVALID, ERROR)
FINAL_STATUSES = (VALID, INVALID, ERROR)  # a verdict, as opposed to waiting
FAILED_STATUSES = (INVALID, ERROR)  # files hidden from the public
CANDIDATE_PREFIX = "candidate:"  # file_hash of a candidate: the resource it replaces


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


class ResourceValidation(tk.BaseModel):
    __tablename__ = "haute_garonne_validation"
    __table_args__ = (
        UniqueConstraint(
            "resource_id", "file_hash", name="haute_garonne_validation_resource_hash"
        ),
        Index("haute_garonne_validation_resource_created", "resource_id", "created"),
    )

    if TYPE_CHECKING:  # what the type checker reads (SQLAlchemy 2.0's Mapped)
        id: Mapped[str]
        resource_id: Mapped[str]
        package_id: Mapped[str]
        file_hash: Mapped[str]
        standard: Mapped[str]
        version: Mapped[str]
        status: Mapped[str]
        error_count: Mapped[int]
        report: Mapped[dict[str, Any] | None]
        created: Mapped[datetime.datetime]
        finished: Mapped[datetime.datetime | None]
    else:  # classic columns, for SQLAlchemy 1.4 (CKAN 2.11) and 2.0 alike
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
    def latest_of(
        cls,
        package_ids: list[str] | Select[Any],
        *columns: Any,
        live_only: bool = True,
    ) -> Any:
        """A query of the latest validation of each file of these datasets
        (ids, or a query of them; these columns of it, or the whole row), of
        their active files only unless ``live_only`` is false."""
        query = model.Session.query(*(columns or (cls,)))
        if live_only:
            query = query.join(
                model.Resource, model.Resource.id == cls.resource_id
            ).filter(model.Resource.state == "active")
        return (
            query.filter(cls.package_id.in_(package_ids))
            .order_by(cls.resource_id, cls.created.desc())
            .distinct(cls.resource_id)
        )

    @classmethod
    def decisive_statuses(cls, package_ids: list[str]) -> dict[str, tuple[str, str]]:
        """The status that decides whether each file of these datasets is
        public, as (dataset id, status) by resource id, in one query: its
        latest verdict (valid, invalid or error), or its waiting status
        (pending, running) while it has none. A file checked again keeps its
        verdict meanwhile. Candidates are left out."""
        if not package_ids:
            return {}
        rows = (
            model.Session.query(cls.resource_id, cls.package_id, cls.status)
            .filter(cls.package_id.in_(package_ids))
            .filter(~cls.file_hash.startswith(CANDIDATE_PREFIX))
            .order_by(
                cls.resource_id,
                cls.status.in_(FINAL_STATUSES).desc(),
                cls.created.desc(),
            )
            .distinct(cls.resource_id)
            .all()
        )
        return {
            resource_id: (package_id, status)
            for resource_id, package_id, status in rows
        }

    @classmethod
    def decisive_status(cls, resource_id: str) -> str | None:
        """``decisive_statuses`` for one file; None if never validated."""
        row = (
            model.Session.query(cls.status)
            .filter(cls.resource_id == resource_id)
            .order_by(cls.status.in_(FINAL_STATUSES).desc(), cls.created.desc())
            .first()
        )
        return row[0] if row else None

    @classmethod
    def for_hash(cls, resource_id: str, file_hash: str) -> ResourceValidation | None:
        return (
            model.Session.query(cls)
            .filter(cls.resource_id == resource_id, cls.file_hash == file_hash)
            .first()
        )


def dataset_status_of(statuses: set[str]) -> str | None:
    """The status of a dataset's files taken together (the "Conformité"
    facet and the overview): invalid if one file is invalid or unreadable,
    pending if one is being checked, valid if all the checked ones are
    valid; None without any checked file."""
    if not statuses:
        return None
    if statuses & set(FAILED_STATUSES):
        return INVALID
    if statuses & {PENDING, RUNNING}:
        return PENDING
    return VALID
