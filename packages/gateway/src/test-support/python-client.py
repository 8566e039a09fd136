"""Drives the gateway with OpenAI's official Python client; prints what it saw as one JSON object."""
import json
import sys

import openai

base_url, key = sys.argv[1], sys.argv[2]
client = openai.OpenAI(api_key=key, base_url=base_url, max_retries=0)
seen = {}

reply = client.chat.completions.create(
    model="openai:gpt-4o-mini",
    messages=[{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}],
)
seen["chat"] = {
    "content": reply.choices[0].message.content,
    "finish_reason": reply.choices[0].finish_reason,
    "total_tokens": reply.usage.total_tokens,
}

text, usage = "", None
for chunk in client.chat.completions.create(
    model="openai:gpt-4o-mini",
    messages=[{"role": "user", "content": "Stream it"}],
    stream=True,
    stream_options={"include_usage": True},
):
    if chunk.choices and chunk.choices[0].delta.content:
        text += chunk.choices[0].delta.content
    if chunk.usage:
        usage = chunk.usage.total_tokens
seen["stream"] = {"text": text, "total_tokens": usage}

try:
    openai.OpenAI(api_key="sk-aimux-wrong", base_url=base_url, max_retries=0).chat.completions.create(
        model="openai:gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}]
    )
except openai.AuthenticationError as error:
    seen["unauthorized"] = {"status": error.status_code, "code": error.code}

try:
    client.chat.completions.create(model="openai:gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}], n=2)
except openai.BadRequestError as error:
    seen["bad_request"] = {"status": error.status_code, "param": error.param}

seen["models"] = [model.id for model in client.models.list()]
print(json.dumps(seen))
