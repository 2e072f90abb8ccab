import { describe, expect, it } from 'vitest';
import { auditExportHref, auditPageHref, localInputValue, parseAuditPageView, utcTimestamp } from '@/lib/audit/audit-page-view';

describe('audit page URL', () => {
  it('reads the form’s zone-less times as UTC', () => {
    expect(utcTimestamp('2026-12-01T09:30')).toBe('2026-12-01T09:30:00Z');
    expect(utcTimestamp('2026-12-01T09:30:15')).toBe('2026-12-01T09:30:15Z');
    expect(utcTimestamp('2026-12-01T09:30:00+02:00')).toBe('2026-12-01T09:30:00+02:00');
    expect(localInputValue('2026-12-01T09:30:00+02:00')).toBe('2026-12-01T07:30:00');
    expect(localInputValue(undefined)).toBe('');
  });

  it('turns the submitted form into a filter, blank fields ignored', () => {
    expect(parseAuditPageView({ actor: 'alice', action: '', target: '', result: 'refused', from: '2026-12-01T09:30', to: '' })).toEqual({
      ok: true,
      filter: { actor: 'alice', result: 'refused', from: '2026-12-01T09:30:00Z' },
    });
  });

  it('names the field a bad URL got wrong', () => {
    const view = parseAuditPageView({ from: 'yesterday' });
    expect(view).toMatchObject({ ok: false, field: 'from', raw: { from: 'yesterday' } });
  });

  it('links the export to the whole filter, not the page on screen', () => {
    const filter = { actor: 'alice', from: '2026-12-01T09:30:00Z', after: '77' };
    expect(auditExportHref(filter)).toBe('/api/audit?actor=alice&from=2026-12-01T09%3A30%3A00Z&format=csv');
    expect(auditPageHref(filter)).toBe('/audit?actor=alice&from=2026-12-01T09%3A30%3A00Z&after=77');
    expect(auditPageHref({})).toBe('/audit');
  });
});
