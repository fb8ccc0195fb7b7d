import { describe, expect, it } from 'vitest';
import { LlmGateway, type LlmGatewayProps } from '../../../constructs/serving/llm-gateway';
import { checkEnvironment } from '../../../environments/validate';
import { gatewayRoutingProblems, routeTable } from '../../../model/rules/gateway';
import { BARE_GATEWAY, devWith, synthWith } from '../../helpers';

const small = { name: 'small', aliases: ['chat-small'] };
const large = { name: 'large', aliases: [] };
const embed = { name: 'embed', aliases: [], task: 'embed' as const };

describe("the gateway's routing rules, written once", () => {
  it('routes each name to one model: a name or alias claimed twice is refused where it is claimed again', () => {
    expect(
      gatewayRoutingProblems({ models: [small, { name: 'other', aliases: ['chat-small', 'small'] }] }).map((p) => [p.field, p.value]),
    ).toEqual([
      [['models', 1, 'aliases', 0], 'chat-small'],
      [['models', 1, 'aliases', 1], 'small'],
    ]);
    expect(gatewayRoutingProblems({ models: [small, small] })).toEqual([
      expect.objectContaining({ field: ['models', 1, 'name'], value: 'small' }),
      expect.objectContaining({ field: ['models', 1, 'aliases', 0], value: 'chat-small' }),
    ]);
    expect(routeTable([small, large]).get('chat-small')).toBe(small);
  });

  it('refuses fallbacks to unknown names, to themselves, across APIs, in two entries, and in cycles', () => {
    const fields = (fallbacks: { model: string; to: string[] }[]) =>
      gatewayRoutingProblems({ models: [small, large, embed], fallbacks }).map((p) => [p.field.join('.'), p.value, p.message]);
    expect(fields([{ model: 'gpt-9', to: ['large'] }])).toEqual([
      ['fallbacks.0.model', 'gpt-9', "must name a model or alias the gateway routes ('small', 'large', 'embed', 'chat-small')"],
    ]);
    expect(fields([{ model: 'small', to: ['chat-small'] }])).toEqual([
      ['fallbacks.0.to.0', 'chat-small', "is 'small' itself; a model cannot fall back to itself"],
    ]);
    expect(fields([{ model: 'small', to: ['embed'] }])).toEqual([
      ['fallbacks.0.to.0', 'embed', "serves embeddings and 'small' serves chat and completions; a fallback must serve the same API"],
    ]);
    expect(
      fields([
        { model: 'small', to: ['large'] },
        { model: 'chat-small', to: ['large'] },
      ]),
    ).toEqual([['fallbacks.1.model', 'chat-small', 'already has fallbacks; list every target in one entry']]);
    expect(
      fields([
        { model: 'small', to: ['large'] },
        { model: 'large', to: ['small'] },
      ]),
    ).toEqual([['fallbacks', ['small', 'large', 'small'], 'form a cycle (small -> large -> small); a failing request would go round']]);
    expect(fields([{ model: 'chat-small', to: ['large'] }])).toEqual([]);
  });

  it('needs an embedding model for the semantic cache, unique tenants and routed tenant models', () => {
    expect(gatewayRoutingProblems({ models: [small], semanticCache: { embeddingModel: 'small' } })).toEqual([
      {
        field: ['semanticCache', 'embeddingModel'],
        value: 'small',
        message: "must name a model with task: 'embed' the gateway routes (none declared; add one)",
      },
    ]);
    expect(gatewayRoutingProblems({ models: [small, embed], semanticCache: { embeddingModel: 'embed' } })).toEqual([]);
    const tenants = [{ name: 'a', models: ['chat-small', 'gpt-9'] }, { name: 'a' }];
    expect(gatewayRoutingProblems({ models: [small], tenants }).map((p) => p.field.join('.'))).toEqual([
      'tenants.0.models.1',
      'tenants.1.name',
    ]);
  });

  it('gives the same message in an environment file (at its field) and from LlmGateway (under its prop)', () => {
    const models = [
      { name: 'resnet', engine: 'triton', pool: 'dev-l4', parametersBillions: 0.05, dtype: 'fp16', maxReplicas: 1 },
      { name: 'small', pool: 'dev-l4', parametersBillions: 8, dtype: 'bf16', maxReplicas: 1 },
      { name: 'large', pool: 'dev-l4', parametersBillions: 8, dtype: 'bf16', maxReplicas: 1, aliases: ['small'] },
    ];
    const [problem] = gatewayRoutingProblems({
      models: [
        { name: 'small', aliases: [] },
        { name: 'large', aliases: ['small'] },
      ],
    });
    // The routed model 'large' is the environment's models[2] (the Triton model is not routed).
    const problems = checkEnvironment(devWith({ serving: { ...BARE_GATEWAY, models } }), 'dev');
    expect(problems).toContainEqual(
      expect.objectContaining({ path: 'serving.models[2].aliases[0]', value: 'small', allowed: problem.message }),
    );
    expect(problems).toHaveLength(1);
    const props: LlmGatewayProps = {
      models: ['small', 'large'].map((name) => ({
        server: { modelName: name, task: 'generate' as const, serviceName: `model-${name}`, namespace: 'gpb-serving', port: 8000 },
        aliases: name === 'large' ? ['small'] : [],
      })),
      masterKeySecretName: 'k',
      region: 'us-west-2',
    };
    expect(() => synthWith((scope) => new LlmGateway(scope, 'Gateway', props))).toThrow(
      `LlmGateway 'Gateway': 'models[1].aliases[0]' 'small' ${problem.message}`,
    );
  });

  it('reports a model name used twice once in an environment file, though two rules find it', () => {
    const models = ['small', 'small'].map((name) => ({ name, pool: 'dev-l4', parametersBillions: 8, dtype: 'bf16', maxReplicas: 1 }));
    const problems = checkEnvironment(devWith({ serving: { ...BARE_GATEWAY, models } }), 'dev');
    expect(problems).toEqual([
      expect.objectContaining({
        path: 'serving.models[1].name',
        value: 'small',
        allowed: 'is used by another model; names must be unique',
      }),
    ]);
  });
});
