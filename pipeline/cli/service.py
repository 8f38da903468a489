"""`reviewgen report` (a personalized report on stdout) and `reviewgen serve` (the HTTP service).

`report` writes nothing anywhere: the Markdown goes to stdout, findings of a rejected report to
stderr (exit 1). Prefer `--patient FILE` (or `-` for stdin) to the per-field options for real
patient data: command-line arguments are visible to other users of the machine.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import IO, Any, TypeVar

import click
from pydantic import ValidationError

from pipeline.checks.findings import Severity
from pipeline.cli.base import CliError, data_options
from pipeline.errors import PipelineError

F = TypeVar("F", bound=Callable[..., Any])


@click.command("report")
@click.argument("compound")
@click.argument("condition")
@click.option("--medication", "medications", multiple=True, help="A medication the patient takes (repeatable).")
@click.option("--stage", default=None, help="Disease stage (one of the knowledge base's stages).")
@click.option("--concern", "concerns", multiple=True, help="An organ-function concern, e.g. kidneys (repeatable).")
@click.option("--question", default=None, help="A free-text question (answered only from curated facts).")
@click.option(
    "--patient",
    "patient_file",
    type=click.File("r"),
    default=None,
    help='JSON file ("-" for stdin) with {"medications", "stage", "concerns", "question"}; '
    "overrides the options above.",
)
@click.option("--drafter", type=click.Choice(["composer", "llm"]), default="composer", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print {status, markdown, findings} as JSON.")
@data_options
def report_command(
    compound: str,
    condition: str,
    medications: tuple[str, ...],
    stage: str | None,
    concerns: tuple[str, ...],
    question: str | None,
    patient_file: IO[str] | None,
    drafter: str,
    as_json: bool,
    knowledge: str | None,
    prompts: str | None,
    settings: str | None,
) -> None:
    """A personalized report for COMPOUND x CONDITION, printed as Markdown; nothing is written.

    \b
    Examples:
      reviewgen report ketamine als --medication Rilutek --concern breathing
      reviewgen report ketamine als --patient patient.json --json
    """
    from pipeline.personal import Patient, ReportBuilder, ReportStatus
    from pipeline.workspace import Workspace

    try:
        raw: Any = (
            json.load(patient_file)
            if patient_file
            else {"medications": list(medications), "stage": stage, "concerns": list(concerns), "question": question}
        )
        patient = Patient.model_validate(raw)
    except (ValueError, ValidationError) as exc:
        problems = (
            [".".join(map(str, e["loc"])) + ": " + e["msg"] for e in exc.errors()]
            if isinstance(exc, ValidationError)
            else [f"not valid JSON ({exc})"]
        )
        raise CliError("patient: " + "; ".join(problems)) from None
    try:
        ws = Workspace.open(knowledge, prompts, settings)
        built = ReportBuilder(ws, _drafter(drafter, ws)).build(compound, condition, patient)
    except PipelineError as exc:
        raise CliError(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(built.to_dict(), ensure_ascii=False, indent=2))
    elif built.markdown is not None:
        click.echo(built.markdown, nl=False)
    if built.status is ReportStatus.REJECTED:
        click.echo("rejected: the report failed the checks and is not shown", err=True)
        for finding in built.findings:
            if finding.severity is Severity.ERROR:
                click.echo(f"  {finding}", err=True)
        sys.exit(1)


def _drafter(name: str, ws: Any) -> Any:
    if name == "llm":
        from pipeline.drafting import get_drafter

        return get_drafter("llm", prompts_dir=ws.prompts_dir)
    return name


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Where the encrypted job database lives (overrides REVIEWGEN_DATA_DIR; default .reviewgen-data).",
)
@data_options
def serve_command(
    host: str, port: int, data_dir: str | None, knowledge: str | None, prompts: str | None, settings: str | None
) -> None:
    """Serve personalized reports over HTTP: POST /v1/reports, GET and DELETE /v1/reports/ID, GET /healthz.

    \b
    Configuration (environment variables):
      REVIEWGEN_API_TOKENS      comma-separated bearer tokens, 16+ characters each (required)
      REVIEWGEN_DATA_KEY        Fernet key(s) for patient data, newest first (a dev key is generated if unset)
      REVIEWGEN_DATA_DIR        job database directory (or --data-dir)
      REVIEWGEN_REPORT_TTL      seconds a report is kept (default 86400)
      REVIEWGEN_RATE_LIMIT      per-token rate, e.g. 60/minute
      REVIEWGEN_REPORT_DRAFTER  composer (default) or llm
      REVIEWGEN_WORKERS         build processes (default 1)
      REVIEWGEN_API_DOCS        1 to serve /docs and /redoc (they load scripts from a CDN)

    \b
    Example:
      REVIEWGEN_API_TOKENS=$(python -c 'import secrets; print(secrets.token_urlsafe(24))') \\
        reviewgen serve --port 8000 --data-dir /var/lib/reviewgen
    """
    import os

    import uvicorn

    from pipeline.service.app import Service, create_app
    from pipeline.service.config import ServiceConfig
    from pipeline.service.gate import configure_logging
    from pipeline.workspace import Workspace

    configure_logging()
    try:
        config = ServiceConfig.from_env({**os.environ, **({"REVIEWGEN_DATA_DIR": data_dir} if data_dir else {})})
        service = Service.open(config, Workspace.open(knowledge, prompts, settings), settings)
    except PipelineError as exc:
        raise CliError(str(exc)) from exc
    uvicorn.run(
        create_app(service),
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        server_header=False,
        proxy_headers=False,
        timeout_graceful_shutdown=10,
    )
