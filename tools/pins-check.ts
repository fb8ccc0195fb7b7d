/**
 * `npm run pins:check` (the pins workflow, on a runner with network, helm and docker): checks
 * every pin of model/pins.ts and the add-on catalog against its upstream (tools/pins/check.ts).
 * `--aws` adds the EKS add-on versions (needs AWS credentials). Exits 1 on any failure.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { type JsonObject, StackView, block, strings } from '../policies/engine/stack-view';
import { runCli, synthesize } from './synthesize';
import {
  ALL_CHART_PINS,
  ALL_IMAGE_PINS,
  checkAddons,
  checkChart,
  checkImage,
  checkRender,
  type PinResult,
  type PinsIo,
  summaryLine,
} from './pins/check';

const io: PinsIo = {
  async fetchText(url) {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
    return res.text();
  },
  run(command, args) {
    return execFileSync(command, [...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  },
};

runCli(async () => {
  const results: PinResult[] = [];
  for (const pin of ALL_CHART_PINS) results.push(await checkChart(pin, io));
  for (const pin of ALL_IMAGE_PINS) results.push(checkImage(pin, io));
  if (process.argv.includes('--aws')) results.push(...checkAddons(io));

  const work = mkdtempSync(path.join(tmpdir(), 'gpb-pins-'));
  try {
    const { stacks } = synthesize({ outdir: path.join(work, 'out') });
    const views = stacks.map((s) => new StackView(s.id, JSON.parse(readFileSync(path.join(s.dir, 'cdk.tf.json'), 'utf8')) as JsonObject));
    const restricted = new Set(
      views
        .flatMap((v) => v.resourcesOf('kubernetes_namespace_v1'))
        .flatMap((n) => {
          const meta = block(n.config.metadata);
          return block(meta?.labels)?.['pod-security.kubernetes.io/enforce'] === 'restricted' ? [String(meta?.name)] : [];
        }),
    );
    views.forEach((v) =>
      v.resourcesOf('helm_release').forEach((r, i) => {
        const values = strings(r.config.values);
        const files = values.map((doc, j) => {
          const f = path.join(work, `${v.id}-${i}-${j}.yaml`);
          writeFileSync(f, doc);
          return f;
        });
        const c = r.config;
        results.push(
          checkRender(
            {
              stack: v.id,
              name: String(c.name),
              repository: String(c.repository),
              chart: String(c.chart),
              version: String(c.version),
              namespace: String(c.namespace),
              values,
              restricted: restricted.has(String(c.namespace)),
            },
            files,
            io,
          ),
        );
      }),
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  for (const r of results) console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.what}: ${r.detail}`);
  console.log(summaryLine(results));
  if (results.some((r) => !r.ok)) process.exitCode = 1;
});
