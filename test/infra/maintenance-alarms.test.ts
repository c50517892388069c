import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { GatewayStack } from '../../lib/gateway-stack.js';
import { METRICS_NAMESPACE } from '../../lib/gateway-node.js';
import { readSettings } from '../../lib/settings.js';

// The two alarms of planned maintenance (docs/maintenance.md): a switchover that fell back to a failover, and
// a host left DISABLED (out of service) for longer than the operator allows.

function synth(context: Record<string, unknown> = {}) {
  const a = new App({ outdir: mkdtempSync(path.join(tmpdir(), 'cdk-')), context: { 'aws:cdk:bundling-stacks': [], ...context } });
  return Template.fromStack(new GatewayStack(a, 'AlarmGateway', { settings: readSettings((k) => a.node.tryGetContext(k)) }));
}

type AlarmProps = {
  AlarmDescription: string;
  Namespace: string;
  MetricName: string;
  Dimensions: { Name: string; Value: string }[];
  Statistic: string;
  Period: number;
  Threshold: number;
  EvaluationPeriods: number;
  ComparisonOperator: string;
  TreatMissingData: string;
};
const alarmsOf = (t: Template) => Object.entries(t.findResources('AWS::CloudWatch::Alarm')).map(([id, r]) => ({ id, ...(r as { Properties: AlarmProps }).Properties }));
const alarm = (t: Template, id: string) => {
  const found = alarmsOf(t).filter((a) => a.id.includes(id));
  expect(found, `one alarm ${id}`).toHaveLength(1);
  return found[0]!;
};

describe('maintenance alarms', () => {
  const template = synth();

  it('raises SwitchoverNotCompletedAlarm as soon as one planned switchover timed out', () => {
    const a = alarm(template, 'SwitchoverNotCompletedAlarm');
    expect(a).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      MetricName: 'SwitchoverTimedOut',
      Dimensions: [{ Name: 'service', Value: 'failover-gateway' }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(a.AlarmDescription).toMatch(/planned switchover of the Primary did not complete within its bound/);
    expect(a.AlarmDescription).toMatch(/unplanned failover/);
  });

  it('raises HostDisabledTooLongAlarm after 240 minutes DISABLED by default', () => {
    const a = alarm(template, 'HostDisabledTooLongAlarm');
    expect(a).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      MetricName: 'LongestDisabledHostSeconds',
      Dimensions: [{ Name: 'service', Value: 'failover-gateway' }],
      Statistic: 'Maximum',
      Period: 300,
      Threshold: 240 * 60,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(a.AlarmDescription).toMatch(/DISABLED/);
    expect(a.AlarmDescription).toMatch(/240 minutes/);
  });

  it('takes the threshold from -c disabledHostAlarmMinutes', () => {
    const a = alarm(synth({ disabledHostAlarmMinutes: '90' }), 'HostDisabledTooLongAlarm');
    expect(a.Threshold).toBe(90 * 60);
    expect(a.AlarmDescription).toMatch(/90 minutes/);
    // cdk.json and programmatic context may give a number rather than a string.
    expect(alarm(synth({ disabledHostAlarmMinutes: 30 }), 'HostDisabledTooLongAlarm').Threshold).toBe(1800);
  });

  it.each(['0', '-5', '1.5', 'four hours', '', '1e9'])('refuses disabledHostAlarmMinutes=%j at synth time, naming the key', (value) => {
    expect(() => synth({ disabledHostAlarmMinutes: value })).toThrow(/context "disabledHostAlarmMinutes" must be a whole number of minutes from 1 to/);
  });
});
