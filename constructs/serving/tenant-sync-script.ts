/**
 * The script the gateway's tenant Job runs (Python 3, standard library only, in the LiteLLM
 * image): it makes LiteLLM's teams and keys match the environment file. Kept here as text so the
 * ConfigMap carries exactly what the tests run (test/constructs/serving/tenant-sync.test.ts runs
 * it against a stand-in for LiteLLM's admin API).
 */
export const TENANT_SYNC_SCRIPT = String.raw`"""Make the gateway's teams and keys match the environment file (gpu-platform-blueprint).

Reads the declared tenants from TENANTS_FILE (JSON: name, models, rpm, tpm, parallel) and each
tenant's key from KEYS_DIR/<name>, and talks to LiteLLM's admin API at GATEWAY_URL with
LITELLM_MASTER_KEY. Idempotent: creates or updates each tenant's team (models, limits), registers
or updates its key, and deletes the teams it made earlier that the environment no longer
declares. Exits non-zero on any refusal, so the Job retries and its failure is visible.
"""
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

MANAGED_BY = "gpu-platform-blueprint"
BASE = os.environ["GATEWAY_URL"].rstrip("/")
MASTER = os.environ["LITELLM_MASTER_KEY"]
TENANTS_FILE = os.environ["TENANTS_FILE"]
KEYS_DIR = os.environ["KEYS_DIR"]
READY_SECONDS = int(os.environ.get("READY_SECONDS", "600"))


def call(method, path, body=None, query=None):
    url = BASE + path + ("?" + urllib.parse.urlencode(query) if query else "")
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={"Authorization": "Bearer " + MASTER, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        if error.code in (401, 403):
            sys.exit(f"{method} {path}: HTTP {error.code}: the gateway refused the master key")
        return error.code, None


def check(result, what):
    status, body = result
    if status >= 300:
        sys.exit(f"{what}: HTTP {status}")
    return body


def wait_until_ready():
    deadline = time.time() + READY_SECONDS
    while True:
        try:
            with urllib.request.urlopen(BASE + "/health/readiness", timeout=10) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        if time.time() > deadline:
            sys.exit(f"the gateway at {BASE} was not ready within {READY_SECONDS} s")
        time.sleep(5)


def main():
    with open(TENANTS_FILE, encoding="utf-8") as f:
        tenants = json.load(f)
    wait_until_ready()
    for t in tenants:
        name = t["name"]
        team = {
            "team_id": name,
            "team_alias": name,
            "models": t["models"],
            "rpm_limit": t["rpm"],
            "tpm_limit": t.get("tpm"),
            "metadata": {"managed_by": MANAGED_BY},
        }
        exists = call("GET", "/team/info", query={"team_id": name})[0] == 200
        check(call("POST", "/team/update" if exists else "/team/new", team), f"{'updating' if exists else 'creating'} team {name}")
        with open(os.path.join(KEYS_DIR, name), encoding="utf-8") as f:
            key = f.read().strip()
        if not key.startswith("sk-"):
            sys.exit(f"the key of tenant {name} does not start with sk-")
        # The concurrency cap goes on the tenant's one key: /team/new and /team/update drop
        # max_parallel_requests (LiteLLM never reads the team column), /key/* honour it.
        spec = {"key": key, "team_id": name, "key_alias": name, "models": t["models"], "max_parallel_requests": t.get("parallel"), "metadata": {"managed_by": MANAGED_BY}}
        known = call("GET", "/key/info", query={"key": key})[0] == 200
        check(call("POST", "/key/update" if known else "/key/generate", spec), f"{'updating' if known else 'registering'} the key of {name}")
        print(f"tenant {name}: team {'updated' if exists else 'created'}, key {'updated' if known else 'registered'}", flush=True)
    listed = check(call("GET", "/team/list"), "listing teams") or []
    declared = {t["name"] for t in tenants}
    stale = sorted(x["team_id"] for x in listed if (x.get("metadata") or {}).get("managed_by") == MANAGED_BY and x["team_id"] not in declared)
    if stale:
        check(call("POST", "/team/delete", {"team_ids": stale}), f"deleting teams {stale}")
        print(f"deleted teams no longer declared: {', '.join(stale)}", flush=True)
    print(f"{len(tenants)} tenant(s) in place", flush=True)


if __name__ == "__main__":
    main()
`;
