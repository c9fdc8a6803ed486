"""The baseline for the throughput benchmark: a bare FastAPI app doing the same work with no middleware.

Served by the same server (uvicorn, uvloop, httptools, one worker) as the generated service. Its
/items/{id} does the same primary-key read through SQLAlchemy, so the ratio measures what the
service adds (middleware, logging, error model, ETag), not the database. Its pool is sized from
the rendered service's own DatabaseSettings defaults (run from the project directory, with the
project's interpreter), so both hold the same connections and neither pays for churn the other avoids.
"""

from __future__ import annotations

import sys
from pathlib import Path

import uvicorn
from fastapi import FastAPI, HTTPException
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

# The rendered project (the working directory) provides `app`: only its settings are used.
sys.path.insert(0, str(Path.cwd()))
from app.core.settings import DatabaseSettings

database = DatabaseSettings()
engine = create_async_engine(
    database.resolved_url,
    pool_size=database.pool_size,
    max_overflow=database.max_overflow,
    pool_timeout=database.pool_timeout_seconds,
    pool_recycle=database.pool_recycle_seconds,
)
app = FastAPI()


@app.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/items/{item_id}")
async def read_item(item_id: str) -> dict[str, object]:
    key: object = int(item_id) if item_id.isdigit() else item_id
    async with engine.connect() as connection:
        row = (await connection.execute(text("SELECT * FROM items WHERE id = :id"), {"id": key})).first()
    if row is None:
        raise HTTPException(status_code=404)
    return {name: str(value) for name, value in row._mapping.items()}


if __name__ == "__main__":
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=int(sys.argv[1]),
        loop="uvloop",
        http="httptools",
        access_log=False,
        log_level="warning",
    )
