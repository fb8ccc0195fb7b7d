import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TENANT_SYNC_SCRIPT } from '../../../constructs/serving/tenant-sync-script';

/**
 * A stand-in for the part of LiteLLM's admin API the script uses, with LiteLLM's answers for
 * unknown teams and keys (404) and for a wrong master key (401). Keeps teams and keys in memory;
 * GET /__state returns them with the calls made.
 */
const STUB = String.raw`
import json, sys, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
MASTER = sys.argv[1]
teams, keys, calls = {}, {}, []
class H(BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def reply(self, code, body=None):
        raw = json.dumps(body).encode()
        self.send_response(code); self.send_header("Content-Type", "application/json"); self.send_header("Content-Length", str(len(raw))); self.end_headers(); self.wfile.write(raw)
    def authorized(self):
        if self.headers.get("Authorization") != "Bearer " + MASTER:
            self.reply(401, {"error": "invalid key"}); return False
        return True
    def do_GET(self):
        u = urllib.parse.urlparse(self.path); q = dict(urllib.parse.parse_qsl(u.query))
        if u.path == "/health/readiness": return self.reply(200, {"status": "healthy"})
        if u.path == "/__state": return self.reply(200, {"teams": teams, "keys": keys, "calls": calls})
        if not self.authorized(): return
        calls.append("GET " + u.path)
        if u.path == "/team/info": return self.reply(200, teams[q["team_id"]]) if q.get("team_id") in teams else self.reply(404, {"error": "not found"})
        if u.path == "/key/info": return self.reply(200, keys[q["key"]]) if q.get("key") in keys else self.reply(404, {"error": "not found"})
        if u.path == "/team/list": return self.reply(200, list(teams.values()))
        self.reply(404)
    def do_POST(self):
        if not self.authorized(): return
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        calls.append("POST " + self.path)
        if self.path in ("/team/new", "/team/update"):
            if (self.path == "/team/new") == (body["team_id"] in teams): return self.reply(400, {"error": "exists or missing"})
            # As LiteLLM does (BerriAI/litellm PR #41828): the team endpoints drop max_parallel_requests.
            body.pop("max_parallel_requests", None)
            teams[body["team_id"]] = body; return self.reply(200, body)
        if self.path in ("/key/generate", "/key/update"):
            if (self.path == "/key/generate") == (body["key"] in keys): return self.reply(400, {"error": "exists or missing"})
            if body["team_id"] not in teams: return self.reply(400, {"error": "no such team"})
            keys[body["key"]] = body; return self.reply(200, body)
        if self.path == "/team/delete":
            for t in body["team_ids"]:
                teams.pop(t)
                for k in [k for k, v in keys.items() if v["team_id"] == t]: keys.pop(k)
            return self.reply(200, {})
        self.reply(404)
server = ThreadingHTTPServer(("127.0.0.1", 0), H)
print(server.server_address[1], flush=True)
server.serve_forever()
`;

type State = { teams: Record<string, Record<string, unknown>>; keys: Record<string, Record<string, unknown>>; calls: string[] };

describe('tenant sync script (against a stand-in for the LiteLLM admin API)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gpb-tenants-'));
  const script = path.join(dir, 'sync.py');
  let stub!: ChildProcess;
  let url = '';

  beforeAll(async () => {
    writeFileSync(script, TENANT_SYNC_SCRIPT);
    writeFileSync(path.join(dir, 'stub.py'), STUB);
    mkdirSync(path.join(dir, 'keys'));
    writeFileSync(path.join(dir, 'keys', 'search'), 'sk-search-0123456789\n');
    writeFileSync(path.join(dir, 'keys', 'assistant'), 'sk-assistant-0123456789');
    stub = spawn('python3', [path.join(dir, 'stub.py'), 'sk-master'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const port = await new Promise<string>((resolve) => stub.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())));
    url = `http://127.0.0.1:${port}`;
  });
  afterAll(() => stub?.kill());

  const run = (tenants: object[], master = 'sk-master') => {
    const file = path.join(dir, `tenants-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(tenants));
    return spawnSync('python3', [script], {
      env: {
        ...process.env,
        GATEWAY_URL: url,
        LITELLM_MASTER_KEY: master,
        TENANTS_FILE: file,
        KEYS_DIR: path.join(dir, 'keys'),
        READY_SECONDS: '5',
      },
      encoding: 'utf8',
    });
  };
  const state = async (): Promise<State> => (await fetch(`${url}/__state`)).json() as Promise<State>;
  const SEARCH = { name: 'search', models: ['chat-small', 'chat-large'], rpm: 600, tpm: 200000, parallel: 32 };
  const ASSISTANT = { name: 'assistant', models: ['chat-small'], rpm: 1200 };

  it('creates each tenant’s team with its models and limits, and registers its key to the team', async () => {
    const r = run([SEARCH, ASSISTANT]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('tenant search: team created, key registered');
    const s = await state();
    expect(s.teams.search).toMatchObject({
      team_id: 'search',
      models: ['chat-small', 'chat-large'],
      rpm_limit: 600,
      tpm_limit: 200000,
      metadata: { managed_by: 'gpu-platform-blueprint' },
    });
    expect(s.teams.assistant).toMatchObject({ rpm_limit: 1200, tpm_limit: null });
    // The concurrency cap lives on the tenant's one key, where LiteLLM enforces it.
    expect(s.keys['sk-search-0123456789']).toMatchObject({
      team_id: 'search',
      key_alias: 'search',
      models: ['chat-small', 'chat-large'],
      max_parallel_requests: 32,
    });
    expect(s.keys['sk-assistant-0123456789']).toMatchObject({ max_parallel_requests: null });
  });

  it('is idempotent: a second run updates in place instead of creating again', async () => {
    const r = run([{ ...SEARCH, rpm: 300 }, ASSISTANT]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('tenant search: team updated, key updated');
    const s = await state();
    expect(s.teams.search.rpm_limit).toBe(300);
    expect(Object.keys(s.keys)).toHaveLength(2);
  });

  it('deletes the teams (and so the keys) of tenants no longer declared, and only its own', async () => {
    // a team someone made by hand through the admin UI
    await fetch(`${url}/team/new`, {
      method: 'POST',
      headers: { Authorization: 'Bearer sk-master', 'Content-Type': 'application/json' },
      body: JSON.stringify({ team_id: 'manual', metadata: {} }),
    });
    const r = run([SEARCH]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('deleted teams no longer declared: assistant');
    const s = await state();
    expect(Object.keys(s.teams).sort()).toEqual(['manual', 'search']);
    expect(Object.keys(s.keys)).toEqual(['sk-search-0123456789']);
  });

  it('fails loudly when the master key is refused', () => {
    const r = run([SEARCH], 'sk-wrong');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('the gateway refused the master key');
  });

  it('fails when a tenant key is not a LiteLLM key', () => {
    writeFileSync(path.join(dir, 'keys', 'odd'), 'not-a-key');
    const r = run([{ name: 'odd', models: ['chat-small'], rpm: 1 }]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('the key of tenant odd does not start with sk-');
  });
});
