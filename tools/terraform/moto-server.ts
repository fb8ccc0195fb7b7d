import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/** AWS services the rehearsal points at moto (everything the AWS-only layers call). */
export const REHEARSAL_SERVICES = [
  'amp',
  'autoscaling',
  'cloudwatch',
  'ec2',
  'ecr',
  'eks',
  'elasticache',
  'events',
  'iam',
  'kms',
  'logs',
  'opensearchserverless',
  'rds',
  's3',
  'secretsmanager',
  'sns',
  'sqs',
  'ssm',
  'sts',
] as const;

export interface MotoServer {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** True when a `moto_server` executable is on PATH. */
export function motoAvailable(binary = 'moto_server'): boolean {
  const probe = spawnSync(binary, ['--help'], { encoding: 'utf8' });
  return !probe.error && probe.status === 0;
}

/** Starts moto_server on 127.0.0.1 on a free port and waits until it answers. */
export interface MotoOptions {
  readonly binary?: string;
  readonly timeoutMs?: number;
}

export async function startMoto(options: MotoOptions = {}): Promise<MotoServer> {
  const { binary = 'moto_server', timeoutMs = 30_000 } = options;
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  // Its request log goes to a file, not a pipe: Terraform runs synchronously (spawnSync), so
  // nothing would drain a pipe, and moto blocks, silently, once the pipe's buffer is full.
  const logDir = mkdtempSync(path.join(tmpdir(), 'gpb-moto-'));
  const logFile = path.join(logDir, 'moto.log');
  const log = openSync(logFile, 'w');
  const child: ChildProcess = spawn(binary, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', log, log],
    // AWS managed policies (AmazonEKSWorkerNodePolicy, ...) exist, as they do in a real account.
    env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' },
  });
  closeSync(log);
  const logTail = () => readFileSync(logFile, 'utf8').slice(-4000);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited early (${child.exitCode}):\n${logTail()}`);
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  if (Date.now() >= deadline) {
    child.kill('SIGKILL');
    throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms:\n${logTail()}`);
  }
  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          rmSync(logDir, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null) return done();
        child.once('exit', done);
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}

/**
 * A Terraform override file that points the AWS provider at moto. It is written next to a
 * synthesized stack only in the rehearsal's own copy, so normal synth output never holds it.
 */
export function rehearsalOverride(endpoint: string): object {
  return {
    provider: {
      aws: {
        access_key: 'test',
        secret_key: 'test',
        skip_credentials_validation: true,
        skip_requesting_account_id: true,
        // Moto answers for its one default account; an environment pinned to its own account
        // (allowed_account_ids) is rehearsed there all the same. MOTO_ACCOUNT_ID is no way out:
        // moto's RDS then loses the instances it created (DescribeDBInstances finds none).
        allowed_account_ids: null,
        skip_metadata_api_check: true,
        s3_use_path_style: true,
        endpoints: [Object.fromEntries(REHEARSAL_SERVICES.map((s) => [s, endpoint]))],
      },
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
