import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';

/** AWS services the rehearsal points at moto (everything the network and cluster layers call). */
export const REHEARSAL_SERVICES = [
  'autoscaling', 'cloudwatch', 'ec2', 'ecr', 'eks', 'elasticache', 'events', 'iam', 'kms', 'logs',
  'rds', 's3', 'secretsmanager', 'sqs', 'ssm', 'sts',
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
export async function startMoto(binary = 'moto_server', timeoutMs = 30_000): Promise<MotoServer> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(binary, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited early (${child.exitCode}):\n${stderr}`);
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
    throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms:\n${stderr}`);
  }
  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
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
