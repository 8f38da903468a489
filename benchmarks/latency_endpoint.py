"""A loopback OpenAI-compatible chat endpoint with a fixed latency, for the batch benchmark.

Async (uvicorn), so that sixteen requests in flight each take the latency and nothing more;
answers are prepared before it starts serving. Run in its own process by bench_batch.py.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import Response

_TITLE = re.compile(r"Is (?P<compound>.+?) safe for (?P<condition>.+?) patients\?")


def serve(answers: dict[tuple[str, str], bytes], latency: float, conn: Connection) -> None:
    """Serve ``answers`` (keyed by compound and condition names) after ``latency`` seconds each."""
    app = FastAPI()
    calls = [0]

    @app.post("/v1/chat/completions")
    async def chat(request: Request) -> Response:
        body: dict[str, Any] = await request.json()
        m = _TITLE.search(body["messages"][0]["content"])
        assert m, "the system prompt names the pair"
        calls[0] += 1
        await asyncio.sleep(latency)
        return Response(answers[(m.group("compound"), m.group("condition"))], media_type="application/json")

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))

    async def main() -> None:
        task = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started:
            await asyncio.sleep(0.01)
        conn.send(f"http://127.0.0.1:{port}/v1")
        await asyncio.get_running_loop().run_in_executor(None, conn.recv)  # until the benchmark is done
        conn.send(calls[0])
        server.should_exit = True
        await task

    asyncio.run(main())


def prepared_answers(kb_dir: Path, prompts: Path, pages: int) -> dict[tuple[str, str], bytes]:
    """What a well-behaved model answers for each of the first ``pages`` pairs."""
    from pipeline import Workspace
    from pipeline.workspace import all_pairs
    from tests.fake_openai import completion
    from tests.llm_answers import good_answer

    ws = Workspace.open(kb_dir, prompts)
    return {
        (ws.kb.compounds[c].name, ws.kb.conditions[d].name): json.dumps(completion(good_answer(ws, c, d))).encode()
        for c, d in all_pairs(ws.kb)[:pages]
    }
