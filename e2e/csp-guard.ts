import { test as base, expect } from '@playwright/test';

/**
 * A `test` whose `page` fails the test on any Content-Security-Policy
 * violation: what the browser logs ("Refused to execute inline script …") and
 * what it reports to the page (`securitypolicyviolation`), in every frame.
 * A spec opts in by importing `test` from here instead of @playwright/test.
 */

const CSP_CONSOLE_MESSAGE = /Content Security Policy|Refused to (execute|load|apply|connect|frame)/;

const REPORT_BINDING = '__shardscopeReportCspViolation';

export interface CspViolations {
  /** What was refused so far, one line each. */
  readonly seen: readonly string[];
  /** For a test that provokes a violation on purpose: takes the ones seen so far, so they do not fail it. */
  takeAll(): string[];
}

export const test = base.extend<{ cspViolations: CspViolations }>({
  cspViolations: [
    async ({ page }, use) => {
      const seen: string[] = [];
      page.on('console', (message) => {
        if (CSP_CONSOLE_MESSAGE.test(message.text())) seen.push(`console ${message.type()}: ${message.text()}`);
      });
      await page.exposeBinding(REPORT_BINDING, (_source, report: string) => {
        seen.push(`securitypolicyviolation: ${report}`);
      });
      // Injected by the browser's devtools protocol, so the page's own CSP does not apply to this script.
      await page.addInitScript((binding) => {
        document.addEventListener('securitypolicyviolation', (event) => {
          const report = (window as unknown as Record<string, (text: string) => void>)[binding];
          report(`${event.effectiveDirective} refused ${event.blockedURI || 'inline'} in ${event.documentURI} (${event.sourceFile}:${event.lineNumber})`);
        });
      }, REPORT_BINDING);
      await use({
        get seen() {
          return seen;
        },
        takeAll: () => seen.splice(0),
      });
      expect(seen, 'Content-Security-Policy violations on this page').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
