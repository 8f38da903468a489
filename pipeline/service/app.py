"""The HTTP API: queue a personalized report, read it, delete it. OpenAPI docs at /docs.

Every /v1 route needs ``Authorization: Bearer <token>``; a token sees only its own reports (any
other id is a 404, exactly like a missing one). Requests are validated before anything is stored:
unknown compound or condition is a 404 with close matches, a bad field a 422 naming it (without
echoing its value). Reports are built by the worker threads, never on the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from pipeline.checks.findings import Finding
from pipeline.drafting import get_drafter
from pipeline.errors import PatientInputError, UnknownEntityError
from pipeline.personal import Patient, ReportBuilder
from pipeline.service.auth import RateLimit, TokenAuth
from pipeline.service.config import ServiceConfig
from pipeline.service.gate import Gate
from pipeline.service.store import ReportStore, load_cipher
from pipeline.service.worker import BuilderSpec, Worker
from pipeline.version import __version__
from pipeline.workspace import Workspace

log = logging.getLogger("reviewgen.service")
_REPORT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class ReportRequest(BaseModel):
    """A compound x condition pair (ids, names or aliases) and the patient's context."""

    model_config = ConfigDict(extra="forbid")

    compound: Name
    condition: Name
    patient: Patient = Field(default_factory=Patient)


class Queued(BaseModel):
    """A report accepted for building."""

    id: str
    status: Literal["queued"] = "queued"


class ReportView(BaseModel):
    """A report's state; ``markdown`` only once it passed every check."""

    id: str
    status: Literal["queued", "running", "done", "rejected", "failed"]
    markdown: str | None = None
    findings: list[Finding] = Field(default_factory=list)


@dataclass
class Service:
    """Everything the routes share."""

    config: ServiceConfig
    store: ReportStore
    builder: ReportBuilder
    worker: Worker
    auth: TokenAuth
    limit: RateLimit
    dev_key: bool

    @classmethod
    def open(
        cls, config: ServiceConfig, ws: Workspace, settings: str | None = None, builder: ReportBuilder | None = None
    ) -> Service:
        """Open the store and check the drafter's settings; raises PipelineError subclasses on bad ones.

        Reports are built in separate processes that load the same workspace (``settings`` is the
        site-settings file it was opened with); given a ``builder``, they are built in threads with it.
        """
        cipher, dev_key = load_cipher(config.data_keys, config.data_dir)
        store = ReportStore(config.data_dir, cipher, config.ttl)
        if builder is None:
            if config.drafter == "llm":
                get_drafter("llm", prompts_dir=ws.prompts_dir)  # a missing key stops the server now
            spec = BuilderSpec(str(ws.kb.root), str(ws.prompts_dir), settings, config.drafter)
            worker = Worker(store, spec=spec, workers=config.workers, delay=config.test_delay)
        else:
            worker = Worker(store, builder=builder, workers=config.workers, delay=config.test_delay)
        # Requests are validated in the server process: names and stages need no drafter.
        validator = ReportBuilder(ws, "composer")
        return cls(config, store, validator, worker, TokenAuth(config.tokens), RateLimit(config.rate_limit), dev_key)


def create_app(service: Service) -> FastAPI:
    """The ASGI application over an opened service (its worker starts with the app)."""

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if service.dev_key:
            log.warning(
                f"REVIEWGEN_DATA_KEY is not set: patient data is encrypted with a generated development "
                f"key in {service.config.data_dir}; anyone who can read that directory can read it. "
                "Set REVIEWGEN_DATA_KEY to a Fernet key in production"
            )
        log.info("service started", extra={"resumed": service.worker.start()})
        sweeper = asyncio.create_task(_sweep(service))
        try:
            yield
        finally:
            sweeper.cancel()
            await asyncio.to_thread(service.worker.stop)
            service.store.close()
            log.info("service stopped")

    # /docs and /redoc load Swagger UI and ReDoc from a CDN: third-party code on the origin of a service that
    # handles patient data, and blank pages offline. Off unless REVIEWGEN_API_DOCS=1; /openapi.json is always
    # served (a plain document, no scripts) for any local viewer.
    docs = service.config.api_docs
    app = FastAPI(
        title="reviewgen personalized reports",
        version=__version__,
        lifespan=lifespan,
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
        description="Personalized safety-review reports from curated, cited facts. Patient data is "
        "encrypted at rest, never logged, and deleted on request or expiry.",
    )
    app.state.service = service
    _routes(app, service)
    _errors(app)
    app.add_middleware(
        Gate, max_body=service.config.max_body, authorized=lambda header: service.auth.owner(header) is not None
    )
    return app


async def _sweep(service: Service) -> None:
    """Purge expired reports now and then; reads also refuse expired ones in between."""
    interval = max(0.5, min(60.0, service.config.ttl / 2))
    while True:
        purged = await asyncio.to_thread(service.store.purge_expired)
        if purged:
            log.info("expired reports purged", extra={"job_status": f"purged {purged}"})
        await asyncio.sleep(interval)


_bearer = HTTPBearer(auto_error=False, description="One of the tokens in REVIEWGEN_API_TOKENS.")


def _owner(request: Request, _: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> str:
    """The caller's owner id: 401 without a valid token, 429 over the token's rate limit."""
    service: Service = request.app.state.service
    who = service.auth.owner(request.headers.get("authorization"))
    if who is None:
        raise HTTPException(
            401,
            "missing or invalid bearer token; send 'Authorization: Bearer <token>' with "
            "a token from REVIEWGEN_API_TOKENS",
            headers={"WWW-Authenticate": "Bearer"},
        )
    wait = service.limit.hit(who)
    if wait is not None:
        raise HTTPException(
            429,
            f"rate limit ({service.config.rate_limit} per token) reached; retry after {wait} s",
            headers={"Retry-After": str(wait)},
        )
    return who


Owner = Annotated[str, Depends(_owner)]


def _routes(app: FastAPI, service: Service) -> None:
    def not_found(report_id: str) -> HTTPException:
        return HTTPException(404, f"no report {report_id!r} for this token; it may have expired or been deleted")

    @app.get("/healthz", tags=["health"])
    def healthz() -> dict[str, object]:
        """Liveness, and whether the build processes have loaded (``ready``); no authentication, no data."""
        return {"status": "ok", "ready": service.worker.ready()}

    @app.post(
        "/v1/reports",
        status_code=202,
        response_model=Queued,
        tags=["reports"],
        responses={401: {}, 404: {}, 413: {}, 422: {}, 429: {}},
    )
    def create_report(body: ReportRequest, who: Owner) -> Queued:
        """Queue a personalized report for a compound x condition and the patient's context."""
        compound, condition = service.builder.resolve_pair(body.compound, body.condition)
        service.builder.stage(body.patient)
        request = {"compound": compound, "condition": condition, "patient": body.patient.model_dump(mode="json")}
        report_id = service.store.create(who, request)
        service.worker.submit(report_id)
        log.info("report queued", extra={"report_id": report_id, "job_status": "queued"})
        return Queued(id=report_id)

    @app.get(
        "/v1/reports/{report_id}", response_model=ReportView, tags=["reports"], responses={401: {}, 404: {}, 429: {}}
    )
    def get_report(report_id: str, who: Owner) -> ReportView:
        """The report's status; its Markdown once done, its findings when done or rejected."""
        job = service.store.get(report_id, who) if _REPORT_ID.fullmatch(report_id) else None
        if job is None:
            raise not_found(report_id[:64])
        result: dict[str, Any] = job.result or {}
        return ReportView(
            id=job.id,
            status=job.status,  # type: ignore[arg-type]
            markdown=result.get("markdown") if job.status == "done" else None,
            findings=[Finding.model_validate(f) for f in result.get("findings", [])],
        )

    @app.delete("/v1/reports/{report_id}", status_code=204, tags=["reports"], responses={401: {}, 404: {}, 429: {}})
    def delete_report(report_id: str, who: Owner) -> Response:
        """Delete the report and the patient's inputs now."""
        if not (_REPORT_ID.fullmatch(report_id) and service.store.delete(report_id, who)):
            raise not_found(report_id[:64])
        log.info("report deleted", extra={"report_id": report_id, "job_status": "deleted"})
        return Response(status_code=204)


def _errors(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        """422 naming each bad field, without echoing the value sent."""
        problems = []
        for error in exc.errors():
            loc = [str(p) for p in error.get("loc", ()) if p != "body"]
            field = ".".join(p for p in loc if not p.isdigit() or not error["type"].startswith("json")) or "body"
            problems.append({"field": field, "message": str(error.get("msg", "invalid"))})
        return JSONResponse({"detail": problems}, status_code=422)

    @app.exception_handler(PatientInputError)
    async def bad_patient(_: Request, exc: PatientInputError) -> JSONResponse:
        return JSONResponse({"detail": [{"field": exc.field, "message": str(exc)}]}, status_code=422)

    @app.exception_handler(UnknownEntityError)
    async def unknown(_: Request, exc: UnknownEntityError) -> JSONResponse:
        return JSONResponse({"detail": str(exc), "field": exc.kind, "suggestions": exc.suggestions}, status_code=404)
