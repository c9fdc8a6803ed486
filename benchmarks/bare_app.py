"""The baseline for the throughput benchmark: a bare FastAPI app doing the same work with no middleware.

Served by the same server (uvicorn, uvloop, httptools, one worker) as the generated service. Its
/items/{id} does the same primary-key read through SQLAlchemy, so the ratio measures what the
service adds (middleware, logging, error model, ETag), not the database.
"""

from __future__ import annotations

import os
import sys

import uvicorn
from fastapi import FastAPI, HTTPException
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

engine = create_async_engine(os.environ["DATABASE_URL"], pool_size=10)
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
