import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { FORMS, type FormName, synthForm } from './deployment-forms.js';

/**
 * AWS's CloudFormation validator (`@aws/cloudformation-validate`), the copy aws-cdk-lib ships and
 * runs itself at synth: resolved through aws-cdk-lib so the rules are always that version's (the
 * npm registry does not carry the release aws-cdk-lib bundles).
 */
type Diagnostic = { severity: string; ruleId: string; message: string; entity?: { logicalId?: string } };
type Engine = { validateTemplate(t: unknown): { diagnostics: Diagnostic[] }; free(): void };
const validate = createRequire(createRequire(import.meta.url).resolve('aws-cdk-lib'))('@aws/cloudformation-validate') as {
  CompositeEngine: new () => Engine;
  TemplateContent: new (content: string, name?: string) => unknown;
};

/**
 * Warnings kept, each from a resource CDK itself makes, not the project: its custom-resource
 * providers (the deployment trigger's, the cross-region references' readers and writers) depend on
 * their role and also name it by GetAtt (W3005). The project's own resources have none
 * (lib/gateway-function.ts drops the repeated dependency from every gateway function).
 */
const CDK_OWNED = /^(AWSCDKTriggerCustomResourceProvider|CustomCrossRegionExport(Reader|Writer)CustomResourceProvider|CustomCDKBucketDeployment|CustomS3AutoDeleteObjectsCustomResourceProvider)/;

describe("AWS's CloudFormation validator on every template of every form", () => {
  const engine = new validate.CompositeEngine(); // built once: it compiles its rules
  afterAll(() => engine.free());

  it.each(Object.keys(FORMS) as FormName[])(
    '%s: 0 errors, and no warning from the gateway own resources',
    (form) => {
      const { json } = synthForm(form);
      expect(json.size).toBeGreaterThan(1); // the edge stack and the gateway's
      for (const [name, template] of json) {
        const found = engine.validateTemplate(new validate.TemplateContent(JSON.stringify(template), name)).diagnostics;
        const errors = found.filter((d) => /error|fatal/i.test(d.severity));
        expect(errors.map((d) => `${name}: ${d.ruleId} ${d.entity?.logicalId} ${d.message}`)).toEqual([]);
        const ours = found.filter((d) => /warn/i.test(d.severity) && !(d.ruleId === 'W3005' && CDK_OWNED.test(d.entity?.logicalId ?? '')));
        expect(ours.map((d) => `${name}: ${d.ruleId} ${d.entity?.logicalId} ${d.message}`)).toEqual([]);
      }
    },
    180_000,
  );

  it('catches what it must: an account placeholder outside Fn::Sub is an error', () => {
    const broken = {
      Resources: {
        Key: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: { Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::\${AWS::AccountId}:root` }, Action: 'kms:*', Resource: '*' }] } } },
      },
    };
    const found = engine.validateTemplate(new validate.TemplateContent(JSON.stringify(broken), 'broken')).diagnostics;
    expect(found.some((d) => /error/i.test(d.severity))).toBe(true);
  });
});
