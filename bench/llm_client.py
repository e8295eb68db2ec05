#!/usr/bin/env python3
"""bench/llm_client.py - the Python peer of bench/llm.sh: an asyncio
aiohttp client doing what `lt-run` does with `stream openai`: N
concurrent streams, each POSTing a chat completion and reading its SSE
answer event by event (TTFT, the gaps, usage), until R requests are done.

usage: llm_client.py URL CONCURRENCY REQUESTS
Prints one line: requests output_tokens errors
"""
import asyncio
import json
import sys
import time

import aiohttp

BODY = {
    "model": "bench",
    "stream": True,
    "stream_options": {"include_usage": True},
    "messages": [{"role": "user", "content": "one two three"}],
}


async def one(session, url, stats):
    t0 = time.monotonic()
    ttft = None
    last = None
    gaps = []
    out = 0
    done = False
    async with session.post(url, json=BODY) as resp:
        buf = b""
        async for chunk in resp.content.iter_any():
            now = time.monotonic()
            buf += chunk
            while b"\n\n" in buf:
                ev, buf = buf.split(b"\n\n", 1)
                for line in ev.split(b"\n"):
                    if not line.startswith(b"data:"):
                        continue
                    data = line[5:].strip()
                    if data == b"[DONE]":
                        done = True
                        continue
                    obj = json.loads(data)
                    usage = obj.get("usage")
                    if usage:
                        out = usage.get("completion_tokens", out)
                    choices = obj.get("choices") or []
                    if choices and (choices[0].get("delta") or {}).get("content"):
                        if ttft is None:
                            ttft = now - t0
                        else:
                            gaps.append(now - last)
                        last = now
    stats[0] += 1
    stats[1] += out
    if not done or ttft is None:
        stats[2] += 1


async def worker(session, url, left, stats):
    while left[0] > 0:
        left[0] -= 1
        await one(session, url, stats)


async def main():
    url, conc, reqs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    stats = [0, 0, 0]
    left = [reqs]
    conn = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=600)
    async with aiohttp.ClientSession(connector=conn, timeout=timeout) as s:
        await asyncio.gather(*(worker(s, url, left, stats) for _ in range(conc)))
    print(stats[0], stats[1], stats[2])


asyncio.run(main())
