import { describe, expect, it } from 'vitest';
import { auditDetailView, auditValueText } from '@/lib/audit/audit-diff';

describe('audit detail view', () => {
  it('lines up before and after key by key, changed keys first', () => {
    const view = auditDetailView({
      metric: 'replica_lag_bytes',
      before: { warning: 100, critical: 200, enabled: true },
      after: { warning: 150, critical: 200, enabled: false },
    });
    expect(view.fields).toEqual([
      { key: 'warning', before: 100, after: 150, changed: true },
      { key: 'enabled', before: true, after: false, changed: true },
      { key: 'critical', before: 200, after: 200, changed: false },
    ]);
    expect(view.other).toEqual({ metric: 'replica_lag_bytes' });
  });

  it('shows a create as keys with no before, and a delete as keys with no after', () => {
    expect(auditDetailView({ before: null, after: { name: 'pager' } }).fields).toEqual([{ key: 'name', before: undefined, after: 'pager', changed: true }]);
    expect(auditDetailView({ before: { name: 'pager' } }).fields).toEqual([{ key: 'name', before: 'pager', after: undefined, changed: true }]);
  });

  it('compares nested values by content', () => {
    const fields = auditDetailView({ before: { limits: { a: 1 } }, after: { limits: { a: 1 } } }).fields;
    expect(fields).toEqual([{ key: 'limits', before: { a: 1 }, after: { a: 1 }, changed: false }]);
  });

  it('leaves a detail without before or after as it is', () => {
    expect(auditDetailView({ reason: 'too many failed sign-ins' })).toEqual({ fields: null, other: { reason: 'too many failed sign-ins' } });
  });

  it('shows text bare, other values as JSON, and absence as a dash', () => {
    expect(auditValueText('tier free')).toBe('tier free');
    expect(auditValueText(5)).toBe('5');
    expect(auditValueText(null)).toBe('null');
    expect(auditValueText(undefined)).toBe('—');
  });
});
